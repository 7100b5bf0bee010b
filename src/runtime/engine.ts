/**
 * The only module that touches the WebAssembly instance.
 *
 * It instantiates the engine (through `@assemblyscript/loader`, which turns the engine's
 * abort messages into JavaScript errors), owns linear memory — a stack-like arena: a solve
 * marks the top, allocates what it needs before the integration starts, and releases to the
 * mark when it ends — and keeps the typed-array views fresh when memory grows.
 */
import { instantiate, instantiateSync } from '@assemblyscript/loader';

/** The engine's raw exports. */
interface EngineExports {
  memory: WebAssembly.Memory;
  /** The engine's function table: models emitted as WebAssembly are called through it. */
  table: WebAssembly.Table;
  tapeElementary(op: number, a: number, b: number, c: number): number;
  heapBase(): number;
  erkSolve(blk: number): number;
  erkInterpolate(blk: number, t: number, out: number): number;
  rosenbrockSolve(blk: number): number;
  rosenbrockInterpolate(blk: number, t: number, out: number): number;
  bdfSolve(blk: number): number;
  bdfInterpolate(blk: number, t: number, out: number): number;
  sdirkSolve(blk: number): number;
  sdirkInterpolate(blk: number, t: number, out: number): number;
  radauSolve(blk: number): number;
  radauInterpolate(blk: number, t: number, out: number): number;
  erkAdjointSweep(ctx: number): number;
  rosenbrockAdjointSweep(ctx: number): number;
  tapePrepare(tape: number, regs: number): void;
  tapeEvaluate(tape: number, regs: number, t: number, u: number, out: number): void;
  tapeEvaluateMany(tape: number, regs: number, t: number, u: number, out: number, count: number): void;
  funcEvaluateMany(func: number, regs: number, t: number, u: number, out: number, count: number): void;
  tapeDual(
    tape: number, regs: number, tang: number, t: number, u: number, v: number, w: number,
    paramBase: number, np: number, k: number, out: number, outT: number,
  ): void;
  tapeReverse(
    tape: number, regs: number, adj: number, t: number, u: number, w: number,
    paramBase: number, np: number, out: number, vu: number, vp: number,
  ): void;
  luFactor(a: number, n: number, lda: number, piv: number): number;
  luSolve(lu: number, n: number, lda: number, piv: number, b: number, nrhs: number, ldb: number): void;
  adjointQuadrature(ctx: number, lamSrc: number, lam: number, out: number, work: number, abstol: number, reltol: number): void;
  sourceExtras(src: number): number;
}

/**
 * What the engine calls back into while a solve runs. The solve that is running installs
 * its handlers; nested solves (a solve inside a right-hand side) stack theirs.
 */
export interface EngineHandlers {
  rhs(t: number, u: number, du: number): number;
  /** J = ∂f/∂u (n×n row-major at `J`) from the problem's `jac`: 0, or nonzero after storing its error. */
  jac(t: number, u: number, J: number): number;
  /** dT = ∂f/∂t from the problem's `tgrad`: 0, or nonzero after storing its error. */
  tgrad(t: number, u: number, dT: number): number;
  grow(kind: number, need: number): number;
  onStep(tprev: number, t: number): number;
  onEvent(t: number): number;
}

const ALIGN = 16;
const PAGE = 65536;
/** Room kept for tableaus and other data written once and reused by every solve. */
const PERMANENT_BYTES = 256 * 1024;

export class Engine {
  readonly raw: EngineExports;
  private readonly memory: WebAssembly.Memory;
  private buffer: ArrayBuffer;
  /** A Float64Array over all of linear memory; refreshed whenever memory grows. */
  f64: Float64Array;
  /** An Int32Array over all of linear memory. */
  i32: Int32Array;
  private permTop: number;
  private readonly permEnd: number;
  private top: number;
  private readonly handlers: EngineHandlers[] = [];

  constructor(raw: EngineExports) {
    this.raw = raw;
    this.memory = raw.memory;
    this.buffer = this.memory.buffer;
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.permTop = alignUp(raw.heapBase());
    this.permEnd = this.permTop + PERMANENT_BYTES;
    this.top = this.permEnd;
    this.ensure(this.top);
  }

  /** The handlers of the innermost running solve (the engine calls back into these). */
  current: EngineHandlers = NO_SOLVE;

  /** Runs `fn` with `h` answering the engine's calls. */
  withHandlers<T>(h: EngineHandlers, fn: () => T): T {
    this.handlers.push(this.current);
    this.current = h;
    try {
      return fn();
    } finally {
      this.current = this.handlers.pop()!;
    }
  }

  /** Goes up by one each time memory moves; holders of views compare it with theirs. */
  generation = 0;

  /**
   * Re-creates the views if memory grew (a grow detaches the old buffer). Only `ensure`
   * grows memory (the engine itself never allocates), and it refreshes at once, so hot
   * paths compare `generation` instead of calling this.
   */
  private refresh(): boolean {
    if (this.memory.buffer === this.buffer) return false;
    this.generation++;
    this.buffer = this.memory.buffer;
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    return true;
  }

  /** Puts a WebAssembly function into the engine's table; returns its index (never 0). */
  registerFunction(f: unknown): number {
    const index = this.raw.table.grow(1);
    this.raw.table.set(index, f as never);
    return index;
  }

  /** The current top of the arena; pass it to `release` to free everything allocated after. */
  mark(): number {
    return this.top;
  }

  /** The highest arena top since `resetPeak` (bytes above the permanent tables). */
  get peakInUse(): number {
    return Math.max(this.peakTop, this.top) - this.permEnd;
  }

