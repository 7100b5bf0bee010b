// The tape interpreter, forward mode: every register carries its value and k tangent lanes
// (dual numbers, two lanes per f64x2), so one sweep gives f(u) and J·V for a block of k
// directions V — Jacobian–vector products, or the whole Jacobian with V = I. An elementwise
// r = op(a, b) gets the tangent ∂r/∂a·ta + ∂r/∂b·tb (partials.ts) at the primal values,
// element by element over vector instructions; the reductions (sum, dot, matrix–vector
// products) accumulate theirs.

import {
  INSTR_WIDTH, I_LEN, I_SA, I_SB, I_SC, TH_NINSTR, TH_NSTATES, TH_OUT, TH_CODE, TH_NOUT, TH_NREGS,
  OP_IFELSE, OP_SUM, OP_DOT, OP_MATVEC,
} from './opcodes';
import { partialA, partialB, hasB } from './partials';
import { lanesScale, lanesScale2, lanesAccumulate } from './lanes';
import { tapePrimal } from './primal';

// @ts-ignore: decorator
@inline function reg(regs: usize, i: i32): f64 {
  return load<f64>(regs + (<usize>i << 3));
}

/** The tangents of one instruction: registers d… from a…, b…, c… (strides 0 broadcast). */
function dualInstruction(
  op: i32, regs: usize, tang: usize, lanes: usize, k: i32,
  d: i32, ia: i32, ib: i32, ic: i32, len: i32, sa: i32, sb: i32, sc: i32,
): void {
  const tr = tang + <usize>d * lanes;
  switch (op) {
    case OP_IFELSE: {
      // The tangent of the branch taken.
      for (let i = 0; i < len; i++) {
        const src = reg(regs, ia + i * sa) != 0 ? ib + i * sb : ic + i * sc;
        memory.copy(tr + <usize>i * lanes, tang + <usize>src * lanes, lanes);
      }
      return;
    }
    case OP_SUM: {
      memory.fill(tr, 0, lanes);
      for (let i = 0; i < len; i++) lanesAccumulate(tr, 1, tang + <usize>(ia + i * sa) * lanes, k);
      return;
    }
    case OP_DOT: {
      memory.fill(tr, 0, lanes);
      for (let i = 0; i < len; i++) {
        const a = ia + i * sa;
        const b = ib + i * sb;
        lanesAccumulate(tr, reg(regs, b), tang + <usize>a * lanes, k);
        lanesAccumulate(tr, reg(regs, a), tang + <usize>b * lanes, k);
      }
      return;
    }
    case OP_MATVEC: {
      // Row i of W·v (ic columns): Σ_j v_j·tW_ij + W_ij·tv_j.
      for (let i = 0; i < len; i++) {
        const ti = tr + <usize>i * lanes;
        memory.fill(ti, 0, lanes);
        for (let j = 0; j < ic; j++) {
          const w = ia + i * ic + j;
          const v = ib + j;
          lanesAccumulate(ti, reg(regs, v), tang + <usize>w * lanes, k);
          lanesAccumulate(ti, reg(regs, w), tang + <usize>v * lanes, k);
        }
      }
      return;
    }
  }
  for (let i = 0; i < len; i++) {
    const a = ia + i * sa;
    const b = ib + i * sb;
    const fa = partialA(op, reg(regs, a), reg(regs, b), reg(regs, d + i));
    const ti = tr + <usize>i * lanes;
    if (hasB) lanesScale2(ti, fa, tang + <usize>a * lanes, partialB, tang + <usize>b * lanes, k);
    else lanesScale(ti, fa, tang + <usize>a * lanes, k);
  }
}

/**
 * out = f(t, u), outT[i·k + l] = Σ_j (∂f_i/∂u_j)·V[j·k + l] (+ ∂f_i/∂p_j · W[j·k + l] when
 * `w` is not 0; W has np rows, one per flat parameter value). `tang` is scratch for nregs·k
 * tangents; `paramBase` is the first parameter register. The primal values are those of
 * `tapePrimal`, bit for bit.
 */
export function tapeDual(
  tape: usize, regs: usize, tang: usize, t: f64, u: usize, v: usize, w: usize, paramBase: i32, np: i32,
  k: i32, out: usize, outT: usize,
): void {
  tapeDualWithTime(tape, regs, tang, t, 0, u, v, w, paramBase, np, k, out, outT);
}

/**
 * tapeDual with a tangent for t as well: `tSeed` (k values; 0: none) seeds register 0, so
 * outT gains (∂f_i/∂t)·tSeed[l] in lane l. With V = [I | 0] and tSeed = [0 … 0 1], one sweep
 * of n + 1 lanes gives the Jacobian and ∂f/∂t together (the Rosenbrock methods' need).
 */
export function tapeDualWithTime(
  tape: usize, regs: usize, tang: usize, t: f64, tSeed: usize, u: usize, v: usize, w: usize,
  paramBase: i32, np: i32, k: i32, out: usize, outT: usize,
): void {
  const n = load<i32>(tape + (<usize>TH_NSTATES << 2));
  const nregs = load<i32>(tape + (<usize>TH_NREGS << 2));
  const lanes = <usize>k << 3;
  memory.fill(tang, 0, <usize>nregs * lanes);
  // Seeds: t's tangents (register 0) from tSeed; the state's are the rows of V; the
  // parameters', the rows of W.
  if (tSeed != 0) memory.copy(tang, tSeed, lanes);
  memory.copy(tang + lanes, v, <usize>n * lanes);
  if (w != 0) memory.copy(tang + <usize>paramBase * lanes, w, <usize>np * lanes);
  // Primal values first: the tangent rules read them from the registers.
  tapePrimal(tape, regs, t, u, out);
  const ninstr = load<i32>(tape + (<usize>TH_NINSTR << 2));
  let ip = tape + (<usize>load<i32>(tape + (<usize>TH_CODE << 2)) << 2);
  for (let q = 0; q < ninstr; q++, ip += INSTR_WIDTH << 2) {
    const len = load<i32>(ip, I_LEN << 2);
    const vec = len > 1;
    dualInstruction(load<i32>(ip), regs, tang, lanes, k,
      load<i32>(ip, 4), load<i32>(ip, 8), load<i32>(ip, 12), load<i32>(ip, 16), len,
      vec ? load<i32>(ip, I_SA << 2) : 0, vec ? load<i32>(ip, I_SB << 2) : 0, vec ? load<i32>(ip, I_SC << 2) : 0);
  }
  // Output segments (register, length, step), as tapePrimal writes them.
  const segs = tape + (<usize>load<i32>(tape + (<usize>TH_OUT << 2)) << 2);
  const nseg = load<i32>(tape + (<usize>TH_NOUT << 2));
  let o = outT;
  for (let s = 0; s < nseg; s++) {
    const sp = segs + (<usize>(s * 3) << 2);
    const r = load<i32>(sp);
    const len = load<i32>(sp, 4);
    const step = load<i32>(sp, 8);
    for (let i = 0; i < len; i++, o += lanes) memory.copy(o, tang + <usize>(r + i * step) * lanes, lanes);
  }
}
