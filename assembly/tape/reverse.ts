// The tape interpreter, reverse mode: after a primal sweep (which leaves every operation's
// value in its own register), one backward sweep over the instructions accumulates adjoints,
// giving the vector–Jacobian products wᵀ·∂f/∂u and wᵀ·∂f/∂p for one output weight vector w.

import { INSTR_WIDTH, TH_NINSTR, TH_NSTATES, TH_OUT, TH_CODE, TH_NOUT, TH_NREGS, OP_IFELSE } from './opcodes';
import { partialA, partialB, hasB, scaled } from './partials';
import { tapePrimal } from './primal';

// @ts-ignore: decorator
@inline function addTo(p: usize, x: f64): void {
  store<f64>(p, load<f64>(p) + x);
}

/**
 * out = f(t, u); vu = wᵀ·∂f/∂u (n values), vp = wᵀ·∂f/∂p (np values). `adj` is scratch for
 * nregs adjoints.
 */
export function tapeReverse(
  tape: usize, regs: usize, adj: usize, t: f64, u: usize, w: usize, paramBase: i32, np: i32,
  out: usize, vu: usize, vp: usize,
): void {
  const n = load<i32>(tape + (<usize>TH_NSTATES << 2));
  const nregs = load<i32>(tape + (<usize>TH_NREGS << 2));
  tapePrimal(tape, regs, t, u, out);
  memory.fill(adj, 0, <usize>nregs << 3);
  const outs = tape + (<usize>load<i32>(tape + (<usize>TH_OUT << 2)) << 2);
  const nout = load<i32>(tape + (<usize>TH_NOUT << 2));
  for (let i = 0; i < nout; i++) {
    addTo(adj + (<usize>load<i32>(outs + (<usize>(i * 3) << 2)) << 3), load<f64>(w + (<usize>i << 3)));
  }
  const ninstr = load<i32>(tape + (<usize>TH_NINSTR << 2));
  const code = tape + (<usize>load<i32>(tape + (<usize>TH_CODE << 2)) << 2);
  for (let q = ninstr - 1; q >= 0; q--) {
    const ip = code + (<usize>(q * INSTR_WIDTH) << 2);
    const op = load<i32>(ip);
    const d = load<i32>(ip, 4);
    const g = load<f64>(adj + (<usize>d << 3));
    if (g == 0) continue;
    const ia = load<i32>(ip, 8);
    const ib = load<i32>(ip, 12);
    if (op == OP_IFELSE) {
      const taken = load<f64>(regs + (<usize>ia << 3)) != 0 ? ib : load<i32>(ip, 16);
      addTo(adj + (<usize>taken << 3), g);
      continue;
    }
    const fa = partialA(op, regs, d, ia, ib);
    const fb = partialB;
    addTo(adj + (<usize>ia << 3), scaled(fa, g));
    if (hasB) addTo(adj + (<usize>ib << 3), scaled(fb, g));
  }
  memory.copy(vu, adj + 8, <usize>n << 3);
  memory.copy(vp, adj + (<usize>paramBase << 3), <usize>np << 3);
}
