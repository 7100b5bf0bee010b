/**
 * SDIRK and ESDIRK methods as data: the engine's one SDIRK driver runs every coefficient set
 * here (assembly/solvers/sdirk.ts).
 *
 * Every method is written with an explicit first stage k_0 = u'(t_n) and s − 1 implicit
 * stages with one diagonal γ (k_i = u' at stage i):
 *
 *   U_i = u_n + dt·Σ_{j<i} A_ij·k_j + dt·γ·k_i,   M·k_i = f(t_n + c_i·dt, U_i)   (i ≥ 1)
 *
 * and every method is stiffly accurate: u_{n+1} = U_{s−1}. ImplicitEuler's first stage has
 * weight 0 everywhere. The Newton iteration of stage i starts from
 * z_i = dt·γ·Σ_{j<i} predictor[i][j]·k_j (OrdinaryDiffEq.jl's stage predictors α_ij, which
 * act on z_j = dt·k_j there). The error estimate is dt·Σ btilde_j·k_j ('btilde', smoothed by
 * (M − dt·γ·J)⁻¹ when `smooth`), or the divided differences of the solution OrdinaryDiffEq
 * uses for ImplicitEuler ('dd2') and Trapezoid ('dd3').
 */
export interface SdirkTableau {
  /** Name as in DifferentialEquations.jl. */
  name: string;
  /** Order of the solution (the step-size controller and the initial step use it). */
  order: number;
  /** The diagonal γ of the implicit stages. */
  gamma: number;
  /** Nodes c_0 = 0, c_1, …, c_{s−1}; c_i = Σ_j A_ij + γ is checked. */
  c: number[];
  /** A[i] holds A_i0 … A_i,i−1 (A[0] is []). */
  A: number[][];
  /** Error weights over the s stages ('btilde' estimates). */
  btilde?: number[];
  /** predictor[i] holds α_i0 … α_i,i−1 (predictor[0] is []). */
  predictor: number[][];
  error: 'btilde' | 'dd2' | 'dd3';
  /** Smooth the embedded estimate by W⁻¹ (Shampine; OrdinaryDiffEq's smooth_est = true). */
  smooth: boolean;
  /** Where the coefficients come from. */
  source: string;
}

const ODE_SDIRK = 'OrdinaryDiffEq.jl lib/OrdinaryDiffEqSDIRK/src/sdirk_tableaus.jl and imex_tableaus.jl';

// Backward (implicit) Euler, order 1, L-stable. The Newton iteration starts from u_n
// (OrdinaryDiffEq's ImplicitEuler default, Predictor.Trivial); the error is estimated from
// second divided differences of the solution (OrdinaryDiffEq's :ie_dd2).
export const ImplicitEuler: SdirkTableau = {
  name: 'ImplicitEuler',
  order: 1,
  gamma: 1,
  c: [0, 1],
  A: [[], [0]],
  predictor: [[], []],
  error: 'dd2',
  smooth: false,
  source: `${ODE_SDIRK} (ImplicitEulerESDIRKIMEXTableau); Hairer & Wanner, Solving ODEs II, §IV.3`,
};

// The trapezoidal rule (Crank–Nicolson), order 2, A-stable: U_1 = u_n + dt/2·(k_0 + k_1).
// The Newton iteration starts from u_n, as OrdinaryDiffEq's Trapezoid (z = −dt/2·k_0 here);
// error from third divided differences of the solution (OrdinaryDiffEq's :trap_dd3).
export const Trapezoid: SdirkTableau = {
  name: 'Trapezoid',
  order: 2,
  gamma: 0.5,
  c: [0, 1],
  A: [[], [0.5]],
  predictor: [[], [-1]],
  error: 'dd3',
  smooth: false,
  source: `${ODE_SDIRK} (TrapezoidESDIRKIMEXTableau)`,
};

// TR-BDF2: Bank, Coughran, Fichtner, Grosse, Rose & Smith, IEEE Trans. CAD 4 (1985) 436–451,
// in the ESDIRK form of Hosea & Shampine, "Analysis and implementation of TR-BDF2", Appl.
// Numer. Math. 20 (1996) 21–37: γ = 2 − √2 (the trapezoidal stage's end), diagonal
// d = 1 − √2/2, ω = √2/4; btilde = [(1 − √2)/3, 1/3, (√2 − 2)/3]; predictors from
// OrdinaryDiffEq's TRBDF2Tableau (α1 = −√2/2, α2 = 1 + √2/2, Shampine's).
const SQ2 = Math.SQRT2;
const TRD = 1 - SQ2 / 2;
const TRW = SQ2 / 4;
export const TRBDF2: SdirkTableau = {
  name: 'TRBDF2',
  order: 2,
  gamma: TRD,
  c: [0, 2 - SQ2, 1],
  A: [[], [TRD], [TRW, TRW]],
  btilde: [(1 - SQ2) / 3, 1 / 3, (SQ2 - 2) / 3],
  predictor: [[], [1], [-SQ2 / 2, 1 + SQ2 / 2]],
  error: 'btilde',
  smooth: true,
  source: `Hosea & Shampine, Appl. Numer. Math. 20 (1996) 21–37; ${ODE_SDIRK} (TRBDF2Tableau)`,
};

