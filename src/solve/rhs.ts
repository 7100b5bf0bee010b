/**
 * Answers the engine's calls during one solve (or one interpolation). Its `rhs` calls the
 * JavaScript right-hand side with views over the engine's own vectors — one cached
 * Float64Array per workspace slot, so a call allocates nothing — and is the hot path: the
 * engine's import calls this object's method directly.
 */
import type { Engine, EngineHandlers } from '../runtime/engine.js';
import type { ODEProblem, InPlaceRHS, OutOfPlaceRHS, JacobianFunction, TgradFunction } from './problem.js';
import type { Workspace } from './solve.js';

/** What the solve adds to the right-hand side: room for output and callbacks. */
export interface SolveHooks {
  grow(kind: number, need: number): number;
  onStep(tprev: number, t: number): number;
  onEvent(t: number): number;
}

function modelNotCalled(): never {
  throw new Error('difflux: a compiled model was sent to the JavaScript right-hand side');
}

export class RhsCaller<P> implements EngineHandlers {
  private views: (Float64Array | undefined)[];
  private error: unknown = undefined;
  /** Whether the last stored error came from f, jac or tgrad (not from a callback). */
  lastErrorWasRhs = false;
  /** Which of the problem's functions the stored error came from, for the message. */
  lastErrorSource = 'the right-hand side';
  private readonly n: number;
  private generation: number;

  private readonly base: number;
  private readonly stride: number;
  private readonly f: InPlaceRHS<P> | OutOfPlaceRHS<P>;
  private readonly p: P;
  private readonly inplace: boolean;
  private readonly jacFn: JacobianFunction<P> | undefined;
  private readonly tgradFn: TgradFunction<P> | undefined;
  /** The arrays handed to jac and tgrad: JavaScript-owned, so a nested solve cannot detach them. */
  private jbuf: Float64Array | undefined;
  private tbuf: Float64Array | undefined;

  constructor(private readonly eng: Engine, prob: ODEProblem<P>, private readonly ws: Workspace, private readonly hooks: SolveHooks) {
    this.n = prob.u0.length;
    this.base = ws.base;
    this.stride = ws.stride;
    // A compiled model is evaluated inside the engine and never reaches `rhs`.
    this.f = prob.model ? modelNotCalled : (prob.f as InPlaceRHS<P> | OutOfPlaceRHS<P>);
    this.p = prob.p;
    this.inplace = prob.inplace;
    this.jacFn = prob.jac;
    this.tgradFn = prob.tgrad;
    this.views = new Array(ws.slots);
    this.generation = eng.generation;
  }

  /** The cached view of the workspace vector at `ptr`. */
  slotView(ptr: number): Float64Array {
    if (this.generation !== this.eng.generation) {
      this.generation = this.eng.generation;
      this.views = new Array(this.ws.slots);
    }
    const i = (ptr - this.ws.base) / this.ws.stride;
    let v = this.views[i];
    if (v === undefined) {
      v = this.eng.view(ptr, this.n);
      if (i >= 0 && i < this.ws.slots && i === (i | 0)) this.views[i] = v;
    }
    return v;
  }

  grow(kind: number, need: number): number {
    return this.hooks.grow(kind, need);
  }

  onStep(tprev: number, t: number): number {
    return this.hooks.onStep(tprev, t);
  }

  onEvent(t: number): number {
    return this.hooks.onEvent(t);
  }

