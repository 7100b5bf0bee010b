/**
 * Algorithm constructors named as in DifferentialEquations.jl: `solve(prob, Tsit5())`.
 * An explicit Runge–Kutta algorithm is its tableau; the engine has one stepper for all.
 * A Rosenbrock algorithm is its coefficient set; the engine has one Rosenbrock driver.
 */
import type { ERKTableau } from './tableaus/types.js';
import type { RosenbrockTableau } from './tableaus/rosenbrock.js';
import * as ros from './tableaus/rosenbrock.js';
import * as classic from './tableaus/classic.js';
import { BS3 as BS3Tableau } from './tableaus/bs3.js';
import { OwrenZen3 as OwrenZen3Tableau } from './tableaus/owrenzen3.js';
import { DP5 as DP5Tableau } from './tableaus/dp5.js';
import { Tsit5 as Tsit5Tableau } from './tableaus/tsit5.js';
import { Vern7 as Vern7Tableau } from './tableaus/vern7.js';
import { Vern9 as Vern9Tableau } from './tableaus/vern9.js';
import { DP8 as DP8Tableau } from './tableaus/dp8.js';
import { FBDF, type BDFAlgorithm } from './bdf.js';
export { FBDF } from './bdf.js';
import * as sd from './tableaus/sdirk.js';
import { sdirkAlgorithm, type SdirkAlgorithm, type SdirkOptions } from './sdirk-algorithm.js';
export type { SdirkAlgorithm, SdirkOptions } from './sdirk-algorithm.js';
import type { RadauTableau } from './radau-block.js';

/** An explicit Runge–Kutta method. */
export interface ERKAlgorithm {
  readonly kind: 'erk';
  readonly name: string;
  readonly tableau: ERKTableau;
  /** True when the method has an error estimate (adaptive stepping possible). */
  readonly adaptive: boolean;
}

/** A Rosenbrock (linearly implicit) method for stiff problems. */
export interface RosenbrockAlgorithm {
  readonly kind: 'rosenbrock';
  readonly name: string;
  readonly tableau: RosenbrockTableau;
  readonly adaptive: boolean;
  /**
   * How J = ∂f/∂u and ∂f/∂t are computed for a compiled model (`ode`): by forward-mode
   * automatic differentiation on its tape (true, the default) or by finite differences
   * (false). A JavaScript right-hand side always takes finite differences.
   */
  readonly autodiff: boolean;
  /** W-methods: accepted steps one Jacobian may serve (1: a new J every step). */
  readonly maxJacAge: number;
}

/** Options of the Rosenbrock constructors, as DifferentialEquations.jl's `autodiff` and `max_jac_age`. */
export interface RosenbrockOptions {
  /** false: finite-difference Jacobians also for compiled models. Default true. */
  autodiff?: boolean;
  /**
   * W-methods (Rosenbrock23, Rosenbrock32) only: how many accepted steps one Jacobian may
   * serve before it is computed anew (W is re-factored every step regardless). 1 computes J
   * every step. A rejected step, a change of dt·γ by more than 3 % or an event also renews
   * it; fixed-dt solves and mass-matrix problems never reuse. Default 1 (no reuse): on ROBER
   * and Van der Pol reuse saved Jacobians but cost more rejected steps and W factorizations,
   * and Rosenbrock32's order-3 solution loses accuracy with a stale J (tests/stiff.test.mjs).
   * Rodas methods are not W-methods and compute J every step.
   */
  maxJacAge?: number;
}

export type Algorithm = ERKAlgorithm | RosenbrockAlgorithm | BDFAlgorithm | SdirkAlgorithm | RadauAlgorithm;

const made = new Map<ERKTableau, ERKAlgorithm>();

/** Algorithms hold no state, so one frozen object per tableau serves every call. */
function erk(tableau: ERKTableau): ERKAlgorithm {
  let alg = made.get(tableau);
  if (!alg) {
    alg = Object.freeze({ kind: 'erk', name: tableau.name, tableau, adaptive: !!tableau.btilde });
    made.set(tableau, alg);
  }
  return alg;
}

const madeRos = new Map<string, RosenbrockAlgorithm>();

/** W-methods' default maxJacAge: no reuse (see RosenbrockOptions; measured in tests/stiff.test.mjs). */
export const DEFAULT_MAX_JAC_AGE = 1;

