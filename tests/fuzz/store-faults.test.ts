import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineHost } from '../../src/backend/engine/engine-host';
import { createBackend } from '../../src/backend/services/backend';
import type { Backend } from '../../src/backend/services/backend';
import { encodeModelFile } from '../../src/digits/io/model-file';
import { tryModelBytes } from '../../src/digits/io/saved-model';
import { drawingsToInputBytes } from '../../src/digits/preprocess/strokes-file';
import { fakeTrainedModel, removeDirs, resourcesWithDefaultModel, tempDir } from '../backend/fixtures';
import { mountTinyDisk } from '../fixtures/tiny-disk';
import { diskProblem } from './ipc-requests';
import { fuzzParameters, inputsToTry, reportFigure, timeLimitFor } from './settings';

// Store states with injected faults. "A crash at step k": every call that changes the
// disk (open, write, fsync, rename, rm, mkdir, in node:fs and node:fs/promises) counts as
// a step, and at step k the process "dies": that call does nothing (or, for a write,
// writes only half its bytes) and every later one fails too, so no clean-up code runs,
// exactly as after a power cut or a kill. Then the folder is opened again as at start-up
// (createBackend: the store, the models folder's reconcile, the samples file) and must
// hold the old state or the new, with no valid entry dropped. "Disk full": the folder on
// a 64 KiB tmpfs with a random amount of room left. No source file has a test hook: the
// faults come from vi.mock of node:fs.

class SimulatedCrash extends Error {}
const faults = vi.hoisted(() => ({ crashAt: 0, steps: 0, crashed: false }));

function gated<A extends unknown[], R>(name: string, real: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    if (faults.crashAt === 0) return real(...args);
    if (faults.crashed) throw new SimulatedCrash(`dead: ${name}`);
    faults.steps++;
    if (faults.steps < faults.crashAt) return real(...args);
    faults.crashed = true;
    // Mid-write: half the bytes reach the file before the process dies.
    if (name === 'writeSync' && ArrayBuffer.isView(args[1])) {
      const [fd, buffer, offset = 0, length = (buffer as Uint8Array).length] = args as unknown as [number, Uint8Array, number?, number?];
      (real as unknown as (fd: number, b: Uint8Array, o: number, l: number) => number)(fd, buffer, offset, Math.floor(length / 2));
    }
    throw new SimulatedCrash(`crashed at step ${faults.steps} (${name})`);
  };
}

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const names = ['openSync', 'writeSync', 'fsyncSync', 'renameSync', 'rmSync', 'mkdirSync', 'writeFileSync', 'unlinkSync'] as const;
  const wrapped = Object.fromEntries(names.map((n) => [n, gated(n, fs[n] as (...args: unknown[]) => unknown)]));
  return { ...fs, ...wrapped, default: { ...fs, ...wrapped } };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const names = ['rm', 'rename', 'mkdir', 'writeFile', 'unlink'] as const;
  const wrapped = Object.fromEntries(names.map((n) => [n, gated(n, fs[n] as (...args: unknown[]) => unknown)]));
  return { ...fs, ...wrapped, default: { ...fs, ...wrapped } };
});

/** The engine's two small jobs run in this process: no child is needed to check files. */
const inProcessEngine = {
  tryModel: async (bytes: Uint8Array) => tryModelBytes(bytes),
  rasterise: async (drawings: Parameters<typeof drawingsToInputBytes>[0]) => drawingsToInputBytes(drawings),
  dispose: async () => undefined,
} as unknown as EngineHost;

const modelFile = encodeModelFile({ ...fakeTrainedModel(3), metadata: { name: 'crash test' } } as Parameters<typeof encodeModelFile>[0]);
const drawing = [[[10, 10], [40, 80], [70, 20]]];

type Op = { channel: string; payload: (state: State) => unknown; target?: (state: State) => string };
interface State {
  models: Map<string, string>;
  activeId: string;
  samples: string[];
}
const pick = <T>(list: T[], i: number, fallback: T): T => (list.length === 0 ? fallback : list[i % list.length]);

