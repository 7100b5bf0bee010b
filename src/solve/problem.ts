/** ODE problems: du/dt = f(u, p, t) on a time span. */
import { checkFiniteArray, checkFiniteParams } from './validate.js';
import { Model } from '../model/model.js';

/** In-place right-hand side: writes du/dt into `du`. */
export type InPlaceRHS<P = unknown> = (du: Float64Array, u: Float64Array, p: P, t: number) => void;
/** Out-of-place right-hand side: returns du/dt. */
export type OutOfPlaceRHS<P = unknown> = (u: Float64Array, p: P, t: number) => ArrayLike<number>;
export type RHS<P = unknown> = InPlaceRHS<P> | OutOfPlaceRHS<P>;

/**
 * The Jacobian J = ∂f/∂u of the right-hand side at (u, p, t), as DifferentialEquations.jl's
 * `ODEFunction(f; jac)`. `J` is an n×n Float64Array, row-major (`J[i*n + j] = ∂f_i/∂u_j`, the
 * engine's own layout), filled with zeros before each call: write the nonzeros and return
 * nothing, or return the matrix (n rows of n values, or n² values row by row).
 */
export type JacobianFunction<P = unknown> = (J: Float64Array, u: Float64Array, p: P, t: number) => void | ArrayLike<number> | ArrayLike<ArrayLike<number>>;
/**
 * ∂f/∂t at (u, p, t), as DifferentialEquations.jl's `tgrad`: fill `dT` (n values, zeros before
 * each call) or return n values.
 */
export type TgradFunction<P = unknown> = (dT: Float64Array, u: Float64Array, p: P, t: number) => void | ArrayLike<number>;

export interface ODEProblemOptions<P = unknown> {
  /**
   * Whether `f` is in place, `f(du, u, p, t)`. By default it is decided as in
   * DifferentialEquations.jl, from the number of declared parameters (4: in place, 3: out of
   * place); with fewer (`(du, u) => …` or `(u) => […]`), f is called once at t0: a function
   * that returns an array is out of place.
   */
  inplace?: boolean;
  /**
   * The mass matrix M of M·du/dt = f(u, p, t), constant and possibly singular (rows of zeros
   * make algebraic equations: an index-1 DAE), as DifferentialEquations.jl's `mass_matrix`.
   * An n×n array of rows or n² values row by row. Only implicit methods that take it accept
   * such a problem (the Rosenbrock methods: Rodas5P, Rodas4, Rosenbrock23; Rosenbrock32 only
   * for a nonsingular M). u0 must satisfy the algebraic equations (|f_i| ≤ abstol_i on each
   * zero row i), else the solve ends at once with `InitialFailure`. Omitted: the identity.
   */
  massMatrix?: ArrayLike<ArrayLike<number>> | ArrayLike<number>;
  /**
   * The exact Jacobian ∂f/∂u (see JacobianFunction). Implicit methods call it instead of
   * finite differences or automatic differentiation, once per Jacobian they need
   * (`sol.stats.njacs`); without `tgrad`, ∂f/∂t then takes one extra evaluation of f.
   */
  jac?: JacobianFunction<P>;
  /** The exact ∂f/∂t (see TgradFunction), used with or without `jac`. */
  tgrad?: TgradFunction<P>;
}

/**
 * An initial value problem du/dt = f(u, p, t), u(t0) = u0, t ∈ tspan.
 *
 * ```ts
 * const lv = (du, u, p, t) => { du[0] = p[0]*u[0] - p[1]*u[0]*u[1]; du[1] = -p[2]*u[1] + p[3]*u[0]*u[1]; };
 * const prob = new ODEProblem(lv, [1, 1], [0, 10], [1.5, 1, 3, 1]);
 * ```
 * A span with t1 < t0 integrates backward in time.
 */
export class ODEProblem<P = unknown> {
  readonly f: RHS<P> | Model;
  /** The compiled model when `f` is one (its solves run entirely in the engine). */
  readonly model: Model | undefined;
  /** A model's parameters, in its order. */
  readonly paramVector: Float64Array | undefined;
  readonly u0: Float64Array;
  readonly tspan: readonly [number, number];
  readonly p: P;
  readonly inplace: boolean;
  /** M of M·du/dt = f, n² values row by row; undefined for the identity. */
  readonly massMatrix: Float64Array | undefined;
  /** The user's Jacobian ∂f/∂u, if given. */
  readonly jac: JacobianFunction<P> | undefined;
  /** The user's ∂f/∂t, if given. */
  readonly tgrad: TgradFunction<P> | undefined;

