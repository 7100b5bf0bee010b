/**
 * BS3: Bogacki–Shampine 3(2) pair, FSAL.
 *
 * P. Bogacki, L. F. Shampine, "A 3(2) pair of Runge–Kutta formulas",
 * Applied Mathematics Letters 2 (1989) 321–325. Checked against OrdinaryDiffEq.jl,
 * lib/OrdinaryDiffEqLowOrderRK/src/low_order_rk_tableaus.jl (BS3ConstantCache),
 * whose btilde is bhat − b (sign flipped here to b − bhat).
 * Dense output: OrdinaryDiffEq uses the cubic Hermite interpolant for BS3; it is
 * written out below in B form (stage 3 is f(u_{n+1})), identical to the Hermite default.
 */
import type { ERKTableau } from './types.js';

// Bogacki & Shampine (1989); OrdinaryDiffEq.jl low_order_rk_tableaus.jl (BS3).
export const BS3: ERKTableau = {
  name: 'BS3',
  order: 3,
  embeddedOrder: 2,
  c: [0, 1 / 2, 3 / 4, 1],
  A: [[], [1 / 2], [0, 3 / 4], [2 / 9, 1 / 3, 4 / 9]],
  b: [2 / 9, 1 / 3, 4 / 9, 0],
  // b − bhat with bhat = [7/24, 1/4, 1/3, 1/8]
  btilde: [-5 / 72, 1 / 12, 1 / 9, -1 / 8],
  fsal: true,
  interp: {
    // Hermite: B_i(θ) = (3θ² − 2θ³)·b_i + (θ − 2θ² + θ³)·[i = 0] + (θ³ − θ²)·[i = 3]
    B: [
      [1, -4 / 3, 5 / 9],
      [0, 1, -2 / 3],
      [0, 4 / 3, -8 / 9],
      [0, -1, 1],
    ],
  },
  source:
    'Bogacki & Shampine, Applied Mathematics Letters 2 (1989) 321–325; checked against OrdinaryDiffEq.jl ' +
    'lib/OrdinaryDiffEqLowOrderRK/src/low_order_rk_tableaus.jl (BS3ConstantCache)',
};