// KenCarp4: the implicit (ESDIRK) part of Kennedy & Carpenter's ARK4(3)6L[2]SA, "Additive
// Runge–Kutta schemes for convection–diffusion–reaction equations", Appl. Numer. Math. 44
// (2003) 139–181, Table 5 — γ = 1/4, stiffly accurate, L-stable, embedded order 3. Rational
// coefficients and predictors α_ij as OrdinaryDiffEq's KenCarp4Tableau.
export const KenCarp4: SdirkTableau = {
  name: 'KenCarp4',
  order: 4,
  gamma: 1 / 4,
  c: [0, 1 / 2, 83 / 250, 31 / 50, 17 / 20, 1],
  A: [
    [],
    [1 / 4],
    [8611 / 62500, -1743 / 31250],
    [5012029 / 34652500, -654441 / 2922500, 174375 / 388108],
    [15267082809 / 155376265600, -71443401 / 120774400, 730878875 / 902184768, 2285395 / 8070912],
    [82889 / 524892, 0, 15625 / 83664, 69875 / 102672, -2260 / 8211],
  ],
  // bhat − b: bhat = [4586570599/29645900160, 0, 178811875/945068544, 814220225/1159782912,
  // −3700637/11593932, 61727/225920].
  btilde: [-31666707 / 9881966720, 0, 256875 / 105007616, 2768025 / 128864768, -169839 / 3864644, 5247 / 225920],
  predictor: [
    [],
    [1],
    [42 / 125, 83 / 125],
    [-6 / 25, 31 / 25],
    [914470432 / 2064665255, 798813 / 724780, -824765625 / 372971788, 49640 / 29791],
    [288521442795 / 954204491116, 2224881 / 2566456, -1074821875 / 905317354, -3360875 / 8098936, 7040 / 4913],
  ],
  error: 'btilde',
  smooth: true,
  source: `Kennedy & Carpenter, Appl. Numer. Math. 44 (2003) 139–181 (ARK4(3)6L[2]SA, implicit part); ${ODE_SDIRK} (KenCarp4Tableau)`,
};

// Kvaerno5: A. Kværnø, "Singly diagonally implicit Runge–Kutta methods with an explicit
// first stage", BIT 44 (2004) 489–502, the 5(4) pair — γ = 0.26, stiffly accurate, L-stable;
// the embedded order-4 solution is stage 6 (btilde = A's row 6 − row 7). Coefficients and
// predictors α_ij as OrdinaryDiffEq's Kvaerno5Tableau. c_2 = 2γ = 0.52 (the row sum;
// OrdinaryDiffEq evaluates stage 2 at t + γ·dt).
const KV = 0.26;
const KV6 = [0.13855640231268224, 0, -0.04245337201752043, 0.02446657898003141, 0.61943039072480676];
export const Kvaerno5: SdirkTableau = {
  name: 'Kvaerno5',
  order: 5,
  gamma: KV,
  c: [0, 2 * KV, 1.230333209967908, 0.895765984350076, 0.436393609858648, 1, 1],
  A: [
    [],
    [KV],
    [0.13, 0.84033320996790809],
    [0.22371961478320505, 0.47675532319799699, -0.06470895363112615],
    [0.16648564323248321, 0.1045001884159172, 0.03631482272098715, -0.13090704451073998],
    KV6,
    [0.13659751177640291, 0, -0.05496908796538376, -0.04118626728321046, 0.62993304899016403, 0.06962479448202728],
  ],
  btilde: [0.00195889053627933, 0, 0.01251571594786333, 0.06565284626324187, -0.01050265826535727, 0.19037520551797272, -KV],
  predictor: [
    [],
    [1],
    [-1.366025403784441, 2.3660254037844357],
    [-0.19650552613122207, 0.8113579546496623, 0.38514757148155954],
    [0.10375304369958693, 0.937994698066431, -0.04174774176601781],
    [-0.17281112873898072, 0.6235784481025847, 0.5492326806363959],
    [...KV6, KV],
  ],
  error: 'btilde',
  smooth: true,
  source: `Kværnø, BIT 44 (2004) 489–502; ${ODE_SDIRK} (Kvaerno5Tableau)`,
};