const operation = fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 20 })).chain(([i, name]) =>
  fc.constantFrom<Op>(
    { channel: 'models:rename', payload: (s) => ({ id: pick([...s.models.keys()], i, 'default'), name }) },
    { channel: 'models:delete', payload: (s) => ({ id: pick([...s.models.keys()], i, 'default') }) },
    { channel: 'models:setActive', payload: (s) => ({ id: pick([...s.models.keys()], i, 'default') }) },
    { channel: 'models:import', payload: () => ({ bytes: modelFile, fileName: 'crash.tgk' }) },
    { channel: 'personal:add', payload: () => ({ strokes: drawing, label: i % 10 }) },
    { channel: 'personal:delete', payload: (s) => ({ id: pick(s.samples, i, 's-none') }) },
    {
      channel: 'personal:import',
      payload: () => ({ text: JSON.stringify([{ id: `imp-${i % 3}`, label: 1, strokes: drawing }, { id: 'imp-x', label: 2, strokes: drawing }]) }),
    },
  ),
);

const storeCase = fc.record({
  imports: fc.nat({ max: 2 }),
  adds: fc.nat({ max: 3 }),
  op: operation,
  crashAt: fc.integer({ min: 1, max: 14 }),
});

type StoreCase = typeof storeCase extends fc.Arbitrary<infer T> ? T : never;

async function stateOf(backend: Backend): Promise<State> {
  const models = await backend.models.list();
  return {
    models: new Map(models.filter((m) => m.source !== 'default').map((m) => [m.id, m.name])),
    activeId: models.find((m) => m.active)?.id ?? 'default',
    samples: (await backend.personalSamples.list()).map((s) => s.id),
  };
}

const open = async (dir: string, resources: string): Promise<Backend> => {
  const backend = createBackend({ userDataDir: dir, resourcesDir: resources, engineHost: inProcessEngine, log: () => undefined });
  await backend.ready;
  return backend;
};

/** `after` is `before` or what `op` makes of it: nothing else lost, nothing else added. */
function oldOrNewProblem(before: State, after: State, op: Op, payload: unknown): string | undefined {
  const target = (payload as { id?: string; name?: string } | undefined)?.id;
  for (const [id, name] of before.models) {
    if (!after.models.has(id)) {
      if (op.channel === 'models:delete' && id === target) continue;
      return `model ${id} was lost`;
    }
    const newName = op.channel === 'models:rename' && id === target ? (payload as { name: string }).name.trim() : name;
    // A model whose delete was cut short comes back from its file, under its file's name.
    const deleteInterrupted = op.channel === 'models:delete' && id === target;
    if (!deleteInterrupted && after.models.get(id) !== name && after.models.get(id) !== newName) return `model ${id} is named "${after.models.get(id)}"`;
  }
  const added = [...after.models.keys()].filter((id) => !before.models.has(id));
  if (added.length > (op.channel === 'models:import' ? 1 : 0)) return `models appeared: ${added.join(', ')}`;
  const lostSamples = before.samples.filter((id) => !after.samples.includes(id) && !(op.channel === 'personal:delete' && id === target));
  if (lostSamples.length > 0) return `samples lost: ${lostSamples.join(', ')}`;
  const newSamples = after.samples.filter((id) => !before.samples.includes(id));
  const allowed = op.channel === 'personal:add' ? 1 : op.channel === 'personal:import' ? 2 : 0;
  if (newSamples.length > allowed) return `samples appeared: ${newSamples.join(', ')}`;
  if (op.channel === 'personal:import' && newSamples.length !== 0 && newSamples.length !== before.samples.length + 2 - before.samples.length) {
    const expected = ['imp-x', ...['imp-0', 'imp-1', 'imp-2']].filter((id) => !before.samples.includes(id));
    if (newSamples.some((id) => !expected.includes(id))) return `an import was applied in part: ${newSamples.join(', ')}`;
  }
  return undefined;
}

let resources: string;
const dirs: string[] = [];
const tally = { states: 0, crashes: 0, crashedMidOp: 0, diskFull: 0, lost: 0, unreadable: 0 };

