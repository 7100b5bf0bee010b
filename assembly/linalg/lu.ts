// Dense LU factorization with partial pivoting, P·A = L·U, by recursion on the columns, as
// RecursiveFactorization.jl does it (after Toledo 1997, "Locality of reference in LU
// decomposition with partial pivoting", and LAPACK's recursive dgetrf2):
//
//   factor(columns c0 .. c0+w of rows c0 .. n):
//     w small: the unblocked kernel (dgetf2: pivot search, row swap, scale, rank-1 update);
//     else split the columns, w = w1 + w2:
//       factor the left w1 columns (recursively, with pivoting);
//       A12 := L11⁻¹·A12                     (triangular solve, triangular.ts);
//       A22 := A22 − A21·A12                 (the Schur complement, the GEMM kernel, gemm.ts);
//       factor A22's w2 columns (recursively).
//
// Storage: row-major, element (i, j) at a + 8·(i·lda + j) — the order in which the rest of
// the engine and `model.jacobian` store Jacobians, so a Jacobian is factored where it lies,
// with no transpose. Row-major also suits partial pivoting more than one would think: a row
// interchange is a contiguous f64x2 copy, the rank-1 and Schur updates run along contiguous
// rows; only the pivot search reads a column with a stride, O(n) per column against the
// O(n²) update. Because rows are contiguous, a pivot's row interchange is applied to the
// whole row (all n columns) at once, where LAPACK applies it later to the blocks left and
// right of the panel (dlaswp): the result is the same, and no pass is left to do afterwards.
//
// Pivots: piv[k] (i32, 0-based) is the row interchanged with row k at step k, as LAPACK's
// ipiv (which is 1-based): applying the swaps k = 0, 1, …, n−1 in order to A gives P·A.
// L has a unit diagonal (not stored) below it, U is on and above the diagonal.
import { gemmSub } from './gemm';
import { trsmLowerUnit, trsmUpper, trsvLowerUnit, trsvUpper, split8 } from './triangular';
import { allFinite } from './vector';

/** Columns at or below which a block is factored by an unblocked kernel (8: the fast one). */
export const LU_BLOCK = 8;

/** Status: the factors hold a NaN or an infinity (from non-finite input, or overflow). */
export const LU_NONFINITE: i32 = -1;
/** Status: n < 0 or lda < max(1, n). */
export const LU_BAD_ARGUMENT: i32 = -2;

/** The smallest normal f64: below it 1/pivot would overflow, so the kernel divides instead. */
const MIN_NORMAL: f64 = 2.2250738585072014e-308;

/**
 * Factors the n×n row-major matrix at a (leading dimension lda ≥ n) in place: P·A = L·U,
 * with the interchanges in piv (n i32s). Returns 0 on success; k+1 when U(k, k) is exactly
 * zero for the first time (the matrix is singular; the factorization is still completed as
 * LAPACK does, but U must not be used to solve); LU_NONFINITE when any entry of the result
 * is NaN or ±∞ — any non-finite input entry leaves one there, since subtraction, division
 * and row interchanges keep a non-finite value non-finite, and so does an overflow — and
 * LU_BAD_ARGUMENT for impossible sizes. Non-finite takes precedence over singular.
 */
export function luFactor(a: usize, n: i32, lda: i32, piv: usize): i32 {
  if (n < 0 || lda < max(1, n)) return LU_BAD_ARGUMENT;
  if (n == 0) return 0;
  const info = factorBlock(a, lda, n, piv, 0, n);
  if (!finiteMatrix(a, n, lda)) return LU_NONFINITE;
  return info;
}

/**
 * Solves A·X = B with the factors from luFactor (status 0): b is n×nrhs row-major with
 * leading dimension ldb ≥ nrhs, overwritten by X. Applies the interchanges to B, then
 * solves with L and with U; one factorization serves any number of right-hand sides.
 */
