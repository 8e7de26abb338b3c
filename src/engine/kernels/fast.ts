import type { FloatArray } from '../tensor';
import type { Kernels } from './kernels';
import * as reference from './reference';
import type { WasmKernels } from './wasm/memory';

/**
 * Scratch one pass of the filter gradient over the input's non-zeros may take (its
 * padded dY and the input's lists); larger batches take several passes. Small enough
 * that a pass stays in the second-level cache: one sample of a 28x28 first layer (the
 * cnn preset's conv1 took 1.4 ms a call with 16 MiB, 64 samples a pass; 1.0 ms so).
 */
export const FILTER_GRADIENT_CHUNK_BYTES = 2 ** 17;

/**
 * Reads one byte of every cache line of a batch's image rows (and each row's last byte,
 * as rows do not start on a line) and returns them combined. A batch's rows lie at random
 * in a 47-MB dataset; copied one after another, each copy waits on its own misses in
 * turn (35 µs for the reference MLP's 64 rows in training). Touched first, with loads that
 * do not depend on each other, the misses overlap, and the copies then hit the cache (17
 * µs; bench/conv-profile.ts mlp).
 */
function touchRows(images: readonly Uint8Array[], size: number): number {
  let touched = 0;
  for (let k = 0; k < size; k += 64) for (const image of images) touched |= image[k];
  for (const image of images) touched |= image[size - 1];
  return touched;
}
/** Where `touchRows`' result goes, so the engine cannot drop its loads as unused. */
let _touchedSink = 0;

/**
 * The kernel table backed by WebAssembly SIMD (wasm/assembly/), with the same
 * signatures and meaning as `reference`. Each entry calls the WebAssembly export of
 * the same name.
 *
 * Float32 operands that live in kernel memory (see `Placement` in tensor.ts) are used
 * in place. Other float32 arrays are copied through scratch space, so any caller gets
 * the same answer; float64 (gradient checks), or operands too large for the scratch
 * space, go to the reference kernels.
 */
