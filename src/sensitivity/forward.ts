/**
 * `sensitivity(prob, alg, options)`: solves the forward sensitivity equations of a model
 * problem (see augment.ts) with any algorithm and splits each saved augmented state into
 * u, S = du/dp and, when asked, du/du0.
 */
import { ODEProblem } from '../solve/problem.js';
import { solve } from '../solve/solve.js';
import type { Solution } from '../solve/solution.js';
import type { SolveOptions } from '../solve/options.js';
import type { Algorithm } from '../solve/algorithms.js';
import type { AutoAlgorithm } from '../solve/auto.js';
import type { ReturnCode } from '../solve/retcode.js';
import { augmentedModel, type AugmentedModel } from './augment.js';

/**
 * The augmented forward sensitivity equations u' = f, S' = J·S + ∂f/∂p, as
 * DifferentialEquations.jl's `ForwardSensitivity()`: O(parameters) work, no stored history.
 */
export interface ForwardSensitivityAlgorithm {
  readonly kind: 'sensitivity';
  readonly name: 'ForwardSensitivity';
}

/** The forward sensitivity algorithm (the only `sensealg` so far). */
export function ForwardSensitivity(): ForwardSensitivityAlgorithm {
  return Object.freeze({ kind: 'sensitivity', name: 'ForwardSensitivity' });
}

/** Options of `sensitivity`: those of `solve` (no callbacks yet), plus `du0`. */
export interface SensitivityOptions extends Omit<SolveOptions, 'callback'> {
  /** Also carry du/du0 (n more columns, S(t0) = I) and return it as `Su0`. Default false. */
  du0?: boolean;
  /** How the sensitivities are computed. Default (and only): `ForwardSensitivity()`. */
  sensealg?: ForwardSensitivityAlgorithm;
}

/** What `sensitivity` returns. */
export interface SensitivityResult {
  /**
   * The solution of the augmented problem (its `prob.model` has states u, then S row by row,
   * and the flat parameters; retcode, stats).
   */
  readonly sol: Solution<Float64Array>;
  /** Saved times. */
  readonly t: Float64Array;
  /** u at each saved time (n values). */
  readonly u: Float64Array[];
  /** du/dp at each saved time: n×np, row-major (`S[k][i*np + j]` = ∂u_i/∂p_j). */
  readonly S: Float64Array[];
  /** du/du0 at each saved time, n×n row-major (`Su0[k][i*n + j]` = ∂u_i/∂u0_j); with `du0: true`. */
  readonly Su0?: Float64Array[];
  /** The augmented solve's retcode. */
  readonly retcode: ReturnCode;
}

/** Checks `sensealg`: undefined or ForwardSensitivity(). */
export function checkSensealg(s: unknown, where: string): void {
  if (s === undefined) return;
  const name = s !== null && typeof s === 'object' ? (s as { name?: unknown }).name : undefined;
  if (name !== 'ForwardSensitivity' || (s as { kind?: unknown }).kind !== 'sensitivity') {
    throw new TypeError(`${where}: sensealg must be ForwardSensitivity() (the only sensitivity algorithm so far), got ${typeof name === 'string' ? name : String(s)}`);
  }
}

/** The augmented problem of `prob`, checked: a model problem without a mass matrix or user Jacobian. */
export function augmentedProblem<P>(prob: ODEProblem<P>, withU0: boolean, where: string): { aug: AugmentedModel; problem: ODEProblem<Float64Array> } {
  if (!(prob instanceof ODEProblem)) throw new TypeError(`${where}: the first argument must be an ODEProblem`);
  const model = prob.model;
  if (!model || !prob.paramVector) {
    throw new TypeError(`${where}: ForwardSensitivity needs an \`ode\` model (ode\`…\` or Model.fromGraph) for now; a JavaScript function f has no symbolic derivatives`);
  }
  if (prob.massMatrix) throw new Error(`${where}: problems with a mass matrix are not supported by ForwardSensitivity yet`);
  if (prob.jac || prob.tgrad || prob.bandwidth) {
    throw new Error(`${where}: jac, tgrad and jacPrototype do not apply to the sensitivity equations (their Jacobian comes from the model); leave them out`);
  }
  const aug = augmentedModel(model, withU0);
  const { n, m, np } = aug;
  const u0 = new Float64Array(n * (1 + m));
  u0.set(prob.u0);
  // S(t0) = [0 | I]: u0 does not depend on p, and du0/du0 is the identity.
  if (withU0) for (let i = 0; i < n; i++) u0[n + i * m + np + i] = 1;
  const problem = new ODEProblem(aug.model, u0, [prob.tspan[0], prob.tspan[1]], prob.paramVector);
  return { aug, problem };
}

