/**
 * `solve(prob, alg?, options?)`: validates, lays out one solve in linear memory, runs the
 * engine once, and copies the result out before releasing everything it allocated.
 */
import * as L from '../../assembly/solvers/layout.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import { ODEProblem } from './problem.js';
import { resolveAlgorithm, type Algorithm } from './algorithms.js';
import { resolveOptions, type SolveOptions, type ResolvedOptions } from './options.js';
import { driverFor, massMatrixKinds, type MethodBlock } from './drivers.js';
import { flattenCallbacks } from './callbacks.js';
import { EventRunner } from './events.js';
import { retcodeName } from './retcode.js';
import { Solution, type DenseData, type SolveStats } from './solution.js';
import { RhsCaller } from './rhs.js';
import { loadTape } from '../model/evaluate.js';

/**
 * Controller constants: OrdinaryDiffEq's PI defaults for the method's order, then its
 * overrides. Rosenbrock methods keep dt when 1 ≤ q ≤ 1.2 (qsteady_max), explicit ones only at 1.
 */
function controllerFor(alg: Algorithm) {
  const p = alg.tableau.order;
  const c = alg.kind === 'erk' ? alg.tableau.controller : undefined;
  return {
    beta1: c?.beta1 ?? 7 / (10 * p),
    beta2: c?.beta2 ?? 2 / (5 * p),
    gamma: c?.gamma ?? 0.9,
    qmin: c?.qmin ?? 0.2,
    qmax: c?.qmax ?? 10,
    qsteadyMax: driverFor(alg).qsteadyMax,
  };
}

export type { MethodBlock } from './drivers.js';

/** The method's block in engine memory (its driver's layout). */
export function methodBlock(eng: Engine, alg: Algorithm): MethodBlock {
  return driverFor(alg).block(eng, alg);
}

/** Interpolation inside the current step, for the method's kind (0 on success). */
export function interpolateWith(eng: Engine, alg: Algorithm, blk: number, t: number, out: number): number {
  return driverFor(alg).interpolate(eng, blk, t, out);
}

function smallestReltol(opts: SolveOptions): number {
  const r = opts?.reltol;
  if (r === undefined) return 1e-3;
  if (typeof r === 'number') return r;
  let m = Infinity;
  for (let i = 0; i < r.length; i++) m = Math.min(m, r[i]);
  return m;
}

/**
 * Solves an ODE problem.
 *
 * ```ts
 * const sol = solve(prob, Tsit5(), { reltol: 1e-8, abstol: 1e-8 });
 * sol.at(3.5); // dense output
 * ```
 * `alg` may be an algorithm object (`Tsit5()`) or its name (`'Tsit5'`); omitted, Tsit5 is
 * used (Vern7 when reltol < 1e-6). A failed integration returns a Solution whose
 * `retcode` says why; errors thrown by `f` or a callback are rethrown.
 */
export function solve<P>(prob: ODEProblem<P>, alg?: Algorithm | string, options: SolveOptions = {}): Solution<P> {
  if (!(prob instanceof ODEProblem)) throw new TypeError('solve: the first argument must be an ODEProblem');
  const method = resolveAlgorithm(alg, smallestReltol(options));
  const n = prob.u0.length;
  const [t0, t1] = prob.tspan;
  if (prob.massMatrix && !driverFor(method).massMatrix) {
    const kinds = massMatrixKinds();
    throw new Error(`solve: ${method.name} cannot solve a problem with a mass matrix (M·u' = f)` + (kinds.length ? `; use a method of kind ${kinds.join(' or ')}` : ''));
  }
  const o = resolveOptions(options, n, t0, t1, method.adaptive);
  const eng = getEngine();
  const mb = methodBlock(eng, method);
  const mark = eng.mark();
  try {
    return run(eng, prob, method, o, mb);
  } finally {
    eng.release(mark);
  }
}