beforeAll(async () => {
  resources = await resourcesWithDefaultModel();
  dirs.push(resources);
});
afterAll(async () => {
  faults.crashAt = 0;
  reportFigure(
    `store states: ${tally.states} tried (${tally.crashes} crashes at step k, ${tally.crashedMidOp} of them mid-request; ${tally.diskFull} on a full disk); ` +
      `${tally.unreadable} unreadable after reopening, ${tally.lost} data lost`,
  );
  await removeDirs(dirs);
});

/** Builds a state with unfaulted requests, then runs `op` under `fault`, then reopens the folder and compares. */
async function checkCase(dir: string, { imports, adds, op }: StoreCase, fault: () => void): Promise<string | undefined> {
  // Even on a disk too full for the first settings file, start-up opens (AppStore keeps the settings in memory and says so).
  const backend: Backend = await open(dir, resources);
  for (let i = 0; i < imports; i++) await backend.handle('models:import', { bytes: modelFile });
  for (let i = 0; i < adds; i++) await backend.handle('personal:add', { strokes: drawing, label: i });
  const before = await stateOf(backend);
  const payload = op.payload(before);
  fault();
  let answer: unknown;
  try {
    answer = await backend.handle(op.channel, payload);
  } catch (error) {
    answer = error;
  }
  if (faults.crashed) tally.crashedMidOp++;
  faults.crashAt = 0;
  faults.crashed = false;
  if (!(answer instanceof SimulatedCrash) && typeof answer !== 'object') return `${op.channel} answered ${String(answer)}`;
  // Start-up after the crash (or after the full disk, with the process still alive).
  const reopened = await open(dir, resources);
  const after = await stateOf(reopened);
  if (readdirSync(dir).some((f) => f.includes('.corrupt-') || f.includes('.unreadable'))) {
    tally.unreadable++;
    return `a file was set aside as unreadable: ${readdirSync(dir).join(', ')}`;
  }
  const problem = oldOrNewProblem(before, after, op, payload) ?? (await diskProblem(reopened, dir));
  if (problem) tally.lost++;
  return problem;
}

describe('store states with injected faults (fuzzed)', () => {
  const states = inputsToTry(500);
  const crashes = Math.ceil(states * 0.8);
  const fullDisks = states - crashes;

  it(`${crashes} crashes at step k of a request leave the old state or the new, nothing valid dropped`, async () => {
    await fc.assert(
      fc.asyncProperty(storeCase, async (c) => {
        tally.states++;
        tally.crashes++;
        const dir = await tempDir('fuzz-crash');
        try {
          const problem = await checkCase(dir, c, () => {
            faults.steps = 0;
            faults.crashed = false;
            faults.crashAt = c.crashAt;
          });
          expect(problem).toBeUndefined();
        } finally {
          faults.crashAt = 0;
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      fuzzParameters(crashes),
    );
  }, timeLimitFor(crashes, 200));

  const disk = mountTinyDisk('64k');
  afterAll(() => disk?.unmount());
  it.skipIf(!disk)(`${fullDisks} requests on a full disk (64 KiB tmpfs) leave the old state or the new, nothing valid dropped`, async () => {
    await fc.assert(
      fc.asyncProperty(storeCase, fc.integer({ min: 0, max: 40 * 1024 }), async (c, room) => {
        tally.states++;
        tally.diskFull++;
        const dir = join(disk!.dir, 'user-data');
        const filler = join(disk!.dir, 'filler');
        for (const name of readdirSync(disk!.dir)) rmSync(join(disk!.dir, name), { recursive: true, force: true });
        // Most of the disk taken, `room` bytes about left (tmpfs counts whole pages).
        try {
          writeFileSync(filler, new Uint8Array(Math.max(0, 60 * 1024 - room)));
        } catch {
          // Already full enough.
        }
        const problem = await checkCase(dir, c, () => undefined);
        expect(problem).toBeUndefined();
      }),
      fuzzParameters(fullDisks),
    );
  }, timeLimitFor(fullDisks, 500));
});