function rosenbrock(tableau: RosenbrockTableau, opts: RosenbrockOptions | undefined): RosenbrockAlgorithm {
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) throw new TypeError(`${tableau.name}: options must be an object, e.g. { autodiff: false }`);
  const known = tableau.wmethod ? 'autodiff, maxJacAge' : 'autodiff';
  for (const k of Object.keys(opts ?? {})) {
    if (k !== 'autodiff' && !(k === 'maxJacAge' && tableau.wmethod)) {
      throw new Error(`${tableau.name}: unknown option '${k}' (known: ${known})` + (k === 'maxJacAge' ? `; ${tableau.name} is not a W-method and computes J every step` : ''));
    }
  }
  const ad = opts?.autodiff ?? true;
  if (typeof ad !== 'boolean') throw new TypeError(`${tableau.name}: autodiff must be true or false`);
  const age = opts?.maxJacAge ?? (tableau.wmethod ? DEFAULT_MAX_JAC_AGE : 1);
  if (!Number.isInteger(age) || age < 1) throw new RangeError(`${tableau.name}: maxJacAge must be an integer ≥ 1, got ${age}`);
  const key = `${tableau.name}/${ad}/${age}`;
  let alg = madeRos.get(key);
  if (!alg) {
    alg = Object.freeze({ kind: 'rosenbrock', name: tableau.name, tableau, adaptive: true, autodiff: ad, maxJacAge: age });
    madeRos.set(key, alg);
  }
  return alg;
}

/** Forward Euler, order 1, fixed step. */
export const Euler = (): ERKAlgorithm => erk(classic.Euler);
/** Explicit midpoint, order 2, adaptive (Euler-difference estimate). */
export const Midpoint = (): ERKAlgorithm => erk(classic.Midpoint);
/** Heun's method, order 2, adaptive. */
export const Heun = (): ERKAlgorithm => erk(classic.Heun);
/** Ralston's method, order 2, adaptive. */
export const Ralston = (): ERKAlgorithm => erk(classic.Ralston);
/** The classic Runge–Kutta method, order 4, fixed step. */
export const RK4 = (): ERKAlgorithm => erk(classic.RK4);
/** Bogacki–Shampine 3(2), FSAL. */
export const BS3 = (): ERKAlgorithm => erk(BS3Tableau);
/** Owren–Zennaro 3(2) with its own interpolant. */
export const OwrenZen3 = (): ERKAlgorithm => erk(OwrenZen3Tableau);
/** Dormand–Prince 5(4) with Shampine's dense output. */
export const DP5 = (): ERKAlgorithm => erk(DP5Tableau);
/** Tsitouras 5(4) with its free 4th-order interpolant: the default nonstiff method. */
export const Tsit5 = (): ERKAlgorithm => erk(Tsit5Tableau);
/** Verner's most efficient 7(6) pair with its 7th-order interpolant. */
export const Vern7 = (): ERKAlgorithm => erk(Vern7Tableau);
/** Verner's most efficient 9(8) pair with its 9th-order interpolant. */
export const Vern9 = (): ERKAlgorithm => erk(Vern9Tableau);
/** Hairer's DOP853: 8th order, 5th/3rd-order combined estimate, 7th-order dense output. */
export const DP8 = (): ERKAlgorithm => erk(DP8Tableau);

/**
 * Shampine's Rosenbrock23 (MATLAB's ode23s): order 2 with an order-3 error estimate,
 * L-stable, for stiff problems at loose tolerances.
 */
export const Rosenbrock23 = (opts?: RosenbrockOptions): RosenbrockAlgorithm => rosenbrock(ros.Rosenbrock23, opts);
/**
 * Rosenbrock32: Rosenbrock23's stages with Shampine's order-3 solution (order 3, error
 * estimated against the order-2 one), as OrdinaryDiffEq.jl's Rosenbrock32. The order-3
 * formula is not A-stable (|R(∞)| ≈ 1.61): for mildly stiff problems at tighter tolerances
 * than Rosenbrock23's, not for very stiff problems or DAEs.
 */
export const Rosenbrock32 = (opts?: RosenbrockOptions): RosenbrockAlgorithm => rosenbrock(ros.Rosenbrock32, opts);
/** Hairer–Wanner's RODAS (Rodas4): order 4, stiffly accurate, L-stable. */
export const Rodas4 = (opts?: RosenbrockOptions): RosenbrockAlgorithm => rosenbrock(ros.Rodas4, opts);
/** Steinebach's Rodas5P: order 5, stiffly accurate, for stiff problems at tighter tolerances. */
export const Rodas5P = (opts?: RosenbrockOptions): RosenbrockAlgorithm => rosenbrock(ros.Rodas5P, opts);

/** Backward Euler (order 1, L-stable), error from divided differences of the solution. */
export const ImplicitEuler = (opts?: SdirkOptions): SdirkAlgorithm => sdirkAlgorithm(sd.ImplicitEuler, opts);
/** The trapezoidal rule (order 2, A-stable), error from divided differences of the solution. */
export const Trapezoid = (opts?: SdirkOptions): SdirkAlgorithm => sdirkAlgorithm(sd.Trapezoid, opts);
/** TR-BDF2 (Hosea–Shampine's ESDIRK form): order 2, L-stable, stiffly accurate. */
export const TRBDF2 = (opts?: SdirkOptions): SdirkAlgorithm => sdirkAlgorithm(sd.TRBDF2, opts);
/** Kennedy–Carpenter's ESDIRK 4(3) (the implicit part of ARK4(3)6L[2]SA): order 4, L-stable. */
export const KenCarp4 = (opts?: SdirkOptions): SdirkAlgorithm => sdirkAlgorithm(sd.KenCarp4, opts);
/** Kværnø's ESDIRK 5(4): order 5, L-stable, stiffly accurate. */
export const Kvaerno5 = (opts?: SdirkOptions): SdirkAlgorithm => sdirkAlgorithm(sd.Kvaerno5, opts);
/** The fully implicit Radau IIA methods (assembly/solvers/radau.ts). */
export interface RadauAlgorithm {
  readonly kind: 'radau';
  readonly name: string;
  readonly tableau: RadauTableau;
  readonly adaptive: boolean;
  /** As RosenbrockAlgorithm's: AD Jacobians for compiled models (true) or finite differences. */
  readonly autodiff: boolean;
}

