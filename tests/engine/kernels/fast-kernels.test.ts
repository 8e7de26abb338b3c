import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filled } from '../../fixtures/kernel-operands';
import { fast, reference } from '../../../src/engine/kernels';
import type { Kernels } from '../../../src/engine/kernels';
import { wasmKernels } from '../../../src/engine/kernels/wasm/memory';
import { Random } from '../../../src/engine/random';
import type { FloatArray, Placement } from '../../../src/engine/tensor';
import { allocate } from '../../../src/engine/tensor';

/**
 * Every fast kernel against its reference twin, on random shapes including odd sizes
 * and 1-row batches, dense and sparse inputs, with operands both in kernel memory
 * (used in place) and on the heap (copied through scratch space).
 *
 * Tolerances:
 * - matrix products: |fast − reference| ≤ 1e-5 · Σ_p |a_ip·b_pj| per entry, i.e. a
 *   relative 1e-5 of the sum of magnitudes: float32 accumulation with or without fused
 *   multiply-add, and in a different order, stays far inside it;
 * - optimiser updates: relative 1e-5, where entries within 1e-2 of the array's largest
 *   magnitude count against that floor instead (near-zero results come from
 *   cancellation, where float32 and the reference's float64 intermediates differ by an
 *   ulp of the operands, not of the result);
 * - leaky ReLU: relative 1e-6 (α·x is rounded from float32 α, not float64);
 * - ReLU and pixel scaling: exact.
 */
const SIZES = [1, 3, 7, 16, 65, 129];
const RELATIVE = 1e-5;

const fastKernels = fast as Kernels;

function copy(x: FloatArray, placement: Placement): Float32Array {
  const y = allocate('float32', x.length, placement) as Float32Array;
  y.set(x);
  return y;
}

/** Largest |actual − expected| / scale over all entries. */
function worst(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: (i: number) => number): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]) / scale(i));
  return max;
}

function relative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  return worst(actual, expected, (i) => Math.max(1e-7, Math.abs(expected[i])));
}

/** Relative error, with 1e-2 of the array's largest magnitude as the floor. */
function relativeToScale(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(expected[i]));
  return worst(actual, expected, (i) => Math.max(1e-2 * largest, Math.abs(expected[i]), 1e-30));
}

type Form = 'matmul' | 'matmulTransA' | 'matmulTransB' | 'affine';

/** Σ_p |A(i,p)·B(p,j)| for every output, in the layout each form uses. */
function magnitudes(form: Form, a: FloatArray, b: FloatArray, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const aip = form === 'matmulTransA' ? a[p * m + i] : a[i * k + p];
        const bpj = form === 'matmulTransB' ? b[j * k + p] : b[p * n + j];
        s += Math.abs(aip * bpj);
      }
      out[i * n + j] = s + 1e-30;
    }
  }
  return out;
}

