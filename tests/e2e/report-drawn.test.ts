/**
 * How the model reads drawn digits, on the report as a person reads it in a real Chromium
 * against the browser mode's real services and engine process: the shipped model's
 * accuracy on the bench's drawn digits, per style MNIST lacks, and its "not a digit"
 * rates, each shown as the engine's answer to the page says (read off the wire), the
 * held-out non-digits' rate also as the bench's function computes it here, in English
 * and Japanese.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/digits/io/saved-model';
import { rejectionTally } from '../../src/digits/synthetic/drawn-figures';
import { nonDigitDataset } from '../../src/digits/synthetic/non-digits';
import { MNIST_LACKING_STYLES } from '../../src/shared/drawn-evaluation';
import type { Evaluation } from '../../src/shared/ipc/contract';
import type { BrowserSession, RunningApp } from './harness';
import { REPORT_TIMEOUT_MS, artifactsDir, lastAnswerOn, recordFigure, root, startAppInBrowser } from './harness';
import { MIN_WINDOW_SIZE } from '../../src/shared/window-size';

const percent = (part: number, total: number): string => `${((part / total) * 100).toFixed(2)}%`;

let app: RunningApp;
let session: BrowserSession;
/** The backend's answer to the page's 'evaluate', as the engine process computed it. */
let lastEvaluation: () => Evaluation | undefined;
const fromEngine = (): Evaluation => {
  const evaluation = lastEvaluation();
  if (!evaluation) throw new Error("no 'evaluate' answer reached the page");
  return evaluation;
};

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser({ viewport: MIN_WINDOW_SIZE }));
  lastEvaluation = lastAnswerOn(session.page, 'evaluate');
});

afterAll(async () => {
  await session?.finish('report-drawn');
  await app?.stop();
});

describe('drawn digits and "not a digit" on the report screen, in a real Chromium (browser mode, real engine process)', () => {
  it("shows the built-in model's drawn-digit accuracy for each of the six styles MNIST lacks, as the engine returns it", async () => {
    const { page } = session;
    const started = Date.now();
    await page.getByTestId('tab-report').click();
    const section = page.getByTestId('report-drawn');
    await section.waitFor({ timeout: REPORT_TIMEOUT_MS });
    await recordFigure('report: tab click to the report with its drawn digits', { ms: Date.now() - started });
    await expect.poll(() => lastEvaluation()?.modelId).toBe('default');
    const { drawn } = fromEngine();

    expect(drawn.total).toBe(5_000);
    expect(await section.getByTestId('drawn-summary').textContent()).toBe(
      `${percent(drawn.right, drawn.total)} of 5,000 digits drawn on a canvas read right.`,
    );
    const rows = await section.getByTestId('drawn-style-row').evaluateAll((trs) =>
      trs.map((tr) => ({
        style: tr.getAttribute('data-style'),
        right: Number(tr.getAttribute('data-right')),
        total: Number(tr.getAttribute('data-total')),
        cells: [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent),
      })),
    );
    expect(rows.map((row) => row.style)).toEqual([...MNIST_LACKING_STYLES]);
    expect(rows.map(({ style, right, total }) => ({ style, right, total }))).toEqual(
      drawn.styles.map(({ style, right, total }) => ({ style, right, total })),
    );
    for (const row of rows) {
      expect(row.total).toBeGreaterThan(0);
      expect(row.cells.slice(1)).toEqual([percent(row.right, row.total), row.total.toLocaleString('en-US')]);
    }
    expect(rows.map((row) => row.cells[0])).toEqual([
      'Slashed 0',
      'Continental 1',
      'Continental 1 with a base',
      'Open-top 4',
      'Crossed 7',
      '9 with a straight stem',
    ]);
    expect(await section.textContent()).toContain('These drawings are synthetic');
    await section.screenshot({ path: join(artifactsDir, 'report-drawn', 'drawn.png') }).catch(() => undefined);
  });

  it('shows the share of held-out non-digits, drawn digits and test digits it calls "not a digit", as the engine returns it', async () => {
    const { page } = session;
    const { notADigit } = fromEngine();
    expect(notADigit).not.toBeNull();
    const shown = async (set: string) => {
      const row = page.getByTestId(`not-a-digit-${set}`);
      return {
        rejected: Number(await row.getAttribute('data-rejected')),
        total: Number(await row.getAttribute('data-total')),
        cells: await row.locator('th, td').allTextContents(),
      };
    };
    const heldOut = await shown('heldOutNonDigits');
    expect({ rejected: heldOut.rejected, total: heldOut.total }).toEqual(notADigit!.heldOutNonDigits);
    // The bench's own count for the same file (npm run bench -- --only drawn).
    const { model, metadata } = await loadModel(join(root, 'resources', 'default-model.tgk'));
    const bench = rejectionTally(model, metadata.rejection!, nonDigitDataset('held-out'));
    expect(notADigit!.heldOutNonDigits).toEqual({ rejected: bench.rejected, total: bench.total });
    // The model file's own record of its threshold: it turned away these drawn digits when it was fitted.
    expect(notADigit!.drawnDigits.rejected).toBe(metadata.rejection!.digitRejection.drawn.rejected);
    expect(heldOut.rejected).toBeGreaterThan(0);
    expect(heldOut.cells).toEqual([
      'Held-out non-digits',
      percent(notADigit!.heldOutNonDigits.rejected, notADigit!.heldOutNonDigits.total),
      `${notADigit!.heldOutNonDigits.rejected.toLocaleString('en-US')} of ${notADigit!.heldOutNonDigits.total.toLocaleString('en-US')}`,
    ]);
    for (const set of ['mnistTest', 'drawnDigits'] as const) {
      const row = await shown(set);
      expect({ rejected: row.rejected, total: row.total }, set).toEqual(notADigit![set]);
      expect(row.cells[1], set).toBe(percent(notADigit![set].rejected, notADigit![set].total));
    }
    expect((await shown('mnistTest')).total).toBe(10_000);
    await recordFigure('report: held-out non-digits said "not a digit"', {
      percent: (notADigit!.heldOutNonDigits.rejected / notADigit!.heldOutNonDigits.total) * 100,
    });
  });

  it('says the same in Japanese', async () => {
    const { page } = session;
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('language-select').selectOption('ja');
    await page.getByTestId('tab-report').click();
    const section = page.getByTestId('report-drawn');
    await section.waitFor();
    try {
      await expect.poll(() => section.locator('h4').textContent()).toBe('手描きの数字');
      expect(await section.getByTestId('drawn-style-row').first().locator('th').textContent()).toBe('斜線入りの 0');
      const { heldOutNonDigits } = fromEngine().notADigit!;
      expect(await page.getByTestId('not-a-digit-heldOutNonDigits').locator('th, td').allTextContents()).toEqual([
        '取り分けた非数字',
        percent(heldOutNonDigits.rejected, heldOutNonDigits.total),
        `${heldOutNonDigits.total.toLocaleString('ja')} 件中 ${heldOutNonDigits.rejected.toLocaleString('ja')} 件`,
      ]);
    } finally {
      await page.getByTestId('tab-settings').click();
      await page.getByTestId('language-select').selectOption('en');
    }
  });
});
