/**
 * Checkpoints of the continuous adjoints: the times at which the backward pass has the
 * forward state (BacksolveAdjoint resets u there; InterpolatingAdjoint with checkpointing
 * re-solves forward from each). By default the loss's saved times, whose states the forward
 * solve has; given times take one more forward solve that saves only them.
 */
import { solve } from '../solve/solve.js';
import type { SolveOptions } from '../solve/options.js';
import { GradientSolveError, type GradientRequest } from './request.js';

/** The forward state at some times, in the direction of time. */
export interface Checkpoints {
  readonly t: readonly number[];
  readonly u: readonly Float64Array[];
}

/** Checks user checkpoints: inside the span and sorted in the direction of time. */
export function checkCheckpoints(cps: readonly number[], tspan: readonly [number, number], name: string, where: string): void {
  const [t0, t1] = tspan;
  const dir = t1 > t0 ? 1 : -1;
  cps.forEach((c, i) => {
    if (dir * (c - t0) < 0 || dir * (t1 - c) < 0) {
      throw new RangeError(`${where}: ${name} checkpoints[${i}] = ${c} is outside tspan [${t0}, ${t1}]`);
    }
    if (i > 0 && !(dir * (c - cps[i - 1]) > 0)) {
      throw new RangeError(`${where}: ${name} checkpoints must be sorted in the direction of time without repeats; checkpoints[${i}] = ${c} follows ${cps[i - 1]}`);
    }
  });
}

/** Solve options of the forward pass without its saving choices (for solves of our own). */
export function integrationOptions(o: SolveOptions): SolveOptions {
  const { saveat: _s, saveEverystep: _e, saveStart: _a, saveEnd: _b, dense: _d, ...rest } = o;
  return rest;
}

/** The forward state at the given times (one forward solve saving only them). */
export function checkpointStates(req: GradientRequest, times: readonly number[]): Checkpoints {
  if (times.length === 0) return { t: [], u: [] };
  const sol = solve(req.prob, req.alg, { ...integrationOptions(req.options), saveat: times, saveEverystep: false });
  if (sol.retcode !== 'Success') throw new GradientSolveError(sol.retcode, sol.t.length ? sol.t[sol.t.length - 1] : req.prob.tspan[0], req.where);
  return { t: Array.from(sol.t), u: sol.u };
}
