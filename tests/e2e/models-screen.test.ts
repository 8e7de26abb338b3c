/**
 * The models screen in a real Chromium against the browser mode's real model store (a
 * temp data folder) and engine process: a bad file refused with its reason, a good one
 * imported, rename with validation, set active, delete with confirmation, export.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/digits/io/model-file';
import { describeArchitecture } from '../../src/engine/training/architecture';
import type { BrowserSession, RunningApp } from './harness';
import { REPORT_TIMEOUT_MS, artifactsDir, modelRowIds, root, startAppInBrowser } from './harness';
import { MIN_WINDOW_SIZE } from '../../src/shared/window-size';

let app: RunningApp;
let session: BrowserSession;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser({ viewport: MIN_WINDOW_SIZE, screen: 'models' }));
});

afterAll(async () => {
  await session?.finish('models');
  await app?.stop();
});

const rowIds = () => modelRowIds(session.page);
const activeIds = () =>
  session.page
    .locator('[data-testid^="model-row-"][data-active="true"]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));

describe('the models screen in a real Chromium (browser mode, real model store)', () => {
  it('lists the shipped default model, marked default and active, with its architecture and accuracy', async () => {
    const { page } = session;
    expect(await rowIds()).toEqual(['default']);
    const row = page.getByTestId('model-row-default');
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('default');
    // What the shipped file says, whichever model it is.
    const shipped = await loadModelFile(join(root, 'resources', 'default-model.tgk'));
    const accuracy = (shipped.metadata.metrics as { testAccuracy: number }).testAccuracy;
    expect(text).toContain(describeArchitecture(shipped.spec));
    expect(text).toContain(`${(accuracy * 100).toFixed(2)}%`);
    await page.getByTestId('active-mark-default').waitFor();
    // The built-in model can be neither renamed nor deleted.
    expect(await page.getByTestId('rename-default').isDisabled()).toBe(true);
    expect(await page.getByTestId('delete-default').isDisabled()).toBe(true);
  });

  it('refuses a file that is not a model with its reason, and the list stays as it was', async () => {
    const { page } = session;
    await page.getByTestId('import-input').setInputFiles({
      name: 'holiday-photo.tgk',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('this is not a model file at all'),
    });
    const error = page.getByTestId('import-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('holiday-photo.tgk is not a usable Tegaki model');
    expect(await rowIds()).toEqual(['default']);
  });

  it('imports a real model file as a new row, and the error goes', async () => {
    const { page } = session;
    await page.getByTestId('import-input').setInputFiles(join(root, 'resources', 'default-model.tgk'));
    await expect.poll(rowIds).toHaveLength(2);
    expect(await page.getByTestId('import-error').count()).toBe(0);
  });

  it('renames inline: an empty name is refused with a message, a good one is saved', async () => {
    const { page } = session;
    const id = (await rowIds()).find((r) => r !== 'default')!;
    await page.getByTestId(`rename-${id}`).click();
    const input = page.getByTestId(`rename-input-${id}`);
    await input.fill('   ');
    await input.press('Enter');
    await page.getByTestId(`rename-error-${id}`).waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');

    await input.fill('  My imported net ');
    await input.press('Enter');
    await expect.poll(() => page.getByTestId(`model-name-${id}`).textContent()).toBe('My imported net');
    // Focus is back on the Rename button for keyboard users.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(`rename-${id}`);

    // Escape leaves the name as it was.
    await page.getByTestId(`rename-${id}`).click();
    await page.getByTestId(`rename-input-${id}`).fill('not this');
    await page.getByTestId(`rename-input-${id}`).press('Escape');
    expect(await page.getByTestId(`model-name-${id}`).textContent()).toBe('My imported net');
  });

  it('moves the active mark with Set active, and survives a reload', async () => {
    const { page } = session;
    const id = (await rowIds()).find((r) => r !== 'default')!;
    await page.getByTestId(`set-active-${id}`).click();
    await expect.poll(activeIds).toEqual([`model-row-${id}`]);
    expect(await page.getByTestId(`set-active-${id}`).isDisabled()).toBe(true);
    expect(await page.getByTestId('active-mark-default').count()).toBe(0);
    await page.screenshot({ path: join(artifactsDir, 'models', 'models.png') }).catch(() => undefined);

    await page.reload();
    await page.getByTestId('tab-models').click();
    await expect.poll(activeIds).toEqual([`model-row-${id}`]);
  });

  it('exports a model file (to the data folder in browser mode)', async () => {
    const { page } = session;
    await page.getByTestId('export-default').click();
    const notice = page.getByTestId('notice').filter({ hasText: 'Exported to' });
    await notice.waitFor();
    const path = ((await notice.textContent()) ?? '')
      .replace(/^Exported to /, '')
      .replace(/×$/, '')
      .trim();
    expect(path.startsWith(app.dataDir)).toBe(true);
    expect(existsSync(path)).toBe(true);
  });

  it('opens the report of a model from its row', async () => {
    const { page } = session;
    const id = (await rowIds()).find((r) => r !== 'default')!;
    await page.getByTestId(`report-${id}`).click();
    await page.getByTestId(`report-panel-${id}`).getByTestId('report-table').waitFor({ timeout: REPORT_TIMEOUT_MS });
    expect(await page.getByTestId('report-model').inputValue()).toBe(id);
    await page.getByTestId('tab-models').click();
  });

  it('deletes only after confirmation; the default takes over as active', async () => {
    const { page } = session;
    const id = (await rowIds()).find((r) => r !== 'default')!;
    await page.getByTestId(`delete-${id}`).click();
    const dialog = page.getByTestId('confirm-delete');
    await dialog.waitFor();
    await page.getByTestId('confirm-delete-cancel').click();
    expect(await rowIds()).toContain(id);

    await page.getByTestId(`delete-${id}`).click();
    await page.getByTestId('confirm-delete-button').click();
    await expect.poll(rowIds).toEqual(['default']);
    await expect.poll(activeIds).toEqual(['model-row-default']);
  });
});
