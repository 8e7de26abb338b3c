import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { encodeModelFile } from '../../src/digits/io/model-file';
import { decodeModelFile } from '../../src/digits/io/model-file';
import { modelToOnnx } from '../../src/digits/io/onnx/export-onnx';
import type { Backend } from '../../src/backend/services/backend';
import { PERSONAL_SAMPLES_FILE } from '../../src/backend/services/personal-samples';
import { errorCodes, invokeContract, isInvokeChannel } from '../../src/shared/ipc/contract';
import type { Result } from '../../src/shared/ipc/contract';
import { fakeTrainedModel, smallHyperparameters } from '../backend/fixtures';

/**
 * IPC requests as the renderer sends them, valid and mutated, for the backend's fuzzing
 * (ipc.test.ts through backend.handle, http.test.ts through the browser mode's API).
 * A request names its ids by position (`pick`) and gets them from what exists when it
 * is sent, so a sequence renames, deletes and predicts with models and samples that are
 * really there.
 */
export interface Existing {
  modelIds: string[];
  sampleIds: string[];
  jobIds: string[];
}

export interface FuzzRequest {
  channel: string;
  payload: (existing: Existing) => unknown;
  /** Built to pass its schema (it may still fail: a deleted id, the default read-only). */
  valid: boolean;
}

const pickFrom = (list: string[], pick: number, fallback: string): string => (list.length === 0 ? fallback : list[pick % list.length]);
const modelId = fc.tuple(fc.nat(), fc.nat({ max: 9 })).map(([pick, miss]) => (e: Existing) => (miss === 0 ? 'm-not-here' : pickFrom(e.modelIds, pick, 'default')));
const sampleId = fc.tuple(fc.nat(), fc.nat({ max: 9 })).map(([pick, miss]) => (e: Existing) => (miss === 0 ? 's-not-here' : pickFrom(e.sampleIds, pick, 's-none')));

/** Values a schema must refuse wherever they stand: non-numbers, wrong types, huge arrays, deep nesting, long strings. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, null, undefined, true, '', 0, -1, 2 ** 53 + 1, 1e308),
  fc.string({ maxLength: 30 }),
  fc.integer({ min: 1, max: 64 }).map((k) => 'é'.repeat(k * 16 * 1024)),
  fc.constantFrom(1e4, 1e5, 1e6).map((n) => new Array<number>(n).fill(0.5)),
  fc.integer({ min: 10, max: 2_000 }).map((depth) => {
    let nested: Record<string | symbol, unknown> = {};
    for (let i = 0; i < depth; i++) nested = { a: nested };
    // fast-check prints a counterexample; this one says its depth instead of overflowing the stack.
    Object.defineProperty(nested, fc.toStringMethod, { value: () => `{ a: ... } nested ${depth} deep` });
    return nested;
  }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as unknown),
  fc.jsonValue({ maxDepth: 3 }),
  fc.uint8Array({ maxLength: 100 }),
  fc.float32Array({ minLength: 784, maxLength: 784 }),
);

const pixels = fc.oneof(
  fc.float32Array({ minLength: 784, maxLength: 784, min: 0, max: 1, noNaN: true }),
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 784, maxLength: 784 }),
);
const drawing = fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 })), { minLength: 2, maxLength: 20 }), { minLength: 1, maxLength: 3 });
const digit = fc.integer({ min: 0, max: 9 });

/** A well-formed model file (784-8-10), the same model as ONNX, and either with a flipped byte. */
const goodContent = { ...fakeTrainedModel(7), metadata: { name: 'fuzzed import' } } as Parameters<typeof encodeModelFile>[0];
const goodModel = encodeModelFile(goodContent);
const goodOnnx = modelToOnnx(goodContent);
const flipped = (good: Uint8Array) =>
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, v]) => Object.assign(good.slice(), { [at % good.length]: v }));
const modelBytes = fc.oneof(
  { weight: 3, arbitrary: fc.constant(goodModel) },
  { weight: 2, arbitrary: flipped(goodModel) },
  { weight: 1, arbitrary: fc.constant(goodOnnx) },
  { weight: 1, arbitrary: flipped(goodOnnx) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
);

const samplesText = fc.oneof(
  fc.array(fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), label: digit, strokes: drawing }), { maxLength: 4 }).map((s) => JSON.stringify(s)),
  fc.string({ maxLength: 100 }),
);

