import { open } from 'node:fs/promises';
import type { ModelSpec } from '../../engine/model/spec';
import { parameterShapes } from '../../engine/model/spec';
import type { ModelMetadata } from '../../shared/model-metadata';
import { parseModelMetadata } from '../../shared/model-metadata';
import { writeFileAtomicSync } from './atomic-write';
import type { TensorEntry } from './model-header';
import { MODEL_FILE_LIMITS, modelBudgetProblem, parseModelHeader } from './model-header';
import { DIGEST_BYTES, PREAMBLE_BYTES, align4, digestHolds, sealDigest } from './signed-bytes';

/**
 * The one model file format, versioned:
 *
 *   "TGKI" | u32 version | u32 header bytes | JSON header | zero pad to 4 |
 *   float32 tensors (little-endian, one after another) | SHA-256 of all of the above
 *
 * The JSON header holds the architecture (spec), everything a person wants to know
 * about the model (metadata, src/shared/model-metadata.ts: hyperparameters, history,
 * metrics) and where each tensor lies. The digest catches any change to the bytes (the notes used SHA-256 the same
 * way), and the shape check catches a file whose weights do not fit its architecture.
 *
 * A file is untrusted input: the header's schema and MODEL_FILE_LIMITS (model-header.ts)
 * are checked before anything is allocated, and the tensors must tile the data region in
 * order, so decoding never allocates more than the file holds.
 */
export const MODEL_FILE_MAGIC = 'TGKI';
export const MODEL_FILE_VERSION = 1;

export interface ModelTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface ModelFileContent {
  spec: ModelSpec;
  metadata: ModelMetadata;
  tensors: ModelTensor[];
}

export type ModelFileErrorKind =
  | 'not-a-model'
  | 'truncated'
  | 'corrupted'
  | 'wrong-version'
  | 'wrong-shape'
  | 'unknown-layer'
  | 'unsupported'
  | 'too-large';

export class ModelFileError extends Error {
  constructor(
    readonly kind: ModelFileErrorKind,
    source: string,
    detail: string,
  ) {
    super(`${source}: ${describeKind[kind]}: ${detail}`);
    this.name = 'ModelFileError';
  }
}

const describeKind: Record<ModelFileErrorKind, string> = {
  'not-a-model': 'not a Tegaki model file',
  truncated: 'the file is truncated',
  corrupted: 'the file is corrupted',
  'wrong-version': 'unsupported model file version',
  'wrong-shape': 'the weights do not fit the architecture',
  'unknown-layer': 'it uses a layer this Tegaki does not know',
  unsupported: 'it uses what Tegaki cannot import',
  'too-large': 'the model is larger than Tegaki runs safely',
};

export function encodeModelFile(content: ModelFileContent): Uint8Array {
  let offset = 0;
  const tensors: TensorEntry[] = content.tensors.map((t) => {
    const entry = { name: t.name, shape: t.shape, offset, length: t.data.length };
    offset += t.data.length;
    return entry;
  });
  const header = new TextEncoder().encode(JSON.stringify({ spec: content.spec, metadata: content.metadata, tensors }));
  const dataStart = align4(PREAMBLE_BYTES + header.length);
  const total = dataStart + offset * 4 + DIGEST_BYTES;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MODEL_FILE_MAGIC), 0);
  view.setUint32(4, MODEL_FILE_VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, PREAMBLE_BYTES);
  for (const [i, t] of content.tensors.entries()) {
    const base = dataStart + tensors[i].offset * 4;
    for (let j = 0; j < t.data.length; j++) view.setFloat32(base + j * 4, t.data[j], true);
  }
  sealDigest(bytes);
  return bytes;
}

