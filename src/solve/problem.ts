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
   * An n×n array of rows or n² values row by row. Every implicit method takes it (Rosenbrock
   * methods — Rosenbrock32 only for a nonsingular M —, SDIRK methods, FBDF, RadauIIA5);
   * explicit methods refuse it. u0 must satisfy the algebraic equations (|f_i| ≤ abstol_i on each
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
  /**
   * The structure of ∂f/∂u, as DifferentialEquations.jl's `jac_prototype`: `{ lower, upper }`
   * for a banded Jacobian with `lower` subdiagonals and `upper` superdiagonals (a method-of-
   * lines discretization), or an n×n pattern — rows of numbers or booleans, nonzero where J
   * may be nonzero — whose band is read off. Implicit methods then compute J by column groups
   * (lower + upper + 1 evaluations of f, or forward AD sweeps, whatever n is) and factor W in
   * band storage: O(n·lower·(lower + upper)) per factorization instead of O(n³), and no limit
   * on n from dense matrices. Not with RadauIIA5 or a user `jac`; with a mass matrix, M's
   * nonzeros must lie inside the band.
   */
  jacPrototype?: Bandwidth | ArrayLike<ArrayLike<number | boolean>>;
}

/** A band: J(i, j) may be nonzero only for i − lower ≤ j ≤ i + upper. */
export interface Bandwidth {
  lower: number;
  upper: number;
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
  /** J's band from `jacPrototype`; undefined for a dense Jacobian. */
  readonly bandwidth: Readonly<Bandwidth> | undefined;

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
    this.bandwidth = options.jacPrototype === undefined ? undefined : readBandwidth(options.jacPrototype, this.u0.length);
    if (this.bandwidth && this.jac) {
      throw new Error('ODEProblem: jac and a banded jacPrototype cannot be combined yet; give jacPrototype (J by column groups) or jac (a dense J)');
    }
    if (this.bandwidth && this.massMatrix) {
      const n = this.u0.length;
      const { lower, upper } = this.bandwidth;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (this.massMatrix[i * n + j] !== 0 && (j < i - lower || j > i + upper)) {
            throw new RangeError(`ODEProblem: massMatrix[${i}][${j}] lies outside the band of jacPrototype (lower ${lower}, upper ${upper})`);
          }
        }
      }
    }
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

/** The band of `jacPrototype`: given as { lower, upper }, or read off an n×n pattern. */
function readBandwidth(proto: Bandwidth | ArrayLike<ArrayLike<number | boolean>>, n: number): Bandwidth {
  const where = 'ODEProblem: jacPrototype';
  if (proto === null || typeof proto !== 'object') {
    throw new TypeError(`${where} must be { lower, upper } or an ${n}×${n} pattern, got ${proto === null ? 'null' : typeof proto}`);
  }
  if (typeof (proto as ArrayLike<unknown>).length !== 'number') {
    const { lower, upper } = proto as Bandwidth;
    for (const [k, v] of [['lower', lower], ['upper', upper]] as const) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= n) {
        throw new RangeError(`${where}.${k} must be a whole number from 0 to ${n - 1} (the state has ${n} values), got ${String(v)}`);
      }
    }
    return Object.freeze({ lower, upper });
  }
  const rows = proto as ArrayLike<ArrayLike<number | boolean>>;
  if (rows.length !== n) throw new RangeError(`${where} must have ${n} rows (the state has ${n} values), got ${rows.length}`);
  let lower = 0;
  let upper = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r == null || typeof r !== 'object' || r.length !== n) {
      throw new RangeError(`${where} row ${i} must have ${n} entries, got ${r == null || typeof r !== 'object' ? String(r) : r.length}`);
    }
    for (let j = 0; j < n; j++) {
      const v = r[j];
      if (typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError(`${where}[${i}][${j}] must be a number or a boolean, got ${typeof v}`);
      if (v) {
        if (i - j > lower) lower = i - j;
        if (j - i > upper) upper = j - i;
      }
    }
  }
  return Object.freeze({ lower, upper });
}
