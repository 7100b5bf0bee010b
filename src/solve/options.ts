/** Options of `solve`, named as DifferentialEquations.jl users know them (camelCase). */
import type { Callback } from './callbacks.js';
import { checkFiniteArray, checkTolerance } from './validate.js';

export interface SolveOptions {
  /** Absolute tolerance, scalar or per component. Default 1e-6. */
  abstol?: number | ArrayLike<number>;
  /** Relative tolerance, scalar or per component. Default 1e-3. */
  reltol?: number | ArrayLike<number>;
  /** Initial step (adaptive) or the step (fixed). Adaptive default: estimated. */
  dt?: number;
  /** Error control on (default when the method has an estimate). */
  adaptive?: boolean;
  /** Smallest step allowed before giving up with `DtLessThanMin`. Default 0 (floating-point limit). */
  dtmin?: number;
  /** Largest step. Default |t1 − t0|. */
  dtmax?: number;
  /** Most steps attempted before giving up with `MaxIters`. Default 1e6 (adaptive), unbounded-ish for fixed dt. */
  maxiters?: number;
  /** Save at these times (interpolated; they add no steps), or every `saveat` from t0 when a number. */
  saveat?: number | ArrayLike<number>;
  /** Save every accepted step. Default: true unless `saveat` is given. */
  saveEverystep?: boolean;
  /** Save u0. Default: true unless `saveat` is a list without t0. */
  saveStart?: boolean;
  /** Save the final state. Default: true unless `saveat` is a list without t1. */
  saveEnd?: boolean;
  /** Keep the dense interpolant for `sol.at(t)`. Default: saveEverystep && no saveat. */
  dense?: boolean;
  /** Times the integrator must step to exactly. */
  tstops?: ArrayLike<number>;
  /** A ContinuousCallback, DiscreteCallback or CallbackSet. */
  callback?: Callback;
}

const NONE = new Float64Array(0);
/** More save times than this could never be stored (WebAssembly memory ends at 4 GiB). */
const MAX_SAVES = 2 ** 26;

const KNOWN = new Set([
  'abstol', 'reltol', 'dt', 'adaptive', 'dtmin', 'dtmax', 'maxiters', 'saveat', 'saveEverystep',
  'saveStart', 'saveEnd', 'dense', 'tstops', 'callback',
]);

/** Options resolved against the problem, ready for the engine. */
export interface ResolvedOptions {
  /** A scalar applies to every component. */
  abstol: number | Float64Array;
  reltol: number | Float64Array;
  dt: number;
  adaptive: boolean;
  dtmin: number;
  dtmax: number;
  maxiters: number;
  saveat: Float64Array;
  saveEverystep: boolean;
  saveStart: boolean;
  saveEnd: boolean;
  dense: boolean;
  tstops: Float64Array;
  callback: Callback | undefined;
}

function suggest(name: string): string {
  const lower = name.toLowerCase();
  for (const k of KNOWN) if (k.toLowerCase() === lower || k.toLowerCase().replace(/_/g, '') === lower.replace(/_/g, '')) return ` (did you mean '${k}'?)`;
  return '';
}

function finiteNumber(x: unknown, name: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`solve: ${name} must be a finite number, got ${String(x)}`);
  return x;
}

