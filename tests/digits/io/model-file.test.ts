import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkedModelDigest,
  decodeModelFile,
  encodeModelFile,
  loadModelFile,
  ModelFileError,
  modelDigest,
  saveModelFile,
} from '../../../src/digits/io/model-file';
import type { ModelFileContent } from '../../../src/digits/io/model-file';
import { loadModel, saveModel } from '../../../src/digits/io/saved-model';
import { Sequential } from '../../../src/engine/model/sequential';
import type { ModelSpec } from '../../../src/engine/model/spec';
import { fromRows } from '../../../src/engine/tensor';
import { MODEL_FILE_LIMITS } from '../../../src/digits/io/model-header';
import { aliasedTensorsFile, paddedConvThenPoolFile, signedModelFile } from './hostile-model-files';
import { open as openFile } from 'node:fs/promises';

const spec: ModelSpec = {
  inputSize: 4,
  layers: [
    { type: 'dense', units: 3, init: { kind: 'he' } },
    { type: 'relu' },
    { type: 'dense', units: 2, init: { kind: 'he' } },
  ],
  loss: 'softmax-cross-entropy',
};

function content(): ModelFileContent {
  const model = new Sequential(spec, { seed: 3 });
  return {
    spec,
    metadata: { name: 'tiny', createdAt: '2026-11-22T00:00:00.000Z', history: [{ epoch: 1, trainLoss: 0.7, trainAccuracy: 0.5, testLoss: 0.7, testAccuracy: 0.5 }] },
    tensors: model.exportWeights(),
  };
}

function expectKind(run: () => unknown, kind: ModelFileError['kind']): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).kind).toBe(kind);
    return (error as Error).message;
  }
  throw new Error(`expected a ModelFileError of kind ${kind}`);
}

/** Re-signs a patched file so only the intended fault remains. */
function resign(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  out.set(
    createHash('sha256')
      .update(out.subarray(0, out.length - 32))
      .digest(),
    out.length - 32,
  );
  return out;
}

describe('model file', () => {
  it('round-trips the spec, metadata and bit-identical float32 weights', () => {
    const original = content();
    const decoded = decodeModelFile(encodeModelFile(original));
    expect(decoded.spec).toEqual(original.spec);
    expect(decoded.metadata).toEqual(original.metadata);
    expect(decoded.tensors.map((t) => t.name)).toEqual(['layer0.W', 'layer0.b', 'layer2.W', 'layer2.b']);
    for (const [i, t] of decoded.tensors.entries())
      expect(Array.from(t.data)).toEqual(Array.from(original.tensors[i].data));
  });

  it('a saved and loaded model predicts exactly as before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tegaki-model-'));
    const model = new Sequential(spec, { seed: 5 });
    await saveModel(join(dir, 'm.tgk'), model, { name: 'm' });
    const { model: loaded, metadata } = await loadModel(join(dir, 'm.tgk'));
    expect(metadata.name).toBe('m');
    const x = fromRows([[0.1, 0.5, 0.9, 0.3]]);
    expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });

  it('the digest identifies the content', () => {
    const a = encodeModelFile(content());
    const other = content();
    other.tensors[0].data[0] += 1;
    expect(modelDigest(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(modelDigest(a)).toBe(modelDigest(encodeModelFile(content())));
    expect(modelDigest(a)).not.toBe(modelDigest(encodeModelFile(other)));
  });

  it('the checked digest is the digest of an intact file, and none of a changed or cut one', () => {
    const a = encodeModelFile(content());
    expect(checkedModelDigest(a)).toBe(modelDigest(a));
    const changed = a.slice();
    changed[20] ^= 1;
    expect(checkedModelDigest(changed)).toBeUndefined();
    expect(checkedModelDigest(a.subarray(1))).toBeUndefined();
    expect(checkedModelDigest(a.subarray(0, 10))).toBeUndefined();
  });

  it('not a model: random bytes, a PNG, an empty file', () => {
    expectKind(() => decodeModelFile(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)), 'not-a-model');
    expectKind(() => decodeModelFile(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10)), 'not-a-model');
    expect(expectKind(() => decodeModelFile(new Uint8Array(0), 'empty.tgk'), 'not-a-model')).toMatch(
      /^empty.tgk: not a Tegaki model file/,
    );
  });

  it('wrong version', async () => {
    const bytes = Uint8Array.from(encodeModelFile(content()));
    new DataView(bytes.buffer).setUint32(4, 2, true);
    expect(expectKind(() => decodeModelFile(bytes), 'wrong-version')).toMatch(/version 2; this Tegaki reads version 1/);
  });

  it('truncated anywhere: in the preamble, the header, the weights or the digest', () => {
    const bytes = encodeModelFile(content());
    for (const cut of [8, 40, bytes.length - 60, bytes.length - 33, bytes.length - 1]) {
      expectKind(() => decodeModelFile(bytes.subarray(0, cut)), 'truncated');
    }
  });

  it('corrupted: one flipped bit in the weights, the header or the digest', () => {
    const bytes = encodeModelFile(content());
    for (const at of [bytes.length - 40, 20, bytes.length - 5]) {
      const flipped = Uint8Array.from(bytes);
      flipped[at] ^= 1;
      expect(expectKind(() => decodeModelFile(flipped), 'corrupted')).toMatch(/SHA-256/);
    }
  });

  it('corrupted: a validly signed header whose tensor list is malformed', () => {
    const bytes = Buffer.from(encodeModelFile(content()));
    const at = bytes.indexOf('"shape":[4,3]');
    bytes.write('"shape":[4.5]', at);
    expect(expectKind(() => decodeModelFile(resign(bytes)), 'corrupted')).toMatch(/header/);
  });

  it('wrong shape: weights that do not fit the architecture, even with a valid digest', () => {
    const c = content();
    c.spec = { ...spec, layers: [{ type: 'dense', units: 5, init: { kind: 'he' } }, { type: 'relu' }, spec.layers[2]] };
    expect(expectKind(() => decodeModelFile(encodeModelFile(c)), 'wrong-shape')).toMatch(
      /layer0.W is \[4,3\] but the architecture needs \[4,5\]/,
    );
    const missing = content();
    missing.tensors.pop();
    expect(expectKind(() => decodeModelFile(encodeModelFile(missing)), 'wrong-shape')).toMatch(
      /layer2.b \[2\] is missing/,
    );
    // Patched in place and re-signed: only the header's shape is wrong.
    const bytes = Buffer.from(encodeModelFile(content()));
    const at = bytes.indexOf('"shape":[4,3]');
    expect(at).toBeGreaterThan(0);
    bytes.write('"shape":[3,4]', at);
    expectKind(() => decodeModelFile(bytes), 'corrupted');
    expect(expectKind(() => decodeModelFile(resign(bytes)), 'wrong-shape')).toMatch(/layer0.W is \[3,4\]/);
  });

  it('a failed save leaves the previous file intact and no temp files behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tegaki-save-'));
    const path = join(dir, 'model.tgk');
    await saveModelFile(path, content());
    const before = await readFile(path);
    // A folder that does not exist: the write cannot even start.
    await expect(saveModelFile(join(dir, 'missing', 'model.tgk'), content())).rejects.toThrow(
      /could not save .*untouched/,
    );
    if (process.getuid?.() !== 0) {
      await chmod(dir, 0o500);
      try {
        await expect(saveModelFile(path, { ...content(), metadata: { name: 'new' } })).rejects.toThrow(
          /could not save/,
        );
      } finally {
        await chmod(dir, 0o700);
      }
    }
    expect(Buffer.compare(await readFile(path), before)).toBe(0);
    expect(await readdir(dir)).toEqual(['model.tgk']);
    expect(decodeModelFile(new Uint8Array(await readFile(path))).metadata.name).toBe('tiny');
  });

  it('loading a missing file names it', async () => {
    await expect(loadModelFile('/nonexistent/model.tgk')).rejects.toThrow(/cannot read model \/nonexistent\/model.tgk/);
  });

  it('a validly signed file of an unknown layer type is refused by name', () => {
    const c = content();
    c.spec = { ...spec, layers: [spec.layers[0], { type: 'attention' } as unknown as ModelSpec['layers'][number], spec.layers[2]] };
    const message = expectKind(() => decodeModelFile(encodeModelFile(c), 'odd.tgk'), 'unknown-layer');
    expect(message).toMatch(/^odd.tgk: it uses a layer this Tegaki does not know: layer type "attention" \(layer 1\)/);
  });
});

