import { relaxedSimdSharedWasm, relaxedSimdWasm, simdSharedWasm, simdWasm } from './kernels.wasm';

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
 *
 * In Node's main thread (the engine process, the command line, tests) the memory is
 * shared (WebAssembly threads): data-parallel training's worker threads run their kernels
 * in it too, each in a region of its own past the main thread's 256 MiB
 * (`takeWorkerRegions`), so every thread reads the model's weights, the batch and the
 * optimiser's state where they are and sums the others' gradients in place
 * (training/data-parallel.ts). A shared memory may grow without detaching anything: the
 * regions are added when a pool of workers starts. Elsewhere (a browser, other workers)
 * the memory is the thread's own. Under the reference kernels a growable
 * SharedArrayBuffer laid out the same way stands in for the memory (in Node), so the
 * engine's arrays, and data-parallel training, work the same without WebAssembly.
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

/** A WebAssembly.Memory, as far as this file uses one. */
export interface KernelMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The part of the WebAssembly JS API used here (lib.dom has it; the node project's libs do not). */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => KernelMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  validate(bytes: Uint8Array): boolean;
}
const WebAssemblyApi = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

const PAGE = 65536;
/** The main thread's part of the memory (all of it when it is not shared). */
const MEMORY_BYTES = 256 * 2 ** 20;
/** All that a 32-bit memory can address, the most a shared memory can grow to. */
const MAX_PAGES = 65536;
/** Kernel scratch (sparse index lists, transposes, copies of heap operands). */
const SCRATCH_BYTES = 64 * 2 ** 20;
const ALIGN = 64;

export interface WasmKernels {
  exports: WasmExports;
  memory: KernelMemory;
  /**
   * The memory's buffer when this thread loaded the kernels. A private memory never
   * grows, so it never changes; a shared one grows (`takeWorkerRegions`) and hands out a
   * longer buffer over the same bytes, which `owns` also knows.
   */
  buffer: ArrayBuffer;
  /** Whether the memory is shared with data-parallel training's worker threads. */
  shared: boolean;
  /** Whether `x` lives in this memory, so the kernels use it in place. */
  owns(x: ArrayBufferView): boolean;
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

/**
 * Where a data-parallel worker thread's kernels live in the shared memory: its scratch,
 * then its arena, in [start, end).
 */
export interface KernelRegion {
  start: number;
  end: number;
}

/**
 * What a worker thread is started with (its workerData's `kernelMemory`) to put its arrays
 * in the shared memory: the WebAssembly memory, or under the reference kernels the
 * SharedArrayBuffer that stands in for it, and its region.
 */
export interface WorkerKernelMemory {
  memory: KernelMemory | SharedArrayBuffer;
  region: KernelRegion;
}

/** The workerData key memory.ts looks for when it loads in a worker thread. */
export const WORKER_KERNEL_MEMORY = 'kernelMemory';

/**
 * The bytes this thread's kernel arrays live in. With the WebAssembly kernels, their
 * memory; with the reference kernels in Node, a growable SharedArrayBuffer laid out the
 * same way (no kernel reads it, but data-parallel training shares it between threads as it
 * shares the WebAssembly memory); undefined in a browser under the reference kernels.
 */
interface KernelSpace {
  /** What a worker is handed to reach the same bytes. */
  handle: KernelMemory | SharedArrayBuffer;
  /** Whether other threads can share it. */
  shared: boolean;
  /** The buffer over all of it as it is now (a grown WebAssembly memory hands out a longer one). */
  current(): ArrayBuffer;
  grow(bytes: number): void;
  /** Whether `x` lives in it. */
  owns(x: ArrayBufferView): boolean;
}

/** This thread's part of the space: all of it, or in a data-parallel worker the region it was handed. */
interface Placement {
  region: KernelRegion;
  /** The memory a worker was handed, if this is one. */
  handed: WorkerKernelMemory | undefined;
}

/** Node's worker_threads module, or undefined outside Node. */
function workerThreads(): typeof import('node:worker_threads') | undefined {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') return undefined;
  return process.getBuiltinModule?.('node:worker_threads') as typeof import('node:worker_threads') | undefined;
}

function placement(): Placement {
  const handed = (workerThreads()?.workerData as Record<string, unknown> | undefined)?.[WORKER_KERNEL_MEMORY] as
    WorkerKernelMemory | undefined;
  return { region: handed?.region ?? { start: 0, end: MEMORY_BYTES }, handed };
}

/** Whether this thread may create a memory to share: Node's main thread (a browser's would need cross-origin isolation). */
function mayShare(): boolean {
  return typeof SharedArrayBuffer === 'function' && workerThreads()?.isMainThread === true;
}

/** The WebAssembly memory: the handed one, a shared one, or (where sharing is not possible) a private one. */
function wasmMemory(
  api: WebAssemblyApi,
  handed: WorkerKernelMemory | undefined,
): { memory: KernelMemory; shared: boolean } {
  if (handed) return { memory: handed.memory as KernelMemory, shared: true };
  if (mayShare()) {
    try {
      return {
        memory: new api.Memory({ initial: MEMORY_BYTES / PAGE, maximum: MAX_PAGES, shared: true }),
        shared: true,
      };
    } catch {
      // No room to reserve a shared memory: a private one still trains on one thread.
    }
  }
  return { memory: new api.Memory({ initial: MEMORY_BYTES / PAGE, maximum: MEMORY_BYTES / PAGE }), shared: false };
}

function wasmSpace(memory: KernelMemory, shared: boolean): KernelSpace {
  const first = memory.buffer;
  // A shared memory's buffer object changes only when it grows: keep the latest.
  let latest = first;
  const current = (): ArrayBuffer => {
    if (shared && latest.byteLength !== memory.buffer.byteLength) latest = memory.buffer;
    return latest;
  };
  return {
    handle: memory,
    shared,
    current,
    grow: (bytes) => void memory.grow(bytes / PAGE),
    owns: (x) => x.buffer === first || (shared && x.buffer === current()),
  };
}

/** ES2024's growable SharedArrayBuffer (Node 20+), which the project's TypeScript lib does not declare. */
interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  grow(byteLength: number): void;
}
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => GrowableSharedArrayBuffer;