/** Workspace of one solve: [uprev][k_0 … k_{stotal−1}][u][tmp][err][out][abstol][reltol]. */
export interface Workspace {
  base: number;
  stride: number;
  nPad: number;
  uprev: number;
  k: number;
  u: number;
  tmp: number;
  err: number;
  out: number;
  abstol: number;
  reltol: number;
  slots: number;
}

export function allocWorkspace(eng: Engine, n: number, stotal: number): Workspace {
  const nPad = (n + 1) & ~1;
  const stride = nPad * 8;
  const slots = stotal + 7;
  const base = eng.alloc(slots * stride);
  // An odd n leaves one padding value per vector; the engine computes small states in pairs
  // (the padding included, never read back), so it starts as 0, not old memory's bits.
  if (nPad !== n) {
    const F = eng.f64;
    for (let i = 0, p = (base >>> 3) + n; i < slots; i++, p += nPad) F[p] = 0;
  }
  const at = (i: number) => base + i * stride;
  return {
    base, stride, nPad, slots,
    uprev: at(0), k: at(1), u: at(stotal + 1), tmp: at(stotal + 2), err: at(stotal + 3),
    out: at(stotal + 4), abstol: at(stotal + 5), reltol: at(stotal + 6),
  };
}

function run<P>(eng: Engine, prob: ODEProblem<P>, method: Algorithm, o: ResolvedOptions, mb: MethodBlock): Solution<P> {
  const n = prob.u0.length;
  const [t0, t1] = prob.tspan;
  const ws = allocWorkspace(eng, n, mb.kvecs);
  const blk = eng.alloc(L.B_SIZE * 8);
  const pTstops = eng.alloc(8 * o.tstops.length);
  const pSaveat = eng.alloc(8 * o.saveat.length);

  const driver = driverFor(method);
  const ctl = controllerFor(method);
  writeWorkspace(eng.f64, blk, n, mb.ptr, ws);
  const save = new OutputBuffer(eng, blk, L.B_SAVE_PTR, L.B_SAVE_CAP, n + 1, o.saveEverystep ? 64 : o.saveat.length + 2);
  const dense = new OutputBuffer(eng, blk, L.B_DENSE_PTR, L.B_DENSE_CAP, L.DENSE_HEAD + ws.nPad * (1 + mb.ndense), o.dense ? 16 : 0);
  attachModel(eng, blk, prob as ODEProblem<unknown>);
  driver.prepare?.(eng, blk, prob as ODEProblem<unknown>, method);
  // Every allocation of this solve is made: the view below stays valid until the engine runs.
  const F = eng.f64;
  const b = blk >>> 3;
  F[b + L.B_ADAPTIVE] = o.adaptive ? 1 : 0;
  F[b + L.B_T0] = t0;
  F[b + L.B_TF] = t1;
  F[b + L.B_DT] = o.dt;
  F[b + L.B_DTMIN] = o.dtmin;
  F[b + L.B_DTMAX] = o.dtmax;
  F[b + L.B_MAXITERS] = o.maxiters;
  F[b + L.B_BETA1] = ctl.beta1;
  F[b + L.B_BETA2] = ctl.beta2;
  F[b + L.B_GAMMA] = ctl.gamma;
  F[b + L.B_QMIN] = ctl.qmin;
  F[b + L.B_QMAX] = ctl.qmax;
  F[b + L.B_QSTEADY_MIN] = 1;
  F[b + L.B_QSTEADY_MAX] = ctl.qsteadyMax;
  F[b + L.B_QOLDINIT] = 1e-4;
  F[b + L.B_TSTOPS] = pTstops;
  F[b + L.B_NTSTOPS] = o.tstops.length;
  F[b + L.B_SAVEAT] = pSaveat;
  F[b + L.B_NSAVEAT] = o.saveat.length;
  F[b + L.B_SAVE_EVERY] = o.saveEverystep ? 1 : 0;
  F[b + L.B_SAVE_START] = o.saveStart ? 1 : 0;
  F[b + L.B_SAVE_END] = o.saveEnd ? 1 : 0;
  F[b + L.B_DENSE] = o.dense ? 1 : 0;
  F.set(prob.u0, ws.u >>> 3);
  F[b + L.B_TOL_SCALAR] = typeof o.abstol === 'number' && typeof o.reltol === 'number' ? 1 : 0;
  writeTolerance(F, o.abstol, ws.abstol >>> 3, n);
  writeTolerance(F, o.reltol, ws.reltol >>> 3, n);
  if (o.tstops.length) F.set(o.tstops, pTstops >>> 3);
  if (o.saveat.length) F.set(o.saveat, pSaveat >>> 3);

  const callbacks = flattenCallbacks(o.callback);
  let events: EventRunner<P> | undefined;
  if (callbacks.length) {
    events = new EventRunner<P>({
      p: prob.p,
      // The engine swaps its two state buffers every step: the block says which holds u now.
      stateView: () => rhs.slotView(eng.f64[b + L.B_U]),
      interpolate: (tq) => {
        if (interpolateWith(eng, method, blk, tq, ws.out) !== 0) throw rhs.takeError() ?? new Error('difflux: interpolation failed');
        return rhs.slotView(ws.out);
      },
      setEventTime: (t) => { eng.f64[b + L.B_EVENT_T] = t; },
    }, callbacks);
    F[b + L.B_CALLBACKS] = 1;
  }

  const rhs: RhsCaller<P> = new RhsCaller(eng, prob, ws, {
    // Move the buffer to a larger block at the arena top; the old one is freed with the solve.
    grow: (kind, need) => (kind === L.GROW_SAVE ? save : dense).grow(need),
    onStep: (tprev, t) => (events ? events.onStep(tprev, t) : L.CB_NONE),
    onEvent: (t) => (events ? events.onEvent(t) : 0),
  });

  const code = eng.withHandlers(rhs, () => {
    if (events) {
      try {
        events.start(t0, rhs.slotView(ws.u));
      } catch (e) {
        throw new Error(`solve: a callback condition threw at t = ${t0}: ${(e as Error)?.message ?? e}`, { cause: e });
      }
    }
    return driver.solve(eng, blk);
  });
  // Memory only moves when `grow` allocated, which refreshed the engine's views.
  const G = eng.f64;
  if (code === L.RET_ABORTED) {
    const full = save.failure ?? dense.failure;
    if (full) throw full;
    const err = rhs.takeError() ?? events?.error;
    const tAt = G[b + L.B_T];
    if (rhs.lastErrorWasRhs) throw new Error(`solve: ${rhs.lastErrorSource} failed at t = ${tAt}: ${(err as Error)?.message ?? err}`, { cause: err });
    throw new Error(`solve: a callback threw at t = ${tAt}: ${(err as Error)?.message ?? err}`, { cause: err });
  }

  const count = G[b + L.B_SAVE_COUNT];
  const t = new Float64Array(count);
  const u: Float64Array[] = new Array(count);
  for (let i = 0, q = save.ptr >>> 3; i < count; i++, q += save.recLen) {
    t[i] = G[q];
    u[i] = copyOut(G, q + 1, n);
  }
  let denseData: DenseData | null = null;
  if (o.dense) {
    const nrec = G[b + L.B_DENSE_COUNT];
    denseData = {
      records: G.slice(dense.ptr >>> 3, (dense.ptr >>> 3) + nrec * dense.recLen),
      count: nrec,
      recLen: dense.recLen,
      nPad: ws.nPad,
      stotal: mb.ndense,
      method,
    };
  }
  const stats: SolveStats = {
    nf: G[b + L.B_NF], nw: G[b + L.B_NW], nsolve: G[b + L.B_NSOLVE], njacs: G[b + L.B_NJAC], nnonliniter: G[b + L.B_NNONLIN], nnonlinconvfail: G[b + L.B_NNONLINFAIL],
    naccept: G[b + L.B_NACCEPT], nreject: G[b + L.B_NREJECT],
  };
  return new Solution<P>(prob, method.name, t, u, retcodeName(code), stats, denseData);
}

