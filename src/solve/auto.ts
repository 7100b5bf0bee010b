/**
 * Automatic stiffness detection and switching, as DifferentialEquations.jl's
 * `AutoTsit5(Rosenbrock23())`, `AutoVern7(Rodas5P())` and `solve(prob)` with no algorithm.
 *
 * An `AutoAlgorithm` pairs a nonstiff explicit method with a stiff one. The engine runs one of
 * them at a time; the explicit integrator estimates the dominant eigenvalue after every step
 * and stops with RET_SWITCH when the problem has looked stiff for long enough, the stiff
 * integrator does the same when it no longer looks stiff (assembly/solvers/stiffness.ts), and
 * `solve` resumes with the other method from that point (src/solve/solve.ts).
 */
import type { Algorithm, ERKAlgorithm } from './algorithms.js';
import { Tsit5, Vern7, Rosenbrock23, Rodas5P, FBDF } from './algorithms.js';

/** Tuning of the switch, named as OrdinaryDiffEq.jl's `AutoSwitch` keywords (camelCase). */
export interface AutoSwitchOptions {
  /** Consecutive stiff tests after which the stiff method takes over. Default 10. */
  maxstiffstep?: number;
  /** Consecutive nonstiff tests after which the nonstiff method returns. Default 3. */
  maxnonstiffstep?: number;
  /** Stiffness threshold while the nonstiff method runs. Default 0.9. */
  nonstifftol?: number;
  /** Stiffness threshold while the stiff method runs. Default 0.9. */
  stifftol?: number;
  /** dt is multiplied by this going stiff and divided by it going back. Default 2. */
  dtfac?: number;
  /** Start with the stiff method. Default false. */
  stiffalgfirst?: boolean;
  /**
   * Times the stiff method may hand back to the nonstiff one; after that many returns the
   * next switch to the stiff method is final. Default 5.
   */
  switchMax?: number;
}

/** A nonstiff explicit method and a stiff method, switched by stiffness detection. */
export interface AutoAlgorithm {
  readonly kind: 'auto';
  /** e.g. `AutoTsit5(Rosenbrock23)`. */
  readonly name: string;
  readonly nonstiff: ERKAlgorithm;
  readonly stiff: Algorithm;
  /** Always adaptive: stiffness detection needs the error-controlled dt. */
  readonly adaptive: true;
  /** The explicit method's stages whose difference estimates the eigenvalue (0-based). */
  readonly stagePair: readonly [number, number];
  /** The explicit method's stability-region size along the negative real axis. */
  readonly stabilitySize: number;
  readonly options: Readonly<Required<AutoSwitchOptions>>;
}

/**
 * Per nonstiff method: the stage pair of OrdinaryDiffEq.jl's eigenvalue estimate and its
 * `alg_stability_size`. Tsit5: k7 − k6 over u_{n+1} − g6 (1-based stages), 3.5068 (Tsitouras
 * 2011's stability region; OrdinaryDiffEqTsit5 alg_utils.jl). Vern7: k10 − k9 over g10 − g9,
 * both at c = 1 (OrdinaryDiffEqVerner verner_rk_perform_step.jl), 4.64 (alg_utils.jl).
 */
const NONSTIFF: Record<string, { pair: [number, number]; size: number }> = {
  Tsit5: { pair: [5, 6], size: 3.5068 },
  Vern7: { pair: [8, 9], size: 4.64 },
};

/** OrdinaryDiffEq.jl's AutoSwitch defaults. */
const DEFAULTS: Required<AutoSwitchOptions> = {
  maxstiffstep: 10, maxnonstiffstep: 3, nonstifftol: 0.9, stifftol: 0.9, dtfac: 2, stiffalgfirst: false, switchMax: 5,
};

function checkOptions(who: string, opts: AutoSwitchOptions | undefined): Required<AutoSwitchOptions> {
  if (opts === undefined) return DEFAULTS;
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${who}: options must be an object, e.g. { maxstiffstep: 10 }`);
  const out = { ...DEFAULTS };
  for (const [k, v] of Object.entries(opts)) {
    if (!(k in DEFAULTS)) throw new Error(`${who}: unknown option '${k}' (known: ${Object.keys(DEFAULTS).join(', ')})`);
    if (k === 'stiffalgfirst') {
      if (typeof v !== 'boolean') throw new TypeError(`${who}: stiffalgfirst must be true or false`);
      out.stiffalgfirst = v;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${who}: ${k} must be a finite number, got ${String(v)}`);
    if ((k === 'maxstiffstep' || k === 'maxnonstiffstep' || k === 'switchMax') && !(Number.isInteger(v) && v >= 0)) {
      throw new RangeError(`${who}: ${k} must be a whole number ≥ 0, got ${v}`);
    }
    if ((k === 'nonstifftol' || k === 'stifftol' || k === 'dtfac') && !(v > 0)) throw new RangeError(`${who}: ${k} must be > 0, got ${v}`);
    (out as Record<string, number | boolean>)[k] = v;
  }
  return Object.freeze(out);
}