  /** Engine import: du = f(u, p, t). Returns 0, or 1 after storing the error. */
  rhs(t: number, uPtr: number, duPtr: number): number {
    try {
      // The hot path: both vectors are workspace slots whose views are cached.
      let u: Float64Array | undefined;
      let du: Float64Array | undefined;
      if (this.generation === this.eng.generation) {
        u = this.views[(uPtr - this.base) / this.stride];
        du = this.views[(duPtr - this.base) / this.stride];
      }
      if (u === undefined) u = this.slotView(uPtr);
      if (du === undefined) du = this.slotView(duPtr);
      if (this.inplace) {
        (this.f as InPlaceRHS<P>)(du, u, this.p, t);
      } else {
        const r = (this.f as OutOfPlaceRHS<P>)(u, this.p, t);
        if (r == null || typeof (r as ArrayLike<number>).length !== 'number') {
          throw new TypeError(`f returned ${r === undefined ? 'undefined' : typeof r}; an out-of-place f must return an array of ${this.n} numbers`);
        }
        if (r.length !== this.n) throw new RangeError(`f returned ${r.length} values but the state has ${this.n}`);
        // f may have started a nested solve that grew memory: take fresh views.
        this.slotView(duPtr).set(r);
      }
      return 0;
    } catch (e) {
      this.error = e;
      this.lastErrorWasRhs = true;
      this.lastErrorSource = 'the right-hand side';
      return 1;
    }
  }

  /** Engine import: J = jac(u, p, t) into the n×n row-major matrix at `jPtr`. 0, or 1 after storing the error. */
  jac(t: number, uPtr: number, jPtr: number): number {
    const n = this.n;
    try {
      if (!this.jacFn) throw new Error('difflux: the engine asked for a Jacobian the problem does not have');
      const J = (this.jbuf ??= new Float64Array(n * n));
      J.fill(0);
      const r = this.jacFn(J, this.slotView(uPtr), this.p, t);
      if (r !== undefined) readMatrix(r, J, n);
      this.eng.view(jPtr, n * n).set(J);
      return 0;
    } catch (e) {
      return this.fail(e, 'jac');
    }
  }

  /** Engine import: dT = tgrad(u, p, t) into the vector at `dtPtr`. 0, or 1 after storing the error. */
  tgrad(t: number, uPtr: number, dtPtr: number): number {
    const n = this.n;
    try {
      if (!this.tgradFn) throw new Error('difflux: the engine asked for a tgrad the problem does not have');
      const T = (this.tbuf ??= new Float64Array(n));
      T.fill(0);
      const r = this.tgradFn(T, this.slotView(uPtr), this.p, t);
      if (r !== undefined) {
        if (r === null || typeof (r as ArrayLike<number>).length !== 'number' || (r as ArrayLike<number>).length !== n) {
          throw new TypeError(`tgrad returned ${describe(r)}; it must fill dT in place and return nothing, or return ${n} numbers`);
        }
        for (let i = 0; i < n; i++) T[i] = Number((r as ArrayLike<number>)[i]);
      }
      this.slotView(dtPtr).set(T);
      return 0;
    } catch (e) {
      return this.fail(e, 'tgrad');
    }
  }

  private fail(e: unknown, source: string): number {
    this.error = e;
    this.lastErrorWasRhs = true;
    this.lastErrorSource = source;
    return 1;
  }

  /** The stored error, once. */
  takeError(): unknown {
    const e = this.error;
    this.error = undefined;
    return e;
  }
}

function describe(r: unknown): string {
  if (r === null) return 'null';
  if (typeof r !== 'object') return typeof r;
  const len = (r as ArrayLike<unknown>).length;
  return typeof len === 'number' ? `an array of ${len}` : 'an object';
}

/** Copies a matrix a jac returned (n rows of n, or n² values row by row) into J, or throws. */
function readMatrix(r: unknown, J: Float64Array, n: number): void {
  const bad = () => new TypeError(`jac returned ${describe(r)}; it must fill J (${n}×${n}, row-major) in place and return nothing, or return ${n} rows of ${n} numbers or ${n * n} numbers row by row`);
  if (r === null || typeof r !== 'object' || typeof (r as ArrayLike<unknown>).length !== 'number') throw bad();
  const m = r as ArrayLike<unknown>;
  if (m.length === n && typeof m[0] === 'object' && m[0] !== null) {
    for (let i = 0; i < n; i++) {
      const row = m[i] as ArrayLike<number>;
      if (row === null || typeof row !== 'object' || row.length !== n) throw bad();
      for (let j = 0; j < n; j++) J[i * n + j] = Number(row[j]);
    }
  } else if (m.length === n * n) {
    for (let q = 0; q < n * n; q++) J[q] = Number(m[q]);
  } else {
    throw bad();
  }
}