/** Options of RadauIIA5: `autodiff` as the Rosenbrock methods'. */
export type RadauOptions = RosenbrockOptions;

const madeRadau = new Map<boolean, RadauAlgorithm>();

/**
 * Hairer–Wanner's RADAU5: the 3-stage Radau IIA collocation method of order 5, L-stable and
 * stiffly accurate, with simplified Newton iterations on one real and one complex linear
 * system per step; solves M·u' = f with a constant, possibly singular mass matrix (index-1
 * DAEs). For stiff problems at tight tolerances. The tolerances are read as RADAU5 reads them
 * (rtol′ = 0.1·rtol^(2/3), atol′ = rtol′·atol/rtol: its estimate is of a lower order than the
 * solution). In `sol.stats`, `nw` counts factorizations of the real and complex pair, `nsolve`
 * every linear solve (two per Newton iteration, one or two per error estimate),
 * `nnonliniter` Newton iterations and `nnonlinconvfail` Newton failures (each retried with a
 * smaller dt).
 *
 * ```ts
 * const M = [[1, 0, 0], [0, 1, 0], [0, 0, 0]]; // y3 algebraic: 0 = y1 + y2 + y3 − 1
 * solve(new ODEProblem(f, [1, 0, 0], [0, 1e5], p, { massMatrix: M }), RadauIIA5(), { reltol: 1e-6 });
 * ```
 */
export const RadauIIA5 = (opts?: RadauOptions): RadauAlgorithm => {
  const name = 'RadauIIA5';
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) throw new TypeError(`${name}: options must be an object, e.g. { autodiff: false }`);
  for (const k of Object.keys(opts ?? {})) {
    if (k !== 'autodiff') throw new Error(`${name}: unknown option '${k}' (known: autodiff)`);
  }
  const ad = opts?.autodiff ?? true;
  if (typeof ad !== 'boolean') throw new TypeError(`${name}: autodiff must be true or false`);
  let alg = madeRadau.get(ad);
  if (!alg) {
    alg = Object.freeze({ kind: 'radau', name, tableau: Object.freeze({ name, order: 5 }), adaptive: true, autodiff: ad });
    madeRadau.set(ad, alg);
  }
  return alg;
};

const REGISTRY: Record<string, () => Algorithm> = {
  Euler, Midpoint, Heun, Ralston, RK4, BS3, OwrenZen3, DP5, Tsit5, Vern7, Vern9, DP8,
  Rosenbrock23: () => Rosenbrock23(), Rodas4: () => Rodas4(), Rodas5P: () => Rodas5P(),
  FBDF: () => FBDF(),
  ImplicitEuler: () => ImplicitEuler(), Trapezoid: () => Trapezoid(), TRBDF2: () => TRBDF2(), KenCarp4: () => KenCarp4(), Kvaerno5: () => Kvaerno5(),
  RadauIIA5: () => RadauIIA5(),
  Rosenbrock32: () => Rosenbrock32(),
};

/** Names accepted by `solve(prob, 'Tsit5')`. */
export const algorithmNames = Object.keys(REGISTRY);

/** Kinds of algorithm object `solve` accepts (each has a driver in drivers.ts). */
const STEPPER_KINDS = new Set<string>(['erk', 'rosenbrock', 'bdf', 'sdirk', 'radau']);

/** Resolves an algorithm given as an object or a name; a clear error for anything else. */
export function resolveAlgorithm(alg: Algorithm | string | undefined, reltol: number): Algorithm {
  if (alg === undefined) return reltol < 1e-6 ? Vern7() : Tsit5();
  if (typeof alg === 'string') {
    const make = REGISTRY[alg];
    if (!make) throw new Error(`solve: unknown algorithm '${alg}' (known: ${algorithmNames.join(', ')})`);
    return make();
  }
  if (typeof alg === 'function') {
    throw new TypeError(`solve: pass the algorithm called, e.g. ${(alg as { name?: string }).name || 'Tsit5'}(), not the function`);
  }
  if (alg && typeof alg === 'object' && STEPPER_KINDS.has((alg as Algorithm).kind) && (alg as Algorithm).tableau) return alg;
  throw new TypeError(`solve: unknown algorithm ${JSON.stringify(alg)} (known: ${algorithmNames.join(', ')})`);
}
