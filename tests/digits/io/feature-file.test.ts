import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FEATURE_FILE_LIMITS,
  decodeFeatureFile,
  encodeFeatureFile,
  readFeatureFile,
  saveFeatureFile,
} from '../../../src/digits/io/feature-file';
import type { FeatureFileContent } from '../../../src/digits/io/feature-file';
import { sealDigest } from '../../../src/digits/io/signed-bytes';
import type { FeatureRows } from '../../../src/digits/personal/frozen-features';

const digest = 'ab'.repeat(32);
const width = 37; // not a multiple of 32: the last word of each row's bits is partly unused

/** Mostly zeros, as features after ReLU are, with negative zero, subnormals and the largest float among the rest. */
function rows(count: number, seed: number): FeatureRows {
  const features = new Float32Array(count * width);
  const odd = [1.5, -2.25, 1e-40, 3.4028234663852886e38, 0.1];
  for (let i = 0; i < features.length; i++) if ((i * 7 + seed) % 3 === 0) features[i] = odd[(i + seed) % odd.length] * (1 + i);
  features[1] = -0;
  return { features, labels: Uint8Array.from({ length: count }, (_, i) => (i % 3 === 0 ? 255 : i % 10)), count, width };
}

const content = (): FeatureFileContent => ({
  modelDigest: digest,
  key: `${digest}|7|10000|545|1091|1|10000`,
  features: { mnist: rows(5, 1), synthetic: rows(0, 2), test: rows(3, 3) },
});

const bitsOf = (f: Float32Array) => Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('hex');

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'feature-file-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the feature file', () => {
  it('gives back every feature bit for bit (bar the sign of a zero) and every label', async () => {
    const path = join(dir, 'f.tgkf');
    saveFeatureFile(path, content());
    const read = await readFeatureFile(path);
    expect(read.modelDigest).toBe(digest);
    expect(read.key).toBe(content().key);
    for (const name of ['mnist', 'synthetic', 'test'] as const) {
      const expected = content().features[name];
      expected.features[1] = 0;
      expect(bitsOf(read.features[name].features), name).toBe(bitsOf(expected.features));
      expect(Array.from(read.features[name].labels)).toEqual(Array.from(expected.labels));
      expect(read.features[name]).toMatchObject({ count: expected.count, width });
    }
  });

  it('stores zeros as bits: a file of mostly zeros is far smaller than its float32s', () => {
    const many = { ...content(), features: { mnist: rows(200, 1), synthetic: rows(0, 2), test: rows(0, 3) } };
    // A third of the values are not 0: a bit for each value and 4 bytes for each non-zero one.
    expect(encodeFeatureFile(many).length).toBeLessThan(200 * width * 4 * 0.5);
  });

  it('refuses a file cut short or changed anywhere', () => {
    const bytes = encodeFeatureFile(content());
    expect(() => decodeFeatureFile(bytes.subarray(0, bytes.length - 1))).toThrow(/digest/);
    for (let at = 0; at < bytes.length; at += 13) {
      const changed = Uint8Array.from(bytes);
      changed[at] ^= 0x10;
      expect(() => decodeFeatureFile(changed), `byte ${at}`).toThrow(/digest|start with/);
    }
  });

  it('refuses a well-signed file whose header and data disagree, or asks for more values than the limits allow', () => {
    const bytes = encodeFeatureFile(content());
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes.subarray(0, bytes.length - 32));
    sealDigest(longer);
    expect(() => decodeFeatureFile(longer)).toThrow(/bytes where its sets take/);
    const resigned = (header: object): Uint8Array => {
      const text = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(((12 + text.length + 3) & ~3) + 32);
      out.set(new TextEncoder().encode('TGKF'));
      new DataView(out.buffer).setUint32(4, 1, true);
      new DataView(out.buffer).setUint32(8, text.length, true);
      out.set(text, 12);
      sealDigest(out);
      return out;
    };
    expect(() => decodeFeatureFile(resigned({ modelDigest: digest, key: 'k', width, sets: [] }))).toThrow(/schema/);
    // All zeros take a bit each: a small file must not make the reader allocate a huge one.
    const huge = { modelDigest: digest, key: 'k', width: 1000, sets: [{ count: FEATURE_FILE_LIMITS.values, nonZero: 0 }, { count: 0, nonZero: 0 }, { count: 0, nonZero: 0 }] };
    expect(() => decodeFeatureFile(resigned(huge))).toThrow(/at most/);
  });

  it('refuses unread a file larger than the limit', async () => {
    const path = join(dir, 'huge.tgkf');
    await writeFile(path, 'TGKF');
    await truncate(path, FEATURE_FILE_LIMITS.bytes + 1);
    await expect(readFeatureFile(path)).rejects.toThrow(/more than a feature file may take/);
  });
});
