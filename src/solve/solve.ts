/**
 * `solve(prob, alg?, options?)`: validates, lays out one solve in linear memory, runs the
 * engine once, and copies the result out before releasing everything it allocated.
 */
import * as L from '../../assembly/solvers/layout.js';
import * as LA from '../../assembly/solvers/layout-auto.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import { ODEProblem } from './problem.js';
import { resolveAlgorithm, type Algorithm } from './algorithms.js';
import { resolveOptions, smallestTolerance, DEFAULT_RELTOL, type SolveOptions, type ResolvedOptions } from './options.js';
import { driverFor, type MethodBlock } from './drivers.js';
import { flattenCallbacks } from './callbacks.js';
import { EventRunner } from './events.js';
import { retcodeName } from './retcode.js';
import { Solution, type DenseData, type SolveStats } from './solution.js';
import { RhsCaller } from './rhs.js';
import { attachEngineRhs } from './engine-rhs.js';
import { loadTape } from '../model/evaluate.js';
import { defaultAlgorithm, isAutoAlgorithm, AutoTsit5, AutoVern7, type AutoAlgorithm } from './auto.js';

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

/**
 * The method `solve` runs for `alg`: the default algorithm (chosen for n states, the smallest
 * reltol and whether there is a mass matrix) when it is omitted, an automatic algorithm by
 * object or name, or a single method by object or name.
 */
export function resolveMethod(alg: Algorithm | AutoAlgorithm | string | undefined, n: number, options: SolveOptions, hasMassMatrix: boolean): Algorithm | AutoAlgorithm {
  const reltol = smallestTolerance(options?.reltol, DEFAULT_RELTOL);
  if (alg === undefined) return defaultAlgorithm(n, reltol, hasMassMatrix);
  if (alg === 'AutoTsit5') return AutoTsit5();
  if (alg === 'AutoVern7') return AutoVern7();
  if (isAutoAlgorithm(alg)) return alg;
  return resolveAlgorithm(alg, reltol);
}

/**
 * Solves an ODE problem.
 *
 * ```ts
 * const sol = solve(prob, Tsit5(), { reltol: 1e-8, abstol: 1e-8 });
 * sol.at(3.5); // dense output
 * ```
 * `alg` may be an algorithm object (`Tsit5()`, `AutoTsit5(Rodas5P())`) or its name
 * (`'Tsit5'`); omitted, the default algorithm is used: AutoTsit5 (AutoVern7 when
 * reltol < 1e-6), which switches to a stiff method (Rosenbrock23, or Rodas5P at tight
 * tolerances or with a mass matrix, FBDF above 50 states) where the problem is stiff. A failed
 * integration returns a Solution whose `retcode` says why; errors thrown by `f` or a
 * callback are rethrown.
 */
