/** Runs a compiled tape once in the engine (model evaluation, Jacobians) and copies the result out. */
import { getEngine } from '../runtime/engine.js';
import type { Tape } from './tape.js';

export function evaluateTape(tape: Tape, params: Float64Array, u: ArrayLike<number>, t: number): Float64Array {
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
    eng.raw.tapeEvaluate(pCode, pRegs, t, pU, pOut);
    return eng.f64.slice(pOut >>> 3, (pOut >>> 3) + tape.nout);
  } finally {
    eng.release(mark);
  }
}
