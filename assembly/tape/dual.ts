// The tape interpreter, forward mode: every register carries its value and k tangent lanes
// (dual numbers), so one sweep gives f(u) and J·V for a block of k directions V — Jacobian–
// vector products, or the whole Jacobian with V = I. Rules: r = f(a, b) has tangent
// fa·ta + fb·tb with the partial derivatives fa, fb evaluated at the primal values.

import {
  INSTR_WIDTH, TH_NINSTR, TH_NSTATES, TH_OUT, TH_CODE, TH_NOUT, TH_NREGS,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_MIN, OP_MAX,
  OP_NEG, OP_EXP, OP_LOG, OP_LOG1P, OP_EXPM1, OP_SQRT, OP_ABS, OP_SIN, OP_COS, OP_TAN, OP_ASIN,
  OP_ACOS, OP_ATAN, OP_SINH, OP_COSH, OP_TANH, OP_SIGMOID, OP_SOFTPLUS, OP_RELU, OP_COPY,
  OP_IFELSE,
} from './opcodes';
import { tapePrimal } from './primal';

// @ts-ignore: decorator
@inline function reg(regs: usize, i: i32): f64 {
  return load<f64>(regs + (<usize>i << 3));
}

/**
 * out = f(t, u), outT[i·k + l] = Σ_j (∂f_i/∂u_j)·V[j·k + l] (+ ∂f_i/∂p_j · W[j·k + l] when
 * `w` is not 0; W has np rows). `tang` is scratch for nregs·k tangents; `paramBase` is the
 * first parameter register. The primal values are those of `tapePrimal`, bit for bit.
 */
export function tapeDual(
  tape: usize, regs: usize, tang: usize, t: f64, u: usize, v: usize, w: usize, paramBase: i32, np: i32,
  k: i32, out: usize, outT: usize,
): void {
  const n = load<i32>(tape + (<usize>TH_NSTATES << 2));
  const nregs = load<i32>(tape + (<usize>TH_NREGS << 2));
  const lanes = <usize>k << 3;
  memory.fill(tang, 0, <usize>nregs * lanes);
  // Seeds: the state's tangents are the rows of V; the parameters', the rows of W.
  memory.copy(tang + lanes, v, <usize>n * lanes);
  if (w != 0) memory.copy(tang + <usize>paramBase * lanes, w, <usize>np * lanes);
  // Primal values first: the tangent rules below read them from the registers.
  tapePrimal(tape, regs, t, u, out);
  const ninstr = load<i32>(tape + (<usize>TH_NINSTR << 2));
  let ip = tape + (<usize>load<i32>(tape + (<usize>TH_CODE << 2)) << 2);
  for (let q = 0; q < ninstr; q++, ip += INSTR_WIDTH << 2) {
    const op = load<i32>(ip);
    const d = load<i32>(ip, 4);
    const ia = load<i32>(ip, 8);
    const ib = load<i32>(ip, 12);
    const a = reg(regs, ia);
    const r = reg(regs, d);
    let fa = 0.0;
    let fb = 0.0;
    let useB = false;
    switch (op) {
      case OP_ADD: fa = 1; fb = 1; useB = true; break;
      case OP_SUB: fa = 1; fb = -1; useB = true; break;
      case OP_MUL: fa = reg(regs, ib); fb = a; useB = true; break;
      case OP_DIV: { const b = reg(regs, ib); fa = 1 / b; fb = -r / b; useB = true; break; }
      case OP_POW: { const b = reg(regs, ib); fa = b * Math.pow(a, b - 1); fb = r * Math.log(a); useB = true; break; }
      case OP_MIN: { const b = reg(regs, ib); fa = a <= b ? 1 : 0; fb = a <= b ? 0 : 1; useB = true; break; }
      case OP_MAX: { const b = reg(regs, ib); fa = a >= b ? 1 : 0; fb = a >= b ? 0 : 1; useB = true; break; }
      case OP_NEG: fa = -1; break;
      case OP_EXP: fa = r; break;
      case OP_LOG: fa = 1 / a; break;
      case OP_LOG1P: fa = 1 / (1 + a); break;
      case OP_EXPM1: fa = Math.exp(a); break;
      case OP_SQRT: fa = 1 / (2 * r); break;
      case OP_ABS: fa = a > 0 ? 1 : a < 0 ? -1 : 0; break;
      case OP_SIN: fa = Math.cos(a); break;
      case OP_COS: fa = -Math.sin(a); break;
      case OP_TAN: fa = 1 + r * r; break;
      case OP_ASIN: fa = 1 / sqrt(1 - a * a); break;
      case OP_ACOS: fa = -1 / sqrt(1 - a * a); break;
      case OP_ATAN: fa = 1 / (1 + a * a); break;
      case OP_SINH: fa = Math.cosh(a); break;
      case OP_COSH: fa = Math.sinh(a); break;
      case OP_TANH: fa = 1 - r * r; break;
      case OP_SIGMOID: fa = r * (1 - r); break;
      case OP_SOFTPLUS: fa = 1 / (1 + Math.exp(-a)); break;
      case OP_RELU: fa = a > 0 ? 1 : 0; break;
      case OP_COPY: fa = 1; break;
      case OP_IFELSE: {
        // The tangent of the branch taken.
        const src = tang + <usize>(a != 0 ? ib : load<i32>(ip, 16)) * lanes;
        memory.copy(tang + <usize>d * lanes, src, lanes);
        continue;
      }
      default: break; // comparisons and sign: zero tangent
    }
    const ta = tang + <usize>ia * lanes;
    const tr = tang + <usize>d * lanes;
    if (useB) {
      const tb = tang + <usize>ib * lanes;
      for (let l = 0; l < k; l++) {
        const o = <usize>l << 3;
        const x = load<f64>(ta + o);
        const y = load<f64>(tb + o);
        // A zero tangent contributes nothing, even where its factor is not finite (log of a
        // negative base in a^b with constant b, 1/(2·sqrt(a)) at a = 0).
        store<f64>(tr + o, (x != 0 ? fa * x : 0.0) + (y != 0 ? fb * y : 0.0));
      }
    } else {
      for (let l = 0; l < k; l++) {
        const o = <usize>l << 3;
        const x = load<f64>(ta + o);
        store<f64>(tr + o, x != 0 ? fa * x : 0.0);
      }
    }
  }
  const outs = tape + (<usize>load<i32>(tape + (<usize>TH_OUT << 2)) << 2);
  const nout = load<i32>(tape + (<usize>TH_NOUT << 2));
  for (let i = 0; i < nout; i++) {
    memory.copy(outT + <usize>i * lanes, tang + <usize>load<i32>(outs + (<usize>i << 2)) * lanes, lanes);
  }
}
