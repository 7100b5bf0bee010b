/**
 * `gradient(prob, alg, { saveat, loss, … })`: the gradient of a loss over the saved points
 * with respect to p and u0, by the chain rule over the forward sensitivities:
 * dL/dp = Σ_i (dL/du_i)ᵀ·S_i, dL/du0 = Σ_i (dL/du_i)ᵀ·(du_i/du0).
 */
import type { ODEProblem } from '../solve/problem.js';
import type { Algorithm } from '../solve/algorithms.js';
import type { AutoAlgorithm } from '../solve/auto.js';
import type { ReturnCode } from '../solve/retcode.js';
import { runSensitivity, type SensitivityOptions } from './forward.js';

/**
 * A loss term at saved point i: returns its value and writes ∂(term)/∂u into `dLdu` (n
 * values, zeros on entry).
 */
export type LossFunction = (u: Float64Array, t: number, i: number, dLdu: Float64Array) => number;

/**
 * The loss: `'sum'` (the sum of every saved value), `{ l2: data }` (Σ_i ‖u_i − data_i‖², data
 * one state per saved point), or a LossFunction summed over the saved points.
 */
export type Loss = 'sum' | { l2: ArrayLike<ArrayLike<number>> } | LossFunction;

/** Options of `gradient`: those of `sensitivity`, the loss, and whether to return du0. */
export interface GradientOptions extends Omit<SensitivityOptions, 'du0'> {
  /** The loss over the saved points. Default `'sum'`. */
  loss?: Loss;
  /** Also return dL/du0 (n more sensitivity columns). Default true. */
  du0?: boolean;
}

/** What `gradient` returns. */
export interface GradientResult {
  /** The loss at p. */
  readonly loss: number;
  /** dL/dp, flat in `paramVector` order. */
  readonly dp: Float64Array;
  /** dL/du0 (unless `du0: false`). */
  readonly du0?: Float64Array;
  /** Saved times the loss read. */
  readonly t: Float64Array;
  /** The augmented solve's retcode (always 'Success': a failed solve throws). */
  readonly retcode: ReturnCode;
}

/** Thrown when the solve behind a gradient fails: `retcode` says why. */
export class GradientSolveError extends Error {
  constructor(readonly retcode: ReturnCode, readonly t: number) {
    super(`gradient: the solve failed with retcode ${retcode} at t = ${t}; no gradient`);
    this.name = 'GradientSolveError';
  }
}

function finiteOrThrow(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`gradient: ${what} is ${String(x)}; it must be a finite number`);
  return x;
}

/** (value, dL/du) at each saved point for the chosen loss. */
function lossTerms(loss: Loss, u: Float64Array[], t: Float64Array, n: number): { value: number; grads: Float64Array[] } {
  const grads: Float64Array[] = [];
  let value = 0;
  if (loss === 'sum') {
    for (const x of u) {
      for (let i = 0; i < n; i++) value += x[i];
      grads.push(new Float64Array(n).fill(1));
    }
    return { value, grads };
  }
  if (typeof loss === 'function') {
    u.forEach((x, k) => {
      const g = new Float64Array(n);
      const v = finiteOrThrow(loss(x.slice(), t[k], k, g), `the loss function's value at saved point ${k} (t = ${t[k]})`);
      g.forEach((gi, i) => finiteOrThrow(gi, `dLdu[${i}] at saved point ${k} (t = ${t[k]})`));
      value += v;
      grads.push(g);
    });
    return { value, grads };
  }
  if (loss !== null && typeof loss === 'object' && 'l2' in loss && Object.keys(loss).length === 1) {
    const data = loss.l2;
    if (data == null || typeof data.length !== 'number') throw new TypeError('gradient: loss.l2 must be an array with one state per saved point');
    if (data.length !== u.length) {
      throw new RangeError(`gradient: loss.l2 has ${data.length} points but the solve saved ${u.length} (give saveat the data's times)`);
    }
    u.forEach((x, k) => {
      const d = data[k];
      if (d == null || typeof d.length !== 'number' || d.length !== n) {
        throw new RangeError(`gradient: loss.l2[${k}] must have ${n} values (one per state), got ${d == null || typeof d.length !== 'number' ? String(d) : d.length}`);
      }
      const g = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const r = x[i] - finiteOrThrow(d[i], `loss.l2[${k}][${i}]`);
        value += r * r;
        g[i] = 2 * r;
      }
      grads.push(g);
    });
    return { value, grads };
  }
  throw new TypeError(`gradient: unknown loss ${typeof loss === 'object' ? JSON.stringify(loss) : String(loss)}; use 'sum', { l2: data } or a function (u, t, i, dLdu) => number`);
}

/**
 * The gradient of a loss over the saved points with respect to p (and u0), by forward
 * sensitivities (`ForwardSensitivity()`, the default `sensealg`) of an `ode` model problem.
 *
 * ```ts
 * const { loss, dp, du0 } = gradient(prob, Tsit5(), { saveat: 0.5, loss: { l2: data }, reltol: 1e-8 });
 * ```
 * With every step saved (no `saveat`), the loss reads the states at the steps the solver
 * took; their times depend on p, and the gradient treats them as fixed. A failed solve
 * throws a GradientSolveError carrying its retcode.
 */
export function gradient<P>(prob: ODEProblem<P>, alg?: Algorithm | AutoAlgorithm | string, options: GradientOptions = {}): GradientResult {
  if (options === null || typeof options !== 'object') throw new TypeError('gradient: options must be an object');
  const { loss = 'sum', du0 = true, ...rest } = options;
  if (typeof du0 !== 'boolean') throw new TypeError(`gradient: du0 must be true or false, got ${String(du0)}`);
  if (!(loss === 'sum' || typeof loss === 'function' || (loss !== null && typeof loss === 'object' && 'l2' in loss))) {
    throw new TypeError(`gradient: unknown loss ${typeof loss === 'object' ? JSON.stringify(loss) : String(loss)}; use 'sum', { l2: data } or a function (u, t, i, dLdu) => number`);
  }
  const r = runSensitivity(prob, alg, { ...rest, du0 }, 'gradient');
  if (r.retcode !== 'Success') {
    const t = r.t.length > 0 ? r.t[r.t.length - 1] : prob.tspan[0];
    throw new GradientSolveError(r.retcode, t);
  }
  const n = prob.u0.length;
  const np = r.S.length > 0 ? r.S[0].length / n : 0;
  const { value, grads } = lossTerms(loss, r.u, r.t, n);
  const dp = new Float64Array(np);
  const dx = du0 ? new Float64Array(n) : undefined;
  grads.forEach((g, k) => {
    const S = r.S[k];
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      if (gi === 0) continue;
      for (let j = 0; j < np; j++) dp[j] += gi * S[i * np + j];
      if (dx) {
        const Su0 = r.Su0![k];
        for (let j = 0; j < n; j++) dx[j] += gi * Su0[i * n + j];
      }
    }
  });
  return { loss: value, dp, ...(dx ? { du0: dx } : {}), t: r.t, retcode: r.retcode };
}
