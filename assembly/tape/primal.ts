// The tape interpreter, primal mode: du = f(u, p, t) for a compiled model, entirely inside
// the engine (no call out to JavaScript). Elementary functions come from the engine's own
// math, so the bits are the same in every runtime.

import {
  INSTR_WIDTH, TH_NINSTR, TH_NSTATES, TH_OUT, TH_CODE, TH_NOUT,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_MIN, OP_MAX, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
  OP_NEG, OP_EXP, OP_LOG, OP_LOG1P, OP_EXPM1, OP_SQRT, OP_ABS, OP_SIN, OP_COS, OP_TAN, OP_ASIN,
  OP_ACOS, OP_ATAN, OP_SINH, OP_COSH, OP_TANH, OP_SIGN, OP_SIGMOID, OP_SOFTPLUS, OP_RELU, OP_COPY,
  OP_IFELSE,
} from './opcodes';

// @ts-ignore: decorator
@inline function reg(regs: usize, i: i32): f64 {
  return load<f64>(regs + (<usize>i << 3));
}

/** log(1 + e^x) without overflow for large x. */
// @ts-ignore: decorator
@inline function softplus(x: f64): f64 {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Evaluates the tape: t and u go into their registers, the outputs into du (nout values). */
export function tapePrimal(tape: usize, regs: usize, t: f64, u: usize, du: usize): void {
  const n = load<i32>(tape + (<usize>TH_NSTATES << 2));
  store<f64>(regs, t);
  // An element loop: for the small states of scalar models memory.copy's call costs more.
  for (let i = 0; i < n; i++) store<f64>(regs + 8 + (<usize>i << 3), load<f64>(u + (<usize>i << 3)));
  const ninstr = load<i32>(tape + (<usize>TH_NINSTR << 2));
  let ip = tape + (<usize>load<i32>(tape + (<usize>TH_CODE << 2)) << 2);
  for (let k = 0; k < ninstr; k++, ip += INSTR_WIDTH << 2) {
    const op = load<i32>(ip);
    const dst = regs + (<usize>load<i32>(ip, 4) << 3);
    const a = reg(regs, load<i32>(ip, 8));
    let r: f64;
    switch (op) {
      case OP_ADD: r = a + reg(regs, load<i32>(ip, 12)); break;
      case OP_SUB: r = a - reg(regs, load<i32>(ip, 12)); break;
      case OP_MUL: r = a * reg(regs, load<i32>(ip, 12)); break;
      case OP_DIV: r = a / reg(regs, load<i32>(ip, 12)); break;
      case OP_POW: r = Math.pow(a, reg(regs, load<i32>(ip, 12))); break;
      case OP_MIN: r = min(a, reg(regs, load<i32>(ip, 12))); break;
      case OP_MAX: r = max(a, reg(regs, load<i32>(ip, 12))); break;
      case OP_LT: r = a < reg(regs, load<i32>(ip, 12)) ? 1.0 : 0.0; break;
      case OP_LE: r = a <= reg(regs, load<i32>(ip, 12)) ? 1.0 : 0.0; break;
      case OP_GT: r = a > reg(regs, load<i32>(ip, 12)) ? 1.0 : 0.0; break;
      case OP_GE: r = a >= reg(regs, load<i32>(ip, 12)) ? 1.0 : 0.0; break;
      case OP_EQ: r = a == reg(regs, load<i32>(ip, 12)) ? 1.0 : 0.0; break;
      case OP_NE: r = a != reg(regs, load<i32>(ip, 12)) ? 1.0 : 0.0; break;
      case OP_NEG: r = -a; break;
      case OP_EXP: r = Math.exp(a); break;
      case OP_LOG: r = Math.log(a); break;
      case OP_LOG1P: r = Math.log1p(a); break;
      case OP_EXPM1: r = Math.expm1(a); break;
      case OP_SQRT: r = sqrt(a); break;
      case OP_ABS: r = abs(a); break;
      case OP_SIN: r = Math.sin(a); break;
      case OP_COS: r = Math.cos(a); break;
      case OP_TAN: r = Math.tan(a); break;
      case OP_ASIN: r = Math.asin(a); break;
      case OP_ACOS: r = Math.acos(a); break;
      case OP_ATAN: r = Math.atan(a); break;
      case OP_SINH: r = Math.sinh(a); break;
      case OP_COSH: r = Math.cosh(a); break;
      case OP_TANH: r = Math.tanh(a); break;
      case OP_SIGN: r = a > 0 ? 1.0 : a < 0 ? -1.0 : a; break;
      case OP_SIGMOID: r = 1.0 / (1.0 + Math.exp(-a)); break;
      case OP_SOFTPLUS: r = softplus(a); break;
      case OP_RELU: r = max(a, 0.0); break;
      case OP_COPY: r = a; break;
      case OP_IFELSE: r = a != 0 ? reg(regs, load<i32>(ip, 12)) : reg(regs, load<i32>(ip, 16)); break;
      default: r = NaN;
    }
    store<f64>(dst, r);
  }
  const out = tape + (<usize>load<i32>(tape + (<usize>TH_OUT << 2)) << 2);
  const nout = load<i32>(tape + (<usize>TH_NOUT << 2));
  for (let i = 0; i < nout; i++) {
    store<f64>(du + (<usize>i << 3), reg(regs, load<i32>(out + (<usize>i << 2))));
  }
}
