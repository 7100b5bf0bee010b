/**
 * What every gradient method receives (a checked request) and returns, and the pieces they
 * share: the problem checks, the solve options of the forward pass, the chain rule over
 * forward sensitivities.
 */
import { ODEProblem } from '../solve/problem.js';
import type { Model } from '../model/model.js';
import type { SolveOptions } from '../solve/options.js';
import type { Algorithm } from '../solve/algorithms.js';
import type { AutoAlgorithm } from '../solve/auto.js';
import type { ReturnCode } from '../solve/retcode.js';
import type { LossTerms } from './loss.js';

/** A checked gradient request. */
export interface GradientRequest {
  /** The user's problem: an `ode` model problem without a mass matrix or user Jacobian. */
  readonly prob: ODEProblem<unknown>;
  readonly model: Model;
  /** The flat parameters p. */
  readonly paramVector: Float64Array;
  /** States (n) and flat parameters (np). */
  readonly n: number;
  readonly np: number;
  /** The forward method, resolved (a default already chosen for the model's own size). */
  readonly alg: Algorithm | AutoAlgorithm;
  /**
   * Solve options of the forward pass (tolerances, saveat, …; no callbacks). For a final-time
   * loss, saving is set to the end of the span only.
   */
  readonly options: SolveOptions;
  readonly loss: LossTerms;
  /** Whether dL/du0 is asked for. */
  readonly du0: boolean;
  /** The calling function's name, for messages. */
  readonly where: string;
}

/** What a gradient method returns. */
export interface GradientOutcome {
  readonly loss: number;
  readonly dp: Float64Array;
  readonly du0?: Float64Array;
  /** The times the loss read. */
  readonly t: Float64Array;
  readonly retcode: ReturnCode;
}

/** Thrown when the solve behind a gradient fails: `retcode` says why. */
export class GradientSolveError extends Error {
  constructor(readonly retcode: ReturnCode, readonly t: number, readonly where = 'gradient') {
    super(`${where}: the solve failed with retcode ${retcode} at t = ${t}; no gradient`);
    this.name = 'GradientSolveError';
  }
}

/** The model of `prob`, checked for what every sensitivity method needs. */
export function checkModelProblem(prob: unknown, sensealg: string, where: string): { model: Model; paramVector: Float64Array } {
  if (!(prob instanceof ODEProblem)) throw new TypeError(`${where}: the first argument must be an ODEProblem`);
  const model = prob.model;
  if (!model || !prob.paramVector) {
    throw new TypeError(`${where}: ${sensealg} needs an \`ode\` model (ode\`…\` or Model.fromGraph); a JavaScript function f has no derivatives the engine can take`);
  }
  if (prob.massMatrix) throw new Error(`${where}: problems with a mass matrix are not supported by ${sensealg} yet`);
  if (prob.jac || prob.tgrad || prob.bandwidth) {
    throw new Error(`${where}: jac, tgrad and jacPrototype do not apply to ${sensealg} (its derivatives come from the model); leave them out`);
  }
  return { model, paramVector: prob.paramVector };
}

/**
 * Per-component tolerances of u extended to a state [u; block 1; …] where each of u's
 * components i owns `perState` more values (row i of S, say) after the first n.
 */
export function extendTolerance(
  tol: number | ArrayLike<number> | undefined, n: number, perState: number, where: string, name: string,
): number | Float64Array | undefined {
  if (tol === undefined || typeof tol === 'number') return tol;
  if (tol == null || typeof tol.length !== 'number' || tol.length !== n) {
    throw new RangeError(`${where}: ${name} must be a number or ${n} values (one per state)`);
  }
  const out = new Float64Array(n * (1 + perState));
  for (let i = 0; i < n; i++) {
    out[i] = tol[i];
    out.fill(tol[i], n + i * perState, n + (i + 1) * perState);
  }
  return out;
}

/**
 * dL/dp and dL/du0 by the chain rule over forward sensitivities at the saved points:
 * dL/dp = Σ_k g_kᵀ·S_k (S_k: n×np), dL/du0 = Σ_k g_kᵀ·Su0_k.
 */
export function chainRule(
  grads: readonly Float64Array[], S: readonly Float64Array[], Su0: readonly Float64Array[] | undefined, n: number, np: number,
): { dp: Float64Array; du0?: Float64Array } {
  const dp = new Float64Array(np);
  const dx = Su0 ? new Float64Array(n) : undefined;
  grads.forEach((g, k) => {
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      if (gi === 0) continue;
      for (let j = 0; j < np; j++) dp[j] += gi * S[k][i * np + j];
      if (dx) for (let j = 0; j < n; j++) dx[j] += gi * Su0![k][i * n + j];
    }
  });
  return dx ? { dp, du0: dx } : { dp };
}
