/**
 * Rosenbrock methods as data: the engine's one Rosenbrock driver runs every coefficient set
 * here (assembly/solvers/rosenbrock.ts).
 *
 * The general (Rodas) form, in OrdinaryDiffEq.jl's RodasTableau convention, with the stage
 * increments K_i, W = I − dt·γ·J (J = ∂f/∂u at t_n, u_n) and T = ∂f/∂t there:
 *
 *   u_i = u_n + Σ_{j<i} A_ij·K_j
 *   W·K_i = dt·γ·( f(t_n + c_i·dt, u_i) + dt·d_i·T + Σ_{j<i} (C_ij/dt)·K_j )
 *   u_{n+1} = u_n + Σ b_i·K_i,   err = Σ btilde_i·K_i
 *   u(t_n + θ·dt) = (1 − θ)·u_n + θ·(u_{n+1} + (1 − θ)·(h_1 + θ·h_2 + θ²·h_3)),  h_r = Σ_i H_ri·K_i
 *
 * (The engine keeps K_i/dt, the same method in derivative variables.)
 */

export interface RosenbrockTableau {
  /** Name as in DifferentialEquations.jl. */
  name: string;
  /**
   * 'rodas': the form above, from c, A, C, d, b, btilde and H. 'rosenbrock23': Shampine's
   * three-stage method, whose steps the engine writes out; only gamma, c32, btilde (over its
   * stage derivatives k1, k2, k3) and dense are read.
   */
  form: 'rosenbrock23' | 'rodas';
  /** Order of the propagated solution (the step-size controller and initial step use it). */
  order: number;
  /** The diagonal γ. */
  gamma: number;
  /** Nodes c_i, length s. */
  c?: number[];
  /** A[i] holds A_i0 … A_i,i−1 (A[0] is []). */
  A?: number[][];
  /** C[i] holds C_i0 … C_i,i−1. */
  C?: number[][];
  /** ∂f/∂t coefficients d_i, length s. */
  d?: number[];
  b?: number[];
  /** Error weights, length s. */
  btilde: number[];
  /** Dense output rows h_r = Σ_i H[r][i]·K_i (two or three rows). */
  H?: number[][];
  /**
   * The dense output over the stage derivatives k_i = K_i/dt, when not from H:
   * u(t_n + θ·dt) = u_n + dt·Σ_i B_i(θ)·k_i, dense[i] = [coefficient of θ, of θ², …].
   */
  dense?: number[][];
  /** Rosenbrock23 only: e32 = 6 + √2. */
  c32?: number;
  /**
   * 'rosenbrock23' form only: u_{n+1} from the order-3 formula u_n + dt/6·(k1 + 4k2 + k3)
   * (Rosenbrock32) instead of u_n + dt·k2.
   */
  order3?: boolean;
  /** A W-method: its order holds with an approximate Jacobian, so J may be reused. */
  wmethod?: boolean;
  /** Where the coefficients come from. */
  source: string;
}

// Shampine & Reichelt, "The MATLAB ODE suite", SIAM J. Sci. Comput. 18 (1997) 1–22 (ode23s);
// constants as OrdinaryDiffEq.jl's Rosenbrock23Tableau (lib/OrdinaryDiffEqRosenbrock/src/
// rosenbrock_tableaus.jl): d = 1/(2 + √2), c32 = 6 + √2; error dt/6·(k1 − 2k2 + k3); dense
// output (rosenbrock_interpolants.jl) u_n + dt·(θ(1 − θ)·k1 + θ(θ − 2d)·k2)/(1 − 2d). The
// stages are the paper's (k3 with dt·d·∂f/∂t; see assembly/solvers/rosenbrock.ts).
const D23 = 1 / (2 + Math.SQRT2);
const E23 = 1 / (1 - 2 * D23);
export const Rosenbrock23: RosenbrockTableau = {
  name: 'Rosenbrock23',
  form: 'rosenbrock23',
  order: 2,
  gamma: D23,
  btilde: [1 / 6, -1 / 3, 1 / 6],
  dense: [
    [E23, -E23],
    [-2 * D23 * E23, E23],
    [],
  ],
  c32: 6 + Math.SQRT2,
  wmethod: true,
  source:
    'Shampine & Reichelt, SIAM J. Sci. Comput. 18 (1997) 1–22; OrdinaryDiffEq.jl ' +
    'lib/OrdinaryDiffEqRosenbrock/src/rosenbrock_tableaus.jl (Rosenbrock23Tableau), rosenbrock_interpolants.jl',
};

