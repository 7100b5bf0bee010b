/** Runs a compiled tape in the engine (evaluation, forward and reverse AD) and copies results out. */
import { getEngine, type Engine } from '../runtime/engine.js';
import type { Tape } from './tape.js';

/** Engine memory for one tape run: the tape, its registers (parameters set) and u. */
interface Loaded {
  eng: Engine;
  pCode: number;
  pRegs: number;
  pU: number;
  /** Allocates `n` f64s (at least one) in the same run. */
  f64(n: number): number;
  /** Copies `n` f64s out of engine memory. */
  read(ptr: number, n: number): Float64Array;
}

/**
 * Copies a tape and its registers into engine memory (in the caller's arena region), writes
 * the parameters and computes what depends on them alone. The engine can then evaluate it.
 */
export function loadTape(eng: Engine, tape: Tape, params: Float64Array): { pCode: number; pRegs: number } {
  const pCode = eng.alloc(4 * tape.code.length);
  const pRegs = eng.alloc(8 * Math.max(1, tape.regs.length));
  eng.i32.set(tape.code, pCode >>> 2);
  eng.f64.set(tape.regs, pRegs >>> 3);
  eng.f64.set(params, (pRegs >>> 3) + tape.paramBase);
  eng.raw.tapePrepare(pCode, pRegs);
  return { pCode, pRegs };
}

/**
 * Loads the tape with parameters and u into engine memory, runs `fn`, and frees everything —
 * also when `fn` throws. Checks u's length and t.
 */
function withTape<T>(tape: Tape, params: Float64Array, u: ArrayLike<number>, t: number, fn: (l: Loaded) => T): T {
  if (u.length !== tape.nstates) throw new RangeError(`Model: u has ${u.length} values but the model has ${tape.nstates}`);
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new RangeError(`Model: t must be a finite number, got ${String(t)}`);
  const eng = getEngine();
  const mark = eng.mark();
  try {
    const f64 = (n: number) => eng.alloc(8 * Math.max(1, n));
    const { pCode, pRegs } = loadTape(eng, tape, params);
    const pU = f64(tape.nstates);
    eng.f64.set(u, pU >>> 3);
    const read = (ptr: number, n: number) => eng.f64.slice(ptr >>> 3, (ptr >>> 3) + n);
    return fn({ eng, pCode, pRegs, pU, f64, read });
  } finally {
    eng.release(mark);
  }
}

/**
 * f(t, u) from the tape, or from the model's emitted WebAssembly function when `func` is not 0;
 * with `repeat` > 1 the engine evaluates it that many times (benchmarks).
 */
export function evaluateTape(tape: Tape, params: Float64Array, u: ArrayLike<number>, t: number, repeat = 1, func = 0): Float64Array {
  return withTape(tape, params, u, t, ({ eng, pCode, pRegs, pU, f64, read }) => {
    const pOut = f64(tape.nout);
    if (func) eng.raw.funcEvaluateMany(func, pRegs, t, pU, pOut, repeat);
    else if (repeat > 1) eng.raw.tapeEvaluateMany(pCode, pRegs, t, pU, pOut, repeat);
    else eng.raw.tapeEvaluate(pCode, pRegs, t, pU, pOut);
    return read(pOut, tape.nout);
  });
}

/**
 * One forward-mode (dual-number) sweep: f(t, u) and its tangents along the k directions in
 * V (n×k, row-major) for the state and W (np×k) for the parameters (absent: 0).
 * Returns f and T (nout×k, row-major): T = (∂f/∂u)·V + (∂f/∂p)·W.
 */
export function dualTape(
  tape: Tape, params: Float64Array, u: ArrayLike<number>, t: number,
  k: number, V: ArrayLike<number>, W?: ArrayLike<number>,
): { f: Float64Array; T: Float64Array } {
  if (V.length !== tape.nstates * k) throw new RangeError(`Model: the directions have ${V.length} values, expected ${tape.nstates}·${k}`);
  if (W && W.length !== tape.nparams * k) throw new RangeError(`Model: the parameter directions have ${W.length} values, expected ${tape.nparams}·${k}`);
  return withTape(tape, params, u, t, ({ eng, pCode, pRegs, pU, f64, read }) => {
    const pTang = f64(tape.regs.length * k);
    const pV = f64(V.length);
    const pW = W ? f64(W.length) : 0;
    const pOut = f64(tape.nout);
    const pOutT = f64(tape.nout * k);
    eng.f64.set(V, pV >>> 3);
    if (W) eng.f64.set(W, pW >>> 3);
    eng.raw.tapeDual(pCode, pRegs, pTang, t, pU, pV, pW, tape.paramBase, tape.nparams, k, pOut, pOutT);
    return { f: read(pOut, tape.nout), T: read(pOutT, tape.nout * k) };
  });
}

/**
 * Reverse sweeps: f(t, u) and, for each of the `rows` output weight vectors in W (rows × nout,
 * row-major), the vector–Jacobian products wᵀ·∂f/∂u and wᵀ·∂f/∂p — stacked row after row in
 * du (rows × n) and dp (rows × np). The tape is loaded once for all of them.
 */
export function reverseTape(
  tape: Tape, params: Float64Array, u: ArrayLike<number>, t: number, W: ArrayLike<number>, rows = 1,
): { f: Float64Array; du: Float64Array; dp: Float64Array } {
  if (W.length !== tape.nout * rows) throw new RangeError(`Model: w has ${W.length} values but the model has ${tape.nout} outputs`);
  return withTape(tape, params, u, t, ({ eng, pCode, pRegs, pU, f64, read }) => {
    const pAdj = f64(tape.regs.length);
    const pW = f64(tape.nout);
    const pOut = f64(tape.nout);
    const pVu = f64(tape.nstates);
    const pVp = f64(tape.nparams);
    const du = new Float64Array(rows * tape.nstates);
    const dp = new Float64Array(rows * tape.nparams);
    const w = ArrayBuffer.isView(W) ? (W as Float64Array) : Float64Array.from(W);
    for (let r = 0; r < rows; r++) {
      eng.f64.set(w.subarray(r * tape.nout, (r + 1) * tape.nout), pW >>> 3);
      eng.raw.tapeReverse(pCode, pRegs, pAdj, t, pU, pW, tape.paramBase, tape.nparams, pOut, pVu, pVp);
      du.set(read(pVu, tape.nstates), r * tape.nstates);
      dp.set(read(pVp, tape.nparams), r * tape.nparams);
    }
    return { f: read(pOut, tape.nout), du, dp };
  });
}
