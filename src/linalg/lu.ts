/**
 * Dense LU factorization with partial pivoting (P·A = L·U) and solves, run by the engine
 * (assembly/linalg/lu.ts): a typed wrapper that copies a matrix into engine memory, factors
 * or solves there and copies the result out. Internal for now: the stiff solvers call the
 * engine directly on their own workspace.
 *
 * Matrices are row-major Float64Arrays (entry (i, j) at i·n + j), the order of
 * `model.jacobian`; right-hand sides are n×nrhs, row-major too (one vector when nrhs = 1).
 */
import { getEngine } from '../runtime/engine.js';

/** The engine's statuses (assembly/linalg/lu.ts). */
const LU_NONFINITE = -1;
const LU_BAD_ARGUMENT = -2;

/** A factorization P·A = L·U of an n×n matrix. */
export interface LUFactorization {
  readonly n: number;
  /**
   * L and U in one n×n row-major array: U on and above the diagonal, L's multipliers below
   * it (L's unit diagonal is not stored).
   */
  readonly lu: Float64Array;
  /**
   * The interchanges, 0-based: at step k row k was swapped with row piv[k] ≥ k (LAPACK's
   * ipiv less one). Applying them in order k = 0 … n−1 to the rows of A gives P·A.
   */
  readonly piv: Int32Array;
  /** 0, or k+1 when U(k, k) is the first exactly zero pivot (A is singular). */
  readonly status: number;
  /** True when some pivot is exactly zero: the factors exist but cannot solve. */
  readonly singular: boolean;
}

function checkSize(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`LU: the size must be an integer ≥ 0, got ${String(n)}`);
}

function checkArray(x: ArrayLike<number>, what: string, expected: number, shape: string): void {
  if (x == null || typeof x.length !== 'number') throw new TypeError(`LU: ${what} must be an array of numbers`);
  if (x.length !== expected) throw new RangeError(`LU: ${what} has ${x.length} entries, expected ${shape} = ${expected}`);
}

/** The first entry of x that is not a finite number, as a message, or '' when all are. */
function firstNonFinite(x: ArrayLike<number>, cols: number, what: string): string {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      return `${what}[${Math.floor(i / cols)}][${i % cols}] (entry ${i}) is ${String(v)}: it must be a finite number`;
    }
  }
  return '';
}

/**
 * Factors the n×n row-major matrix A: P·A = L·U. A singular matrix is not an error: the
 * result says so (status, singular). Throws a RangeError for a wrong size, and for a NaN or
 * infinite entry (or a factorization that overflows).
 */
export function luFactor(A: ArrayLike<number>, n: number): LUFactorization {
  checkSize(n);
  checkArray(A, 'the matrix', n * n, `${n}·${n}`);
  const eng = getEngine();
  const mark = eng.mark();
  try {
    const pA = eng.alloc(8 * Math.max(1, n * n));
    const pPiv = eng.alloc(4 * Math.max(1, n));
    eng.f64.set(A, pA >>> 3);
    const status = eng.raw.luFactor(pA, n, Math.max(1, n), pPiv);
    if (status === LU_NONFINITE) {
      throw new RangeError(`LU: ${firstNonFinite(A, n, 'the matrix') || 'the factorization overflowed (an entry of L or U is beyond the f64 range)'}`);
    }
    if (status === LU_BAD_ARGUMENT) throw new RangeError(`LU: the engine refused the size ${n}`);
    return {
      n,
      lu: eng.f64.slice(pA >>> 3, (pA >>> 3) + n * n),
      piv: eng.i32.slice(pPiv >>> 2, (pPiv >>> 2) + n),
      status,
      singular: status > 0,
    };
  } finally {
    eng.release(mark);
  }
}

/**
 * Solves A·X = B with a factorization of A: B is n×nrhs, row-major (a plain vector of n
 * entries when nrhs = 1); returns X in the same layout. Throws when the factorization is of
 * a singular matrix, for wrong sizes, and for a non-finite entry of B or of X.
 */
export function luSolve(f: LUFactorization, b: ArrayLike<number>, nrhs = 1): Float64Array {
  const n = f.n;
  if (!Number.isInteger(nrhs) || nrhs < 1) throw new RangeError(`LU: the number of right-hand sides must be an integer ≥ 1, got ${String(nrhs)}`);
  if (f.lu.length !== n * n || f.piv.length !== n) throw new RangeError('LU: the factorization is malformed (lu must have n·n entries, piv n)');
  for (let k = 0; k < n; k++) {
    if (!(f.piv[k] >= k && f.piv[k] < n)) throw new RangeError(`LU: piv[${k}] is ${f.piv[k]}, not a row in ${k} … ${n - 1}`);
  }
  if (f.singular) throw new RangeError(`LU: cannot solve, the matrix is singular (U[${f.status - 1}][${f.status - 1}] is 0)`);
  checkArray(b, 'the right-hand side', n * nrhs, `${n}·${nrhs}`);
  const eng = getEngine();
  const mark = eng.mark();
  try {
    const pLU = eng.alloc(8 * Math.max(1, n * n));
    const pPiv = eng.alloc(4 * Math.max(1, n));
    const pB = eng.alloc(8 * Math.max(1, n * nrhs));
    eng.f64.set(f.lu, pLU >>> 3);
    eng.i32.set(f.piv, pPiv >>> 2);
    eng.f64.set(b, pB >>> 3);
    eng.raw.luSolve(pLU, n, Math.max(1, n), pPiv, pB, nrhs, nrhs);
    const x = eng.f64.slice(pB >>> 3, (pB >>> 3) + n * nrhs);
    // Finite factors and a finite B give a finite X unless it overflows: check X, then say why.
    if (firstNonFinite(x, nrhs, 'x')) {
      throw new RangeError(`LU: ${firstNonFinite(b, nrhs, 'the right-hand side') || 'the solution overflowed (an entry is beyond the f64 range)'}`);
    }
    return x;
  } finally {
    eng.release(mark);
  }
}