/** Validates `opts` and fills in the defaults. `canAdapt`: the method has an error estimate. */
export function resolveOptions(opts: SolveOptions, n: number, t0: number, t1: number, canAdapt: boolean): ResolvedOptions {
  if (opts === null || typeof opts !== 'object') throw new TypeError('solve: options must be an object');
  for (const k of Object.keys(opts)) {
    if (!KNOWN.has(k)) throw new Error(`solve: unknown option '${k}'${suggest(k)}; known options: ${[...KNOWN].join(', ')}`);
  }
  const tdir = t1 > t0 ? 1 : -1;
  const span = Math.abs(t1 - t0);
  const abstol = checkTolerance(opts.abstol ?? DEFAULT_ABSTOL, 'abstol', n);
  const reltol = checkTolerance(opts.reltol ?? DEFAULT_RELTOL, 'reltol', n);

  const adaptive = opts.adaptive ?? canAdapt;
  if (adaptive && !canAdapt) throw new Error('solve: adaptive stepping needs a method with an error estimate; pass adaptive: false and dt');
  let dt = 0;
  if (opts.dt !== undefined) {
    dt = finiteNumber(opts.dt, 'dt');
    if (dt === 0) throw new RangeError('solve: dt must not be 0');
    if (dt * tdir < 0) throw new RangeError(`solve: dt = ${dt} points away from t1 = ${t1}`);
    dt = Math.abs(dt);
  } else if (!adaptive) {
    throw new Error('solve: a fixed-step solve (adaptive: false or a method without an error estimate) needs dt');
  }
  const dtmin = opts.dtmin === undefined ? 0 : Math.abs(finiteNumber(opts.dtmin, 'dtmin'));
  const dtmax = opts.dtmax === undefined ? span : Math.abs(finiteNumber(opts.dtmax, 'dtmax'));
  if (dtmax === 0) throw new RangeError('solve: dtmax must be > 0');
  const maxiters = opts.maxiters === undefined ? (adaptive ? 1e6 : Number.MAX_SAFE_INTEGER) : finiteNumber(opts.maxiters, 'maxiters');
  if (maxiters < 1) throw new RangeError('solve: maxiters must be ≥ 1');

  const inSpan = (t: number) => tdir * (t - t0) >= 0 && tdir * (t1 - t) >= 0;
  const byDirection = (a: number, b: number) => tdir * (a - b);

  let saveat: number[] = [];
  let saveatIsNumber = false;
  if (opts.saveat !== undefined) {
    if (typeof opts.saveat === 'number') {
      const step = Math.abs(finiteNumber(opts.saveat, 'saveat'));
      if (step === 0) throw new RangeError('solve: saveat step must be > 0');
      saveatIsNumber = true;
      const count = Math.floor(span / step + 1e-9);
      if (count > MAX_SAVES) throw new RangeError(`solve: saveat step ${step} gives ${count + 1} save times over the span; at most ${MAX_SAVES}`);
      for (let i = 0; i <= count; i++) saveat.push(t0 + tdir * step * i);
      if (saveat[saveat.length - 1] !== t1) saveat.push(t1);
    } else {
      const list = Array.from(checkFiniteArray(opts.saveat, 'saveat'));
      for (const t of list) if (!inSpan(t)) throw new RangeError(`solve: saveat time ${t} is outside tspan [${t0}, ${t1}]`);
      saveat = [...new Set(list)].sort(byDirection);
    }
  }
  const hasSaveat = saveat.length > 0;
  const saveEverystep = opts.saveEverystep ?? !hasSaveat;
  const saveStart = opts.saveStart ?? (saveEverystep || !hasSaveat || saveatIsNumber || saveat[0] === t0);
  const saveEnd = opts.saveEnd ?? (saveEverystep || !hasSaveat || saveatIsNumber || saveat[saveat.length - 1] === t1);
  // t0 and t1 are saved by saveStart/saveEnd; the engine handles interior times.
  const interior = saveat.filter((t) => t !== t0 && t !== t1);
  const dense = opts.dense ?? (saveEverystep && !hasSaveat);

  let tstops: number[] = [];
  if (opts.tstops !== undefined) {
    tstops = Array.from(checkFiniteArray(opts.tstops, 'tstops'));
    for (const t of tstops) if (!inSpan(t)) throw new RangeError(`solve: tstop ${t} is outside tspan [${t0}, ${t1}]`);
    tstops = [...new Set(tstops)].filter((t) => t !== t0 && t !== t1).sort(byDirection);
  }
  return {
    abstol, reltol, dt, adaptive, dtmin, dtmax, maxiters,
    saveat: interior.length ? new Float64Array(interior) : NONE, saveEverystep, saveStart, saveEnd, dense,
    tstops: tstops.length ? new Float64Array(tstops) : NONE, callback: opts.callback,
  };
}

/** Defaults of abstol and reltol. */
export const DEFAULT_ABSTOL = 1e-6;
export const DEFAULT_RELTOL = 1e-3;

/** The smallest of a scalar-or-per-component tolerance (`dflt` when it is not given). */
export function smallestTolerance(tol: number | ArrayLike<number> | undefined, dflt: number): number {
  if (tol === undefined) return dflt;
  if (typeof tol === 'number') return tol;
  let m = Infinity;
  for (let i = 0; i < tol.length; i++) m = Math.min(m, tol[i]);
  return m;
}