describe('fast kernels agree with the reference kernels', () => {
  it('loaded (WebAssembly SIMD is available in this Node)', () => {
    expect(fast).toBeDefined();
  });

  const forms: Form[] = ['matmul', 'matmulTransA', 'matmulTransB', 'affine'];
  for (const form of forms) {
    it(`${form}: odd shapes, 1-row batches, dense, sparse and all-zero inputs, kernel and heap operands`, () => {
      const random = new Random(11);
      let checked = 0;
      for (const m of SIZES) {
        for (const k of SIZES) {
          for (const n of SIZES) {
            // Dense inputs take the register-tiled path, sparse ones (≥ 50% zeros) the compacted one.
            for (const zeros of [0, 0.8, 1]) {
              if (zeros === 1 && (m + k + n) % 2 === 0) continue;
              const placement: Placement = (m + k + n) % 3 === 0 ? 'heap' : 'kernel';
              const a = filled(m * k, random, placement, zeros);
              const b = filled(k * n, random, placement);
              const bias = filled(n, random, placement);
              const expected = allocate('float32', m * n) as Float32Array;
              const actual = filled(m * n, random, placement); // stale contents must be overwritten
              if (form === 'affine') {
                reference.affine(a, b, bias, expected, m, k, n);
                fastKernels.affine(a, b, bias, actual, m, k, n);
              } else {
                reference[form](a, b, expected, m, k, n);
                fastKernels[form](a, b, actual, m, k, n);
              }
              const scale = magnitudes(form, a, b, m, k, n);
              const biasScale = (i: number) => scale[i] + (form === 'affine' ? Math.abs(bias[i % n]) : 0);
              expect(
                worst(actual, expected, biasScale),
                `${form} ${m}x${k}x${n} zeros ${zeros} ${placement}`,
              ).toBeLessThanOrEqual(RELATIVE);
              checked++;
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(400);
    });
  }

  it('matmulTransA with B the sparse side (a dense layer weight gradient Xᵀ·dY), odd shapes', () => {
    const random = new Random(9);
    for (const [m, k, n, aZeros, bZeros] of [
      [1568, 64, 128, 0.39, 0.75],
      [130, 9, 6, 0.6, 0.9],
      [33, 17, 20, 0.2, 0.7],
      [5, 3, 2, 0, 0.6],
      [6, 4, 3, 0.5, 1],
    ]) {
      const a = filled(m * k, random, 'kernel', aZeros);
      const b = filled(k * n, random, 'kernel', bZeros);
      const expected = allocate('float32', m * n) as Float32Array;
      const actual = filled(m * n, random, 'kernel'); // stale contents must be overwritten
      reference.matmulTransA(a, b, expected, m, k, n);
      fastKernels.matmulTransA(a, b, actual, m, k, n);
      const scale = magnitudes('matmulTransA', a, b, m, k, n);
      expect(
        worst(actual, expected, (i) => scale[i]),
        `${m}x${k}x${n}`,
      ).toBeLessThanOrEqual(RELATIVE);
    }
  });

  it('matmul at the reference model shapes, including a real-looking sparse batch', () => {
    const random = new Random(5);
    for (const [m, k, n, zeros] of [
      [64, 784, 128, 0],
      [64, 784, 128, 0.81],
      [500, 128, 10, 0.5],
      [1, 784, 128, 0.81],
    ]) {
      const a = filled(m * k, random, 'kernel', zeros);
      const b = filled(k * n, random, 'kernel');
      const expected = allocate('float32', m * n);
      const actual = allocate('float32', m * n, 'kernel');
      reference.matmul(a, b, expected, m, k, n);
      fastKernels.matmul(a, b, actual, m, k, n);
      const scale = magnitudes('matmul', a, b, m, k, n);
      expect(worst(actual, expected, (i) => scale[i])).toBeLessThanOrEqual(RELATIVE);
    }
  });

  it("sparse products whose zeros come in runs, as an image's do (whole 16-float blocks, some of them -0)", () => {
    const random = new Random(8);
    // Each aligned run of 16 is zero (or -0) with probability 0.6, else 70% zeros; widths
    // that are not multiples of 16 leave a tail of groups and of single floats.
    const runs = (length: number): Float32Array => {
      const x = filled(length, random, 'kernel', 0.7);
      for (let at = 0; at < length; at += 16) {
        const r = random.next();
        if (r < 0.6) x.fill(r < 0.1 ? -0 : 0, at, Math.min(at + 16, length));
      }
      return x;
    };
    for (const [m, k, n] of [
      [64, 784, 128],
      [9, 50, 40],
      [33, 37, 48],
    ]) {
      for (const form of ['affine', 'matmulTransA'] as const) {
        const a = runs(m * k);
        const b = filled(k * n, random, 'kernel');
        const bias = filled(n, random, 'kernel');
        const expected = allocate('float32', m * n) as Float32Array;
        const actual = filled(m * n, random, 'kernel');
        if (form === 'affine') {
          reference.affine(a, b, bias, expected, m, k, n);
          fastKernels.affine(a, b, bias, actual, m, k, n);
        } else {
          // A is [k, m] here: Aᵀ·B, a dense layer's weight gradient Xᵀ·dY.
          reference.matmulTransA(a, b, expected, m, k, n);
          fastKernels.matmulTransA(a, b, actual, m, k, n);
        }
        const scale = magnitudes(form, a, b, m, k, n);
        const biasScale = (i: number) => scale[i] + (form === 'affine' ? Math.abs(bias[i % n]) : 0);
        expect(worst(actual, expected, biasScale), `${form} ${m}x${k}x${n}`).toBeLessThanOrEqual(RELATIVE);
      }
    }
  });

  it('sumRows adds each column over the rows in order, as the reference does: bit for bit', () => {
    const random = new Random(5);
    // Column blocks of 16, 8 and 4 and a scalar tail; a conv layer's bias gradient has many rows.
    for (const n of [4, 8, 12, 24, 30, 32]) {
      for (const m of [1, 50, 3000]) {
        const g = filled(m * n, random, 'kernel');
        const expected = allocate('float32', n);
        const actual = allocate('float32', n);
        reference.sumRows(g, expected, m, n);
        fastKernels.sumRows(g, actual, m, n);
        expect(Array.from(actual)).toEqual(Array.from(expected));
      }
    }
  });

  it('addBias and sumRows', () => {
    const random = new Random(2);
    for (const m of SIZES) {
      for (const n of SIZES) {
        const c = filled(m * n, random, 'kernel');
        const bias = filled(n, random, 'heap');
        const expected = copy(c, 'heap');
        reference.addBias(expected, bias, m, n);
        fastKernels.addBias(c, bias, m, n);
        expect(relative(c, expected)).toBeLessThanOrEqual(RELATIVE);

        const sums = filled(n, random, 'kernel');
        const expectedSums = allocate('float32', n);
        reference.sumRows(c, expectedSums, m, n);
        fastKernels.sumRows(c, sums, m, n);
        let magnitude = 0;
        for (let i = 0; i < m * n; i++) magnitude = Math.max(magnitude, Math.abs(c[i]));
        expect(worst(sums, expectedSums, () => m * magnitude + 1e-30)).toBeLessThanOrEqual(RELATIVE);
      }
    }
  });

  it('ReLU and leaky ReLU, forward and backward, exactly', () => {
    const random = new Random(3);
    for (const length of [1, 3, 7, 64, 129, 1000]) {
      for (const alpha of [0, 0.01, 0.2]) {
        const x = filled(length, random, 'kernel', 0.1);
        const g = filled(length, random, 'heap');
        const [y, yRef, dx, dxRef] = [0, 1, 2, 3].map(() => allocate('float32', length, 'kernel'));
        reference.leakyRelu(x, yRef, length, alpha);
        fastKernels.leakyRelu(x, y, length, alpha);
        reference.leakyReluBackward(x, g, dxRef, length, alpha);
        fastKernels.leakyReluBackward(x, g, dx, length, alpha);
        const bound = alpha === 0 ? 0 : 1e-6;
        expect(relative(y, yRef)).toBeLessThanOrEqual(bound);
        expect(relative(dx, dxRef)).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('softmax-cross-entropy: loss, probabilities and the fused gradient', () => {
    const random = new Random(4);
    for (const rows of [1, 3, 64, 65]) {
      for (const cols of [1, 2, 10, 13]) {
        const z = filled(rows * cols, random, 'kernel');
        for (let i = 0; i < z.length; i++) z[i] *= 20; // large logits exercise the max subtraction
        const labels = Uint8Array.from({ length: rows }, () => random.int(cols));
        const [p, pRef, grad, gradRef] = [0, 1, 2, 3].map(() => allocate('float32', rows * cols, 'kernel'));
        const lossRef = reference.softmaxCrossEntropy(z, labels, pRef, gradRef, rows, cols);
        const loss = fastKernels.softmaxCrossEntropy(z, labels, p, grad, rows, cols);
        expect(Math.abs(loss - lossRef) / Math.max(1, Math.abs(lossRef))).toBeLessThanOrEqual(1e-6);
        expect(worst(p, pRef, () => 1)).toBeLessThanOrEqual(1e-6);
        expect(worst(grad, gradRef, () => 1)).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  describe('optimiser updates, five steps from the same state', () => {
    const rules: [string, (k: Kernels, w: FloatArray, g: FloatArray, s: FloatArray[], t: number) => void, number][] = [
      ['sgd', (k, w, g) => k.sgd(w, g, 0.1), 0],
      ['momentum', (k, w, g, [v]) => k.momentum(w, g, v, 0.1, 0.9), 1],
      ['nesterov', (k, w, g, [v]) => k.nesterov(w, g, v, 0.1, 0.9), 1],
      ['adaGrad', (k, w, g, [h]) => k.adaGrad(w, g, h, 0.01, 1e-7), 1],
      ['rmsProp', (k, w, g, [h]) => k.rmsProp(w, g, h, 0.001, 0.9, 1e-7), 1],
      ['adam', (k, w, g, [m, v], t) => k.adam(w, g, m, v, 0.001, 0.9, 0.999, 1e-8, t), 2],
    ];
    for (const [name, step, slots] of rules) {
      it(name, () => {
        const random = new Random(6);
        for (const length of [1, 3, 7, 13, 129, 100_480]) {
          for (const placement of ['kernel', 'heap'] as const) {
            const w = filled(length, random, placement);
            const wRef = copy(w, 'heap');
            const state = Array.from({ length: slots }, () => allocate('float32', length, placement));
            const stateRef = Array.from({ length: slots }, () => allocate('float32', length));
            for (let t = 1; t <= 5; t++) {
              const g = filled(length, random, placement, 0.2);
              step(reference, wRef, g, stateRef, t);
              step(fastKernels, w, g, state, t);
            }
            expect(relativeToScale(w, wRef), `${name} w, ${length} ${placement}`).toBeLessThanOrEqual(RELATIVE);
            state.forEach((s, i) =>
              expect(relativeToScale(s, stateRef[i]), `${name} state ${i}`).toBeLessThanOrEqual(RELATIVE),
            );
          }
        }
      });
    }
  });

  describe('a decaying optimiser state is stored as +0 once below 2^-126 by both kernels, the others kept', () => {
    // Gradient 0, so each state only decays: state ← decay·state. Each slot starts its lanes
    // at [decays below 2^-126, subnormal or decays below, stays normal, NaN]: the first two
    // must become +0, the third shrink by the decay, and NaN stay NaN (a flush must not hide
    // a diverged state).
    const minNormal = 2 ** -126;
    type Slot = { decay: number; start: number[] };
    const slot = (decay: number, firstTwo: [number, number]): Slot => ({
      decay,
      start: [...firstTwo.map((x) => x * minNormal), 2 * minNormal, NaN],
    });
    const rules: [string, (k: Kernels, w: FloatArray, g: FloatArray, s: FloatArray[]) => void, Slot[]][] = [
      ['momentum', (k, w, g, [v]) => k.momentum(w, g, v, 0.1, 0.9), [slot(0.9, [1.05, -1.05])]],
      ['nesterov', (k, w, g, [v]) => k.nesterov(w, g, v, 0.1, 0.9), [slot(0.9, [1.05, -1.05])]],
      ['rmsProp', (k, w, g, [h]) => k.rmsProp(w, g, h, 0.001, 0.9, 1e-7), [slot(0.9, [1.05, 0.5])]],
      [
        'adam',
        (k, w, g, [m, v]) => k.adam(w, g, m, v, 0.001, 0.9, 0.999, 1e-8, 10),
        [slot(0.9, [1.05, -1.05]), slot(0.999, [1.0005, 0.5])],
      ],
    ];
    for (const [name, step, slots] of rules) {
      it(name, () => {
        // Length 7: four SIMD lanes and a scalar tail of three; shifting the lanes by one
        // puts every case in the tail too.
        for (const shift of [0, 1]) {
          for (const k of [reference, fastKernels] as Kernels[]) {
            const lane = (i: number) => (i + shift) % 4;
            const floats = (at: (i: number) => number) => {
              const x = allocate('float32', 7, 'kernel') as Float32Array;
              for (let i = 0; i < x.length; i++) x[i] = at(i);
              return x;
            };
            const w = floats(() => 0.5);
            const g = floats(() => 0);
            const state = slots.map(({ start }) => floats((i) => start[lane(i)]));
            const before = state.map((s) => Float32Array.from(s));
            step(k, w, g, state);
            slots.forEach(({ decay }, s) =>
              state[s].forEach((x, i) => {
                const where = `${k === reference ? 'reference' : 'fast'} state ${s}[${i}], shift ${shift}`;
                if (lane(i) < 2) expect(Object.is(x, 0), `${where}: ${x}`).toBe(true);
                else if (lane(i) === 2) expect(x / before[s][i], where).toBeCloseTo(decay, 6);
                else expect(x, where).toBeNaN();
              }),
            );
          }
        }
      });
    }
  });

  it('unitPixels: batches of uint8 images scaled to 0..1, exactly', () => {
    const random = new Random(8);
    const size = 784;
    const images = Uint8Array.from({ length: 50 * size }, () => (random.next() < 0.8 ? 0 : random.int(256)));
    images.fill(255, 0, size);
    for (const count of [1, 3, 17, 50]) {
      const rows = Array.from({ length: count }, () => {
        const at = random.int(50);
        return images.subarray(at * size, (at + 1) * size);
      });
      const out = allocate('float32', count * size, 'kernel');
      const expected = allocate('float32', count * size);
      reference.unitPixels(rows, size, expected);
      fastKernels.unitPixels(rows, size, out);
      expect(worst(out, expected, () => 1)).toBe(0);
    }
  });

  it('float64 operands run the reference path exactly', () => {
    const random = new Random(9);
    const a = Float64Array.from({ length: 21 }, () => random.uniform(-1, 1));
    const b = Float64Array.from({ length: 35 }, () => random.uniform(-1, 1));
    const expected = new Float64Array(15);
    const actual = new Float64Array(15);
    reference.matmul(a, b, expected, 3, 7, 5);
    fastKernels.matmul(a, b, actual, 3, 7, 5);
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });
});

describe('each kernel and its fast twin share a name', () => {
  const kernelsDir = join(import.meta.dirname, '../../../src/engine/kernels');
  /** Names of the exported functions in a file, leaving out the scratch sizes the glue reserves. */
  function exportedKernels(file: string): string[] {
    const names = [...readFileSync(file, 'utf8').matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
    return names.filter((name) => !name.endsWith('Scratch')).sort();
  }

  it('every file in reference/ has a file of the same name in wasm/assembly/ with the same kernels', () => {
    const files = readdirSync(join(kernelsDir, 'reference')).filter((f) => f !== 'index.ts');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const twin = exportedKernels(join(kernelsDir, 'wasm/assembly', file));
      expect(twin, file).toEqual(exportedKernels(join(kernelsDir, 'reference', file)));
    }
  });

  it('every WebAssembly export is a reference kernel, apart from heapBase and the scratch sizes', () => {
    const exported = Object.keys(wasmKernels!.exports).filter((n) => n !== 'heapBase' && !n.endsWith('Scratch'));
    expect(exported.sort()).toEqual(Object.keys(reference).sort());
  });
});
