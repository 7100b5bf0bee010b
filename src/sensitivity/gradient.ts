/**
 * `gradient(prob, alg, { saveat, loss, sensealg, … })`: the gradient of a loss over the saved
 * points with respect to p and u0, by any of the sensitivity algorithms (sensealg.ts), all
 * behind this one call.
 */
import type { ODEProblem } from '../solve/problem.js';
import type { Algorithm } from '../solve/algorithms.js';
import type { AutoAlgorithm } from '../solve/auto.js';
import { resolveMethod, tallySolves, type SolveTally } from '../solve/solve.js';
import type { ReturnCode } from '../solve/retcode.js';
import type { SolveOptions } from '../solve/options.js';
import { getEngine } from '../runtime/engine.js';
import { readLoss, type Loss } from './loss.js';
import { checkModelProblem, chainRule, GradientSolveError, type GradientOutcome, type GradientRequest } from './request.js';
import { checkSensealg, defaultSensealg, type SensitivityAlgorithm, type SensitivityAlgorithmName } from './sensealg.js';
import { forwardSensitivities } from './forward.js';
import { backsolveAdjoint, interpolatingAdjoint, quadratureAdjoint } from './adjoint.js';
import { reverseDiffGradient } from './reverse-diff.js';

export type { Loss, LossFunction, FinalLoss } from './loss.js';
export { GradientSolveError } from './request.js';

/** Options of `gradient`: those of `solve` (no callbacks), the loss, the sensealg and du0. */
export interface GradientOptions extends Omit<SolveOptions, 'callback'> {
  /** The loss over the saved points (or `{ final: … }` at the end of the span). Default `'sum'`. */
  loss?: Loss;
  /** How the gradient is computed. Default: `defaultSensealg(states, parameters)`. */
  sensealg?: SensitivityAlgorithm;
  /** Also return dL/du0. Default true. */
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
  /** Always 'Success': a failed solve throws a GradientSolveError. */
  readonly retcode: ReturnCode;
  /** The sensitivity algorithm that ran. */
  readonly sensealg: SensitivityAlgorithmName;
  /** Peak WebAssembly memory the gradient used above what was in use before it (bytes). */
  readonly peakBytes: number;
  /**
   * The work of every solve the gradient ran (forward, backward, re-solved intervals), summed:
   * `solves` counts them, `nf` the evaluations of their right-hand sides (a dual or adjoint
   * evaluation counts once). ReverseDiffAdjoint's reverse sweep is not a solve and is not in it.
   */
  readonly stats: SolveTally;
}

/** A gradient method: the forward and backward passes of one sensealg. */
export type GradientMethod = (req: GradientRequest, sensealg: SensitivityAlgorithm) => GradientOutcome;

/** Forward modes: sensitivities at the saved points, then the chain rule. */
const forwardGradient: GradientMethod = (req, sensealg) => {
  const r = forwardSensitivities(req.prob, req.alg, req.options, req.du0, sensealg as Parameters<typeof forwardSensitivities>[4], req.where);
  if (r.retcode !== 'Success') throw new GradientSolveError(r.retcode, r.t.length > 0 ? r.t[r.t.length - 1] : req.prob.tspan[0], req.where);
  const { value, grads } = req.loss.evaluate(r.u, r.t, req.n);
  return { loss: value, ...chainRule(grads, r.S, r.Su0, req.n, req.np), t: r.t, retcode: r.retcode };
};

const METHODS: Record<SensitivityAlgorithmName, GradientMethod> = {
  ForwardSensitivity: forwardGradient,
  ForwardDiffSensitivity: forwardGradient,
  BacksolveAdjoint: backsolveAdjoint,
  InterpolatingAdjoint: interpolatingAdjoint,
  QuadratureAdjoint: quadratureAdjoint,
  ReverseDiffAdjoint: reverseDiffGradient,
};

/** The keys of the options that are not solve options. */
const OWN_KEYS = ['loss', 'sensealg', 'du0'];

/**
 * The gradient of a loss over a solve's saved points with respect to p (and u0).
 *
 * ```ts
 * const { loss, dp, du0 } = gradient(prob, Tsit5(), {
 *   saveat: 0.5, loss: { l2: data }, reltol: 1e-8,
 *   sensealg: InterpolatingAdjoint({ checkpointing: true }),
 * });
 * ```
 * The loss reads the points `solve` saves with the same options (every step when there is
 * no `saveat`; the step times are then held fixed). A failed solve throws a
 * GradientSolveError carrying its retcode.
 */
export function gradient<P>(prob: ODEProblem<P>, alg?: Algorithm | AutoAlgorithm | string, options: GradientOptions = {}): GradientResult {
  const where = 'gradient';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  const { loss = 'sum', du0 = true, sensealg, ...rest } = options;
  if (typeof du0 !== 'boolean') throw new TypeError(`${where}: du0 must be true or false, got ${String(du0)}`);
  if ((rest as { callback?: unknown }).callback !== undefined) throw new Error(`${where}: callbacks are not supported in gradients yet`);
  const lossTerms = readLoss(loss, where);
  const given = checkSensealg(sensealg, where);
  const { model, paramVector } = checkModelProblem(prob, given?.name ?? 'gradient', where);
  const n = model.length;
  const np = paramVector.length;
  const chosen = given ?? defaultSensealg(n, np);
  const method = METHODS[chosen.name];
  const solveOptions: SolveOptions = { ...rest };
  for (const k of OWN_KEYS) delete (solveOptions as Record<string, unknown>)[k];
  if (lossTerms.final) {
    if (rest.saveat !== undefined) throw new Error(`${where}: a { final: … } loss reads u at the end of the span only; leave saveat out`);
    solveOptions.saveat = [prob.tspan[1]];
  }
  // The default algorithm is chosen for the model's own size and tolerance, not for the
  // larger state a sensitivity method may integrate.
  const a = resolveMethod(alg, n, solveOptions, false);
  const req: GradientRequest = {
    prob: prob as ODEProblem<unknown>, model, paramVector, n, np, alg: a, options: solveOptions, loss: lossTerms, du0, where,
  };
  const eng = getEngine();
  const before = eng.inUse;
  eng.resetPeak();
  const { result: out, stats } = tallySolves(() => method(req, chosen));
  const peakBytes = eng.peakInUse - before;
  return {
    loss: out.loss,
    dp: out.dp,
    ...(du0 ? { du0: out.du0 ?? new Float64Array(n) } : {}),
    t: out.t,
    retcode: out.retcode,
    sensealg: chosen.name,
    peakBytes,
    stats,
  };
}
