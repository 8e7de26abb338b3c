/**
 * The end-to-end harness: Tegaki's browser mode (`src/web/server.ts`, the same
 * services as the Electron app with the engine as a child process) started as a real
 * process on a free port, and a real Chromium driven by playwright-core.
 *
 * Chromium comes from CHROME_PATH, else Debian's /usr/bin/chromium (.ci/run installs
 * it). Screenshots and a trace of every scenario go to artifacts/e2e/ (git-ignored).
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { afterEach } from 'vitest';
import { withDerivedValues } from '../../src/shared/derived-activations';
import type { InvokeChannel, RequestOf, ResponseOf, Result } from '../../src/shared/ipc/contract';
import { fromWire } from '../../src/shared/ipc/wire';
import { WINDOW_SIZE } from '../../src/shared/window-size';

export const root = resolve(import.meta.dirname, '..', '..');
export const artifactsDir = join(root, 'artifacts', 'e2e');

export function chromePath(): string {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) {
    throw new Error("no Chromium found: set CHROME_PATH, or install Debian's chromium (apt-get install chromium)");
  }
  return found;
}

/** Builds the renderer once if `out/renderer` is missing (CI builds before testing). */
export function ensureRendererBuilt(): void {
  if (existsSync(join(root, 'out', 'renderer', 'index.html'))) return;
  execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
}

export interface RunningApp {
  /** The address the server printed, with its start's token (`/?token=...`): what a person opens. */
  url: string;
  dataDir: string;
  server: ChildProcess;
  /** The engine child process's pid, once the server has started one. */
  enginePid(): number | undefined;
  stop(): Promise<void>;
}

/** `npm run web -- --port 0 --data DIR` as a real process; resolves when it prints its URL. */
export async function startApp(options: { dataDir?: string } = {}): Promise<RunningApp> {
  ensureRendererBuilt();
  const ownsData = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tegaki-e2e-')));
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/web/server.ts', '--port', '0', '--data', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.once('exit', (code) => reject(new Error(`the web server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    dataDir,
    server,
    enginePid() {
      try {
        const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.pid)], { encoding: 'utf8' });
        const pid = Number(pids.trim().split(/\s+/)[0]);
        return Number.isInteger(pid) && pid > 0 ? pid : undefined;
      } catch {
        return undefined;
      }
    },
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
      if (ownsData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page not yet reported: the test that was running fails with them. */
  pageErrors: string[];
  /** Saves a screenshot and the trace under artifacts/e2e/<name>/, then closes; fails on unreported page errors. */
  finish(name: string): Promise<void>;
}

const openSessions = new Set<BrowserSession>();

/** Takes a session's unreported page errors; throws them as one error if there were any. */
export function throwPageErrors(session: BrowserSession): void {
  const errors = session.pageErrors.splice(0);
  if (errors.length > 0)
    throw new Error(`uncaught error${errors.length > 1 ? 's' : ''} in the page:\n${errors.join('\n')}`);
}

// An uncaught error in the app's page fails the test during which it happened, even
// when the test's own assertions passed (registered in every e2e file that imports this;
// not in scripts/screenshots.ts, which uses the harness outside Vitest).
if (process.env.VITEST) {
  afterEach(() => {
    for (const session of openSessions) throwPageErrors(session);
  });
}

/**
 * Debian's Chromium, headless, with the flags this closed network needs and a fresh
 * profile (Playwright takes the profile folder as launchPersistentContext's argument).
 */
