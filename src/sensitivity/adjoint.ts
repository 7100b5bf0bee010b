/**
 * The continuous adjoints (BacksolveAdjoint, InterpolatingAdjoint, QuadratureAdjoint), after
 * Cao, Li, Petzold & Serban (SIAM J. Sci. Comput. 24, 2003), CVODES's adjoint module and
 * SciMLSensitivity.jl's methods of the same names. For L = Σ_k g(u(t_k)):
 *
 *   λ' = −Jᵀλ,  μ' = −(∂f/∂p)ᵀλ  from t_K (the last saved time) back to t0,
 *   λ(t_K) = ∂g/∂u(t_K), λ += ∂g/∂u(t_k) at each earlier saved t_k, μ(t_K) = 0;
 *   dL/du0 = λ(t0), dL/dp = μ(t0).
 *
 * After t_K the adjoint is zero, so the backward solve starts there. The jumps are affects at
 * tstops of one backward solve, which integrates across the saved points instead of
 * restarting at each. The backward solve uses the forward algorithm (a stiff problem's
 * adjoint is stiff too), on the engine-built right-hand side of adjoint-problem.ts.
 */
import * as A from '../../assembly/solvers/layout-adjoint.js';
import { getEngine } from '../runtime/engine.js';
import { ODEProblem } from '../solve/problem.js';
import { solve } from '../solve/solve.js';
import type { Solution, DenseData } from '../solve/solution.js';
import { smallestTolerance, DEFAULT_ABSTOL, DEFAULT_RELTOL, type SolveOptions } from '../solve/options.js';
import { DiscreteCallback } from '../solve/callbacks.js';
import { GradientSolveError, type GradientOutcome, type GradientRequest } from './request.js';
import type { BacksolveAdjointAlgorithm, InterpolatingAdjointAlgorithm, QuadratureAdjointAlgorithm, SensitivityAlgorithm } from './sensealg.js';
import { adjointProblem, adjointContext, adjointLength } from './adjoint-problem.js';
import { writeDenseSource, completeSource } from './dense-source.js';
import { checkCheckpoints, checkpointStates, integrationOptions, type Checkpoints } from './checkpoints.js';
import * as L from '../../assembly/solvers/layout.js';

/** The forward pass: the solution the loss reads, the loss, and ∂g/∂u summed per saved time. */
interface Forward {
  readonly sol: Solution<unknown>;
  readonly value: number;
  /** Saved times, distinct, in the direction of time, and the summed ∂g/∂u at each. */
  readonly times: number[];
  readonly grads: Float64Array[];
}

function lastTime(sol: { t: Float64Array }, dflt: number): number {
  return sol.t.length ? sol.t[sol.t.length - 1] : dflt;
}

function forwardPass(req: GradientRequest, extra: SolveOptions): Forward {
  const sol = solve(req.prob, req.alg, { ...req.options, ...extra });
  if (sol.retcode !== 'Success') throw new GradientSolveError(sol.retcode, lastTime(sol, req.prob.tspan[0]), req.where);
  if (sol.t.length === 0) throw new Error(`${req.where}: the solve saved no points, so the loss reads nothing`);
  const { value, grads } = req.loss.evaluate(sol.u, sol.t, req.n);
  const times: number[] = [];
  const summed: Float64Array[] = [];
  sol.t.forEach((t, k) => {
    if (times.length && times[times.length - 1] === t) {
      const g = summed[summed.length - 1];
      for (let i = 0; i < req.n; i++) g[i] += grads[k][i];
    } else {
      times.push(t);
      summed.push(Float64Array.from(grads[k]));
    }
  });
  return { sol, value, times, grads: summed };
}

/** Something done to the backward state when the backward solve reaches time t. */
interface Mark {
  readonly t: number;
  /** Changes x; a message instead stops the backward solve with GradientSolveError (Unstable). */
  apply(x: Float64Array): string | void;
}

/** Marks sorted in the direction of the backward solve, those at one time merged. */
function mergeMarks(marks: Mark[], dir: number): Mark[] {
  marks.sort((a, b) => dir * (a.t - b.t));
  const out: Mark[] = [];
  for (const m of marks) {
    const last = out[out.length - 1];
    if (last && last.t === m.t) {
      const prev = last;
      out[out.length - 1] = { t: m.t, apply: (x) => prev.apply(x) ?? m.apply(x) };
    } else {
      out.push(m);
    }
  }
  return out;
}

