// The engine's elementary functions over arrays: two values per step with the f64x2 forms,
// the last odd one with the scalar form (the same bits either way). The loops live with the
// functions (exp.ts, log.ts, trig.ts): each pair by the f64x2 core, stored, then one test of
// both lanes, and where a lane is outside the core's range, both values by the scalar form.

import { OP_EXP, OP_LOG, OP_SIN, OP_COS, OP_SIGMOID, OP_TANH } from '../tape/opcodes';
import { expF64, sigmoidF64, tanhF64, mapExp, mapSigmoid, mapTanh } from './exp';
import { logF64, mapLog } from './log';
import { sinF64, cosF64, mapSin, mapCos } from './trig';

/** The scalar form of `op` (exp, log, sin, cos, sigmoid, tanh); NaN for any other op. */
// @ts-ignore: decorator
@inline export function mathScalar(op: i32, x: f64): f64 {
  switch (op) {
    case OP_EXP: return expF64(x);
    case OP_LOG: return logF64(x);
    case OP_SIN: return sinF64(x);
    case OP_COS: return cosF64(x);
    case OP_SIGMOID: return sigmoidF64(x);
    case OP_TANH: return tanhF64(x);
    default: return NaN;
  }
}

/** Whether mapMath handles `op`. */
// @ts-ignore: decorator
@inline export function hasMapMath(op: i32): bool {
  return op == OP_EXP || op == OP_LOG || op == OP_SIN || op == OP_COS || op == OP_SIGMOID || op == OP_TANH;
}

// One loop per function, written out (each a function of its own): a loop template taking op
// as an argument, inlined several times into one function, may be merged by the optimizer
// into a single loop that dispatches on op at every step.

/**
 * dst[i] = op(src[i]) for i < n, f64x2 two at a time (dst and src are the same array or do
 * not overlap). `op` is one that hasMapMath accepts; any other leaves dst as it is.
 */
export function mapMath(op: i32, dst: usize, src: usize, n: i32): void {
  switch (op) {
    case OP_EXP: mapExp(dst, src, n); return;
    case OP_LOG: mapLog(dst, src, n); return;
    case OP_SIN: mapSin(dst, src, n); return;
    case OP_COS: mapCos(dst, src, n); return;
    case OP_SIGMOID: mapSigmoid(dst, src, n); return;
    case OP_TANH: mapTanh(dst, src, n); return;
  }
}

/** dst[i] = op(src[i]) for i < n with the scalar forms only. */
export function mapMathScalar(op: i32, dst: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(dst + (<usize>i << 3), mathScalar(op, load<f64>(src + (<usize>i << 3))));
}