function writeTolerance(F: Float64Array, tol: number | Float64Array, at: number, n: number): void {
  if (typeof tol === 'number') fill(F, tol, at, at + n);
  else F.set(tol, at);
}

/**
 * F.fill(v, from, to); a few values by a loop (V8's TypedArray fill is a runtime call of about
 * 40 ns however few values it writes).
 */
function fill(F: Float64Array, v: number, from: number, to: number): void {
  if (to - from > 8) F.fill(v, from, to);
  else for (let i = from; i < to; i++) F[i] = v;
}

/**
 * Copies n values out of linear memory. Small states are copied element by element: V8's
 * slice/subarray go through a species lookup that costs more than the copy.
 */
export function copyOut(G: Float64Array, start: number, n: number): Float64Array {
  if (n > 32) return G.slice(start, start + n);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = G[start + k];
  return out;
}

/** Writes the block fields that describe the state size, the method and the workspace. */
export function writeWorkspace(F: Float64Array, blk: number, n: number, tab: number, ws: Workspace): void {
  const b = blk >>> 3;
  F.fill(0, b, b + L.B_SIZE);
  F[b + L.B_N] = n;
  F[b + L.B_TAB] = tab;
  F[b + L.B_U] = ws.u;
  F[b + L.B_UPREV] = ws.uprev;
  F[b + L.B_TMP] = ws.tmp;
  F[b + L.B_ERR] = ws.err;
  F[b + L.B_K] = ws.k;
  F[b + L.B_ABSTOL] = ws.abstol;
  F[b + L.B_RELTOL] = ws.reltol;
  F[b + L.B_STRIDE] = ws.stride;
}