/** Per-component tolerances of u extended to the augmented state: row i of S takes u_i's. */
function extendTolerance(tol: number | ArrayLike<number> | undefined, aug: AugmentedModel, name: string, where: string): number | Float64Array | undefined {
  if (tol === undefined || typeof tol === 'number') return tol;
  const { n, m } = aug;
  if (tol == null || typeof tol.length !== 'number' || tol.length !== n) {
    throw new RangeError(`${where}: ${name} must be a number or ${n} values (one per state)`);
  }
  const out = new Float64Array(n * (1 + m));
  for (let i = 0; i < n; i++) {
    out[i] = tol[i];
    out.fill(tol[i], n + i * m, n + (i + 1) * m);
  }
  return out;
}

/** Solves the augmented problem and splits the saved states. */
export function runSensitivity<P>(prob: ODEProblem<P>, alg: Algorithm | AutoAlgorithm | string | undefined, options: SensitivityOptions, where: string): SensitivityResult {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  const { du0, sensealg, ...rest } = options as SensitivityOptions & { callback?: unknown };
  checkSensealg(sensealg, where);
  if ((rest as { callback?: unknown }).callback !== undefined) throw new Error(`${where}: callbacks are not supported with ForwardSensitivity yet`);
  if (du0 !== undefined && typeof du0 !== 'boolean') throw new TypeError(`${where}: du0 must be true or false, got ${String(du0)}`);
  const { aug, problem } = augmentedProblem(prob, !!du0, where);
  const solveOptions = { ...rest } as SolveOptions;
  const abstol = extendTolerance(rest.abstol, aug, 'abstol', where);
  const reltol = extendTolerance(rest.reltol, aug, 'reltol', where);
  if (abstol !== undefined) solveOptions.abstol = abstol;
  if (reltol !== undefined) solveOptions.reltol = reltol;
  const sol = solve(problem, alg, solveOptions);
  const { n, m, np } = aug;
  const u: Float64Array[] = [];
  const S: Float64Array[] = [];
  const Su0: Float64Array[] = [];
  for (const x of sol.u) {
    u.push(x.slice(0, n));
    const Sp = new Float64Array(n * np);
    const Sx = du0 ? new Float64Array(n * n) : undefined;
    for (let i = 0; i < n; i++) {
      const row = n + i * m;
      Sp.set(x.subarray(row, row + np), i * np);
      if (Sx) Sx.set(x.subarray(row + np, row + m), i * n);
    }
    S.push(Sp);
    if (Sx) Su0.push(Sx);
  }
  return {
    sol,
    t: sol.t,
    u,
    S,
    ...(du0 ? { Su0 } : {}),
    retcode: sol.retcode,
  };
}

/**
 * Forward sensitivities of a model problem: u(t) and du/dp (and du/du0 with `du0: true`) at
 * the saved times, from the augmented equations solved with `alg` (any algorithm, explicit
 * or stiff). The sensitivities take part in the error norm.
 *
 * ```ts
 * const { t, u, S } = sensitivity(new ODEProblem(lv, [1, 1], [0, 10], [1.5, 1, 3, 1]), Tsit5(), { saveat: 1, reltol: 1e-8 });
 * S[3][0 * 4 + 1]; // ∂x/∂β at t = 3
 * ```
 * A failed integration returns its retcode with the points saved before the failure.
 */
export function sensitivity<P>(prob: ODEProblem<P>, alg?: Algorithm | AutoAlgorithm | string, options: SensitivityOptions = {}): SensitivityResult {
  return runSensitivity(prob, alg, options, 'sensitivity');
}
