/**
 * Training on one's own drawings from the training screen, in a real Chromium against
 * the browser mode's real services and engine child process: with no samples the
 * personal modes are offered but disabled; after correcting a few drawings, fine-tuning
 * the active model reports accuracy on the held-out drawings next to the MNIST test
 * accuracy, in the outcome bar and in the new model's report.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession, FractionStroke, RunningApp } from './harness';
import { artifactsDir, digits, drawStrokes, predictedDigit, startAppInBrowser, waitForCanvas } from './harness';

let app: RunningApp;
let session: BrowserSession;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser());
});

afterAll(async () => {
  await session?.finish('personal-training');
  await app?.stop();
});

/** The same digit a little to the right, so a second drawing of it is not a copy of the first. */
const shifted = (strokes: FractionStroke[], dx: number): FractionStroke[] =>
  strokes.map((stroke) => stroke.map(([x, y]): [number, number] => [x + dx, y]));

/** Draws on a clear canvas, waits for the prediction, and saves the drawing as `label`. */
async function drawAndCorrect(strokes: FractionStroke[], label: number, countAfter: number): Promise<void> {
  const { page } = session;
  await page.getByTestId('clear-button').click();
  await expect.poll(() => predictedDigit(page)).toBe('');
  await drawStrokes(page, strokes);
  await expect.poll(() => predictedDigit(page), { timeout: 10_000 }).not.toBe('');
  await page.getByTestId(`correct-${label}`).click();
  await expect
    .poll(() => page.getByTestId('notice').last().textContent())
    .toContain(`Saved as a ${label} in your samples (${countAfter} of that digit)`);
}

describe('training on my samples from the training screen (browser mode, real engine process)', () => {
  it('with no samples, only "MNIST only" can be chosen, and the form says why', async () => {
    const { page } = session;
    await page.getByTestId('tab-train').click();
    const counts = page.getByTestId('personal-counts');
    await expect.poll(() => counts.getAttribute('data-total')).toBe('0');
    await page.getByTestId('personal-empty').waitFor();
    expect(await page.getByTestId('personal-mode-none').isChecked()).toBe(true);
    expect(await page.getByTestId('personal-mode-include').isDisabled()).toBe(true);
    expect(await page.getByTestId('personal-mode-fine-tune').isDisabled()).toBe(true);
    // The hint is tied to the choices, so a screen reader hears why they are unavailable.
    const hintId = await page.getByTestId('personal-empty').getAttribute('id');
    expect(await page.getByRole('radiogroup', { name: 'My samples' }).getAttribute('aria-describedby')).toBe(hintId);
  });

  it('fine-tunes the active model on corrected drawings and shows accuracy on the held-out ones', async () => {
    const { page } = session;
    await page.getByTestId('tab-draw').click();
    await waitForCanvas(page);
    // Two of each digit, so the personal test split holds one of each out.
    for (const digit of ['4', '7', '3'] as const) {
      await drawAndCorrect(digits[digit], Number(digit), 1);
      await drawAndCorrect(shifted(digits[digit], 0.06), Number(digit), 2);
    }

    await page.getByTestId('tab-train').click();
    const counts = page.getByTestId('personal-counts');
    await expect.poll(() => counts.getAttribute('data-total')).toBe('6');
    expect(await counts.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-count')))).toEqual(
      ['0', '0', '0', '2', '2', '0', '0', '2', '0', '0'],
    );
    expect(await page.getByTestId('personal-empty').count()).toBe(0);

    await page.getByTestId('personal-mode-fine-tune').check();
    await expect.poll(() => page.getByTestId('train-button').textContent()).toBe('Fine-tune');
    // The weight and split are validated like every other field.
    await page.getByTestId('field-personal.testSplit').fill('0.95');
    await expect
      .poll(() => page.getByTestId('field-error-personal.testSplit').textContent())
      .toBe('Must be at most 0.9.');
    await page.getByTestId('field-personal.testSplit').fill('0.5');
    expect(await page.getByTestId('field-error-personal.testSplit').count()).toBe(0);
    const group = page.getByTestId('personal-group');
    await group.scrollIntoViewIfNeeded();
    await group.screenshot({ path: join(artifactsDir, 'personal-training', 'form.png') }).catch(() => undefined);

    await page.getByTestId('train-button').click();
    const outcome = page.getByTestId('training-outcome');
    await outcome.waitFor({ timeout: 150_000 });
    const personalInOutcome = outcome.getByTestId('personal-test-accuracy');
    await personalInOutcome.waitFor();
    expect(await personalInOutcome.textContent()).toMatch(/^Your drawings: \d{1,3}\.\d% \(3 held out\)$/);
    expect(await outcome.textContent()).toMatch(/on the test set/);

    // On the training tab, the finished job opens its report; its summary says the same.
    const summary = page.getByTestId('report-summary');
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.textContent()).toMatch(/accuracy on 10000 test images/);
    const personalInReport = summary.getByTestId('personal-test-accuracy');
    await personalInReport.waitFor();
    expect(await personalInReport.textContent()).toBe(await personalInOutcome.textContent());
    expect(await personalInReport.getAttribute('data-accuracy')).toBe(
      await personalInOutcome.getAttribute('data-accuracy'),
    );
  });
});