export function decodeModelFile(bytes: Uint8Array, source = 'model file'): ModelFileContent {
  const fail = (kind: ModelFileErrorKind, detail: string) => new ModelFileError(kind, source, detail);
  if (bytes.length < 4 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MODEL_FILE_MAGIC) {
    throw fail('not-a-model', `it does not start with "${MODEL_FILE_MAGIC}"`);
  }
  if (bytes.length < PREAMBLE_BYTES) throw fail('truncated', `only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== MODEL_FILE_VERSION) {
    throw fail('wrong-version', `it is version ${version}; this Tegaki reads version ${MODEL_FILE_VERSION}`);
  }
  const headerLength = view.getUint32(8, true);
  if (headerLength > MODEL_FILE_LIMITS.headerBytes) {
    throw fail(
      'too-large',
      `its header is ${headerLength} bytes; a header is at most ${MODEL_FILE_LIMITS.headerBytes}`,
    );
  }
  if (bytes.length > MODEL_FILE_LIMITS.fileBytes) {
    throw fail('too-large', `it is ${bytes.length} bytes; a model file is at most ${MODEL_FILE_LIMITS.fileBytes}`);
  }
  const dataStart = align4(PREAMBLE_BYTES + headerLength);
  if (dataStart + DIGEST_BYTES > bytes.length) {
    throw fail('truncated', `the header needs ${headerLength} bytes but the file has ${bytes.length} in all`);
  }
  const parsed = parseHeader(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength));
  const header = 'header' in parsed ? parsed.header : undefined;
  const dataFloats = header ? header.tensors.reduce((n, t) => Math.max(n, t.offset + t.length), 0) : 0;
  const expectedLength = dataStart + dataFloats * 4 + DIGEST_BYTES;
  if (header && bytes.length < expectedLength) {
    throw fail('truncated', `the weights need ${expectedLength} bytes but the file has ${bytes.length}`);
  }
  if (!digestHolds(bytes)) {
    throw fail('corrupted', 'its SHA-256 digest does not match its content');
  }
  if ('problem' in parsed) throw fail(parsed.problem.kind, parsed.problem.detail);
  const { spec, tensors: entries } = parsed.header;
  if (bytes.length !== expectedLength)
    throw fail('corrupted', `${bytes.length - expectedLength} unexpected bytes after the weights`);

  // Before any weight is allocated: what one forward pass of this spec would cost.
  let overBudget: string | undefined;
  try {
    overBudget = modelBudgetProblem(spec);
  } catch (error) {
    // A layer that does not fit its input (a window larger than the image, a bad input shape).
    throw fail('wrong-shape', (error as Error).message);
  }
  if (overBudget) throw fail('too-large', overBudget);
  const overlap = tilingProblem(entries);
  if (overlap) throw fail('corrupted', overlap);
  checkShapes(spec, entries, (detail) => fail('wrong-shape', detail));
  const tensors = entries.map((t) => {
    const data = new Float32Array(t.length);
    const base = dataStart + t.offset * 4;
    for (let j = 0; j < t.length; j++) data[j] = view.getFloat32(base + j * 4, true);
    return { name: t.name, shape: t.shape, data };
  });
  // The metadata is checked here, once, for every reader: what does not fit its schema is dropped.
  return { spec, metadata: parseModelMetadata(parsed.header.metadata), tensors };
}

/** The hex SHA-256 stored at the end of an encoded model: the model's identity. */
export function modelDigest(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(bytes.length - DIGEST_BYTES)).toString('hex');
}

/**
 * modelDigest, once the bytes are checked against it; undefined when they do not match
 * (a corrupted file), so what is keyed by a model's identity is never found for one
 * whose content changed under the same last 32 bytes.
 */
export function checkedModelDigest(bytes: Uint8Array): string | undefined {
  return digestHolds(bytes) ? modelDigest(bytes) : undefined;
}

/** Writes the file atomically (see atomic-write.ts): a crash or a full disk leaves the previous file as it was. */
export async function saveModelFile(path: string, content: ModelFileContent): Promise<void> {
  writeFileAtomicSync(path, encodeModelFile(content));
}

export async function loadModelFile(path: string): Promise<ModelFileContent> {
  return decodeModelFile(await readModelFileBytes(path), path);
}

/** A model file's bytes, refused unread when it is larger than any model file may be. */
export async function readModelFileBytes(path: string): Promise<Uint8Array> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new Error(`cannot read model ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const { size } = await file.stat();
    if (size > MODEL_FILE_LIMITS.fileBytes) {
      throw new ModelFileError(
        'too-large',
        path,
        `it is ${size} bytes; a model file is at most ${MODEL_FILE_LIMITS.fileBytes}`,
      );
    }
    return new Uint8Array(await file.readFile());
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new Error(`cannot read model ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    await file.close();
  }
}

function parseHeader(bytes: Uint8Array): ReturnType<typeof parseModelHeader> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { problem: { kind: 'corrupted', detail: 'the header is not valid JSON' } };
  }
  return parseModelHeader(json);
}

/**
 * The tensors must lie one after another from the start of the data, each where the
 * last ended: tensors that share bytes would make decoding allocate more than the file
 * holds, and bytes no tensor claims are not weights.
 */
function tilingProblem(tensors: readonly TensorEntry[]): string | undefined {
  let next = 0;
  for (const t of tensors) {
    if (t.offset !== next) {
      const how = t.offset < next ? 'overlaps the tensor before it' : 'leaves a gap after the tensor before it';
      return `tensor ${t.name} starts at ${t.offset} but the one before it ends at ${next}: it ${how}`;
    }
    next += t.length;
  }
  return undefined;
}

function checkShapes(spec: ModelSpec, tensors: readonly TensorEntry[], fail: (detail: string) => Error): void {
  let expected: ReturnType<typeof parameterShapes>;
  try {
    expected = parameterShapes(spec);
  } catch (error) {
    // A layer that does not fit its input (a window larger than the image, a bad input shape).
    throw fail((error as Error).message);
  }
  const stored = new Map(tensors.map((t) => [t.name, t]));
  if (stored.size !== tensors.length) throw fail('two tensors have the same name');
  for (const { name, shape } of expected) {
    const t = stored.get(name);
    if (!t) throw fail(`tensor ${name} [${shape}] is missing`);
    if (t.shape.join('x') !== shape.join('x'))
      throw fail(`tensor ${name} is [${t.shape}] but the architecture needs [${shape}]`);
    if (t.length !== shape.reduce((a, b) => a * b, 1))
      throw fail(`tensor ${name} holds ${t.length} numbers, not ${shape.join('x')}`);
  }
  const extra = tensors.filter((t) => !expected.some((e) => e.name === t.name));
  if (extra.length > 0) throw fail(`unexpected tensors ${extra.map((t) => t.name).join(', ')}`);
}
