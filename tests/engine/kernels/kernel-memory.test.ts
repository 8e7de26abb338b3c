import { describe, expect, it } from 'vitest';
import { fast } from '../../../src/engine/kernels';
import {
  Arena,
  KernelArrays,
  kernelArrays,
  kernelFloat32,
  kernelOffset,
  kernelView,
  returnWorkerRegions,
  takeWorkerRegions,
  wasmKernels,
  workerRegionBytes,
} from '../../../src/engine/kernels/wasm/memory';

/** Until the current job (synchronous run of code) ends, WeakRefs keep what they point to. */
const nextJob = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("the kernels' memory", () => {
  it('gives the blocks of arrays nobody holds back when it is full, without waiting for the collector to run their callbacks', async () => {
    expect(wasmKernels).toBeDefined();
    // 32 MiB arrays: a handful fill the arena, and each request is past the collection budget.
    const length = 8 * 2 ** 20;
    const kept = kernelFloat32(1024)!;
    kept.fill(7);
    const held: Float32Array[] = [];
    for (;;) {
      const array = kernelFloat32(length);
      if (!array) break;
      held.push(array);
    }
    expect(held.length).toBeGreaterThanOrEqual(4);

    held.length = 0;
    await nextJob();
    const again = kernelFloat32(length);

    // (Compared as booleans: a failed toBe would print the 256 MiB buffer.)
    expect(again !== undefined && again.buffer === wasmKernels!.buffer).toBe(true);
    again!.fill(1);
    // A held array's block was not handed out again.
    expect(kept.every((x) => x === 7)).toBe(true);
    expect(kernelArrays!.liveBytes).toBeLessThan(2 * length * 4 + 64 * 1024);
  });

  it('asks for a full collection at most once per budget of requests when the arena is full of live arrays (a counting stand-in for the collector)', () => {
    const block = 64 * 1024;
    let collected = 0;
    const arrays = new KernelArrays(
      new ArrayBuffer(16 * block),
      new Arena(0, 16 * block),
      () => collected++,
      4 * block,
    );
    const held: Float32Array[] = [];
    for (let i = 0; i < 16; i++) held.push(arrays.float32(block / 4)!);
    expect(held.every((array) => array.length === block / 4)).toBe(true);
    // The first refusal comes after 16 blocks' worth of requests: one collection.
    expect(arrays.float32(block / 4)).toBeUndefined();
    expect(collected).toBe(1);
    // Then one per four blocks refused.
    for (let i = 0; i < 10; i++) expect(arrays.float32(block / 4)).toBeUndefined();
    expect(collected).toBe(3);
    expect(arrays.collections).toBe(3);
    expect(arrays.refused).toBe(11);
    expect(arrays.liveBytes).toBe(16 * block);
  });

  it("hands data-parallel workers regions of the shared memory past the calling thread's part, growing it, and takes them back", () => {
    const mib = 2 ** 20;
    expect(wasmKernels!.shared).toBe(true);
    const first = takeWorkerRegions(2)!;
    const second = takeWorkerRegions(3)!;
    expect(first.regions.map((r) => r.end - r.start)).toEqual([256 * mib, 256 * mib]);
    expect(first.extent.start).toBeGreaterThanOrEqual(256 * mib);
    expect(first.regions[1].start).toBe(first.regions[0].end);
    // A second pool while the first runs: past the first's regions, never over them.
    expect(second.extent.start).toBeGreaterThanOrEqual(first.extent.end);
    expect(wasmKernels!.memory.buffer.byteLength).toBeGreaterThanOrEqual(second.extent.end);
    // Arrays there are the kernels' own: used in place (a += a), not copied through scratch.
    const view = kernelView(second.regions[2].start, 16);
    view.fill(3);
    expect(kernelOffset(view)).toBe(second.regions[2].start);
    fast!.sgd(view, view, -1);
    expect(Array.from(kernelView(second.regions[2].start, 16))).toEqual(new Array(16).fill(6));
    expect(kernelOffset(new Float32Array(16))).toBeUndefined();
    returnWorkerRegions(first.extent);
    returnWorkerRegions(second.extent);
    const again = takeWorkerRegions(2)!;
    expect(again.extent).toEqual(first.extent);
    returnWorkerRegions(again.extent);
    // 64 threads still fit in 4 GiB, in smaller regions.
    expect(workerRegionBytes(63) * 63 + 256 * mib).toBeLessThanOrEqual(4 * 1024 * mib);
    expect(workerRegionBytes(63)).toBeGreaterThanOrEqual(32 * mib);
  });
});