  /** Starts measuring the arena's high-water mark afresh (from what is in use now). */
  resetPeak(): void {
    this.peakTop = this.top;
  }

  private peakTop = 0;

  release(mark: number): void {
    if (mark < this.permEnd || mark > this.top) throw new Error('difflux: arena released out of order');
    this.top = mark;
  }

  /** Bytes in use by solves right now (0 between solves). */
  get inUse(): number {
    return this.top - this.permEnd;
  }

  /** Allocates `bytes` (16-byte aligned) at the arena top, growing memory if needed. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = alignUp(ptr + bytes);
    if (!(end <= MAX_BYTES)) {
      throw new RangeError(`difflux: out of WebAssembly memory (${Math.round(end / 2 ** 20)} MiB needed, 4096 MiB at most)`);
    }
    this.ensure(end);
    this.top = end;
    if (end > this.peakTop) this.peakTop = end;
    return ptr;
  }

  /** Allocates data that lives as long as the engine (tableaus). */
  allocPermanent(bytes: number): number {
    const ptr = this.permTop;
    const next = alignUp(ptr + bytes);
    if (next > this.permEnd) throw new Error('difflux: out of room for method tables');
    this.permTop = next;
    return ptr;
  }

  /** Makes sure linear memory extends to `end` bytes. */
  private ensure(end: number): void {
    const have = this.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      // Grow at least by doubling to keep the number of grows (and view refreshes) small;
      // near the 4 GiB limit, by just what is needed.
      try {
        this.memory.grow(Math.max(pages, Math.min(have / PAGE, 16384)));
      } catch {
        this.memory.grow(pages);
      }
      this.refresh();
    }
  }

  private views = new Map<number, Float64Array>();
  private viewsGeneration = 0;

  /**
   * A Float64Array view of `n` values at `ptr` (valid until memory grows). Views are cached:
   * consecutive solves of one size reuse the same workspace addresses, so they allocate none.
   */
  view(ptr: number, n: number): Float64Array {
    if (this.viewsGeneration !== this.generation || this.views.size > 4096) {
      this.views.clear();
      this.viewsGeneration = this.generation;
    }
    let v = this.views.get(ptr);
    if (v === undefined || v.length !== n) {
      v = new Float64Array(this.buffer, ptr, n);
      this.views.set(ptr, v);
    }
    return v;
  }


}

/** Rounds up to the alignment (arithmetic, not bitwise: addresses reach past 2^31). */
function alignUp(x: number): number {
  return Math.ceil(x / ALIGN) * ALIGN;
}

/** WebAssembly 32-bit memories end at 4 GiB. */
const MAX_BYTES = 65536 * PAGE;

let engine: Engine | undefined;

function noSolve(): never {
  throw new Error('difflux: the engine called back with no solve running');
}
const NO_SOLVE: EngineHandlers = { rhs: noSolve, jac: noSolve, tgrad: noSolve, grow: noSolve, onStep: noSolve, onEvent: noSolve };

/** The engine's imports: each forwards to the running solve's handlers. */
function makeImports(): Record<string, Record<string, unknown>> {
  return {
    env: {
      rhs: (t: number, u: number, du: number) => engine!.current.rhs(t, u, du),
      jac: (t: number, u: number, J: number) => engine!.current.jac(t, u, J),
      tgrad: (t: number, u: number, dT: number) => engine!.current.tgrad(t, u, dT),
      grow: (kind: number, need: number) => engine!.current.grow(kind, need),
      onStep: (tprev: number, t: number) => engine!.current.onStep(tprev, t),
      onEvent: (t: number) => engine!.current.onEvent(t),
    },
  };
}

/** Anything the engine can be made from. */
export type EngineSource = WebAssembly.Module | URL | string | ArrayBuffer | ArrayBufferView | Response | Promise<Response>;

/** Instantiates the engine from a compiled module without any compilation (edge runtimes). */
export function initEngineSync(module: WebAssembly.Module): Engine {
  if (engine) return engine;
  const { instance } = instantiateSync<Record<string, unknown>>(module, makeImports());
  engine = new Engine(instance.exports as unknown as EngineExports);
  return engine;
}

/**
 * Instantiates the engine from a module, bytes, a Response or a URL (fetched).
 * Calling it again after success returns the same engine.
 */
export async function initEngine(source: EngineSource): Promise<Engine> {
  if (engine) return engine;
  let src: unknown = source;
  if (typeof src === 'string' || src instanceof URL) src = fetch(src);
  if (ArrayBuffer.isView(src)) src = src.buffer.slice(src.byteOffset, src.byteOffset + src.byteLength);
  let instance: WebAssembly.Instance;
  try {
    ({ instance } = await instantiate<Record<string, unknown>>(src as never, makeImports()));
  } catch (e) {
    // compileStreaming needs the application/wasm content type; fall back to bytes.
    if (!(src instanceof Promise) && !isResponse(src)) throw e;
    const res = (await src) as Response;
    const bytes = await (res.bodyUsed ? fetch(res.url) : Promise.resolve(res)).then((r) => r.arrayBuffer());
    ({ instance } = await instantiate<Record<string, unknown>>(bytes, makeImports()));
  }
  if (!engine) engine = new Engine(instance.exports as unknown as EngineExports);
  return engine;
}

function isResponse(x: unknown): x is Response {
  return typeof Response !== 'undefined' && x instanceof Response;
}

/** The instantiated engine; throws a clear error before initialization. */
export function getEngine(): Engine {
  if (!engine) {
    throw new Error('difflux: the engine is not initialized (import "difflux", or call init() first with the .wasm module)');
  }
  return engine;
}
