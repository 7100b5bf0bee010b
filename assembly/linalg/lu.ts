// Dense LU factorization with partial pivoting, P·A = L·U, by recursion on the columns, as
// RecursiveFactorization.jl does it (after Toledo 1997, "Locality of reference in LU
// decomposition with partial pivoting", and LAPACK's recursive dgetrf2):
//
//   factor(columns c0 .. c0+w of rows c0 .. n):
//     w ≤ 8: an unblocked kernel (dgetf2: pivot search, row swap, scale, rank-1 update;
//            lu-kernels.ts);
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
// Block sizes: the split puts a multiple of 8 columns on the left, near the middle, so the
// leaves are 8 columns wide (the fast kernel) and the triangular solves end in 8-row blocks
// (an unrolled kernel); the Schur updates, and most of the triangular solves, run on the
// 4×4 GEMM micro-kernel. Measured, the split goes: at n = 200, 55 % of the time in the
// Schur GEMMs, 22 % in triangular solves, 15 % in the leaves (3 % of the flops: their rows
// are short) and the rest in interchanges and the finiteness check.
//
// Pivots: piv[k] (i32, 0-based) is the row interchanged with row k at step k, as LAPACK's
// ipiv (which is 1-based): applying the swaps k = 0, 1, …, n−1 in order to A gives P·A.
// L has a unit diagonal (not stored) below it, U is on and above the diagonal.
import { gemmSub } from './gemm';
import { trsmLowerUnit, trsmUpper, trsvLowerUnit, trsvUpper, split8 } from './triangular';
import { allFinite } from './vector';
import { factorKernel, factorKernel8, swapRows } from './lu-kernels';

/** Columns at or below which a block is factored by an unblocked kernel (8: the fast one). */
export const LU_BLOCK = 8;

/** Status: the factors hold a NaN or an infinity (from non-finite input, or overflow). */
export const LU_NONFINITE: i32 = -1;
/** Status: n < 0 or lda < max(1, n). */
export const LU_BAD_ARGUMENT: i32 = -2;

/**
 * Factors the n×n row-major matrix at a (leading dimension lda ≥ n) in place: P·A = L·U,
 * with the interchanges in piv (n i32s). Returns 0 on success; k+1 when U(k, k) is exactly
 * zero for the first time (the matrix is singular; the factorization is still completed as
 * LAPACK does, but U must not be used to solve); LU_NONFINITE when any entry of the result
 * is NaN or ±∞ — any non-finite input entry leaves one there, since subtraction, division
 * and row interchanges keep a non-finite value non-finite, and so does an overflow — and
 * LU_BAD_ARGUMENT for impossible sizes. Non-finite takes precedence over singular; after
 * LU_NONFINITE the matrix holds no usable factors. The check is one pass over the n² entries
 * of the result, never a silent NaN for the caller to trip over later.
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
  // The left part is a multiple of 8 columns near the middle: every block ends in 8-column
  // leaves (factorKernel8), only the rightmost leaf may be narrower.
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

/** True when all n×n entries (leading dimension lda) are finite. */
function finiteMatrix(a: usize, n: i32, lda: i32): bool {
  if (lda == n) return allFinite(a, n * n);
  const sa = <usize>lda << 3;
  for (let i = 0; i < n; i++) if (!allFinite(a + <usize>i * sa, n)) return false;
  return true;
}