// Rosenbrock32: the same stages, with the order-3 companion u_n + dt/6·(k1 + 4k2 + k3) of
// Shampine & Reichelt (1997) §3 as the solution and the difference dt/6·(k1 − 2k2 + k3) as the
// error (now of the embedded order-2 solution); OrdinaryDiffEq.jl's Rosenbrock32
// (rosenbrock_perform_step.jl, alg_order 3). Its third stage is evaluated at the order-2 point
// u_n + dt·k2, as there. Dense output: Rosenbrock23's interpolant plus θ²·dt/6·(k1 − 2k2 + k3),
// so that it ends at the order-3 u_{n+1} (OrdinaryDiffEq reuses Rosenbrock23's, which ends at
// u_n + dt·k2); the added term is of the size of the local error, so the order is kept.
export const Rosenbrock32: RosenbrockTableau = {
  ...Rosenbrock23,
  name: 'Rosenbrock32',
  order: 3,
  order3: true,
  dense: [
    [E23, -E23 + 1 / 6],
    [-2 * D23 * E23, E23 - 1 / 3],
    [0, 1 / 6],
  ],
  source:
    'Shampine & Reichelt, SIAM J. Sci. Comput. 18 (1997) 1–22 (the order-3 formula of §3); ' +
    'OrdinaryDiffEq.jl lib/OrdinaryDiffEqRosenbrock/src/rosenbrock_perform_step.jl (Rosenbrock32)',
};

// Rodas4: Hairer & Wanner, Solving ODEs II (2nd ed. 1996), §VI.4, RODAS; coefficients as
// OrdinaryDiffEq.jl lib/OrdinaryDiffEqRosenbrockTableaus/src/rosenbrock_tableaus.jl
// (RODAS4A, RODAS4C, RODAS4c, RODAS4d, RODAS4H, γ = 0.25; b = A's last row with b_6 = 1,
// btilde = e_6).
export const Rodas4: RosenbrockTableau = {
  name: 'Rodas4',
  form: 'rodas',
  order: 4,
  gamma: 0.25,
  c: [0, 0.386, 0.21, 0.63, 1, 1],
  A: [
    [],
    [1.544],
    [0.9466785280815826, 0.2557011698983284],
    [3.314825187068521, 2.896124015972201, 0.9986419139977817],
    [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895],
    [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895, 1],
  ],
  C: [
    [],
    [-5.6688],
    [-2.430093356833875, -0.2063599157091915],
    [-0.1073529058151375, -9.594562251023355, -20.47028614809616],
    [7.496443313967647, -10.24680431464352, -33.99990352819905, 11.7089089320616],
    [8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136, -6.058818238834054],
  ],
  d: [0.25, -0.1043, 0.1035, -0.0362, 0, 0],
  b: [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895, 1, 1],
  btilde: [0, 0, 0, 0, 0, 1],
  H: [
    [10.12623508344586, -7.487995877610167, -34.80091861555747, -7.992771707568823, 1.025137723295662, 0],
    [-0.6762803392801253, 6.087714651680015, 16.43084320892478, 24.76722511418386, -6.594389125716872, 0],
  ],
  source:
    'Hairer & Wanner, Solving Ordinary Differential Equations II, 2nd ed. (1996), RODAS; ' +
    'OrdinaryDiffEq.jl lib/OrdinaryDiffEqRosenbrockTableaus/src/rosenbrock_tableaus.jl (Rodas4Tableau)',
};

// Rodas5P: G. Steinebach, "Construction of Rosenbrock–Wanner method Rodas5P and numerical
// benchmarks within the Julia Differential Equations package", BIT Numer. Math. 63 (2023) 27;
// coefficients as OrdinaryDiffEq.jl lib/OrdinaryDiffEqRosenbrock/src/rosenbrock_tableaus.jl
// (RODAS5PA, RODAS5PC, RODAS5Pc, RODAS5Pd, RODAS5PH, γ = 0.21193756319429014; b = A's last
// row with b_8 = 1, btilde = e_8).
const RODAS5P_LAST = [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946, 1, 1];
export const Rodas5P: RosenbrockTableau = {
  name: 'Rodas5P',
  form: 'rodas',
  order: 5,
  gamma: 0.21193756319429014,
  c: [0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664, 1, 1, 1],
  A: [
    [],
    [3.0],
    [2.849394379747939, 0.45842242204463923],
    [-6.954028509809101, 2.489845061869568, -10.358996098473584],
    [2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641],
    [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946],
    [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946, 1],
    RODAS5P_LAST,
  ],
  C: [
    [],
    [-14.155112264123755],
    [-17.97296035885952, -2.859693295451294],
    [147.12150275711716, -1.41221402718213, 71.68940251302358],
    [165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306],
    [24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471],
    [30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623, -28.087943162872662],
    [37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002, -54.66780262877968, -9.48861652309627],
  ],
  d: [0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734, 2.325825639765069, 0, 0, 0],
  b: [...RODAS5P_LAST, 1],
  btilde: [0, 0, 0, 0, 0, 0, 0, 1],
  H: [
    [25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204, 0.524948541321073, 1.1241088310450404, 0.4272876194431874, -0.17202221070155493],
    [-9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796, 20.176138334709044, 15.98066361424651, -6.789040303419874, -6.710236069923372],
    [11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643, -52.072871366152654, -59.78993625266729, -0.15582684282751913, 4.883087185713722],
  ],
  source:
    'Steinebach, BIT Numerical Mathematics 63 (2023) 27; OrdinaryDiffEq.jl ' +
    'lib/OrdinaryDiffEqRosenbrock/src/rosenbrock_tableaus.jl (Rodas5PTableau)',
};