/** The valid payload of each channel, with its weight: cheap channels often, engine jobs rarely (they cost seconds). */
const validPayloads: [string, number, fc.Arbitrary<(e: Existing) => unknown>][] = [
  ['models:list', 3, fc.constant(() => undefined)],
  ['models:active', 2, fc.constant(() => null)],
  ['notices:startup', 1, fc.constant(() => undefined)],
  ['models:rename', 4, fc.tuple(modelId, fc.string({ minLength: 1, maxLength: 80 })).map(([id, name]) => (e: Existing) => ({ id: id(e), name }))],
  ['models:delete', 3, modelId.map((id) => (e: Existing) => ({ id: id(e) }))],
  ['models:setActive', 3, modelId.map((id) => (e: Existing) => ({ id: id(e) }))],
  ['models:details', 2, modelId.map((id) => (e: Existing) => ({ id: id(e) }))],
  [
    'models:export',
    1,
    fc
      .tuple(modelId, fc.option(fc.constantFrom('tegaki', 'onnx'), { nil: undefined }))
      .map(([id, format]) => (e: Existing) => ({ id: id(e), format })),
  ],
  ['models:import', 4, fc.tuple(modelBytes, fc.option(fc.string({ maxLength: 40 }), { nil: undefined })).map(([bytes, fileName]) => () => ({ bytes, fileName }))],
  ['predict', 4, pixels.map((p) => () => ({ pixels: p }))],
  ['explain', 2, fc.tuple(pixels, fc.option(digit, { nil: undefined })).map(([p, target]) => () => ({ pixels: p, target }))],
  ['inspect:activations', 2, fc.tuple(pixels, fc.option(modelId, { nil: undefined })).map(([p, id]) => (e: Existing) => ({ pixels: p, id: id?.(e) }))],
  ['inspect:parameters', 2, fc.tuple(fc.integer({ min: 0, max: 4 }), fc.option(modelId, { nil: undefined })).map(([layer, id]) => (e: Existing) => ({ layer, id: id?.(e) }))],
  [
    'network:experiment',
    0.2,
    fc
      .tuple(fc.constantFrom<unknown[]>([], [{ kind: 'unit-off', layer: 0, unit: 1 }], [{ kind: 'weight-noise', layer: 0, scale: 0.5, seed: 3 }]), pixels)
      .map(([edits, p]) => () => ({ edits, pixels: p, testSize: 20 })),
  ],
  ['network:restore', 1, fc.constant(() => undefined)],
  ['step:start', 0.2, fc.integer({ min: 1, max: 1000 }).map((seed) => () => ({ hyperparameters: smallHyperparameters({ seed, trainSize: 100 }) }))],
  ['step:next', 1, fc.constant(() => undefined)],
  ['network:save-experiment', 1, fc.string({ minLength: 1, maxLength: 20 }).map((name) => () => ({ name }))],
  ['personal:add', 6, fc.tuple(drawing, digit).map(([strokes, label]) => () => ({ strokes, label }))],
  ['personal:list', 2, fc.constant(() => undefined)],
  ['personal:delete', 3, sampleId.map((id) => (e: Existing) => ({ id: id(e) }))],
  ['personal:export', 1, fc.constant(() => undefined)],
  ['personal:import', 2, samplesText.map((text) => () => ({ text, fileName: 'fuzzed.json' }))],
  ['mnist:testImages', 1, fc.array(fc.integer({ min: 0, max: 9_999 }), { maxLength: 16 }).map((indices) => () => ({ indices }))],
  ['training:cancel', 1, fc.nat().map((pick) => (e: Existing) => ({ jobId: pickFrom(e.jobIds, pick, 'no-job') }))],
  ['training:saveAgain', 1, fc.string({ maxLength: 10 }).map((jobId) => () => ({ jobId }))],
  ['evaluate', 0.1, fc.tuple(modelId, fc.integer({ min: 1, max: 30 })).map(([id, testSize]) => (e: Existing) => ({ id: id(e), testSize }))],
  [
    'training:start',
    0.1,
    fc.integer({ min: 1, max: 1000 }).map((seed) => () => ({
      hyperparameters: smallHyperparameters({ seed, trainSize: 100, batchSize: 50, hiddenLayers: [{ units: 4, activation: 'relu' }] }),
      name: 'fuzzed job',
      testSize: 20,
    })),
  ],
];

/** A valid payload with one field (or the whole of it) replaced by a hostile value: refused by its schema. */
function mutated(build: (e: Existing) => unknown): fc.Arbitrary<(e: Existing) => unknown> {
  return fc.tuple(hostileValue, fc.nat(), fc.boolean(), fc.string({ maxLength: 12 })).map(([value, pick, whole, extraKey]) => (e: Existing) => {
    const valid = build(e);
    if (whole || typeof valid !== 'object' || valid === null) return value;
    const keys = Object.keys(valid);
    // A payload object holding the hostile value at a field it has, one it does not, or nested in training's hyperparameters.
    const key = keys.length === 0 || pick % 4 === 3 ? extraKey : keys[pick % keys.length];
    if (key === 'hyperparameters') {
      const h = (valid as { hyperparameters: Record<string, unknown> }).hyperparameters;
      const field = Object.keys(h)[pick % Object.keys(h).length];
      return { ...valid, hyperparameters: { ...h, [field]: value } };
    }
    return { ...valid, [key]: value };
  });
}

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  ...validPayloads.map(([channel, weight, payload]) => ({ weight: Math.max(1, Math.round(weight * 10)), arbitrary: payload.map((p) => ({ channel, payload: p, valid: true })) })),
  ...validPayloads.map(([channel, , payload]) => ({
    weight: 20,
    arbitrary: payload.chain((p) => mutated(p)).map((p) => ({ channel, payload: p, valid: false })),
  })),
  { weight: 20, arbitrary: fc.tuple(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'models:List', 'shell:exec')), hostileValue).map(([channel, value]) => ({ channel, payload: () => value, valid: false })) },
);

