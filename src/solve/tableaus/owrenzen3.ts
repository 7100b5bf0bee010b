/**
 * OwrenZen3: Owren–Zennaro 3(2) pair, FSAL, with its own third-order ("free") interpolant.
 *
 * B. Owren, M. Zennaro, "Derivation of efficient, continuous, explicit Runge–Kutta
 * methods", SIAM J. Sci. Stat. Comput. 13 (1992) 1488–1501. Checked against OrdinaryDiffEq.jl,
 * lib/OrdinaryDiffEqLowOrderRK/src/low_order_rk_tableaus.jl (OwrenZen3ConstantCache, r-coefficients)
 * and src/interpolants.jl (owrenzen3pre0); OrdinaryDiffEq's btilde is bhat − b (flipped here).
 */
import type { ERKTableau } from './types.js';

// Owren & Zennaro (1992); OrdinaryDiffEq.jl low_order_rk_tableaus.jl (OwrenZen3).
export const OwrenZen3: ERKTableau = {
  name: 'OwrenZen3',
  order: 3,
  embeddedOrder: 2,
  c: [0, 12 / 23, 4 / 5, 1],
  A: [[], [12 / 23], [-68 / 375, 368 / 375], [31 / 144, 529 / 1152, 125 / 384]],
  b: [31 / 144, 529 / 1152, 125 / 384, 0],
  // b − bhat with bhat = [1/24, 23/24, 0, 0]
  btilde: [25 / 144, -575 / 1152, 125 / 384, 0],
  fsal: true,
  interp: {
    B: [
      [1, -65 / 48, 41 / 72],
      [0, 529 / 384, -529 / 576],
      [0, 125 / 128, -125 / 192],
      [0, -1, 1],
    ],
  },
  source:
    'Owren & Zennaro, SIAM J. Sci. Stat. Comput. 13 (1992) 1488–1501; checked against OrdinaryDiffEq.jl ' +
    'lib/OrdinaryDiffEqLowOrderRK/src/low_order_rk_tableaus.jl (OwrenZen3ConstantCache) and interpolants.jl',
};
