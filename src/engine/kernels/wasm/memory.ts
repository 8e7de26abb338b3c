import { relaxedSimdWasm, simdWasm } from './kernels.wasm';

/**
 * The one WebAssembly memory the fast kernels work in, and the arena that hands out
 * float32 buffers inside it, so weights, gradients, optimiser state and layer outputs
 * already sit where the kernels read them and no step copies them in or out.
 *
 * The memory is reserved once at its full size and never grown: growing would detach
 * every Float32Array already handed out. Untouched pages cost no resident memory, so
 * reserving 256 MiB costs nothing until it is used. When the arena is full,
 * `kernelFloat32` returns undefined and the caller falls back to an ordinary array
 * (the kernels still work on those, by copying through scratch space or, if that is
 * too small, by running the reference kernels).
 *
 * Blocks are freed when their Float32Array is garbage collected (see `KernelArrays`).
 * A `subarray` of an arena array does not keep the block alive: keep the array itself.
 *
 * Loading needs WebAssembly SIMD (Node 16.4+, every Electron we ship); without it,
 * `wasmKernels` is undefined and the engine runs the reference kernels.
 */

/** The exports of wasm/assembly/index.ts: each has the name of its twin in ../reference. */
export interface WasmExports {
  heapBase(): number;
  affineScratch(k: number): number;
  matmul(a: number, b: number, c: number, m: number, k: number, n: number, scratch: number): void;
  affine(a: number, b: number, bias: number, c: number, m: number, k: number, n: number, scratch: number): void;
  matmulTransAScratch(m: number, k: number): number;
  matmulTransA(a: number, b: number, c: number, m: number, k: number, n: number, scratch: number): void;
  matmulTransBScratch(k: number, n: number): number;
  matmulTransB(a: number, b: number, c: number, m: number, k: number, n: number, scratch: number): void;
  addBias(c: number, bias: number, m: number, n: number): void;
  sumRows(g: number, out: number, m: number, n: number): void;
  leakyRelu(x: number, y: number, len: number, alpha: number): void;
  leakyReluBackward(x: number, g: number, dx: number, len: number, alpha: number): void;
  softmaxCrossEntropy(z: number, labels: number, p: number, grad: number, rows: number, cols: number): number;
  sgd(w: number, g: number, len: number, lr: number): void;
  momentum(w: number, g: number, v: number, len: number, lr: number, a: number): void;
  nesterov(w: number, g: number, v: number, len: number, lr: number, a: number): void;
  adaGrad(w: number, g: number, h: number, len: number, lr: number, eps: number): void;
  rmsProp(
    w: number,
    g: number,
    h: number,
    len: number,
    lr: number,
    rho: number,
    oneMinusRho: number,
    eps: number,
  ): void;
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    len: number,
    step: number,
    beta1: number,
    beta2: number,
    eps: number,
    vScale: number,
    oneMinusBeta1: number,
    oneMinusBeta2: number,
  ): void;
  unitPixels(src: number, dst: number, len: number): void;
  im2col(x: number, count: number, geometry: number, cols: number): void;
  col2im(cols: number, count: number, geometry: number, dx: number): void;
  conv2dScratch(geometry: number, filters: number): number;
  conv2d(
    x: number,
    count: number,
    geometry: number,
    filters: number,
    w: number,
    bias: number,
    y: number,
    scratch: number,
  ): void;
  conv2dFilterGradientSampleScratch(geometry: number, filters: number): number;
  conv2dFilterGradientScratch(geometry: number, filters: number, chunk: number): number;
  conv2dFilterGradient(
    x: number,
    dy: number,
    count: number,
    geometry: number,
    filters: number,
    dw: number,
    chunk: number,
    scratch: number,
  ): void;
  conv2dInputGradientScratch(geometry: number, filters: number): number;
  conv2dInputGradient(
    dy: number,
    w: number,
    count: number,
    geometry: number,
    filters: number,
    dx: number,
    scratch: number,
  ): void;
  maxPool(x: number, count: number, geometry: number, y: number): void;
  maxPoolBackward(x: number, g: number, count: number, geometry: number, dx: number): void;
  channelSumsScratch(): number;
  channelSums(a: number, b: number, center: number, rows: number, C: number, out: number, totals: number): void;
  channelAffine(
    x: number,
    y: number,
    normalised: number,
    rows: number,
    C: number,
    scale: number,
    shift: number,
    gamma: number,
    beta: number,
  ): void;
  batchNormBackward(
    g: number,
    normalised: number,
    dx: number,
    rows: number,
    C: number,
    k: number,
    dBeta: number,
    dGamma: number,
  ): void;
}

