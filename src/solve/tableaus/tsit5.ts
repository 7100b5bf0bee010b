/**
 * Tsit5: Tsitouras 5(4) pair, FSAL, with its free 4th-order interpolant.
 *
 * Ch. Tsitouras, "Runge–Kutta pairs of order 5(4) satisfying only the first column
 * simplifying assumption", Computers & Mathematics with Applications 62 (2011) 770–775.
 * Checked against OrdinaryDiffEq.jl, lib/OrdinaryDiffEqTsit5/src/tsit_tableaus.jl
 * (Tsit5ConstantCacheActual and Tsit5Interp r-coefficients, BigFloat versions) and
 * src/interpolants.jl (tsit5pre0).
 * Decimal literals are those long values correctly rounded to binary64.
 * OrdinaryDiffEq's btilde is bhat − b (sign flipped here to b − bhat).
 */
import type { ERKTableau } from './types.js';

// Tsitouras (2011); OrdinaryDiffEq.jl lib/OrdinaryDiffEqTsit5/src/tsit_tableaus.jl.
export const Tsit5: ERKTableau = {
  name: 'Tsit5',
  order: 5,
  embeddedOrder: 4,
  c: [0, 161 / 1000, 327 / 1000, 9 / 10, 0.9800255409045097, 1, 1],
  A: [
    [],
    [161 / 1000],
    [-0.008480655492356989, 0.335480655492357],
    [2.8971530571054935, -6.359448489975075, 4.3622954328695815],
    [5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525],
    [
      5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401,
      -0.028269050394068383,
    ],
    [
      0.09646076681806523, 1 / 100, 0.4798896504144996, 1.379008574103742, -3.290069515436081,
      2.324710524099774,
    ],
  ],
  b: [
    0.09646076681806523, 1 / 100, 0.4798896504144996, 1.379008574103742, -3.290069515436081,
    2.324710524099774, 0,
  ],
  btilde: [
    0.0017800110522257714, 0.0008164344596567469, -0.007880878010261995, 0.1447110071732629,
    -0.5823571654525552, 0.45808210592918697, -1 / 66,
  ],
  fsal: true,
  interp: {
    B: [
      [1, -2.763706197274826, 2.9132554618219126, -1.0530884977290216],
      [0, 0.13169999999999998, -0.2234, 0.1017],
      [0, 3.9302962368947516, -5.941033872131505, 2.490627285651253],
      [0, -12.411077166933676, 30.33818863028232, -16.548102889244902],
      [0, 37.50931341651104, -88.1789048947664, 47.37952196281928],
      [0, -27.896526289197286, 65.09189467479366, -34.87065786149661],
      [0, 3 / 2, -4, 5 / 2],
    ],
  },
  source:
    'Tsitouras, Computers & Mathematics with Applications 62 (2011) 770–775; ' +
    'checked against OrdinaryDiffEq.jl ' +
    'lib/OrdinaryDiffEqTsit5/src/tsit_tableaus.jl and interpolants.jl',
};