/** A tolerance of u extended to the adjoint state: u's and λ's components take u's, μ's the smallest. */
function adjointTolerance(tol: number | ArrayLike<number> | undefined, n: number, len: number, name: string, where: string): number | Float64Array | undefined {
  if (tol === undefined || typeof tol === 'number') return tol;
  if (tol == null || typeof tol.length !== 'number' || tol.length !== n) throw new RangeError(`${where}: ${name} must be a number or ${n} values (one per state)`);
  let min = Infinity;
  for (let i = 0; i < n; i++) min = Math.min(min, tol[i]);
  const out = new Float64Array(len).fill(min);
  for (let i = 0; i < Math.min(len, 2 * n); i++) out[i] = tol[i % n];
  return out;
}

/**
 * Solves the backward problem from tspan[0] to tspan[1], applying each mark at its time (a
 * tstop and a discrete callback's affect). Only the end state is saved (and the dense
 * output when asked). A failed solve throws GradientSolveError.
 */
function backwardSolve(req: GradientRequest, prob: ODEProblem<undefined>, mode: number, marks: Mark[], dense: boolean): Solution<undefined> {
  const [ts, te] = prob.tspan;
  const dir = te > ts ? 1 : -1;
  const inside = (t: number) => dir * (t - ts) > 0 && dir * (te - t) > 0;
  const sorted = mergeMarks(marks.filter((m) => inside(m.t)), dir);
  const o = req.options;
  const len = adjointLength(mode, req.n, req.np);
  const opts: SolveOptions = { saveEverystep: false, saveStart: false, saveEnd: true, dense };
  const abstol = adjointTolerance(o.abstol, req.n, len, 'abstol', req.where);
  const reltol = adjointTolerance(o.reltol, req.n, len, 'reltol', req.where);
  if (abstol !== undefined) opts.abstol = abstol;
  if (reltol !== undefined) opts.reltol = reltol;
  if (o.maxiters !== undefined) opts.maxiters = o.maxiters;
  if (o.dtmin !== undefined) opts.dtmin = o.dtmin;
  if (o.dtmax !== undefined) opts.dtmax = o.dtmax;
  if (o.adaptive !== undefined) opts.adaptive = o.adaptive;
  if (o.dt !== undefined) opts.dt = dir * Math.abs(o.dt);
  // The user's tstops (discontinuities of f) matter backwards too.
  const stops = new Set<number>(sorted.map((m) => m.t));
  if (o.tstops) for (const t of Array.from(o.tstops)) if (inside(t)) stops.add(t);
  if (stops.size) opts.tstops = [...stops];
  // The condition runs after every accepted step: it also keeps the last time reached, which
  // a failed solve reports (only the end state is saved).
  let next = 0;
  let reached = ts;
  let stopped: string | undefined;
  // A leg without marks (a checkpointed interval) needs no callback: a JavaScript call per step.
  if (sorted.length) opts.callback = new DiscreteCallback(
    (_u, t) => {
      reached = t;
      return next < sorted.length && dir * (t - sorted[next].t) >= 0;
    },
    (integ) => {
      while (!stopped && next < sorted.length && dir * (integ.t - sorted[next].t) >= 0) {
        const why = sorted[next++].apply(integ.u);
        if (why) {
          stopped = why;
          integ.terminate();
        }
      }
    },
  );
  const sol = solve(prob, req.alg, opts);
  if (stopped) {
    const e = new GradientSolveError('Unstable', reached, req.where);
    e.message += `: ${stopped}`;
    throw e;
  }
  if (sol.retcode !== 'Success') throw new GradientSolveError(sol.retcode, sorted.length ? reached : lastTime(sol, ts), req.where);
  return sol;
}

/** λ += g on x's λ block (at offset `at`). */
function jump(t: number, g: Float64Array, at: number): Mark {
  return { t, apply: (x) => { for (let i = 0; i < g.length; i++) x[at + i] += g[i]; } };
}

/** The backward state at t_K: u (backsolve), λ = ∂g/∂u(t_K), μ = 0. */
function initialState(fw: Forward, mode: number, n: number, np: number): Float64Array {
  const K = fw.times.length - 1;
  const x = new Float64Array(adjointLength(mode, n, np));
  if (mode === A.ADJ_BACKSOLVE) {
    x.set(fw.sol.u[fw.sol.u.length - 1]);
    x.set(fw.grads[K], n);
  } else {
    x.set(fw.grads[K]);
  }
  return x;
}

/** dL/du0 = λ(t0) plus the jump at t0 when t0 is a saved time. */
function finalGradient(fw: Forward, lambda: Float64Array, t0: number): Float64Array {
  const du0 = Float64Array.from(lambda);
  if (fw.times[0] === t0 && fw.times.length > 1) for (let i = 0; i < du0.length; i++) du0[i] += fw.grads[0][i];
  return du0;
}

/** The outcome when the only saved time is t0: nothing to integrate. */
function onlyAtStart(req: GradientRequest, fw: Forward): GradientOutcome {
  return { loss: fw.value, dp: new Float64Array(req.np), du0: Float64Array.from(fw.grads[0]), t: fw.sol.t, retcode: 'Success' };
}