describe('hostile model files', () => {
  it('a padded conv followed by a pooling back to 1x1 is refused before anything is allocated, for its padding', () => {
    const bytes = paddedConvThenPoolFile();
    expect(bytes.length).toBeLessThan(1024);
    const message = expectKind(() => decodeModelFile(bytes, 'padded.tgk'), 'too-large');
    expect(message).toMatch(/layer 0 \(conv2d\) pads by 20000 pixels with a 1x1 kernel; padding is at most the kernel size less 1/);
  });

  it('tensors that all point at the same bytes are refused: decoding never allocates more than the file holds', () => {
    const bytes = aliasedTensorsFile();
    const message = expectKind(() => decodeModelFile(bytes), 'corrupted');
    expect(message).toMatch(/tensor layer0.b starts at 0 but the one before it ends at 784000: it overlaps/);
  });

  it('tensors must tile the data region in order: a gap, or tensors listed out of order, is refused', () => {
    const tensors = new Sequential(spec, { seed: 1 }).exportWeights();
    let offset = 0;
    const entries = tensors.map((t) => {
      const entry = { name: t.name, shape: t.shape, offset, length: t.data.length };
      offset += t.data.length;
      return entry;
    });
    const data = new Float32Array(offset + 1);
    const gap = entries.map((e, i) => (i === 3 ? { ...e, offset: e.offset + 1 } : e));
    expect(expectKind(() => decodeModelFile(signedModelFile({ spec, metadata: {}, tensors: gap }, data)), 'corrupted')).toMatch(
      /tensor layer2.b starts at 22 but the one before it ends at 21: it leaves a gap/,
    );
    const swapped = [entries[1], entries[0], ...entries.slice(2)];
    expectKind(() => decodeModelFile(signedModelFile({ spec, metadata: {}, tensors: swapped }, data.subarray(0, offset))), 'corrupted');
    // The same entries in order decode.
    expect(decodeModelFile(signedModelFile({ spec, metadata: {}, tensors: entries }, data.subarray(0, offset))).tensors).toHaveLength(4);
  });

  it('a header larger than any header may be is refused from the preamble, before it is read', () => {
    const bytes = signedModelFile({ spec, metadata: {}, tensors: [] }, new Float32Array(0), MODEL_FILE_LIMITS.headerBytes + 1);
    expect(expectKind(() => decodeModelFile(bytes), 'too-large')).toMatch(/its header is 8388609 bytes; a header is at most 8388608/);
  });

  it('a file larger than any model file may be is refused before it is read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tegaki-huge-'));
    const path = join(dir, 'huge.tgk');
    const file = await openFile(path, 'w');
    await file.truncate(MODEL_FILE_LIMITS.fileBytes + 1); // sparse: nothing is written
    await file.close();
    await expect(loadModelFile(path)).rejects.toThrow(/huge.tgk: the model is larger than Tegaki runs safely: it is 67108865 bytes/);
  });
});
