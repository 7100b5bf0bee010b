// The tape interpreter, forward mode: every register carries its value and k tangent lanes
// (dual numbers), so one sweep gives f(u) and J·V for a block of k directions V — Jacobian–
// vector products, or the whole Jacobian with V = I. r = op(a, b) gets the tangent
// ∂r/∂a·ta + ∂r/∂b·tb (partials.ts) at the primal values.

import { INSTR_WIDTH, TH_NINSTR, TH_NSTATES, TH_OUT, TH_CODE, TH_NOUT, TH_NREGS, OP_IFELSE } from './opcodes';
import { partialA, partialB, hasB, scaled } from './partials';
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
    if (op == OP_IFELSE) {
      // The tangent of the branch taken.
      const src = tang + <usize>(reg(regs, ia) != 0 ? ib : load<i32>(ip, 16)) * lanes;
      memory.copy(tang + <usize>d * lanes, src, lanes);
      continue;
    }
    const fa = partialA(op, regs, d, ia, ib);
    const fb = partialB;
    const ta = tang + <usize>ia * lanes;
    const tr = tang + <usize>d * lanes;
    if (hasB) {
      const tb = tang + <usize>ib * lanes;
      for (let l = 0; l < k; l++) {
        const o = <usize>l << 3;
        store<f64>(tr + o, scaled(fa, load<f64>(ta + o)) + scaled(fb, load<f64>(tb + o)));
      }
    } else {
      for (let l = 0; l < k; l++) {
        const o = <usize>l << 3;
        store<f64>(tr + o, scaled(fa, load<f64>(ta + o)));
      }
    }
  }
  const outs = tape + (<usize>load<i32>(tape + (<usize>TH_OUT << 2)) << 2);
  const nout = load<i32>(tape + (<usize>TH_NOUT << 2));
  for (let i = 0; i < nout; i++) {
    memory.copy(outT + <usize>i * lanes, tang + <usize>load<i32>(outs + (<usize>(i * 3) << 2)) * lanes, lanes);
  }
}