export function fastKernels(wasm: WasmKernels): Kernels {
  const ex = wasm.exports;
  const { buffer, scratch, owns } = wasm;
  const f32 = new Float32Array(buffer);
  const i32 = new Int32Array(buffer);
  const u8 = new Uint8Array(buffer);

  /** Raised inside a call when scratch space runs out; the call then runs the reference kernel. */
  const tooLarge = Symbol('scratch space exhausted');

  function reserve(bytes: number): number {
    const at = scratch.push(bytes);
    if (at < 0) throw tooLarge;
    return at;
  }
  /** Byte offset of x's first `length` entries in kernel memory, copying them there if needed. */
  function input(x: FloatArray, length: number): number {
    if (owns(x)) return x.byteOffset;
    const at = reserve(length * 4);
    f32.set(x.subarray(0, length), at >>> 2);
    return at;
  }
  /** Byte offset to write x's first `length` entries to; `writeBack` copies them out if x is elsewhere. */
  function output(x: FloatArray, length: number): number {
    return owns(x) ? x.byteOffset : reserve(length * 4);
  }
  function writeBack(x: FloatArray, at: number, length: number): void {
    if (!owns(x)) x.set(f32.subarray(at >>> 2, (at >>> 2) + length));
  }
  /** Runs `fast` with a scratch mark, or `slow` for float64 operands or when scratch runs out. */
  function run<T>(arrays: FloatArray[], fast: () => T, slow: () => T): T {
    for (const x of arrays) if (!(x instanceof Float32Array)) return slow();
    const mark = scratch.mark();
    try {
      return fast();
    } catch (error) {
      if (error === tooLarge) return slow();
      throw error;
    } finally {
      scratch.release(mark);
    }
  }

  /** The nine i32 the conv kernels read, written to scratch. */
  function convGeometry(g: reference.ConvGeometry): number {
    const at = reserve(9 * 4);
    i32.set([g.height, g.width, g.channels, g.kernel, g.stride, g.padTop, g.padLeft, g.outHeight, g.outWidth], at >>> 2);
    return at;
  }
  function poolGeometry(g: reference.PoolGeometry): number {
    const at = reserve(7 * 4);
    i32.set([g.height, g.width, g.channels, g.size, g.stride, g.outHeight, g.outWidth], at >>> 2);
    return at;
  }

  return {
    matmul(a, b, c, m, k, n) {
      run(
        [a, b, c],
        () => {
          const pc = output(c, m * n);
          ex.matmul(input(a, m * k), input(b, k * n), pc, m, k, n, reserve(ex.affineScratch(k)));
          writeBack(c, pc, m * n);
        },
        () => reference.matmul(a, b, c, m, k, n),
      );
    },

    affine(a, b, bias, c, m, k, n) {
      run(
        [a, b, bias, c],
        () => {
          const pc = output(c, m * n);
          ex.affine(input(a, m * k), input(b, k * n), input(bias, n), pc, m, k, n, reserve(ex.affineScratch(k)));
          writeBack(c, pc, m * n);
        },
        () => reference.affine(a, b, bias, c, m, k, n),
      );
    },

    matmulTransA(a, b, c, m, k, n) {
      run(
        [a, b, c],
        () => {
          const pa = input(a, k * m);
          const pb = input(b, k * n);
          const pc = output(c, m * n);
          ex.matmulTransA(pa, pb, pc, m, k, n, reserve(ex.matmulTransAScratch(m, k)));
          writeBack(c, pc, m * n);
        },
        () => reference.matmulTransA(a, b, c, m, k, n),
      );
    },

    matmulTransB(a, b, c, m, k, n) {
      run(
        [a, b, c],
        () => {
          const pa = input(a, m * k);
          const pb = input(b, n * k);
          const pc = output(c, m * n);
          ex.matmulTransB(pa, pb, pc, m, k, n, reserve(ex.matmulTransBScratch(k, n) + ex.affineScratch(k)));
          writeBack(c, pc, m * n);
        },
        () => reference.matmulTransB(a, b, c, m, k, n),
      );
    },

    addBias(c, bias, m, n) {
      run(
        [c, bias],
        () => {
          const pc = input(c, m * n);
          ex.addBias(pc, input(bias, n), m, n);
          writeBack(c, pc, m * n);
        },
        () => reference.addBias(c, bias, m, n),
      );
    },

    sumRows(g, out, m, n) {
      run(
        [g, out],
        () => {
          const po = output(out, n);
          ex.sumRows(input(g, m * n), po, m, n);
          writeBack(out, po, n);
        },
        () => reference.sumRows(g, out, m, n),
      );
    },

    leakyRelu(x, y, length, alpha) {
      run(
        [x, y],
        () => {
          const py = output(y, length);
          ex.leakyRelu(input(x, length), py, length, alpha);
          writeBack(y, py, length);
        },
        () => reference.leakyRelu(x, y, length, alpha),
      );
    },

    leakyReluBackward(x, g, dx, length, alpha) {
      run(
        [x, g, dx],
        () => {
          const pdx = output(dx, length);
          ex.leakyReluBackward(input(x, length), input(g, length), pdx, length, alpha);
          writeBack(dx, pdx, length);
        },
        () => reference.leakyReluBackward(x, g, dx, length, alpha),
      );
    },

    softmaxCrossEntropy(z, labels, p, grad, rows, cols) {
      return run(
        [z, p, grad],
        () => {
          const pl = reserve(rows * 4);
          for (let r = 0; r < rows; r++) i32[(pl >>> 2) + r] = labels[r];
          const pp = output(p, rows * cols);
          const pg = output(grad, rows * cols);
          const total = ex.softmaxCrossEntropy(input(z, rows * cols), pl, pp, pg, rows, cols);
          writeBack(p, pp, rows * cols);
          writeBack(grad, pg, rows * cols);
          return total;
        },
        () => reference.softmaxCrossEntropy(z, labels, p, grad, rows, cols),
      );
    },

    sgd(w, g, lr) {
      run(
        [w, g],
        () => {
          const pw = input(w, w.length);
          ex.sgd(pw, input(g, w.length), w.length, lr);
          writeBack(w, pw, w.length);
        },
        () => reference.sgd(w, g, lr),
      );
    },

    momentum(w, g, v, lr, alpha) {
      withState(
        w,
        g,
        v,
        (pw, pg, pv, n) => ex.momentum(pw, pg, pv, n, lr, alpha),
        () => reference.momentum(w, g, v, lr, alpha),
      );
    },

    nesterov(w, g, v, lr, alpha) {
      withState(
        w,
        g,
        v,
        (pw, pg, pv, n) => ex.nesterov(pw, pg, pv, n, lr, alpha),
        () => reference.nesterov(w, g, v, lr, alpha),
      );
    },

    adaGrad(w, g, h, lr, epsilon) {
      withState(
        w,
        g,
        h,
        (pw, pg, ph, n) => ex.adaGrad(pw, pg, ph, n, lr, epsilon),
        () => reference.adaGrad(w, g, h, lr, epsilon),
      );
    },

    rmsProp(w, g, h, lr, rho, epsilon) {
      // 1 − ρ in float64 here, as for Adam's 1 − β below.
      withState(
        w,
        g,
        h,
        (pw, pg, ph, n) => ex.rmsProp(pw, pg, ph, n, lr, rho, 1 - rho, epsilon),
        () => reference.rmsProp(w, g, h, lr, rho, epsilon),
      );
    },

    adam(w, g, m, v, lr, beta1, beta2, epsilon, t) {
      run(
        [w, g, m, v],
        () => {
          const n = w.length;
          const pw = input(w, n);
          const pm = input(m, n);
          const pv = input(v, n);
          // The bias corrections and 1 − β in float64: 1 − f32(0.999) is off by 1e-5 relative.
          const step = lr / (1 - beta1 ** t);
          ex.adam(pw, input(g, n), pm, pv, n, step, beta1, beta2, epsilon, 1 / (1 - beta2 ** t), 1 - beta1, 1 - beta2);
          writeBack(w, pw, n);
          writeBack(m, pm, n);
          writeBack(v, pv, n);
        },
        () => reference.adam(w, g, m, v, lr, beta1, beta2, epsilon, t),
      );
    },

    im2col(x, xOffset, count, g, cols) {
      const inFloats = count * g.height * g.width * g.channels;
      const colFloats = count * g.outHeight * g.outWidth * g.kernel * g.kernel * g.channels;
      run(
        [x, cols],
        () => {
          const px = input(x.subarray(xOffset), inFloats);
          const pc = output(cols, colFloats);
          ex.im2col(px, count, convGeometry(g), pc);
          writeBack(cols, pc, colFloats);
        },
        () => reference.im2col(x, xOffset, count, g, cols),
      );
    },

    col2im(cols, count, g, dx, dxOffset) {
      const inFloats = count * g.height * g.width * g.channels;
      const colFloats = count * g.outHeight * g.outWidth * g.kernel * g.kernel * g.channels;
      run(
        [cols, dx],
        () => {
          const target = dx.subarray(dxOffset);
          const pd = output(target, inFloats);
          ex.col2im(input(cols, colFloats), count, convGeometry(g), pd);
          writeBack(target, pd, inFloats);
        },
        () => reference.col2im(cols, count, g, dx, dxOffset),
      );
    },

    conv2d(x, count, g, filters, w, bias, y) {
      const inFloats = count * g.height * g.width * g.channels;
      const outFloats = count * g.outHeight * g.outWidth * filters;
      const weights = g.kernel * g.kernel * g.channels * filters;
      run(
        [x, w, bias, y],
        () => {
          const py = output(y, outFloats);
          const geometry = convGeometry(g);
          const scratchBytes = ex.conv2dScratch(geometry, filters);
          ex.conv2d(
            input(x, inFloats),
            count,
            geometry,
            filters,
            input(w, weights),
            input(bias, filters),
            py,
            reserve(scratchBytes),
          );
          writeBack(y, py, outFloats);
        },
        () => reference.conv2d(x, count, g, filters, w, bias, y),
      );
    },

    conv2dFilterGradient(x, dy, count, g, filters, dw) {
      const inFloats = count * g.height * g.width * g.channels;
      const outFloats = count * g.outHeight * g.outWidth * filters;
      const weights = g.kernel * g.kernel * g.channels * filters;
      run(
        [x, dy, dw],
        () => {
          const pw = output(dw, weights);
          const geometry = convGeometry(g);
          // Samples per pass: a pass's padded block and lists fit in FILTER_GRADIENT_CHUNK_BYTES.
          const perSample = ex.conv2dFilterGradientSampleScratch(geometry, filters);
          const chunk = Math.max(1, Math.min(count, Math.floor(FILTER_GRADIENT_CHUNK_BYTES / perSample)));
          const scratchBytes = ex.conv2dFilterGradientScratch(geometry, filters, chunk);
          ex.conv2dFilterGradient(
            input(x, inFloats),
            input(dy, outFloats),
            count,
            geometry,
            filters,
            pw,
            chunk,
            reserve(scratchBytes),
          );
          writeBack(dw, pw, weights);
        },
        () => reference.conv2dFilterGradient(x, dy, count, g, filters, dw),
      );
    },

    conv2dInputGradient(dy, w, count, g, filters, dx) {
      const inFloats = count * g.height * g.width * g.channels;
      const outFloats = count * g.outHeight * g.outWidth * filters;
      const weights = g.kernel * g.kernel * g.channels * filters;
      run(
        [dy, w, dx],
        () => {
          const pd = output(dx, inFloats);
          const geometry = convGeometry(g);
          const scratchBytes = ex.conv2dInputGradientScratch(geometry, filters);
          ex.conv2dInputGradient(
            input(dy, outFloats),
            input(w, weights),
            count,
            geometry,
            filters,
            pd,
            reserve(scratchBytes),
          );
          writeBack(dx, pd, inFloats);
        },
        () => reference.conv2dInputGradient(dy, w, count, g, filters, dx),
      );
    },

    maxPool(x, count, g, y) {
      const inFloats = count * g.height * g.width * g.channels;
      const outFloats = count * g.outHeight * g.outWidth * g.channels;
      run(
        [x, y],
        () => {
          const py = output(y, outFloats);
          ex.maxPool(input(x, inFloats), count, poolGeometry(g), py);
          writeBack(y, py, outFloats);
        },
        () => reference.maxPool(x, count, g, y),
      );
    },

    maxPoolBackward(x, gradOutput, count, g, dx) {
      const inFloats = count * g.height * g.width * g.channels;
      const outFloats = count * g.outHeight * g.outWidth * g.channels;
      run(
        [x, gradOutput, dx],
        () => {
          const pd = output(dx, inFloats);
          ex.maxPoolBackward(input(x, inFloats), input(gradOutput, outFloats), count, poolGeometry(g), pd);
          writeBack(dx, pd, inFloats);
        },
        () => reference.maxPoolBackward(x, gradOutput, count, g, dx),
      );
    },

    channelSums(a, b, center, rows, C, out) {
      run(
        [a, out, ...(b ? [b] : []), ...(center ? [center] : [])],
        () => {
          const po = output(out, C);
          const pa = input(a, rows * C);
          const pb = b ? input(b, rows * C) : 0;
          const pc = center ? input(center, C) : 0;
          ex.channelSums(pa, pb, pc, rows, C, po, reserve(ex.channelSumsScratch()));
          writeBack(out, po, C);
        },
        () => reference.channelSums(a, b, center, rows, C, out),
      );
    },

    channelAffine(x, y, normalised, rows, C, scale, shift, gamma, beta) {
      run(
        [x, y, scale, shift, gamma, beta, ...(normalised ? [normalised] : [])],
        () => {
          const py = output(y, rows * C);
          const pn = normalised ? output(normalised, rows * C) : 0;
          const [ps, pt, pg, pb] = [scale, shift, gamma, beta].map((v) => input(v, C));
          ex.channelAffine(input(x, rows * C), py, pn, rows, C, ps, pt, pg, pb);
          writeBack(y, py, rows * C);
          if (normalised) writeBack(normalised, pn, rows * C);
        },
        () => reference.channelAffine(x, y, normalised, rows, C, scale, shift, gamma, beta),
      );
    },

    batchNormBackward(g, normalised, dx, rows, C, k, dBeta, dGamma) {
      run(
        [g, normalised, dx, k, dBeta, dGamma],
        () => {
          const pd = output(dx, rows * C);
          const [pk, pb, pg] = [k, dBeta, dGamma].map((v) => input(v, C));
          ex.batchNormBackward(input(g, rows * C), input(normalised, rows * C), pd, rows, C, pk, pb, pg);
          writeBack(dx, pd, rows * C);
        },
        () => reference.batchNormBackward(g, normalised, dx, rows, C, k, dBeta, dGamma),
      );
    },

    unitPixels(images, size, out) {
      run(
        [out],
        () => {
          const n = images.length;
          const pixels = reserve(n * size);
          _touchedSink ^= touchRows(images, size);
          for (let r = 0; r < n; r++) {
            const image = images[r];
            u8.set(image.length === size ? image : image.subarray(0, size), pixels + r * size);
          }
          const po = output(out, n * size);
          ex.unitPixels(pixels, po, n * size);
          writeBack(out, po, n * size);
        },
        () => reference.unitPixels(images, size, out),
      );
    },
  };

  /** An optimiser rule with one state array s beside w: w and s are updated in place, g is only read. */
  function withState(
    w: FloatArray,
    g: FloatArray,
    s: FloatArray,
    fast: (pw: number, pg: number, ps: number, n: number) => void,
    slow: () => void,
  ): void {
    run(
      [w, g, s],
      () => {
        const n = w.length;
        const pw = input(w, n);
        const ps = input(s, n);
        fast(pw, input(g, n), ps, n);
        writeBack(w, pw, n);
        writeBack(s, ps, n);
      },
      slow,
    );
  }
}