export function solve<P>(prob: ODEProblem<P>, alg?: Algorithm | AutoAlgorithm | string, options: SolveOptions = {}): Solution<P> {
  if (!(prob instanceof ODEProblem)) throw new TypeError('solve: the first argument must be an ODEProblem');
  const n = prob.u0.length;
  const [t0, t1] = prob.tspan;
  const method = resolveMethod(alg, n, options, !!prob.massMatrix);
  let phases: Algorithm[];
  let first = 0;
  let auto: AutoAlgorithm | undefined;
  if (method.kind === 'auto') {
    if (options && typeof options === 'object' && options.adaptive === false) {
      throw new Error(`solve: ${method.name} switches methods by stiffness detection, which needs adaptive stepping; pass a single method for a fixed-dt solve`);
    }
    if (prob.massMatrix) {
      // A mass-matrix problem starts stiff and never switches (DifferentialEquations.jl's default).
      phases = [method.stiff];
    } else {
      phases = [method.nonstiff, method.stiff];
      first = method.options.stiffalgfirst ? 1 : 0;
      auto = method;
    }
  } else {
    phases = [method];
  }
  for (const m of phases) {
    if (prob.massMatrix && !driverFor(m).massMatrix) {
      throw new Error(`solve: ${m.name} cannot solve a problem with a mass matrix (M·u' = f); use an implicit method: Rodas5P(), FBDF(), RadauIIA5(), KenCarp4(), …`);
    }
  }
  const o = resolveOptions(options, n, t0, t1, phases.every((m) => m.adaptive));
  const eng = getEngine();
  const mbs = phases.map((m) => methodBlock(eng, m));
  const mark = eng.mark();
  try {
    return run(eng, prob, phases.map((a, i) => ({ alg: a, mb: mbs[i] })), first, auto, method.name, o);
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

/** One method of a solve: the algorithm and its block in engine memory. */
interface Phase {
  alg: Algorithm;
  mb: MethodBlock;
}

/**
 * Runs the integration: one engine solve for a single method; for an automatic-switching
 * algorithm, engine solves of the two methods in turn over one block and one output, each
 * resuming where the other stopped with RET_SWITCH (assembly/solvers/stiffness.ts).
 */
function run<P>(eng: Engine, prob: ODEProblem<P>, phases: Phase[], first: number, auto: AutoAlgorithm | undefined, name: string, o: ResolvedOptions): Solution<P> {
  const n = prob.u0.length;
  const [t0, t1] = prob.tspan;
  const ws = allocWorkspace(eng, n, Math.max(...phases.map((ph) => ph.mb.kvecs)));
  const blk = eng.alloc(L.B_SIZE * 8);
  const pTstops = eng.alloc(8 * o.tstops.length);
  const pSaveat = eng.alloc(8 * o.saveat.length);

  writeWorkspace(eng.f64, blk, n, phases[first].mb.ptr, ws);
  const save = new OutputBuffer(eng, blk, L.B_SAVE_PTR, L.B_SAVE_CAP, n + 1, o.saveEverystep ? 64 : o.saveat.length + 2);
  // One dense buffer per method (their records differ in length); the running one is attached.
  const denseBufs = phases.map((ph) => new OutputBuffer(eng, blk, L.B_DENSE_PTR, L.B_DENSE_CAP, L.DENSE_HEAD + ws.nPad * (1 + ph.mb.ndense), o.dense ? 16 : 0));
  attachModel(eng, blk, prob as ODEProblem<unknown>);
  for (const ph of phases) driverFor(ph.alg).prepare?.(eng, blk, prob as ODEProblem<unknown>, ph.alg);
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
  if (auto) {
    const a = auto.options;
    F[b + LA.B_AUTO_STAGE_A] = auto.stagePair[0];
    F[b + LA.B_AUTO_STAGE_B] = auto.stagePair[1];
    F[b + LA.B_AUTO_STABSIZE] = auto.stabilitySize;
    F[b + LA.B_AUTO_NONSTIFFTOL] = a.nonstifftol;
    F[b + LA.B_AUTO_STIFFTOL] = a.stifftol;
    F[b + LA.B_AUTO_MAXSTIFF] = a.maxstiffstep;
    F[b + LA.B_AUTO_MAXNONSTIFF] = a.maxnonstiffstep;
    F[b + LA.B_AUTO_DTFAC] = a.dtfac;
  }

  let cur = first;
  const callbacks = flattenCallbacks(o.callback);
  let events: EventRunner<P> | undefined;
  if (callbacks.length) {
    // The runner lives across switches: its state (the conditions' last values) is here, and
    // it interpolates with whichever method made the current step.
    events = new EventRunner<P>({
      p: prob.p,
      // The engine swaps its two state buffers every step: the block says which holds u now.
      stateView: () => rhs.slotView(eng.f64[b + L.B_U]),
      interpolate: (tq) => {
        if (interpolateWith(eng, phases[cur].alg, blk, tq, ws.out) !== 0) throw rhs.takeError() ?? new Error('difflux: interpolation failed');
        return rhs.slotView(ws.out);
      },
      setEventTime: (t) => { eng.f64[b + L.B_EVENT_T] = t; },
    }, callbacks);
    F[b + L.B_CALLBACKS] = 1;
  }

  const rhs: RhsCaller<P> = new RhsCaller(eng, prob, ws, {
    // Move the buffer to a larger block at the arena top; the old one is freed with the solve.
    grow: (kind, need) => (kind === L.GROW_SAVE ? save : denseBufs[cur]).grow(need),
    onStep: (tprev, t) => (events ? events.onStep(tprev, t) : L.CB_NONE),
    onEvent: (t) => (events ? events.onEvent(t) : 0),
  });

  const segments: DenseData[] = [];
  let nswitch = 0;
  let nback = 0;
  let saveBase = 0;
  let stopBase = 0;
  const code = eng.withHandlers(rhs, () => {
    if (events) {
      try {
        events.start(t0, rhs.slotView(ws.u));
      } catch (e) {
        throw new Error(`solve: a callback condition threw at t = ${t0}: ${(e as Error)?.message ?? e}`, { cause: e });
      }
    }
    for (;;) {
      const ph = phases[cur];
      const G = eng.f64;
      writeController(G, b, ph.alg);
      G[b + L.B_TAB] = ph.mb.ptr;
      denseBufs[cur].attach();
      G[b + L.B_DENSE_COUNT] = 0;
      if (auto) {
        // After switchMax returns from the stiff method, the stiff method keeps the rest.
        const stiffStays = cur === 1 && nback >= auto.options.switchMax;
        G[b + LA.B_AUTO_MODE] = cur === 0 ? LA.AUTO_NONSTIFF : stiffStays ? LA.AUTO_OFF : LA.AUTO_STIFF;
      }
      const c = driverFor(ph.alg).solve(eng, blk);
      if (o.dense) segments.push(denseSegment(eng.f64, b, denseBufs[cur], ws.nPad, ph));
      if (c !== LA.RET_SWITCH) return c;
      // Resume with the other method at the accepted step where this one stopped: its time and
      // state, the dt the switch chose, the controller's last error, the output positions; no
      // new initial dt and no second save of the start.
      const H = eng.f64;
      saveBase += H[b + LA.B_AUTO_SAVEIDX];
      stopBase += H[b + LA.B_AUTO_STOPIDX];
      H[b + L.B_T0] = H[b + L.B_T];
      H[b + L.B_DT] = H[b + LA.B_AUTO_DT];
      H[b + L.B_QOLDINIT] = H[b + LA.B_AUTO_ERROLD];
      H[b + L.B_SAVE_START] = 0;
      H[b + L.B_SAVEAT] = pSaveat + 8 * saveBase;
      H[b + L.B_NSAVEAT] = o.saveat.length - saveBase;
      H[b + L.B_TSTOPS] = pTstops + 8 * stopBase;
      H[b + L.B_NTSTOPS] = o.tstops.length - stopBase;
      // maxiters bounds the attempts of the whole solve.
      H[b + L.B_MAXITERS] = Math.max(1, o.maxiters - H[b + L.B_NACCEPT] - H[b + L.B_NREJECT]);
      cur = 1 - cur;
      nswitch++;
      if (cur === 0) nback++;
    }
  });
  // Memory only moves when `grow` allocated, which refreshed the engine's views.
  const G = eng.f64;
  if (code === L.RET_ABORTED) {
    const full = save.failure ?? denseBufs.find((d) => d.failure)?.failure;
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
  G[b + L.B_NSWITCH] = nswitch;
  const stats: SolveStats = {
    nf: G[b + L.B_NF], nw: G[b + L.B_NW], nsolve: G[b + L.B_NSOLVE], njacs: G[b + L.B_NJAC], nnonliniter: G[b + L.B_NNONLIN], nnonlinconvfail: G[b + L.B_NNONLINFAIL],
    naccept: G[b + L.B_NACCEPT], nreject: G[b + L.B_NREJECT], nswitch: G[b + L.B_NSWITCH],
  };
  const dense = !o.dense ? null : phases.length === 1 ? segments[0] : segments;
  if (tally) {
    tally.solves++;
    for (const k of Object.keys(stats) as (keyof SolveStats)[]) tally[k] += stats[k];
  }
  return new Solution<P>(prob, name, t, u, retcodeName(code), stats, dense);
}

/** Work counters summed over several solves, and how many there were. */
export interface SolveTally extends SolveStats {
  solves: number;
}

/** The tally every finished solve adds to while `tallySolves` runs (undefined: none). */
let tally: SolveTally | undefined;

/**
 * Runs `fn` and sums the stats of every solve it finishes (nested tallies each see their own
 * solves; an outer one does not see an inner one's).
 */
export function tallySolves<T>(fn: () => T): { result: T; stats: SolveTally } {
  const outer = tally;
  const mine: SolveTally = { solves: 0, nf: 0, nw: 0, nsolve: 0, njacs: 0, nnonliniter: 0, nnonlinconvfail: 0, naccept: 0, nreject: 0, nswitch: 0 };
  tally = mine;
  try {
    return { result: fn(), stats: mine };
  } finally {
    tally = outer;
  }
}

/** The controller constants of the method about to run. */
function writeController(F: Float64Array, b: number, alg: Algorithm): void {
  const ctl = controllerFor(alg);
  F[b + L.B_BETA1] = ctl.beta1;
  F[b + L.B_BETA2] = ctl.beta2;
  F[b + L.B_GAMMA] = ctl.gamma;
  F[b + L.B_QMIN] = ctl.qmin;
  F[b + L.B_QMAX] = ctl.qmax;
  F[b + L.B_QSTEADY_MIN] = 1;
  F[b + L.B_QSTEADY_MAX] = ctl.qsteadyMax;
}

/** The dense records one engine solve wrote, copied out with the method that made them. */
function denseSegment(G: Float64Array, b: number, buf: OutputBuffer, nPad: number, ph: Phase): DenseData {
  const nrec = G[b + L.B_DENSE_COUNT];
  return {
    records: G.slice(buf.ptr >>> 3, (buf.ptr >>> 3) + nrec * buf.recLen),
    count: nrec,
    recLen: buf.recLen,
    nPad,
    stotal: ph.mb.ndense,
    method: ph.alg,
  };
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
    this.attach();
  }

  /** Points the block at this buffer (a solve with two methods keeps one dense buffer each). */
  attach(): void {
    this.eng.f64[(this.blk >>> 3) + this.ptrSlot] = this.ptr;
    this.eng.f64[(this.blk >>> 3) + this.capSlot] = this.cap;
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
  if (!model) {
    attachEngineRhs(eng, blk, prob);
    return;
  }
  // The tape is loaded (and its parameter-only part computed) even when the model's emitted
  // WebAssembly function is what the engine calls: the copy is small.
  const { pCode, pRegs } = loadTape(eng, model.tape, prob.paramVector!);
  const func = model.wasmFunction;
  eng.f64[(blk >>> 3) + L.B_TAPE] = pCode;
  eng.f64[(blk >>> 3) + L.B_REGS] = pRegs;
  eng.f64[(blk >>> 3) + L.B_FUNC] = func;
}