/** Jumps at the saved times before t_K. */
function lossJumps(fw: Forward, at: number): Mark[] {
  return fw.times.slice(0, -1).map((t, k) => jump(t, fw.grads[k], at));
}

/** The checkpoints' states: the saved ones by default, else one forward solve at the given times. */
function checkpointsOf(req: GradientRequest, fw: Forward, given: readonly number[] | undefined, name: string): Checkpoints {
  if (given === undefined) return { t: Array.from(fw.sol.t), u: fw.sol.u };
  checkCheckpoints(given, req.prob.tspan, name, req.where);
  return checkpointStates(req, given);
}

/**
 * Drift of the backsolved u from the forward state, in units of the tolerance, beyond which
 * the backward integration of u has come apart (u' = f is unstable backwards when the
 * forward dynamics contract fast: stiff problems): λ read along it would be meaningless.
 */
const DRIFT_LIMIT = 1e6;

/** Why the backsolved state `x` (its first u.length values) is no longer usable, if it is not. */
function checkDrift(x: Float64Array, u: ArrayLike<number>, atol: number, rtol: number, at = 'this checkpoint'): string | undefined {
  let worst = 0;
  for (let i = 0; i < u.length; i++) {
    const d = Math.abs(x[i] - u[i]) / (atol + rtol * Math.abs(u[i]));
    if (!(d <= worst)) worst = d;
  }
  if (worst <= DRIFT_LIMIT) return undefined;
  return `BacksolveAdjoint's backward state u left the forward solution (by ${Number.isFinite(worst) ? worst.toPrecision(2) : worst} times the tolerance) ` +
    `before ${at}: integrating u backwards is unstable for this problem (stiff, or fast contracting); ` +
    'use InterpolatingAdjoint or QuadratureAdjoint, or closer checkpoints';
}

/** BacksolveAdjoint: [u; λ; μ] backwards from t_K, u reset to the forward state at the checkpoints. */
export function backsolveAdjoint(req: GradientRequest, sensealg: SensitivityAlgorithm): GradientOutcome {
  const s = sensealg as BacksolveAdjointAlgorithm;
  const { n, np, model, paramVector } = req;
  if (s.checkpoints !== undefined) checkCheckpoints(s.checkpoints, req.prob.tspan, s.name, req.where);
  const fw = forwardPass(req, {});
  const t0 = req.prob.tspan[0];
  const tK = fw.times[fw.times.length - 1];
  if (tK === t0) return onlyAtStart(req, fw);
  const marks = lossJumps(fw, n);
  const atol = smallestTolerance(req.options.abstol, DEFAULT_ABSTOL);
  const rtol = smallestTolerance(req.options.reltol, DEFAULT_RELTOL);
  if (s.checkpointing) {
    const cps = checkpointsOf(req, fw, s.checkpoints, s.name);
    cps.t.forEach((t, k) => {
      const u = cps.u[k];
      marks.push({ t, apply: (x) => checkDrift(x, u, atol, rtol) ?? void x.set(u) });
    });
  }
  const prob = adjointProblem(model, paramVector, A.ADJ_BACKSOLVE, initialState(fw, A.ADJ_BACKSOLVE, n, np), [tK, t0]);
  const sol = backwardSolve(req, prob, A.ADJ_BACKSOLVE, marks, false);
  const x = sol.u[sol.u.length - 1];
  // u0 is known exactly: the last check of the backsolved u, with or without checkpoints.
  const why = checkDrift(x, req.prob.u0, atol, rtol, 't0');
  if (why) {
    const e = new GradientSolveError('Unstable', t0, req.where);
    e.message += `: ${why}`;
    throw e;
  }
  return { loss: fw.value, dp: x.slice(2 * n), du0: finalGradient(fw, x.subarray(n, 2 * n), t0), t: fw.sol.t, retcode: 'Success' };
}

/** One backward [λ; μ] solve over [from, to] on the dense records of u. */
function interpolatingLeg(req: GradientRequest, x0: Float64Array, from: number, to: number, dense: readonly DenseData[], marks: Mark[]): Float64Array {
  const prob = adjointProblem(req.model, req.paramVector, A.ADJ_INTERP, x0, [from, to], dense);
  const sol = backwardSolve(req, prob, A.ADJ_INTERP, marks, false);
  return sol.u[sol.u.length - 1];
}