/** A record buffer the engine appends to and asks to grow (by doubling) between steps. */
class OutputBuffer {
  ptr: number;
  constructor(
    private readonly eng: Engine,
    private readonly blk: number,
    private readonly ptrSlot: number,
    private readonly capSlot: number,
    readonly recLen: number,
    private cap: number,
  ) {
    this.ptr = eng.alloc(8 * recLen * cap);
    eng.f64[(blk >>> 3) + ptrSlot] = this.ptr;
    eng.f64[(blk >>> 3) + capSlot] = cap;
  }

  /** Set when room could not be had; the solve turns it into its error. */
  failure: Error | undefined;

  grow(need: number): number {
    const cap = Math.max(need, this.cap * 2);
    let next: number;
    try {
      next = this.eng.alloc(8 * this.recLen * cap);
    } catch (e) {
      const mib = Math.round((8 * this.recLen * cap) / 2 ** 20);
      this.failure = new Error(
        `solve: out of WebAssembly memory while saving output (${cap} records of ${this.recLen} numbers, ${mib} MiB); ` +
          'save less: saveat, saveEverystep: false or dense: false',
        { cause: e },
      );
      return 1;
    }
    const F = this.eng.f64;
    F.copyWithin(next >>> 3, this.ptr >>> 3, (this.ptr >>> 3) + this.recLen * this.cap);
    this.ptr = next;
    this.cap = cap;
    F[(this.blk >>> 3) + this.ptrSlot] = next;
    F[(this.blk >>> 3) + this.capSlot] = cap;
    return 0;
  }
}

/**
 * For a problem on a compiled model: copies its tape and register file (parameters filled in)
 * into the solve's memory and points the block at them, so the engine evaluates f itself.
 */
export function attachModel(eng: Engine, blk: number, prob: ODEProblem<unknown>): void {
  const model = prob.model;
  if (!model) return;
  // The tape is loaded (and its parameter-only part computed) even when the model's emitted
  // WebAssembly function is what the engine calls: the copy is small.
  const { pCode, pRegs } = loadTape(eng, model.tape, prob.paramVector!);
  const func = model.wasmFunction;
  eng.f64[(blk >>> 3) + L.B_TAPE] = pCode;
  eng.f64[(blk >>> 3) + L.B_REGS] = pRegs;
  eng.f64[(blk >>> 3) + L.B_FUNC] = func;
}