export function luSolve(lu: usize, n: i32, lda: i32, piv: usize, b: usize, nrhs: i32, ldb: i32): void {
  if (n <= 0 || nrhs <= 0) return;
  const sb = <usize>ldb << 3;
  for (let k = 0; k < n; k++) {
    const p = load<i32>(piv + (<usize>k << 2));
    if (p != k) swapRows(b + <usize>k * sb, b + <usize>p * sb, nrhs);
  }
  if (nrhs == 1 && ldb == 1) {
    trsvLowerUnit(lu, lda, b, n);
    trsvUpper(lu, lda, b, n);
  } else {
    trsmLowerUnit(lu, lda, b, ldb, n, nrhs);
    trsmUpper(lu, lda, b, ldb, n, nrhs);
  }
}

/**
 * Factors columns c0 … c0+w−1 of rows c0 … n−1 (the block's top-left corner is on the
 * diagonal), recursively. Returns the first zero pivot's 1-based column, or 0.
 */
function factorBlock(a: usize, lda: i32, n: i32, piv: usize, c0: i32, w: i32): i32 {
  if (w <= LU_BLOCK) return w == 8 ? factorKernel8(a, lda, n, piv, c0) : factorKernel(a, lda, n, piv, c0, w);
  // The left part is a multiple of 8 columns: every block on the left recursion ends in an
  // 8-column leaf (the fast kernel below), only the rightmost leaf may be narrower.
  const w1 = split8(w);
  const w2 = w - w1;
  const sa = <usize>lda << 3;
  const c1 = c0 + w1;
  const a11 = a + <usize>c0 * sa + (<usize>c0 << 3);
  const a12 = a11 + (<usize>w1 << 3);
  const a21 = a11 + <usize>w1 * sa;
  const a22 = a21 + (<usize>w1 << 3);
  const info1 = factorBlock(a, lda, n, piv, c0, w1);
  // The left block's interchanges already moved the right block's rows (whole rows swap).
  trsmLowerUnit(a11, lda, a12, lda, w1, w2);
  gemmSub(a22, lda, a21, lda, a12, lda, n - c1, w2, w1);
  const info2 = factorBlock(a, lda, n, piv, c1, w2);
  return info1 != 0 ? info1 : info2;
}

/**
 * The unblocked kernel (LAPACK's dgetf2, right-looking) on columns c0 … c0+w−1, rows
 * c0 … n−1: for each column, the entry of largest magnitude on or below the diagonal (the
 * first of equals) becomes the pivot, its row is swapped into place across all n columns,
 * the entries below are divided by it (multiplied by its reciprocal, unless the pivot is
 * subnormal and the reciprocal would overflow)
 * and the block's remaining columns get the rank-1 update. A zero pivot means the column
 * is already zero below the diagonal: nothing to eliminate, and the step is skipped.
 */
function factorKernel(a: usize, lda: i32, n: i32, piv: usize, c0: i32, w: i32): i32 {
  const sa = <usize>lda << 3;
  let info = 0;
  const cend = c0 + w;
  for (let col = c0; col < cend; col++) {
    const cp = a + (<usize>col << 3);
    const p = searchPivot(a, sa, n, col);
    store<i32>(piv + (<usize>col << 2), p);
    const rowk = a + <usize>col * sa;
    if (p != col) swapRows(rowk, a + <usize>p * sa, n);
    const d = load<f64>(rowk + (<usize>col << 3));
    if (d == 0) {
      if (info == 0) info = col + 1;
      continue;
    }
    const rest = cend - col - 1;
    const u = rowk + (<usize>(col + 1) << 3);
    if (Math.abs(d) >= MIN_NORMAL) {
      const r = 1.0 / d;
      for (let i = col + 1; i < n; i++) {
        const ai = cp + <usize>i * sa;
        const l = load<f64>(ai) * r;
        store<f64>(ai, l);
        axpySub(ai + 8, l, u, rest);
      }
    } else {
      for (let i = col + 1; i < n; i++) {
        const ai = cp + <usize>i * sa;
        const l = load<f64>(ai) / d;
        store<f64>(ai, l);
        axpySub(ai + 8, l, u, rest);
      }
    }
  }
  return info;
}

