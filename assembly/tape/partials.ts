// Local partial derivatives of one elementwise tape operation, shared by the forward
// (dual-number) and reverse (adjoint) sweeps: for r = op(a, b), ∂r/∂a and ∂r/∂b at the primal
// values, which the registers hold after a primal sweep (every operation has its own
// registers). exp, log, sin and cos are the engine's own, as in the primal sweep.

import {
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_MIN, OP_MAX,
  OP_NEG, OP_EXP, OP_LOG, OP_LOG1P, OP_EXPM1, OP_SQRT, OP_ABS, OP_SIN, OP_COS, OP_TAN, OP_ASIN,
  OP_ACOS, OP_ATAN, OP_SINH, OP_COSH, OP_TANH, OP_SIGMOID, OP_SOFTPLUS, OP_RELU, OP_COPY,
} from './opcodes';
import { expF64 } from '../math/exp';
import { logF64 } from '../math/log';
import { sinF64, cosF64 } from '../math/trig';

/** ∂r/∂b of the last `partialA` call (0 for operations of one operand). */
export let partialB: f64 = 0;
/** Whether the last operation has a second operand. */
export let hasB: bool = false;

/**
 * ∂r/∂a for r = op(a, b); sets `partialB` and `hasB`. Comparisons and sign have zero
 * derivatives; ifelse and the reductions are handled by the sweeps.
 */
export function partialA(op: i32, a: f64, b: f64, r: f64): f64 {
  partialB = 0;
  hasB = false;
  switch (op) {
    case OP_ADD: hasB = true; partialB = 1; return 1;
    case OP_SUB: hasB = true; partialB = -1; return 1;
    case OP_MUL: hasB = true; partialB = a; return b;
    case OP_DIV: hasB = true; partialB = -r / b; return 1 / b;
    case OP_POW: hasB = true; partialB = r * logF64(a); return b * Math.pow(a, b - 1);
    case OP_MIN: hasB = true; partialB = a <= b ? 0 : 1; return a <= b ? 1 : 0;
    case OP_MAX: hasB = true; partialB = a >= b ? 0 : 1; return a >= b ? 1 : 0;
    case OP_NEG: return -1;
    case OP_EXP: return r;
    case OP_LOG: return 1 / a;
    case OP_LOG1P: return 1 / (1 + a);
    case OP_EXPM1: return expF64(a);
    case OP_SQRT: return 1 / (2 * r);
    case OP_ABS: return a > 0 ? 1 : a < 0 ? -1 : 0;
    case OP_SIN: return cosF64(a);
    case OP_COS: return -sinF64(a);
    case OP_TAN: return 1 + r * r;
    case OP_ASIN: return 1 / sqrt(1 - a * a);
    case OP_ACOS: return -1 / sqrt(1 - a * a);
    case OP_ATAN: return 1 / (1 + a * a);
    case OP_SINH: return Math.cosh(a);
    case OP_COSH: return Math.sinh(a);
    case OP_TANH: return 1 - r * r;
    case OP_SIGMOID: return r * (1 - r);
    case OP_SOFTPLUS: return 1 / (1 + expF64(-a));
    case OP_RELU: return a > 0 ? 1 : 0;
    case OP_COPY: return 1;
    default: return 0;
  }
}

/** x·f, where a zero x contributes nothing even if f is not finite (log of a negative base in
 *  a^b with constant b, 1/(2·sqrt(a)) at a = 0). */
// @ts-ignore: decorator
@inline export function scaled(f: f64, x: f64): f64 {
  return x != 0 ? f * x : 0.0;
}
