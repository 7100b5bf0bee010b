/** The result of `solve`: saved times and states, the dense interpolant, retcode and stats. */
import * as L from '../../assembly/solvers/layout.js';
import { getEngine } from '../runtime/engine.js';
import type { Algorithm } from './algorithms.js';
import type { ODEProblem } from './problem.js';
import type { ReturnCode } from './retcode.js';
import { allocWorkspace, writeWorkspace, attachModel, methodBlock, interpolateWith } from './solve.js';
import { RhsCaller } from './rhs.js';

/** Counters as DifferentialEquations.jl's DEStats (nw, nsolve and njacs count for Rosenbrock methods). */
export interface SolveStats {
  /** Right-hand-side evaluations. */
  nf: number;
  /** W-matrix (I − γJ) factorizations. */
  nw: number;
  /** Linear solves. */
  nsolve: number;
  /** Jacobian evaluations. */
  njacs: number;
  /** Nonlinear solver iterations. */
  nnonliniter: number;
  /** Nonlinear solver convergence failures. */
  nnonlinconvfail: number;
  /** Accepted steps. */
  naccept: number;
  /** Rejected steps. */
  nreject: number;
  /** Switches between the nonstiff and the stiff method (automatic switching; 0 otherwise). */
  nswitch: number;
}

/** Per-step dense records as the engine wrote them (assembly/solvers/output.ts). */
export interface DenseData {
  records: Float64Array;
  count: number;
  recLen: number;
  nPad: number;
  /** Stage vectors per record (after u_start). */
  stotal: number;
  /** The method that made the records (its dense output reads them). */
  method: Algorithm;
}

export class Solution<P = unknown> {
  /**
   * The dense output in pieces of consecutive steps made by one method, in the order of time
   * (one piece unless the algorithm switched methods).
   */
  private readonly pieces: DenseData[];

  constructor(
    /** The problem that was solved. */
    readonly prob: ODEProblem<P>,
    /** Name of the algorithm. */
    readonly alg: string,
    /** Saved times. */
    readonly t: Float64Array,
    /** Saved states, one Float64Array per saved time. */
    readonly u: Float64Array[],
    /** Why the integration ended: `Success` when it reached the end of the span. */
    readonly retcode: ReturnCode,
    /** Work counters. */
    readonly stats: SolveStats,
    dense: DenseData | DenseData[] | null,
  ) {
    this.pieces = dense === null ? [] : Array.isArray(dense) ? dense.filter((d) => d.count > 0) : [dense];
    this.hasDense = dense !== null;
  }

  private readonly hasDense: boolean;

  /** The dense records, piece by piece (none without dense output): the adjoints' source and the discrete adjoint's tape. @internal */
  get denseData(): readonly DenseData[] {
    return this.pieces;
  }

  /** True when `retcode` is `Success` (or `Terminated` by a callback). */
  get success(): boolean {
    return this.retcode === 'Success' || this.retcode === 'Terminated';
  }

  /** Component `i` at every saved time. */
  component(i: number): Float64Array {
    const n = this.prob.u0.length;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`Solution.component: index ${i} is outside 0..${n - 1}`);
    const out = new Float64Array(this.t.length);
    for (let k = 0; k < out.length; k++) out[k] = this.u[k][i];
    return out;
  }

  /**
   * The state at time `t` from the method's dense output (or one component with `i`).
   * Needs `dense` (the default when every step is saved and no `saveat` is given).
   */
  at(t: number): Float64Array;
  at(t: number, i: number): number;
  at(t: number, i?: number): Float64Array | number {
    if (!this.hasDense) throw new Error('Solution.at: this solution has no dense output; solve with dense: true (the default unless saveat is given or saveEverystep is false)');
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new RangeError(`Solution.at: t must be a finite number, got ${String(t)}`);
    const n = this.prob.u0.length;
    if (i !== undefined && (!Number.isInteger(i) || i < 0 || i >= n)) throw new RangeError(`Solution.at: index ${i} is outside 0..${n - 1}`);
    const P = this.pieces;
    if (P.length === 0) {
      if (this.t.length && t === this.t[0]) return i === undefined ? this.u[0].slice() : this.u[0][i];
      throw new RangeError('Solution.at: the solution has no steps to interpolate');
    }
    const endOf = (d: DenseData) => d.records[(d.count - 1) * d.recLen + 2];
    const tStart = P[0].records[0];
    const tEnd = endOf(P[P.length - 1]);
    const dir = tEnd >= tStart ? 1 : -1;
    if (dir * (t - tStart) < 0 || dir * (t - tEnd) > 0) {
      throw new RangeError(`Solution.at: t = ${t} is outside the solved interval [${tStart}, ${tEnd}]`);
    }
    // The first piece, then the first step in it, whose end is past t (so a step's start time
    // reads its saved state exactly, also at a switch between methods).
    let k = 0;
    while (k < P.length - 1 && !(dir * (endOf(P[k]) - t) > 0)) k++;
    const d = P[k];
    const R = d.records;
    let lo = 0;
    let hi = d.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dir * (R[mid * d.recLen + 2] - t) > 0) hi = mid;
      else lo = mid + 1;
    }
    const out = this.interpolate(d, lo, t);
    return i === undefined ? out : out[i];
  }

  /** Runs the engine's interpolation on stored step `rec`. */
  private interpolate(d: DenseData, rec: number, t: number): Float64Array {
    const eng = getEngine();
    const n = this.prob.u0.length;
    const { ptr: tab } = methodBlock(eng, d.method);
    const mark = eng.mark();
    try {
      const ws = allocWorkspace(eng, n, d.stotal);
      const blk = eng.alloc(L.B_SIZE * 8);
      writeWorkspace(eng.f64, blk, n, tab, ws);
      attachModel(eng, blk, this.prob as ODEProblem<unknown>);
      // Taken after the last allocation (an allocation may move memory).
      const F = eng.f64;
      const b = blk >>> 3;
      const r0 = rec * d.recLen;
      F[b + L.B_TPREV] = d.records[r0];
      F[b + L.B_DTCUR] = d.records[r0 + 1];
      const extrasDone = d.records[r0 + 3];
      F[b + L.B_EXTRAS_DONE] = extrasDone;
      // The record body [u_start][stages…] has the workspace's [uprev][k…] layout.
      const body = d.records.subarray(r0 + L.DENSE_HEAD, r0 + d.recLen);
      F.set(body, ws.uprev >>> 3);
      // Only the interpolation's extra stages call back, and only into f.
      const rhs = new RhsCaller(eng, this.prob, ws, { grow: () => 1, onStep: () => L.CB_ERROR, onEvent: () => L.CB_ERROR });
      const code = eng.withHandlers(rhs, () => interpolateWith(eng, d.method, blk, t, ws.out));
      if (code !== 0) {
        const e = rhs.takeError();
        throw new Error(`Solution.at: the right-hand side failed while computing interpolation stages: ${(e as Error)?.message ?? e}`, { cause: e });
      }
      const G = eng.f64;
      if (!extrasDone && G[b + L.B_EXTRAS_DONE]) {
        // Keep the lazily computed stages so the next query in this step is free.
        body.set(G.subarray(ws.uprev >>> 3, (ws.uprev >>> 3) + body.length));
        d.records[r0 + 3] = 1;
      }
      return G.slice(ws.out >>> 3, (ws.out >>> 3) + n);
    } finally {
      eng.release(mark);
    }
  }
}