/** The first zero pivot (1-based) found by factorKernel8's steps, or 0. */
let kernelInfo = 0;

/**
 * The unblocked kernel for exactly 8 columns c0 … c0+7 (rows c0 … n−1), the leaf of every
 * full block: the same arithmetic as factorKernel, organized for row-major storage. A row's
 * 8 entries are four f64x2; step K updates only the f64x2 right of column K (the entry of
 * column K itself is then overwritten by the multiplier), and the search for the next pivot
 * is fused into the update: the magnitude of each row's new entry in column K+1 is compared
 * as it is computed, so the column is not read a second time with a stride. The steps are
 * unrolled with K a constant, so every lane and vector index is fixed at compile time.
 */
function factorKernel8(a: usize, lda: i32, n: i32, piv: usize, c0: i32): i32 {
  const sa = <usize>lda << 3;
  kernelInfo = 0;
  let p = searchPivot(a, sa, n, c0);
  p = leafStep(a, sa, n, piv, c0, 0, p);
  p = leafStep(a, sa, n, piv, c0, 1, p);
  p = leafStep(a, sa, n, piv, c0, 2, p);
  p = leafStep(a, sa, n, piv, c0, 3, p);
  p = leafStep(a, sa, n, piv, c0, 4, p);
  p = leafStep(a, sa, n, piv, c0, 5, p);
  p = leafStep(a, sa, n, piv, c0, 6, p);
  leafStep(a, sa, n, piv, c0, 7, p);
  return kernelInfo;
}

/** The row (≥ col) of the first entry of largest magnitude in column col, rows col … n−1. */
function searchPivot(a: usize, sa: usize, n: i32, col: i32): i32 {
  const cp = a + (<usize>col << 3);
  let p = col;
  let best = Math.abs(load<f64>(cp + <usize>col * sa));
  for (let i = col + 1; i < n; i++) {
    const v = Math.abs(load<f64>(cp + <usize>i * sa));
    if (v > best) {
      best = v;
      p = i;
    }
  }
  return p;
}

/**
 * Step K (a constant) of factorKernel8 with pivot row p: interchange, multipliers, update
 * of columns K+1 … 7. Returns the pivot row for step K+1.
 */