/** A backend answer is a Result: a value that fits the channel's response schema, or an error with a code from the contract. */
export function resultProblem(channel: string, result: unknown): string | undefined {
  const r = result as Result<unknown>;
  if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean') return `not a Result: ${String(result).slice(0, 200)}`;
  if (!r.ok) {
    if (!(errorCodes as readonly string[]).includes(r.error?.code)) return `error code ${String(r.error?.code)} is not in the contract`;
    if (typeof r.error.message !== 'string') return 'an error without a message';
    if (r.error.code === 'internal') return `internal error: ${r.error.message}`;
    return undefined;
  }
  if (!isInvokeChannel(channel)) return `ok for unknown channel ${channel}`;
  const checked = invokeContract[channel].response.safeParse(r.value);
  return checked.success ? undefined : `${channel}'s answer does not fit its schema: ${checked.error.message.slice(0, 300)}`;
}

/** The ids of what exists, as the app lists them. */
export async function existing(backend: Backend, jobIds: string[]): Promise<Existing> {
  return {
    modelIds: (await backend.models.list()).map((m) => m.id),
    sampleIds: (await backend.personalSamples.list()).map((s) => s.id),
    jobIds,
  };
}

/**
 * Why the folder and what the backend lists disagree, if they do: every listed model's
 * file exists and decodes, every model file is listed, no temp file is left, and the
 * personal samples file parses and holds exactly the listed samples.
 */
export async function diskProblem(backend: Backend, userDataDir: string): Promise<string | undefined> {
  // The folder before the list: a training job may save a model while list() awaits, and a
  // model saved after the folder was read is listed with its file, never the other way round.
  const modelsDir = backend.models.modelsDir;
  const files = existsSync(modelsDir) ? readdirSync(modelsDir) : [];
  const listed = await backend.models.list();
  if (files.some((f) => f.endsWith('.tmp'))) return `temp files left in models/: ${files.join(', ')}`;
  if (readdirSync(userDataDir).some((f) => f.endsWith('.tmp'))) return 'temp files left in the user-data folder';
  const listedFiles = new Set<string>();
  for (const model of listed) {
    const path = backend.models.pathOf(model.id);
    listedFiles.add(path);
    try {
      decodeModelFile(new Uint8Array(readFileSync(path)));
    } catch (error) {
      return `listed model ${model.id}'s file does not decode: ${String(error)}`;
    }
  }
  const unlisted = files.filter((f) => f.endsWith('.tgk') && !listedFiles.has(join(modelsDir, f)));
  if (unlisted.length > 0) return `model files not listed: ${unlisted.join(', ')}`;
  const samples = await backend.personalSamples.list();
  const samplesPath = join(userDataDir, PERSONAL_SAMPLES_FILE);
  if (!existsSync(samplesPath)) return samples.length === 0 ? undefined : `${samples.length} samples listed but no samples file`;
  let stored: { version: number; samples: { id: string; label: number; input: number[] }[] };
  try {
    stored = JSON.parse(readFileSync(samplesPath, 'utf8')) as typeof stored;
  } catch (error) {
    return `the samples file does not parse: ${String(error)}`;
  }
  const onDisk = stored.samples.map((s) => `${s.id}:${s.label}:${s.input.length}`).join(',');
  const inList = samples.map((s) => `${s.id}:${s.label}:${s.input.length}`).join(',');
  return onDisk === inList ? undefined : `the samples file (${stored.samples.length}) and personal:list (${samples.length}) differ`;
}

/** What may have gone between `before` and `after`: only what a successful delete of this request named. */
export function lostProblem(before: Existing, after: Existing, request: { channel: string; payload: unknown }, ok: boolean): string | undefined {
  const deleted = ok && typeof request.payload === 'object' && request.payload !== null ? (request.payload as { id?: unknown }).id : undefined;
  const lostModels = before.modelIds.filter((id) => !after.modelIds.includes(id) && !(request.channel === 'models:delete' && id === deleted));
  const lostSamples = before.sampleIds.filter((id) => !after.sampleIds.includes(id) && !(request.channel === 'personal:delete' && id === deleted));
  if (lostModels.length + lostSamples.length === 0) return undefined;
  return `${request.channel} lost models [${lostModels.join(', ')}] and samples [${lostSamples.join(', ')}]`;
}

export { smallHyperparameters };