/** The reference kernels' stand-in for the WebAssembly memory, where it can be shared. */
function referenceSpace(handed: WorkerKernelMemory | undefined): KernelSpace | undefined {
  let buffer: GrowableSharedArrayBuffer;
  if (handed) buffer = handed.memory as GrowableSharedArrayBuffer;
  else if (mayShare()) buffer = new GrowableSharedArrayBuffer(MEMORY_BYTES, { maxByteLength: MAX_PAGES * PAGE });
  else return undefined;
  return {
    handle: buffer,
    shared: true,
    current: () => buffer as unknown as ArrayBuffer,
    grow: (bytes) => buffer.grow(buffer.byteLength + bytes),
    owns: (x) => x.buffer === buffer,
  };
}

interface Loaded {
  kernels: WasmKernels | undefined;
  arrays: KernelArrays;
  space: KernelSpace;
}

function load(): Loaded | undefined {
  const { region, handed } = placement();
  // A worker follows the thread that handed it a memory: a SharedArrayBuffer means reference kernels.
  const reference =
    (typeof process !== 'undefined' && process.env?.TEGAKI_KERNELS === 'reference') ||
    handed?.memory instanceof SharedArrayBuffer;
  if (!reference && WebAssemblyApi) {
    const wasm = loadWasm(WebAssemblyApi, region, handed);
    if (wasm) return wasm;
  }
  const space = referenceSpace(handed);
  if (!space) return undefined;
  const base = Math.max(region.start, ALIGN);
  const arrays = new KernelArrays(
    space.current(),
    new Arena(base, region.end),
    fullCollection(),
    (region.end - base) / 8,
  );
  return { kernels: undefined, arrays, space };
}