// @ts-ignore: decorator
@inline function leafStep(a: usize, sa: usize, n: i32, piv: usize, c0: i32, K: i32, p: i32): i32 {
  const col = c0 + K;
  store<i32>(piv + (<usize>col << 2), p);
  const rowk = a + <usize>col * sa;
  if (p != col) swapRows(rowk, a + <usize>p * sa, n);
  const seg = <usize>c0 << 3;
  const d = load<f64>(rowk + (<usize>col << 3));
  if (d == 0) {
    if (kernelInfo == 0) kernelInfo = col + 1;
    return K < 7 ? searchPivot(a, sa, n, col + 1) : 0;
  }
  let r = 1.0 / d;
  if (!(Math.abs(d) >= MIN_NORMAL)) {
    // 1/d would overflow: divide this column by d first, then multiply by 1 below.
    for (let i = col + 1; i < n; i++) {
      const ai = a + <usize>i * sa + (<usize>col << 3);
      store<f64>(ai, load<f64>(ai) / d);
    }
    r = 1.0;
  }
  // The pivot row's entries right of column K, in the f64x2 that hold them (vector j
  // holds columns 2j and 2j+1 and takes part when 2j+1 > K).
  const uk = rowk + seg;
  const u0 = K < 1 ? v128.load(uk) : f64x2.splat(0);
  const u1 = K < 3 ? v128.load(uk, 16) : f64x2.splat(0);
  const u2 = K < 5 ? v128.load(uk, 32) : f64x2.splat(0);
  const u3 = K < 7 ? v128.load(uk, 48) : f64x2.splat(0);
  let best = -1.0;
  let next = col + 1;
  let ri = uk + sa;
  const end = a + <usize>n * sa + seg;
  for (let i = col + 1; ri < end; i++) {
    const l = load<f64>(ri + (<usize>K << 3)) * r;
    const lv = f64x2.splat(l);
    let v0 = f64x2.splat(0), v1 = f64x2.splat(0), v2 = f64x2.splat(0), v3 = f64x2.splat(0);
    if (K < 1) v0 = f64x2.sub(v128.load(ri), f64x2.mul(lv, u0));
    if (K < 3) v1 = f64x2.sub(v128.load(ri, 16), f64x2.mul(lv, u1));
    if (K < 5) v2 = f64x2.sub(v128.load(ri, 32), f64x2.mul(lv, u2));
    if (K < 7) v3 = f64x2.sub(v128.load(ri, 48), f64x2.mul(lv, u3));
    if (K < 1) v128.store(ri, v0);
    if (K < 3) v128.store(ri, v1, 16);
    if (K < 5) v128.store(ri, v2, 32);
    if (K < 7) v128.store(ri, v3, 48);
    store<f64>(ri + (<usize>K << 3), l);
    if (K < 7) {
      // The new entry in column K+1: lane (K+1) & 1 of vector (K+1) >> 1.
      const t = Math.abs(
        K == 0 ? f64x2.extract_lane(v0, 1)
          : K == 1 ? f64x2.extract_lane(v1, 0)
          : K == 2 ? f64x2.extract_lane(v1, 1)
          : K == 3 ? f64x2.extract_lane(v2, 0)
          : K == 4 ? f64x2.extract_lane(v2, 1)
          : K == 5 ? f64x2.extract_lane(v3, 0)
          : f64x2.extract_lane(v3, 1),
      );
      if (t > best) {
        best = t;
        next = i;
      }
    }
    ri += sa;
  }
  return next;
}

/** y[j] −= s·x[j] for j < len (len is at most LU_BLOCK − 1). */
// @ts-ignore: decorator
@inline function axpySub(y: usize, s: f64, x: usize, len: i32): void {
  const sv = f64x2.splat(s);
  const end2 = <usize>(len & ~1) << 3;
  let p: usize = 0;
  for (; p < end2; p += 16) v128.store(y + p, f64x2.sub(v128.load(y + p), f64x2.mul(sv, v128.load(x + p))));
  if (p < <usize>len << 3) store<f64>(y + p, load<f64>(y + p) - s * load<f64>(x + p));
}

/** Swaps n f64s at x and y (two rows), four at a time. */
function swapRows(x: usize, y: usize, n: i32): void {
  const end4 = <usize>(n & ~3) << 3;
  let p: usize = 0;
  for (; p < end4; p += 32) {
    const x0 = v128.load(x + p), x1 = v128.load(x + p, 16);
    const y0 = v128.load(y + p), y1 = v128.load(y + p, 16);
    v128.store(x + p, y0);
    v128.store(x + p, y1, 16);
    v128.store(y + p, x0);
    v128.store(y + p, x1, 16);
  }
  const end = <usize>n << 3;
  for (; p < end; p += 8) {
    const t = load<f64>(x + p);
    store<f64>(x + p, load<f64>(y + p));
    store<f64>(y + p, t);
  }
}

/** True when all n×n entries (leading dimension lda) are finite. */
function finiteMatrix(a: usize, n: i32, lda: i32): bool {
  if (lda == n) return allFinite(a, n * n);
  const sa = <usize>lda << 3;
  for (let i = 0; i < n; i++) if (!allFinite(a + <usize>i * sa, n)) return false;
  return true;
}