/** The part of the WebAssembly JS API used here (lib.dom has it; the node project's libs do not). */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  validate(bytes: Uint8Array): boolean;
}
const WebAssemblyApi = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

const PAGE = 65536;
const MEMORY_BYTES = 256 * 2 ** 20;
/** Kernel scratch (sparse index lists, transposes, copies of heap operands). */
const SCRATCH_BYTES = 64 * 2 ** 20;
const ALIGN = 64;

export interface WasmKernels {
  exports: WasmExports;
  memory: { buffer: ArrayBuffer };
  /** The memory's ArrayBuffer; it never changes because the memory never grows. */
  buffer: ArrayBuffer;
  /** Whether the build with fused multiply-add (relaxed SIMD) loaded. */
  relaxedSimd: boolean;
  scratch: Scratch;
}

/** A stack of scratch space for one kernel call at a time (the engine is single-threaded). */
export class Scratch {
  private top: number;
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    this.top = start;
  }
  /** Reserves `bytes` (aligned) or returns -1 when they do not fit. */
  push(bytes: number): number {
    const at = this.top;
    const next = at + Math.ceil(bytes / ALIGN) * ALIGN;
    if (next > this.end) return -1;
    this.top = next;
    return at;
  }
  mark(): number {
    return this.top;
  }
  release(mark: number): void {
    this.top = mark;
  }
}

/** First-fit free list over [start, end), blocks aligned to 64 bytes (a cache line). */
export class Arena {
  /** Free blocks as [start, end) pairs, sorted by start, never adjacent. */
  private readonly free: number[][];
  constructor(start: number, end: number) {
    this.free = [[start, end]];
  }
  allocate(bytes: number): number | undefined {
    const size = Math.ceil(bytes / ALIGN) * ALIGN;
    for (let i = 0; i < this.free.length; i++) {
      const block = this.free[i];
      if (block[1] - block[0] < size) continue;
      const at = block[0];
      block[0] += size;
      if (block[0] === block[1]) this.free.splice(i, 1);
      return at;
    }
    return undefined;
  }
  release(at: number, bytes: number): void {
    const end = at + Math.ceil(bytes / ALIGN) * ALIGN;
    let i = 0;
    while (i < this.free.length && this.free[i][0] < at) i++;
    const before = this.free[i - 1];
    const after = this.free[i];
    if (before && before[1] === at) {
      before[1] = end;
      if (after && after[0] === end) {
        before[1] = after[1];
        this.free.splice(i, 1);
      }
    } else if (after && after[0] === end) {
      after[0] = at;
    } else {
      this.free.splice(i, 0, [at, end]);
    }
  }
}

/** An array handed out by `KernelArrays`: its block, and the array as long as someone holds it. */
interface Block {
  at: number;
  bytes: number;
  array: WeakRef<Float32Array>;
}

/**
 * The zeroed float32 arrays an `Arena`'s blocks are handed out as, and how the blocks come
 * back. A block is returned when its array has been garbage collected: the
 * FinalizationRegistry callback does that in some later task, after a collection. That can
 * be too late: a training loop makes little garbage, so a process that trains model after
 * model went on without a full collection until the arena was full of the earlier runs'
 * dead buffers (after 7 runs of the cnn preset), and the next run's buffers fell back to
 * ordinary arrays that every kernel call copies through scratch (the reference MLP then
 * trained at 86k samples/s instead of 120k).
 *
 * So when the arena cannot fit a request, a full collection is asked for where one can be
 * (`collect`: Node, not a browser), at most once per `collectAfterBytes` asked for (handed
 * out or refused) so that an arena full of live arrays does not collect on every request;
 * then the blocks of arrays already collected are returned at once (a WeakRef says so
 * before the callback runs). An array made in the current job (synchronous run of code)
 * survives that collection whatever happens to it: WeakRefs keep their targets until the
 * job ends.
 */
export class KernelArrays {
  private readonly live = new Set<Block>();
  private readonly registry = new FinalizationRegistry<Block>((block) => this.release(block));
  private requestedSinceCollection = 0;
  /** Full collections `float32` has asked for. */
  collections = 0;
  /** Requests refused because nothing fitted even then (the caller fell back to an ordinary array). */
  refused = 0;

  constructor(
    private readonly buffer: ArrayBuffer,
    private readonly arena: Arena,
    private readonly collect: (() => void) | undefined,
    private readonly collectAfterBytes: number,
  ) {}

