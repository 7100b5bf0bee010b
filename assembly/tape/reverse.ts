// The tape interpreter, reverse mode: after a primal sweep (which leaves every operation's
// values in its own registers), one backward sweep over the instructions accumulates
// adjoints, giving the vector–Jacobian products wᵀ·∂f/∂u and wᵀ·∂f/∂p for one output weight
// vector w. Vector instructions run element by element; a broadcast operand (stride 0)
// gathers the adjoints of every element it fed.

import {
  INSTR_WIDTH, I_LEN, I_SA, I_SB, I_SC, TH_NINSTR, TH_NSTATES, TH_OUT, TH_CODE, TH_NOUT, TH_NREGS,
  OP_IFELSE, OP_SUM, OP_DOT, OP_MATVEC,
} from './opcodes';
import { partialA, partialB, hasB, scaled } from './partials';
import { tapePrimal } from './primal';

// @ts-ignore: decorator
@inline function reg(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function addTo(adj: usize, i: i32, x: f64): void {
  const p = adj + (<usize>i << 3);
  store<f64>(p, load<f64>(p) + x);
}

/** Adjoints of one instruction's operands from those of its results d…. */
function reverseInstruction(
  op: i32, regs: usize, adj: usize,
  d: i32, ia: i32, ib: i32, ic: i32, len: i32, sa: i32, sb: i32, sc: i32,
): void {
  switch (op) {
    case OP_SUM: {
      const g = reg(adj, d);
      if (g != 0) for (let i = 0; i < len; i++) addTo(adj, ia + i * sa, g);
      return;
    }
    case OP_DOT: {
      const g = reg(adj, d);
      if (g == 0) return;
      for (let i = 0; i < len; i++) {
        const a = ia + i * sa;
        const b = ib + i * sb;
        addTo(adj, a, scaled(reg(regs, b), g));
        addTo(adj, b, scaled(reg(regs, a), g));
      }
      return;
    }
    case OP_MATVEC: {
      for (let i = 0; i < len; i++) {
        const g = reg(adj, d + i);
        if (g == 0) continue;
        for (let j = 0; j < ic; j++) {
          const w = ia + i * ic + j;
          addTo(adj, w, scaled(reg(regs, ib + j), g));
          addTo(adj, ib + j, scaled(reg(regs, w), g));
        }
      }
      return;
    }
  }
  for (let i = 0; i < len; i++) {
    const g = reg(adj, d + i);
    if (g == 0) continue;
    const a = ia + i * sa;
    const b = ib + i * sb;
    if (op == OP_IFELSE) {
      addTo(adj, reg(regs, a) != 0 ? b : ic + i * sc, g);
      continue;
    }
    const fa = partialA(op, reg(regs, a), reg(regs, b), reg(regs, d + i));
    const fb = partialB;
    addTo(adj, a, scaled(fa, g));
    if (hasB) addTo(adj, b, scaled(fb, g));
  }
}

/**
 * out = f(t, u); vu = wᵀ·∂f/∂u (n values), vp = wᵀ·∂f/∂p (np values, the flat parameters).
 * `adj` is scratch for nregs adjoints.
 */
export function tapeReverse(
  tape: usize, regs: usize, adj: usize, t: f64, u: usize, w: usize, paramBase: i32, np: i32,
  out: usize, vu: usize, vp: usize,
): void {
  const n = load<i32>(tape + (<usize>TH_NSTATES << 2));
  const nregs = load<i32>(tape + (<usize>TH_NREGS << 2));
  tapePrimal(tape, regs, t, u, out);
  memory.fill(adj, 0, <usize>nregs << 3);
  // Seeds: output value o takes w[o] (a broadcast output gathers every w it fills).
  const segs = tape + (<usize>load<i32>(tape + (<usize>TH_OUT << 2)) << 2);
  const nseg = load<i32>(tape + (<usize>TH_NOUT << 2));
  let o = 0;
  for (let s = 0; s < nseg; s++) {
    const sp = segs + (<usize>(s * 3) << 2);
    const r = load<i32>(sp);
    const len = load<i32>(sp, 4);
    const step = load<i32>(sp, 8);
    for (let i = 0; i < len; i++, o++) addTo(adj, r + i * step, reg(w, o));
  }
  const ninstr = load<i32>(tape + (<usize>TH_NINSTR << 2));
  const code = tape + (<usize>load<i32>(tape + (<usize>TH_CODE << 2)) << 2);
  for (let q = ninstr - 1; q >= 0; q--) {
    const ip = code + (<usize>(q * INSTR_WIDTH) << 2);
    const len = load<i32>(ip, I_LEN << 2);
    const vec = len > 1;
    reverseInstruction(load<i32>(ip), regs, adj,
      load<i32>(ip, 4), load<i32>(ip, 8), load<i32>(ip, 12), load<i32>(ip, 16), len,
      vec ? load<i32>(ip, I_SA << 2) : 0, vec ? load<i32>(ip, I_SB << 2) : 0, vec ? load<i32>(ip, I_SC << 2) : 0);
  }
  memory.copy(vu, adj + 8, <usize>n << 3);
  memory.copy(vp, adj + (<usize>paramBase << 3), <usize>np << 3);
}
