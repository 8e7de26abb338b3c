/**
 * A save onto a really full disk: a 64 KiB tmpfs mounted for the test (Linux, as root,
 * as on CI here). Where mounting is not allowed the test is skipped and says why.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFile, saveModelFile } from '../../../src/digits/io/model-file';
import { writeFileAtomicSync } from '../../../src/digits/io/atomic-write';
import { Sequential } from '../../../src/engine/model/sequential';
import type { ModelSpec } from '../../../src/engine/model/spec';
import { mountTinyDisk, tinyDiskSkipReason } from '../../fixtures/tiny-disk';

const tinyDisk = mountTinyDisk();
const disk = tinyDisk?.dir;
const skipReason = tinyDiskSkipReason;
// Said in the run's output too, not only in the skipped test's name.
if (!disk) console.warn(`[full-disk] ${skipReason}`);

afterAll(() => tinyDisk?.unmount());

const modelOf = (hidden: number, name: string) => {
  const spec: ModelSpec = {
    inputSize: 784,
    layers: [
      { type: 'dense', units: hidden, init: { kind: 'he' } },
      { type: 'relu' },
      { type: 'dense', units: 10, init: { kind: 'he' } },
    ],
    loss: 'softmax-cross-entropy',
  };
  return { spec, metadata: { name }, tensors: new Sequential(spec, { seed: 1 }).exportWeights() };
};

describe.skipIf(!disk)(
  `saving a model onto a full or read-only disk${disk ? '' : ` (${skipReason})`}`,
  () => {
    it('fails with "the disk is full", keeps the previous file byte for byte, and leaves no temp file', async () => {
      const path = join(disk!, 'model.tgk');
      // 784x4 weights: about 13 KB, fits.
      await saveModelFile(path, modelOf(4, 'small'));
      const before = readFileSync(path);
      // 784x64 weights: about 200 KB, cannot fit in 64 KiB.
      await expect(saveModelFile(path, modelOf(64, 'large'))).rejects.toThrow(
        /the disk is full; any previous file there is untouched/,
      );
      expect(Buffer.compare(readFileSync(path), before)).toBe(0);
      expect(readdirSync(disk!)).toEqual(['model.tgk']);
      expect((await loadModelFile(path)).metadata.name).toBe('small');
    });

    it('the settings and index writer fails the same way and leaves no temp file behind', () => {
      const path = join(disk!, 'index.json');
      writeFileAtomicSync(path, '{"models":[]}');
      expect(() => writeFileAtomicSync(path, 'x'.repeat(200_000))).toThrow(
        /the disk is full; any previous file there is untouched/,
      );
      expect(readFileSync(path, 'utf8')).toBe('{"models":[]}');
      expect(readdirSync(disk!).filter((f) => f.startsWith('index.json'))).toEqual(['index.json']);
    });

    it('a folder that cannot be written, even by root (a read-only remount): the save fails and the old file stays', async () => {
      // chmod does not stop root, which CI runs as; a read-only filesystem does.
      const path = join(disk!, 'readonly.tgk');
      await saveModelFile(path, modelOf(2, 'before'));
      const before = readFileSync(path);
      execFileSync('mount', ['-o', 'remount,ro', disk!]);
      try {
        await expect(saveModelFile(path, modelOf(2, 'after'))).rejects.toThrow(/could not save .*untouched/);
        expect(() => writeFileAtomicSync(join(disk!, 'index.json'), '{}')).toThrow();
      } finally {
        execFileSync('mount', ['-o', 'remount,rw', disk!]);
      }
      expect(Buffer.compare(readFileSync(path), before)).toBe(0);
      expect(readdirSync(disk!).filter((f) => f.startsWith('readonly.tgk'))).toEqual(['readonly.tgk']);
    });
  },
);