/** InterpolatingAdjoint: [λ; μ] backwards on the forward dense output, or interval by interval from checkpoints. */
export function interpolatingAdjoint(req: GradientRequest, sensealg: SensitivityAlgorithm): GradientOutcome {
  const s = sensealg as InterpolatingAdjointAlgorithm;
  const { n } = req;
  if (s.checkpoints !== undefined) checkCheckpoints(s.checkpoints, req.prob.tspan, s.name, req.where);
  const fw = forwardPass(req, s.checkpointing ? {} : { dense: true });
  const t0 = req.prob.tspan[0];
  const tK = fw.times[fw.times.length - 1];
  if (tK === t0) return onlyAtStart(req, fw);
  let x = initialState(fw, A.ADJ_INTERP, n, req.np);
  if (!s.checkpointing) {
    x = interpolatingLeg(req, x, tK, t0, fw.sol.denseData, lossJumps(fw, 0));
  } else {
    // Intervals between t0, the checkpoints before t_K, and t_K: each is re-solved forward
    // from its start with dense output, then the adjoint crosses it backwards.
    const cps = checkpointsOf(req, fw, s.checkpoints, s.name);
    const dir = tK > t0 ? 1 : -1;
    const starts: { t: number; u: Float64Array }[] = [{ t: t0, u: Float64Array.from(req.prob.u0) }];
    cps.t.forEach((t, k) => { if (dir * (t - t0) > 0 && dir * (tK - t) > 0) starts.push({ t, u: cps.u[k] }); });
    const jumps = lossJumps(fw, 0);
    const integ = { ...integrationOptions(req.options), dense: true, saveEverystep: false, saveStart: false, saveEnd: false };
    let end = tK;
    for (let i = starts.length - 1; i >= 0; i--) {
      const a = starts[i];
      const sub = new ODEProblem(req.model, a.u, [a.t, end], req.paramVector);
      const tstops = req.options.tstops ? Array.from(req.options.tstops).filter((t) => dir * (t - a.t) > 0 && dir * (end - t) > 0) : undefined;
      const local = solve(sub, req.alg, { ...integ, tstops });
      if (local.retcode !== 'Success') throw new GradientSolveError(local.retcode, lastTime(local, a.t), req.where);
      x = interpolatingLeg(req, x, end, a.t, local.denseData, jumps);
      // The jump at the interval's start is the next interval's first (or, at t0, dL/du0's).
      if (i > 0) {
        const k = fw.times.indexOf(a.t);
        if (k >= 0) for (let j = 0; j < n; j++) x[j] += fw.grads[k][j];
      }
      end = a.t;
    }
  }
  return { loss: fw.value, dp: x.slice(n), du0: finalGradient(fw, x.subarray(0, n), t0), t: fw.sol.t, retcode: 'Success' };
}

/** QuadratureAdjoint: λ backwards on the forward dense output, then dL/dp = ∫ λᵀ·∂f/∂p dt. */
export function quadratureAdjoint(req: GradientRequest, sensealg: SensitivityAlgorithm): GradientOutcome {
  const s = sensealg as QuadratureAdjointAlgorithm;
  const { n, np, model, paramVector } = req;
  const fw = forwardPass(req, { dense: true });
  const t0 = req.prob.tspan[0];
  const tK = fw.times[fw.times.length - 1];
  if (tK === t0) return onlyAtStart(req, fw);
  const forward = fw.sol.denseData;
  const prob = adjointProblem(model, paramVector, A.ADJ_QUAD, initialState(fw, A.ADJ_QUAD, n, np), [tK, t0], forward);
  const sol = backwardSolve(req, prob, A.ADJ_QUAD, lossJumps(fw, 0), true);
  const lambda = sol.u[sol.u.length - 1];
  const abstol = s.abstol ?? smallestTolerance(req.options.abstol, DEFAULT_ABSTOL);
  const reltol = s.reltol ?? smallestTolerance(req.options.reltol, DEFAULT_RELTOL);
  const eng = getEngine();
  const mark = eng.mark();
  let dp: Float64Array;
  try {
    const ctx = adjointContext(eng, model, paramVector, A.ADJ_QUAD, forward);
    const lamSrc = writeDenseSource(eng, sol.denseData, n, { kind: L.RHS_ADJOINT, ctx });
    completeSource(eng, lamSrc);
    const lam = eng.alloc(8 * ((n + 1) & ~1));
    const out = eng.alloc(8 * Math.max(1, np));
    const work = eng.alloc(8 * Math.max(1, 2 * np * (A.QUAD_MAX_DEPTH + 1)));
    eng.raw.adjointQuadrature(ctx, lamSrc, lam, out, work, abstol, reltol);
    dp = eng.f64.slice(out >>> 3, (out >>> 3) + np);
  } finally {
    eng.release(mark);
  }
  return { loss: fw.value, dp, du0: finalGradient(fw, lambda, t0), t: fw.sol.t, retcode: 'Success' };
}
