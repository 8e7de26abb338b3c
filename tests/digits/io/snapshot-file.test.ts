import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SNAPSHOT_FILE_MAX_BYTES,
  SnapshotFileError,
  decodeSnapshotFile,
  encodeSnapshotFile,
  readSnapshotFile,
  saveSnapshotFile,
} from '../../../src/digits/io/snapshot-file';
import type { SnapshotFileContent } from '../../../src/digits/io/snapshot-file';
import { sealDigest } from '../../../src/digits/io/signed-bytes';

const digest = 'ab'.repeat(32);

function content(): SnapshotFileContent {
  const tensors = (step: number) => [
    { name: 'dense0.weights', shape: [3, 2], data: Float32Array.from([1, -2, 3.5, 0, 1e-7, step]) },
    { name: 'dense0.bias', shape: [2], data: Float32Array.from([NaN, -0]) },
  ];
  return {
    modelDigest: digest,
    snapshots: [
      { step: 0, epoch: 0, tensors: tensors(0) },
      { step: 10, epoch: 0.5, tensors: tensors(10) },
      { step: 20, epoch: 1, tensors: tensors(20) },
    ],
  };
}

const dir = await mkdtemp(join(tmpdir(), 'tegaki-snapshots-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the snapshot file', () => {
  it('gives back every snapshot bit for bit', async () => {
    const path = join(dir, 'round-trip.snapshots');
    saveSnapshotFile(path, content());
    const back = await readSnapshotFile(path);
    expect(back.modelDigest).toBe(digest);
    expect(back.snapshots.map((s) => [s.step, s.epoch])).toEqual([[0, 0], [10, 0.5], [20, 1]]);
    const bits = (c: SnapshotFileContent) =>
      c.snapshots.map((s) => s.tensors.map((t) => [t.name, t.shape, Array.from(new Uint32Array(t.data.buffer))]));
    expect(bits(back)).toEqual(bits(content()));
  });

  it('refuses a file cut short anywhere, or with any byte changed', () => {
    const bytes = encodeSnapshotFile(content());
    for (const length of [0, 11, 40, bytes.length - 33, bytes.length - 1]) {
      expect(() => decodeSnapshotFile(bytes.slice(0, length)), `cut to ${length}`).toThrow(SnapshotFileError);
    }
    for (const at of [5, 20, bytes.length - 40, bytes.length - 1]) {
      const changed = bytes.slice();
      changed[at] ^= 0x10;
      expect(() => decodeSnapshotFile(changed), `byte ${at}`).toThrow(/digest|start with/);
    }
  });

  it('refuses a well-signed file whose header and data disagree, or whose header breaks the schema', () => {
    const bytes = encodeSnapshotFile(content());
    // Four bytes of weights more, signed again: the layout no longer adds up.
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes.subarray(0, bytes.length - 32));
    sealDigest(longer);
    expect(() => decodeSnapshotFile(longer)).toThrow(/bytes where 3 snapshots of 8 values take/);
    const resigned = (header: object): Uint8Array => {
      const text = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(((12 + text.length + 3) & ~3) + 32);
      out.set(new TextEncoder().encode('TGKS'));
      new DataView(out.buffer).setUint32(4, 1, true);
      new DataView(out.buffer).setUint32(8, text.length, true);
      out.set(text, 12);
      sealDigest(out);
      return out;
    };
    expect(() => decodeSnapshotFile(resigned({ modelDigest: digest, tensors: [], snapshots: [] }))).toThrow(/schema/);
    const many = Array.from({ length: 25 }, (_, step) => ({ step, epoch: 0 }));
    expect(() => decodeSnapshotFile(resigned({ modelDigest: digest, tensors: [], snapshots: many }))).toThrow(/schema/);
    // A header that asks for far more weights than a timeline may hold is refused before allocating them.
    const huge = { modelDigest: digest, tensors: [{ name: 'w', shape: [1 << 30] }], snapshots: [{ step: 0, epoch: 0 }] };
    expect(() => decodeSnapshotFile(resigned(huge))).toThrow(/at most/);
  });

  it('refuses unread a file larger than any timeline', async () => {
    const path = join(dir, 'huge.snapshots');
    await writeFile(path, 'TGKS');
    await truncate(path, SNAPSHOT_FILE_MAX_BYTES + 1);
    await expect(readSnapshotFile(path)).rejects.toThrow(/more than any timeline takes/);
  });

  it('will not write snapshots that hold different tensors', () => {
    const c = content();
    c.snapshots[1].tensors = c.snapshots[1].tensors.slice(0, 1);
    expect(() => encodeSnapshotFile(c)).toThrow(/does not hold the tensors/);
  });
});
