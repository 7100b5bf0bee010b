/**
 * `sensitivity(prob, alg, options)`: forward sensitivities du/dp (and du/du0) at the saved
 * times, by the augmented sensitivity equations (ForwardSensitivity, augment.ts) or by dual
 * numbers through the solver (ForwardDiffSensitivity, forward-diff.ts).
 */
import { ODEProblem } from '../solve/problem.js';
import { solve } from '../solve/solve.js';
import type { Solution } from '../solve/solution.js';
import type { SolveOptions } from '../solve/options.js';
import type { Algorithm } from '../solve/algorithms.js';
import type { AutoAlgorithm } from '../solve/auto.js';
import type { ReturnCode } from '../solve/retcode.js';
import type { Model } from '../model/model.js';
import { augmentedModel } from './augment.js';
import { checkModelProblem, extendTolerance } from './request.js';
import { forwardDiffSensitivities } from './forward-diff.js';
import { checkSensealg, type ForwardSensitivityAlgorithm, type ForwardDiffSensitivityAlgorithm } from './sensealg.js';

/** Options of `sensitivity`: those of `solve` (no callbacks), plus `du0` and `sensealg`. */
export interface SensitivityOptions extends Omit<SolveOptions, 'callback'> {
  /** Also carry du/du0 (n more columns, S(t0) = I) and return it as `Su0`. Default false. */
  du0?: boolean;
  /** How the sensitivities are computed: `ForwardSensitivity()` (default) or `ForwardDiffSensitivity()`. */
  sensealg?: ForwardSensitivityAlgorithm | ForwardDiffSensitivityAlgorithm;
}

/** What `sensitivity` returns. */
export interface SensitivityResult {
  /**
   * The solution of the augmented problem (states u, then S row by row; with
   * ForwardDiffSensitivity and several chunks, the first chunk's).
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

/** Solves the symbolic augmented problem and splits the saved states. */
function augmentedSensitivities(
  prob: ODEProblem<unknown>, model: Model, p: Float64Array, alg: Algorithm | AutoAlgorithm | string | undefined,
  options: SolveOptions, withU0: boolean, where: string,
): SensitivityResult {
  const aug = augmentedModel(model, withU0);
  const { n, m, np } = aug;
  const u0 = new Float64Array(n * (1 + m));
  u0.set(prob.u0);
  // S(t0) = [0 | I]: u0 does not depend on p, and du0/du0 is the identity.
  if (withU0) for (let i = 0; i < n; i++) u0[n + i * m + np + i] = 1;
  const problem = new ODEProblem(aug.model, u0, [prob.tspan[0], prob.tspan[1]], p);
  const o: SolveOptions = { ...options };
  const abstol = extendTolerance(options.abstol, n, m, where, 'abstol');
  const reltol = extendTolerance(options.reltol, n, m, where, 'reltol');
  if (abstol !== undefined) o.abstol = abstol;
  if (reltol !== undefined) o.reltol = reltol;
  const sol = solve(problem, alg, o);
  const u: Float64Array[] = [];
  const S: Float64Array[] = [];
  const Su0: Float64Array[] = [];
  for (const x of sol.u) {
    u.push(x.slice(0, n));
    const Sp = new Float64Array(n * np);
    const Sx = withU0 ? new Float64Array(n * n) : undefined;
    for (let i = 0; i < n; i++) {
      const row = n + i * m;
      Sp.set(x.subarray(row, row + np), i * np);
      if (Sx) Sx.set(x.subarray(row + np, row + m), i * n);
    }
    S.push(Sp);
    if (Sx) Su0.push(Sx);
  }
  return { sol, t: sol.t, u, S, ...(withU0 ? { Su0 } : {}), retcode: sol.retcode };
}

/**
 * Forward sensitivities by the chosen forward mode (the symbolic equations unless
 * `sensealg` is ForwardDiffSensitivity).
 */
export function forwardSensitivities(
  prob: ODEProblem<unknown>, alg: Algorithm | AutoAlgorithm | string | undefined, options: SolveOptions,
  withU0: boolean, sensealg: ForwardSensitivityAlgorithm | ForwardDiffSensitivityAlgorithm, where: string,
): SensitivityResult {
  const { model, paramVector } = checkModelProblem(prob, sensealg.name, where);
  if (sensealg.name === 'ForwardDiffSensitivity') {
    return forwardDiffSensitivities(prob, model, paramVector, alg, options, withU0, sensealg, where);
  }
  return augmentedSensitivities(prob, model, paramVector, alg, options, withU0, where);
}

/**
 * Forward sensitivities of a model problem: u(t) and du/dp (and du/du0 with `du0: true`) at
 * the saved times, with `alg` (any algorithm, explicit or stiff).
 *
 * With `ForwardSensitivity()` (the default) the augmented equations u' = f, S' = J·S + ∂f/∂p
 * are solved and the sensitivities take part in the error norm. With
 * `ForwardDiffSensitivity()` dual numbers ride through the solver's own steps, which the
 * error norm on u alone chooses: S is the derivative of the computed solution.
 *
 * ```ts
 * const { t, u, S } = sensitivity(new ODEProblem(lv, [1, 1], [0, 10], [1.5, 1, 3, 1]), Tsit5(), { saveat: 1, reltol: 1e-8 });
 * S[3][0 * 4 + 1]; // ∂x/∂β at t = 3
 * ```
 * A failed integration returns its retcode with the points saved before the failure.
 */
export function sensitivity<P>(prob: ODEProblem<P>, alg?: Algorithm | AutoAlgorithm | string, options: SensitivityOptions = {}): SensitivityResult {
  const where = 'sensitivity';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  const { du0, sensealg, ...rest } = options as SensitivityOptions & { callback?: unknown };
  const s = checkSensealg(sensealg, where);
  if (s && s.name !== 'ForwardSensitivity' && s.name !== 'ForwardDiffSensitivity') {
    throw new TypeError(`${where}: sensealg must be ForwardSensitivity() or ForwardDiffSensitivity() (forward modes give du/dp); ${s.name} gives gradients: use gradient()`);
  }
  if ((rest as { callback?: unknown }).callback !== undefined) throw new Error(`${where}: callbacks are not supported with sensitivities yet`);
  if (du0 !== undefined && typeof du0 !== 'boolean') throw new TypeError(`${where}: du0 must be true or false, got ${String(du0)}`);
  const mode = (s ?? { kind: 'sensitivity', name: 'ForwardSensitivity' }) as ForwardSensitivityAlgorithm | ForwardDiffSensitivityAlgorithm;
  return forwardSensitivities(prob as ODEProblem<unknown>, alg, rest as SolveOptions, !!du0, mode, where);
}