export async function launchChromium(options: {
  viewport?: { width: number; height: number };
  /** The OS language the page sees (navigator.languages). */
  locale?: string;
}): Promise<{ context: BrowserContext; userDataDir: string }> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'tegaki-chromium-'));
  const locale = options.locale ?? 'en-GB';
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromePath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--lang=${locale}`,
    ],
    viewport: options.viewport ?? WINDOW_SIZE,
    locale,
  });
  return { context, userDataDir };
}

/** A Chromium page on `url`, tracing for the artifacts. */
export async function openBrowser(url: string, viewport = WINDOW_SIZE): Promise<BrowserSession> {
  const { context, userDataDir } = await launchChromium({ viewport });
  await context.tracing.start({ screenshots: true, snapshots: true });
  const page = context.pages()[0] ?? (await context.newPage());
  const session: BrowserSession = {
    context,
    page,
    pageErrors: [],
    async finish(name) {
      openSessions.delete(session);
      const dir = join(artifactsDir, name);
      await mkdir(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'final.png') }).catch(() => undefined);
      await context.tracing.stop({ path: join(dir, 'trace.zip') }).catch(() => undefined);
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
      throwPageErrors(session);
    },
  };
  page.on('pageerror', (error) => {
    console.error(`page error: ${error.message}`);
    session.pageErrors.push(error.stack ?? error.message);
  });
  openSessions.add(session);
  await page.goto(url);
  return session;
}

/** Points as fractions of the canvas (0..1, y down); one inner array per stroke. */
export type FractionStroke = [number, number][];

/** Draws with real mouse drags on the draw canvas, in as many moves as the stroke has points (interpolated). */
export async function drawStrokes(page: Page, strokes: FractionStroke[], steps = 4): Promise<void> {
  const box = await page.getByTestId('draw-canvas').boundingBox();
  if (!box) throw new Error('draw-canvas is not visible');
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  for (const stroke of strokes) {
    const [sx, sy] = at(stroke[0]);
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    for (const point of stroke.slice(1)) {
      const [x, y] = at(point);
      await page.mouse.move(x, y, { steps });
    }
    await page.mouse.up();
  }
}

/** The ten bars' probabilities as the page holds them (NaN while there is no prediction). */
export async function readBars(page: Page): Promise<number[]> {
  return Promise.all(
    Array.from({ length: 10 }, async (_, digit) => {
      const value = await page.getByTestId(`prob-bar-${digit}`).getAttribute('data-probability');
      return value ? Number(value) : NaN;
    }),
  );
}

export async function predictedDigit(page: Page): Promise<string> {
  return ((await page.getByTestId('prediction-top').textContent()) ?? '').trim();
}

/** Clearly drawn digits, in canvas fractions. */
/** The harness's clearly drawn `digit`, shrunk by `scale` about the canvas centre and moved to centre x: digits side by side make a number. */
export function placedDigit(digit: string, x: number, scale = 0.6): FractionStroke[] {
  return digits[digit].map((stroke) =>
    stroke.map(([px, py]): [number, number] => [x + (px - 0.5) * scale, 0.5 + (py - 0.5) * scale]),
  );
}

/** The ids of the Models screen's rows, top to bottom. */
export async function modelRowIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid^="model-row-"]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.slice('model-row-'.length)));
}

export const digits: Record<string, FractionStroke[]> = {
  '0': [
    [
      [0.5, 0.2],
      [0.65, 0.3],
      [0.68, 0.5],
      [0.62, 0.72],
      [0.5, 0.8],
      [0.38, 0.72],
      [0.32, 0.5],
      [0.36, 0.3],
      [0.5, 0.2],
    ],
  ],
  '1': [
    [
      [0.5, 0.18],
      [0.5, 0.82],
    ],
  ],
  '2': [
    [
      [0.33, 0.32],
      [0.42, 0.2],
      [0.58, 0.2],
      [0.66, 0.32],
      [0.6, 0.48],
      [0.34, 0.8],
      [0.68, 0.8],
    ],
  ],
  '3': [
    [
      [0.34, 0.22],
      [0.62, 0.22],
      [0.48, 0.46],
      [0.64, 0.6],
      [0.6, 0.76],
      [0.36, 0.8],
    ],
  ],
  '4': [
    [
      [0.56, 0.2],
      [0.32, 0.6],
      [0.7, 0.6],
    ],
    [
      [0.6, 0.4],
      [0.6, 0.82],
    ],
  ],
  '7': [
    [
      [0.3, 0.2],
      [0.7, 0.2],
      [0.45, 0.82],
    ],
  ],
};

/**
 * Prints a measured figure and adds it to artifacts/e2e/figures.json, with whether it met
 * its bar. A figure never fails a test: how fast this machine is (or how busy) is not a
 * behaviour, so timing goals are reported, as the benchmark does, and judged by a person.
 */
export async function recordFigure(
  name: string,
  figure: Record<string, number | undefined>,
  bar?: { value: number | undefined; atMost: number },
): Promise<void> {
  const rounded = Object.fromEntries(
    Object.entries(figure).map(([k, v]) => [k, v === undefined ? v : Math.round(v * 10) / 10]),
  );
  const verdict =
    bar === undefined ? '' : bar.value !== undefined && bar.value <= bar.atMost ? ' (bar met)' : ' (BAR MISSED)';
  if (bar) rounded.barMet = bar.value !== undefined && bar.value <= bar.atMost ? 1 : 0;
  console.log(`[figure] ${name}: ${JSON.stringify(rounded)}${verdict}`);
  await mkdir(artifactsDir, { recursive: true });
  const file = join(artifactsDir, 'figures.json');
  const all = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>) : {};
  all[name] = { ...rounded, measuredAt: new Date().toISOString() };
  await writeFile(file, JSON.stringify(all, null, 2));
}

/**
 * How long a test waits for a report to appear: the first one in an engine process evaluates
 * MNIST's 10,000 test images and the 6,100 drawings of the drawn-digit figures (the drawings
 * drawn first), which a busy 2-core machine takes tens of seconds over.
 */
export const REPORT_TIMEOUT_MS = 90_000;

/**
 * The backend's last successful answer on `channel` as the page received it, read off the
 * wire, so a test can check what the screen shows against the engine's own numbers.
 */
export function lastAnswerOn<C extends InvokeChannel>(page: Page, channel: C): () => ResponseOf<C> | undefined {
  let last: ResponseOf<C> | undefined;
  const path = `/api/invoke/${encodeURIComponent(channel)}`;
  page.on('response', (response: Response) => {
    if (!response.url().includes(path)) return;
    void response
      .text()
      .then((text) => {
        const result = fromWire(text) as Result<ResponseOf<C>>;
        if (result.ok) last = result.value;
      })
      .catch(() => undefined);
  });
  return () => last;
}

/**
 * The last 'inspect:activations' answer off the wire with every layer's values: those it
 * left out (`derived`) computed from the layer before, as the page does (withDerivedValues).
 */
export function lastActivationsOn(page: Page): () => ResponseOf<'inspect:activations'> | undefined {
  const last = lastAnswerOn(page, 'inspect:activations');
  return () => {
    const answer = last();
    return answer && withDerivedValues(answer);
  };
}

/**
 * Starts measuring, in the page, from each pointerup on the canvas to the first moment the
 * element `testId` shows the answer to the drawing as it is after that pointerup (its
 * data-answered-version catches up with its data-drawing-version). `read()` gives the
 * latencies so far, in ms.
 */
export async function measurePointerUpLatencies(
  page: Page,
  testId: string,
): Promise<{ read: () => Promise<number[]> }> {
  await page.evaluate((id) => {
    const w = window as unknown as { __latencies: number[] };
    w.__latencies = [];
    const element = document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
    window.addEventListener(
      'pointerup',
      (event) => {
        // Only the pen leaving the canvas ends a stroke; clicks on buttons do not count.
        if (!(event.target as Element).closest('[data-testid="draw-canvas"]')) return;
        const t0 = performance.now();
        const before = Number(element.dataset.drawingVersion);
        const observer = new MutationObserver(() => {
          const drawing = Number(element.dataset.drawingVersion);
          if (drawing > before && element.dataset.answeredVersion === element.dataset.drawingVersion) {
            w.__latencies.push(performance.now() - t0);
            observer.disconnect();
          }
        });
        observer.observe(element, {
          attributes: true,
          attributeFilter: ['data-drawing-version', 'data-answered-version'],
        });
      },
      { capture: true },
    );
  }, testId);
  return { read: () => page.evaluate(() => [...(window as unknown as { __latencies: number[] }).__latencies]) };
}

/** The median and 95th percentile of a list of latencies. */
export function latencySummary(latencies: readonly number[]): { medianMs: number; p95Ms: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)], p95Ms: sorted[Math.ceil(sorted.length * 0.95) - 1] };
}

/** A training request of a second or two: enough to save a real model. */
export function smallTrainingRequest(
  name: string,
  overrides: Partial<RequestOf<'training:start'>['hyperparameters']> = {},
): RequestOf<'training:start'> {
  return {
    name,
    testSize: 500,
    hyperparameters: {
      hiddenLayers: [{ units: 32, activation: 'relu' }],
      init: 'he',
      loss: 'softmax-cross-entropy',
      optimizer: 'adam',
      learningRate: 0.01,
      batchSize: 64,
      epochs: 1,
      sampling: 'shuffle',
      weightDecay: 0,
      l1: 0,
      dropout: 0,
      seed: 1,
      trainSize: 3000,
      ...overrides,
    },
  };
}

/** Trains through the page's own window.tegaki API and resolves with the saved model's id. */
export async function trainThroughApi(page: Page, request: RequestOf<'training:start'>): Promise<string> {
  return page.evaluate(
    (req) =>
      new Promise<string>((resolve, reject) => {
        const stopDone = window.tegaki.training.onDone(({ model }) => {
          stopDone();
          stopError();
          resolve(model.id);
        });
        const stopError = window.tegaki.training.onError(({ error }) => {
          stopDone();
          stopError();
          reject(new Error(error.message));
        });
        void window.tegaki.training.start(req).then((r) => {
          if (!r.ok) reject(new Error(r.error.message));
        });
      }),
    request,
  );
}

/** Resolves once the drawing canvas is on the page, ready for a pen. */
export async function waitForCanvas(page: Page): Promise<void> {
  await page.getByTestId('draw-canvas').locator('canvas').first().waitFor();
}

/** What shows once a screen reached by its tab (`tab-<screen>`) is ready to use. */
const screenReady = { models: 'models-table', train: 'train-button' } as const;

/**
 * The browser mode and a Chromium page on it, ready to draw, or with `screen` on that
 * screen, ready to use.
 */
export async function startAppInBrowser(
  options: { dataDir?: string; viewport?: { width: number; height: number }; screen?: keyof typeof screenReady } = {},
): Promise<{ app: RunningApp; session: BrowserSession }> {
  const app = await startApp({ dataDir: options.dataDir });
  const session = await openBrowser(app.url, options.viewport);
  await waitForCanvas(session.page);
  if (options.screen) {
    await session.page.getByTestId(`tab-${options.screen}`).click();
    await session.page.getByTestId(screenReady[options.screen]).waitFor();
  }
  return { app, session };
}