function loadWasm(
  api: WebAssemblyApi,
  region: KernelRegion,
  handed: WorkerKernelMemory | undefined,
): Loaded | undefined {
  const { memory, shared } = wasmMemory(api, handed);
  const noRelaxed = typeof process !== 'undefined' && process.env?.TEGAKI_KERNELS === 'simd';
  for (const [base64, relaxedSimd] of [
    [noRelaxed ? '' : shared ? relaxedSimdSharedWasm : relaxedSimdWasm, true],
    [shared ? simdSharedWasm : simdWasm, false],
  ] as const) {
    if (!base64) continue;
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    if (!api.validate(bytes)) continue;
    // In a worker this writes the module's constant data again, the same bytes in the same place.
    const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
    const exports = instance.exports as unknown as WasmExports;
    const base = Math.max(region.start, Math.ceil(exports.heapBase() / ALIGN) * ALIGN);
    // A worker's region is a quarter scratch (all of SCRATCH_BYTES in a region as large as the main thread's part).
    const scratchBytes = Math.min(SCRATCH_BYTES, Math.floor((region.end - base) / 4 / ALIGN) * ALIGN);
    const scratch = new Scratch(base, base + scratchBytes);
    const arena = new Arena(base + scratchBytes, region.end);
    const space = wasmSpace(memory, shared);
    const buffer = memory.buffer;
    const arrays = new KernelArrays(buffer, arena, fullCollection(), (region.end - base - scratchBytes) / 8);
    const kernels = { exports, memory, buffer, shared, owns: space.owns, relaxedSimd, scratch };
    return { kernels, arrays, space };
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

/** A pool's workers' regions, all of them as one extent, and the memory to hand each worker with its region. */
export interface WorkerRegions {
  regions: KernelRegion[];
  extent: KernelRegion;
  memory: WorkerKernelMemory['memory'];
}

/** The regions worker threads hold now, those taken together as one extent [start, end). */
const heldExtents = new Set<KernelRegion>();

/**
 * `count` regions of the shared memory for data-parallel workers, each `size` bytes
 * (`workerRegionBytes(count)` unless given), past the main thread's part and past the
 * regions other workers hold, and what to hand each worker (`WorkerKernelMemory`); the
 * memory grows to fit them (the pages cost nothing until they are touched). Undefined when
 * the memory is not shared; throws when 4 GiB cannot fit them.
 */
export function takeWorkerRegions(count: number, size = workerRegionBytes(count)): WorkerRegions | undefined {
  const space = loaded?.space;
  if (!space?.shared) return undefined;
  let start = MEMORY_BYTES;
  for (const held of heldExtents) start = Math.max(start, held.end);
  const end = start + count * size;
  if (end > MAX_PAGES * PAGE)
    throw new RangeError(
      `${count} more training threads do not fit in the kernels' 4 GiB memory beside the ${heldExtents.size} regions already held`,
    );
  const length = space.current().byteLength;
  if (end > length) space.grow(end - length);
  const extent = { start, end };
  heldExtents.add(extent);
  return {
    regions: Array.from({ length: count }, (_, i) => ({ start: start + i * size, end: start + (i + 1) * size })),
    extent,
    memory: space.handle,
  };
}

/** Gives regions taken together back (their pages stay with the memory, for the next workers). */
export function returnWorkerRegions(extent: KernelRegion): void {
  heldExtents.delete(extent);
}

/**
 * How long each of `count` workers' regions is: as long as the main thread's part, or
 * less when that many would not fit in 4 GiB (64 threads: 60 MiB each, for shards of a
 * sixty-fourth of the batch).
 */
export function workerRegionBytes(count: number): number {
  const room = MAX_PAGES * PAGE - MEMORY_BYTES;
  return Math.min(MEMORY_BYTES, Math.floor(room / Math.max(1, count) / PAGE) * PAGE);
}

/** A view of `length` floats at `byteOffset` of the kernels' memory, which may lie in another thread's region. */
export function kernelView(byteOffset: number, length: number): Float32Array {
  if (!loaded) throw new Error("there is no kernel memory in this thread (a browser's reference kernels)");
  return new Float32Array(loaded.space.current(), byteOffset, length);
}

/** Where `x` starts in the kernels' memory, or undefined when it lives elsewhere. */
export function kernelOffset(x: ArrayBufferView): number | undefined {
  return loaded?.space.owns(x) ? x.byteOffset : undefined;
}