  constructor(f: RHS<P> | Model, u0: ArrayLike<number>, tspan: readonly [number, number] | number[], p?: P, options: ODEProblemOptions<P> = {}) {
    if (typeof f !== 'function' && !(f instanceof Model)) throw new TypeError('ODEProblem: f must be a function (du, u, p, t) => void or (u, p, t) => array, or a model from ode`…`');
    this.u0 = checkFiniteArray(u0, 'u0');
    if (this.u0.length === 0) throw new RangeError('ODEProblem: u0 is empty');
    if (!tspan || tspan.length !== 2) throw new RangeError('ODEProblem: tspan must be [t0, t1]');
    const [t0, t1] = [Number(tspan[0]), Number(tspan[1])];
    if (!Number.isFinite(t0) || !Number.isFinite(t1)) throw new RangeError(`ODEProblem: tspan must be finite, got [${tspan[0]}, ${tspan[1]}]`);
    if (t0 === t1) throw new RangeError(`ODEProblem: tspan is empty (t0 = t1 = ${t0})`);
    this.f = f;
    this.tspan = [t0, t1];
    this.p = p as P;
    if (options === null || typeof options !== 'object') throw new TypeError('ODEProblem: options must be an object, e.g. { massMatrix: M }');
    this.massMatrix = options.massMatrix === undefined ? undefined : readMassMatrix(options.massMatrix, this.u0.length);
    for (const key of ['jac', 'tgrad'] as const) {
      const g = options[key];
      if (g !== undefined && typeof g !== 'function') {
        throw new TypeError(`ODEProblem: ${key} must be a function ${key === 'jac' ? '(J, u, p, t) => void filling J (n×n, row-major)' : '(dT, u, p, t) => void filling ∂f/∂t'}, got ${g === null ? 'null' : typeof g}`);
      }
    }
    this.jac = options.jac;
    this.tgrad = options.tgrad;
    if (f instanceof Model) {
      if (this.u0.length !== f.length) {
        const shape = f.states.map((s, i) => (f.sizes[i] > 1 ? `${s}[${f.sizes[i]}]` : s)).join(', ');
        throw new RangeError(`ODEProblem: u0 has ${this.u0.length} values but the model has ${f.length} (${shape})`);
      }
      this.model = f;
      this.paramVector = f.paramVector(p);
      this.inplace = true;
      return;
    }
    checkFiniteParams(p);
    if (options.inplace !== undefined) this.inplace = !!options.inplace;
    else if (f.length >= 4) this.inplace = true;
    else if (f.length === 3) this.inplace = false;
    else this.inplace = probeInPlace(f, this.u0, this.p, t0);
  }
}

/** Calls f once in the in-place form: an out-of-place f gives itself away by returning an array. */
function probeInPlace<P>(f: RHS<P>, u0: Float64Array, p: P, t0: number): boolean {
  const du = new Float64Array(u0.length);
  let r: unknown;
  try {
    r = (f as (...a: unknown[]) => unknown)(du, u0.slice(), p, t0);
  } catch (e) {
    throw new TypeError(`ODEProblem: f threw when called to tell whether it is in place; pass { inplace: true | false } (${(e as Error)?.message ?? e})`);
  }
  return !(r != null && typeof r === 'object' && typeof (r as ArrayLike<number>).length === 'number');
}

/** M as n² values row by row, checked; the identity reads as undefined (no mass matrix). */
function readMassMatrix(m: ArrayLike<ArrayLike<number>> | ArrayLike<number>, n: number): Float64Array | undefined {
  if (m == null || typeof (m as ArrayLike<unknown>).length !== 'number') {
    throw new TypeError(`ODEProblem: massMatrix must be an ${n}×${n} array of rows or ${n * n} numbers row by row`);
  }
  const out = new Float64Array(n * n);
  const rows = m as ArrayLike<unknown>;
  if (rows.length === n && n > 0 && typeof rows[0] === 'object' && rows[0] !== null) {
    for (let i = 0; i < n; i++) {
      const r = rows[i] as ArrayLike<number>;
      if (r == null || typeof r !== 'object' || r.length !== n) {
        throw new RangeError(`ODEProblem: massMatrix row ${i} must have ${n} values (the state has ${n}), got ${r == null || typeof r !== 'object' ? String(r) : r.length}`);
      }
      for (let j = 0; j < n; j++) out[i * n + j] = Number(r[j]);
    }
  } else if (rows.length === n * n) {
    for (let q = 0; q < n * n; q++) out[q] = Number(rows[q]);
  } else {
    throw new RangeError(`ODEProblem: massMatrix must be ${n}×${n} (the state has ${n} values), got ${rows.length} ${typeof rows[0] === 'object' ? 'rows' : 'values'}`);
  }
  for (let q = 0; q < n * n; q++) {
    if (!Number.isFinite(out[q])) throw new RangeError(`ODEProblem: massMatrix[${Math.floor(q / n)}][${q % n}] is ${out[q]}; it must be finite`);
  }
  let identity = true;
  for (let i = 0; i < n && identity; i++) for (let j = 0; j < n; j++) if (out[i * n + j] !== (i === j ? 1 : 0)) { identity = false; break; }
  return identity ? undefined : out;
}
