/**
 * DP5: Dormand–Prince 5(4) pair, FSAL, with Shampine's 4th-order dense output.
 *
 * J. R. Dormand, P. J. Prince, "A family of embedded Runge–Kutta formulae",
 * Journal of Computational and Applied Mathematics 6 (1980) 19–26; dense output:
 * L. F. Shampine, "Some practical Runge–Kutta formulas", Mathematics of Computation 46
 * (1986) 135–150, as in Hairer's dopri5 (Hairer, Nørsett, Wanner, Solving ODE I, §II.6).
 * Checked against OrdinaryDiffEq.jl, lib/OrdinaryDiffEqLowOrderRK/src/low_order_rk_tableaus.jl
 * (DP5ConstantCacheActual, DP5_dense_ds),
 * low_order_rk_perform_step.jl and interpolants.jl (dp5pre0); controller constants from
 * lib/OrdinaryDiffEqLowOrderRK/src/alg_utils.jl. OrdinaryDiffEq's btilde is bhat − b (flipped here).
 *
 * The dense output u_n + dt·(θ·y1 + θ(1−θ)·y2 + θ²(1−θ)·y3 + θ²(1−θ)²·y4), with
 * y1 = Σ b_i k_i, y2 = k_0 − y1, y3 = y1 − k_6 − y2, y4 = Σ d_i k_i, is expanded
 * exactly (rational arithmetic) into the B polynomial form below.
 */
import type { ERKTableau } from './types.js';

// Dormand & Prince (1980) + Shampine (1986) dense output; OrdinaryDiffEq.jl DP5.
export const DP5: ERKTableau = {
  name: 'DP5',
  order: 5,
  embeddedOrder: 4,
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  A: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ],
  b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
  // b − bhat with bhat = [5179/57600, 0, 7571/16695, 393/640, −92097/339200, 187/2100, 1/40]
  btilde: [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40],
  fsal: true,
  interp: {
    B: [
      [1, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
      [0, 0, 0, 0],
      [0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
      [0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
      [0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
      [0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
      [0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
    ],
  },
  // OrdinaryDiffEq: beta2_default(DP5) = 4//100, beta1_default(DP5) = 1/5 − 3·beta2/4 = 17/100;
  // qmin/qmax are OrdinaryDiffEq's generic adaptive defaults (1/5, 10), written out as asked.
  controller: { beta1: 17 / 100, beta2: 4 / 100, qmin: 1 / 5, qmax: 10 },
  source:
    'Dormand & Prince, Journal of Computational and Applied Mathematics 6 (1980) 19–26; ' +
    'dense output Shampine, Mathematics of Computation 46 (1986) 135–150 (Hairer dopri5); ' +
    'checked against OrdinaryDiffEq.jl ' +
    'lib/OrdinaryDiffEqLowOrderRK/src/low_order_rk_tableaus.jl (DP5) and alg_utils.jl',
};
