/**
 * The app's manners, checked in a real Chromium: it fits 1024x700, follows the OS's
 * light or dark theme and language, and every screen's controls are reachable by
 * keyboard alone.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession, RunningApp } from './harness';
import { artifactsDir, launchChromium, startAppInBrowser, waitForCanvas } from './harness';
import { MIN_WINDOW_SIZE } from '../../src/shared/window-size';

/** The tab bar's tabs in order, as the page has them. */
async function tabIds(page: Page): Promise<string[]> {
  return page
    .locator('[role="tab"]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!.replace(/^tab-/, '')));
}

let app: RunningApp;
let session: BrowserSession;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser({ viewport: MIN_WINDOW_SIZE }));
});

afterAll(async () => {
  await session?.finish('quality');
  await app?.stop();
});

/** Relative luminance of a computed CSS colour, 0 (black) to 1 (white). */
async function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    // The page background is painted on the root element; the body is transparent.
    const [r, g, b] = getComputedStyle(document.documentElement)
      .backgroundColor.match(/\d+(\.\d+)?/g)!
      .map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  });
}

describe('layout, theme, language and keyboard (Chromium)', () => {
  it('every screen fits 1024x700 without sideways scrolling', async () => {
    const { page } = session;
    const tabs = await tabIds(page);
    expect(tabs).toEqual(expect.arrayContaining(['draw', 'train', 'report', 'models', 'settings']));
    for (const tab of tabs) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `the ${tab} screen is wider than the window`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(artifactsDir, 'quality', `${tab}-1024x700.png`) });
    }
    await page.getByTestId('tab-draw').click();
    const canvas = (await page.getByTestId('draw-canvas').boundingBox())!;
    expect(canvas.width).toBeGreaterThanOrEqual(200);
    expect(canvas.y + canvas.height).toBeLessThanOrEqual(700);
    for (let digit = 0; digit < 10; digit++)
      await expect(page.getByTestId(`prob-bar-${digit}`).isVisible()).resolves.toBe(true);
  });

  it('follows the OS theme: dark background in dark mode, light in light mode', async () => {
    const { page } = session;
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await backgroundLuminance(page)).toBeLessThan(0.2);
    await page.screenshot({ path: join(artifactsDir, 'quality', 'dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);
  });

  it('reaches every screen and its main controls by keyboard alone', async () => {
    const { page } = session;
    await page.reload();
    await waitForCanvas(page);
    const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    // Tab from the top of the page to the selected tab, then arrow keys between tabs.
    for (let i = 0; i < 20 && (await focusedTestId()) !== 'tab-draw'; i++) await page.keyboard.press('Tab');
    expect(await focusedTestId()).toBe('tab-draw');
    const tabs = await tabIds(page);
    await page.keyboard.press('ArrowRight');
    expect(await focusedTestId()).toBe(`tab-${tabs[1]}`);
    expect(await page.getByTestId(`tab-${tabs[1]}`).getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('tab-train').click();

    // From the train tab, Tab reaches the start button.
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await focusedTestId()) === 'train-button';
    }
    expect(reached, 'Tab never reached the train button').toBe(true);

    await page.getByTestId('tab-train').focus();
    await page.keyboard.press('End');
    expect(await focusedTestId()).toBe(`tab-${tabs.at(-1)}`);
    await page.keyboard.press('Home');
    expect(await focusedTestId()).toBe('tab-draw');

    // The drawing commands have shortcuts and focusable buttons.
    for (const id of ['undo-button', 'redo-button', 'clear-button', 'pen-button', 'eraser-button', 'brush-size']) {
      expect(await page.getByTestId(id).evaluate((el) => (el as HTMLElement).tabIndex >= 0)).toBe(true);
    }
  });

  it('speaks Japanese on a Japanese OS, and the setting switches it', async () => {
    const { context, userDataDir: profile } = await launchChromium({
      locale: 'ja-JP',
      viewport: MIN_WINDOW_SIZE,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(app.url);
      await waitForCanvas(page);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
      const japanese = await page.getByTestId('tab-draw').textContent();
      expect(japanese).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/);
      await page.screenshot({ path: join(artifactsDir, 'quality', 'japanese.png') });

      await page.getByTestId('tab-settings').click();
      await page.getByTestId('language-select').selectOption('en');
      await expect.poll(() => page.getByTestId('tab-draw').textContent()).toBe('Draw');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});
