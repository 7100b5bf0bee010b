// The difflux engine: every exported function takes pointers into linear memory that
// TypeScript (src/runtime/engine.ts) owns and returns a status code.

export { erkSolve, erkInterpolate } from './solvers/erk';
export { rosenbrockSolve, rosenbrockInterpolate } from './solvers/rosenbrock';
export { bdfSolve, bdfInterpolate } from './solvers/bdf';
export { sdirkSolve, sdirkInterpolate } from './solvers/sdirk';
export { radauSolve, radauInterpolate } from './solvers/radau';
export { erkAdjointSweep, rosenbrockAdjointSweep } from './solvers/discrete-adjoint';
export { luFactorComplex, luSolveComplex } from './linalg/lu-complex';

import { tapePrimal } from './tape/primal';
export { tapePrepare } from './tape/primal';
import { mapMath, mapMathScalar, hasMapMath } from './math/map';
export { elementary as tapeElementary } from './tape/primal';
export { tapeDual } from './tape/dual';
export { tapeReverse } from './tape/reverse';
export { luFactor, luSolve } from './linalg/lu';
export { bandFactor, bandSolve } from './linalg/banded';

/** Evaluates a compiled model's tape once: out = outputs(t, u) with the registers' parameters. */
export function tapeEvaluate(tape: usize, regs: usize, t: f64, u: usize, out: usize): void {
  tapePrimal(tape, regs, t, u, out);
}

/** Calls a model emitted as WebAssembly `count` times through the table (the benchmark's cost). */
export function funcEvaluateMany(func: u32, regs: usize, t: f64, u: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) call_indirect<void>(func, t, u, out, regs);
}

/** Evaluates the tape `count` times (the benchmark's per-evaluation cost, without the calls in). */
export function tapeEvaluateMany(tape: usize, regs: usize, t: f64, u: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) tapePrimal(tape, regs, t, u, out);
}

/** First free byte after the engine's static data: TypeScript's allocator starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Runs one of the engine's elementary functions (op: OP_EXP, OP_LOG, OP_SIN, OP_COS or
 * OP_SIGMOID) over n values at src into dst: with its f64x2 form two at a time (simd), or
 * with its scalar form. For tests and benchmarks; returns -1 for an op it has no form for.
 */
export function mathEvaluate(op: i32, simd: bool, src: usize, dst: usize, n: i32): i32 {
  if (!hasMapMath(op)) return -1;
  if (simd) mapMath(op, dst, src, n);
  else mapMathScalar(op, dst, src, n);
  return 0;
}
export { adjointQuadrature } from './solvers/adjoint-quadrature';
export { sourceExtras } from './solvers/dense-source';
