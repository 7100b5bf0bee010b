/** Runs a compiled tape once in the engine (model evaluation, Jacobians) and copies the result out. */
import { getEngine } from '../runtime/engine.js';
import type { Tape } from './tape.js';

/**
 * f(t, u) from the tape, or from the model's emitted WebAssembly function when `func` is not 0;
 * with `repeat` > 1 the engine evaluates it that many times (benchmarks).
 */
export function evaluateTape(tape: Tape, params: Float64Array, u: ArrayLike<number>, t: number, repeat = 1, func = 0): Float64Array {
  if (u.length !== tape.nstates) throw new RangeError(`Model: u has ${u.length} values but the model has ${tape.nstates} states`);
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new RangeError(`Model: t must be a finite number, got ${String(t)}`);
  const eng = getEngine();
  const mark = eng.mark();
  try {
    const pCode = eng.alloc(4 * tape.code.length);
    const pRegs = eng.alloc(8 * tape.regs.length);
    const pU = eng.alloc(8 * Math.max(1, tape.nstates));
    const pOut = eng.alloc(8 * Math.max(1, tape.nout));
    eng.i32.set(tape.code, pCode >>> 2);
    eng.f64.set(tape.regs, pRegs >>> 3);
    eng.f64.set(params, (pRegs >>> 3) + tape.paramBase);
    eng.f64.set(u, pU >>> 3);
    if (func) eng.raw.funcEvaluateMany(func, pRegs, t, pU, pOut, repeat);
    else if (repeat > 1) eng.raw.tapeEvaluateMany(pCode, pRegs, t, pU, pOut, repeat);
    else eng.raw.tapeEvaluate(pCode, pRegs, t, pU, pOut);
    return eng.f64.slice(pOut >>> 3, (pOut >>> 3) + tape.nout);
  } finally {
    eng.release(mark);
  }
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
  if (u.length !== tape.nstates) throw new RangeError(`Model: u has ${u.length} values but the model has ${tape.nstates} states`);
  if (V.length !== tape.nstates * k) throw new RangeError(`Model: the directions have ${V.length} values, expected ${tape.nstates}·${k}`);
  if (W && W.length !== tape.nparams * k) throw new RangeError(`Model: the parameter directions have ${W.length} values, expected ${tape.nparams}·${k}`);
  const eng = getEngine();
  const mark = eng.mark();
  try {
    const pCode = eng.alloc(4 * tape.code.length);
    const pRegs = eng.alloc(8 * tape.regs.length);
    const pTang = eng.alloc(8 * tape.regs.length * k);
    const pU = eng.alloc(8 * Math.max(1, tape.nstates));
    const pV = eng.alloc(8 * Math.max(1, V.length));
    const pW = W ? eng.alloc(8 * Math.max(1, W.length)) : 0;
    const pOut = eng.alloc(8 * Math.max(1, tape.nout));
    const pOutT = eng.alloc(8 * Math.max(1, tape.nout * k));
    eng.i32.set(tape.code, pCode >>> 2);
    eng.f64.set(tape.regs, pRegs >>> 3);
    eng.f64.set(params, (pRegs >>> 3) + tape.paramBase);
    eng.f64.set(u, pU >>> 3);
    eng.f64.set(V, pV >>> 3);
    if (W) eng.f64.set(W, pW >>> 3);
    eng.raw.tapeDual(pCode, pRegs, pTang, t, pU, pV, pW, tape.paramBase, tape.nparams, k, pOut, pOutT);
    return {
      f: eng.f64.slice(pOut >>> 3, (pOut >>> 3) + tape.nout),
      T: eng.f64.slice(pOutT >>> 3, (pOutT >>> 3) + tape.nout * k),
    };
  } finally {
    eng.release(mark);
  }
}

/**
 * One reverse sweep: f(t, u) and the vector–Jacobian products wᵀ·∂f/∂u and wᵀ·∂f/∂p for an
 * output weight vector w (length nout).
 */
export function reverseTape(
  tape: Tape, params: Float64Array, u: ArrayLike<number>, t: number, w: ArrayLike<number>,
): { f: Float64Array; du: Float64Array; dp: Float64Array } {
  if (u.length !== tape.nstates) throw new RangeError(`Model: u has ${u.length} values but the model has ${tape.nstates} states`);
  if (w.length !== tape.nout) throw new RangeError(`Model: w has ${w.length} values but the model has ${tape.nout} outputs`);
  const eng = getEngine();
  const mark = eng.mark();
  try {
    const pCode = eng.alloc(4 * tape.code.length);
    const pRegs = eng.alloc(8 * tape.regs.length);
    const pAdj = eng.alloc(8 * tape.regs.length);
    const pU = eng.alloc(8 * Math.max(1, tape.nstates));
    const pW = eng.alloc(8 * Math.max(1, tape.nout));
    const pOut = eng.alloc(8 * Math.max(1, tape.nout));
    const pVu = eng.alloc(8 * Math.max(1, tape.nstates));
    const pVp = eng.alloc(8 * Math.max(1, tape.nparams));
    eng.i32.set(tape.code, pCode >>> 2);
    eng.f64.set(tape.regs, pRegs >>> 3);
    eng.f64.set(params, (pRegs >>> 3) + tape.paramBase);
    eng.f64.set(u, pU >>> 3);
    eng.f64.set(w, pW >>> 3);
    eng.raw.tapeReverse(pCode, pRegs, pAdj, t, pU, pW, tape.paramBase, tape.nparams, pOut, pVu, pVp);
    const F = eng.f64;
    return {
      f: F.slice(pOut >>> 3, (pOut >>> 3) + tape.nout),
      du: F.slice(pVu >>> 3, (pVu >>> 3) + tape.nstates),
      dp: F.slice(pVp >>> 3, (pVp >>> 3) + tape.nparams),
    };
  } finally {
    eng.release(mark);
  }
}