  /** A zeroed array of `length` floats inside the buffer, or undefined when none fits. */
  float32(length: number): Float32Array | undefined {
    if (length === 0) return undefined;
    const bytes = length * 4;
    this.requestedSinceCollection += bytes;
    const at = this.arena.allocate(bytes) ?? this.reclaim(bytes);
    if (at === undefined) {
      this.refused++;
      return undefined;
    }
    const array = new Float32Array(this.buffer, at, length);
    array.fill(0);
    const block: Block = { at, bytes, array: new WeakRef(array) };
    this.live.add(block);
    this.registry.register(array, block, block);
    return array;
  }

  /** The bytes of the arena's blocks whose arrays are still held. */
  get liveBytes(): number {
    let bytes = 0;
    for (const block of this.live) bytes += block.bytes;
    return bytes;
  }

  private release(block: Block): void {
    if (this.live.delete(block)) this.arena.release(block.at, block.bytes);
  }

  /** Returns the blocks of collected arrays without waiting for their callbacks. */
  private sweep(): void {
    for (const block of this.live) {
      if (block.array.deref() !== undefined) continue;
      this.registry.unregister(block);
      this.release(block);
    }
  }

  private reclaim(bytes: number): number | undefined {
    // Collect before the sweep, not after: an array a WeakRef has handed back (deref) is
    // kept until the job ends, so a sweep first would keep every live array through the
    // collection, including those that die before it.
    if (this.collect && this.requestedSinceCollection >= this.collectAfterBytes) {
      this.requestedSinceCollection = 0;
      this.collections++;
      this.collect();
    }
    this.sweep();
    return this.arena.allocate(bytes);
  }
}

/**
 * A full garbage collection, where Node can be asked for one: its `gc`, exposed to a new
 * context (as Jest's leak detector does), since the engine's processes do not start with
 * --expose-gc. Undefined in a browser, which offers none. Made on first use; if a runtime
 * refuses (no `gc` appears), later calls do nothing and the arena relies on its sweep.
 */
function fullCollection(): (() => void) | undefined {
  const builtin = typeof process !== 'undefined' ? process.getBuiltinModule : undefined;
  if (!builtin) return undefined;
  let gc: (() => void) | null | undefined;
  return () => {
    if (gc === undefined) {
      try {
        builtin('node:v8').setFlagsFromString('--expose-gc');
        const exposed: unknown = builtin('node:vm').runInNewContext('typeof gc === "function" ? gc : null');
        gc = typeof exposed === 'function' ? (exposed as () => void) : null;
      } catch {
        gc = null;
      }
    }
    gc?.();
  };
}

/** How much `kernelFloat32` is asked for between two full collections it may ask for: an eighth of the arena. */
const COLLECT_AFTER_BYTES = (MEMORY_BYTES - SCRATCH_BYTES) / 8;

function load(): { kernels: WasmKernels; arrays: KernelArrays } | undefined {
  if (!WebAssemblyApi) return undefined;
  if (typeof process !== 'undefined' && process.env?.TEGAKI_KERNELS === 'reference') return undefined;
  const memory = new WebAssemblyApi.Memory({ initial: MEMORY_BYTES / PAGE, maximum: MEMORY_BYTES / PAGE });
  const noRelaxed = typeof process !== 'undefined' && process.env?.TEGAKI_KERNELS === 'simd';
  for (const [base64, relaxedSimd] of [
    [noRelaxed ? '' : relaxedSimdWasm, true],
    [simdWasm, false],
  ] as const) {
    if (!base64) continue;
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    if (!WebAssemblyApi.validate(bytes)) continue;
    const instance = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(bytes), { env: { memory } });
    const exports = instance.exports as unknown as WasmExports;
    const base = Math.ceil(exports.heapBase() / ALIGN) * ALIGN;
    const scratch = new Scratch(base, base + SCRATCH_BYTES);
    const arena = new Arena(base + SCRATCH_BYTES, MEMORY_BYTES);
    const arrays = new KernelArrays(memory.buffer, arena, fullCollection(), COLLECT_AFTER_BYTES);
    return { kernels: { exports, memory, buffer: memory.buffer, relaxedSimd, scratch }, arrays };
  }
  return undefined;
}

const loaded = load();

/** The loaded kernels, or undefined when WebAssembly SIMD is unavailable (or TEGAKI_KERNELS=reference). */
export const wasmKernels: WasmKernels | undefined = loaded?.kernels;

/** The arrays of the kernels' memory (tests and benches read its figures). */
export const kernelArrays: KernelArrays | undefined = loaded?.arrays;

/** A zeroed Float32Array inside the kernels' memory, or undefined if there is none or it is full. */
export function kernelFloat32(length: number): Float32Array | undefined {
  return loaded?.arrays.float32(length);
}