function isAlgorithmObject(a: unknown): a is Algorithm {
  return !!a && typeof a === 'object' && typeof (a as Algorithm).kind === 'string' && !!(a as Algorithm).tableau;
}

/** Builds the composite; the stiff method must be an implicit (stiff) one. */
function auto(nonstiff: ERKAlgorithm, who: string, stiffAlg: unknown, opts: AutoSwitchOptions | undefined): AutoAlgorithm {
  let stiff: Algorithm;
  if (stiffAlg === undefined) stiff = Rosenbrock23();
  else if (typeof stiffAlg === 'function') throw new TypeError(`${who}: pass the stiff method called, e.g. ${who}(${(stiffAlg as { name?: string }).name || 'Rosenbrock23'}()), not the function`);
  else if (!isAlgorithmObject(stiffAlg)) throw new TypeError(`${who}: the stiff method must be an algorithm such as Rosenbrock23() or Rodas5P(), got ${JSON.stringify(stiffAlg)}`);
  else stiff = stiffAlg;
  if (stiff.kind === 'erk') {
    throw new Error(`${who}: ${stiff.name} is an explicit method; the stiff method must be a stiff solver such as Rosenbrock23() or Rodas5P()`);
  }
  const info = NONSTIFF[nonstiff.name];
  return Object.freeze({
    kind: 'auto',
    name: `${who}(${stiff.name})`,
    nonstiff,
    stiff,
    adaptive: true,
    stagePair: Object.freeze(info.pair.slice()) as unknown as readonly [number, number],
    stabilitySize: info.size,
    options: checkOptions(who, opts),
  });
}

/**
 * Tsit5 while the problem is nonstiff, `stiffAlg` (default Rosenbrock23()) while it is stiff,
 * switching both ways by stiffness detection (OrdinaryDiffEq.jl's AutoTsit5).
 *
 * ```ts
 * solve(prob, AutoTsit5(Rodas5P()), { reltol: 1e-6 });
 * ```
 */
export function AutoTsit5(stiffAlg?: Algorithm, opts?: AutoSwitchOptions): AutoAlgorithm {
  return auto(Tsit5(), 'AutoTsit5', stiffAlg, opts);
}

/** Vern7 while nonstiff, `stiffAlg` (default Rosenbrock23()) while stiff (OrdinaryDiffEq.jl's AutoVern7). */
export function AutoVern7(stiffAlg?: Algorithm, opts?: AutoSwitchOptions): AutoAlgorithm {
  return auto(Vern7(), 'AutoVern7', stiffAlg, opts);
}

/** True for an `AutoTsit5(…)` / `AutoVern7(…)` value. */
export function isAutoAlgorithm(a: unknown): a is AutoAlgorithm {
  return !!a && typeof a === 'object' && (a as AutoAlgorithm).kind === 'auto';
}

/**
 * The stiff method of the default algorithm (DifferentialEquations.jl's `stiffchoice`):
 * Rosenbrock23 for up to 50 states at reltol ≥ 1e-6 without a mass matrix, Rodas5P at
 * tighter tolerances or with a mass matrix, FBDF above 50 states (DifferentialEquations.jl
 * takes a Krylov FBDF above 500; difflux's FBDF factors a dense W at every size).
 */
export function defaultStiffChoice(n: number, reltol: number, hasMassMatrix: boolean): Algorithm {
  if (n > 50) return FBDF();
  if (reltol < 1e-6 || hasMassMatrix) return Rodas5P();
  return Rosenbrock23();
}

/**
 * What `solve(prob)` uses when no algorithm is named: AutoTsit5 (AutoVern7 when
 * reltol < 1e-6) with `defaultStiffChoice`. A problem with a mass matrix starts with the stiff
 * method and never switches (solve.ts).
 */
export function defaultAlgorithm(n: number, reltol: number, hasMassMatrix: boolean): AutoAlgorithm {
  const stiff = defaultStiffChoice(n, reltol, hasMassMatrix);
  return reltol < 1e-6 ? AutoVern7(stiff) : AutoTsit5(stiff);
}
