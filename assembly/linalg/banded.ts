// Banded LU with partial pivoting, P·A = L·U, for matrices with kl subdiagonals and ku
// superdiagonals (the Jacobians of method-of-lines problems): O(n·kl·(kl + ku)) work where
// the dense LU takes O(n³). The algorithm is LAPACK's dgbtf2 (Anderson et al., LAPACK Users'
// Guide, 3rd ed., 1999, "Band LU"): at step k the pivot is searched among rows k … k + kl,
// and a row interchange can push U's bandwidth from ku to ku + kl, so that much room is kept.
//
// Storage: row-major bands. Row i keeps columns i − kl … i + ku + kl, so element (i, j) lives
// at ab + 8·(i·ldab + j − i + kl) with ldab ≥ 2·kl + ku + 1; entries outside the matrix are
// never read. Within a row the columns are contiguous, so the eliminations — row i minus
// l·row k, over the same columns — run as f64x2 axpys, as the dense LU's rank-1 updates do.
// A caller fills the kl + ku + 1 band entries of each row; the kl fill-in entries right of
// them are cleared here.
//
// Pivots: piv[k] is the row interchanged with row k at step k (0-based, as lu.ts). The
// multipliers stay in the rows where they were computed (later interchanges only move the
// columns right of the current step), so a solve applies interchange k and then L's column k,
// for k = 0, 1, …, as LAPACK's dgbtrs does.

import { LU_NONFINITE, LU_BAD_ARGUMENT } from './lu';

// @ts-ignore: decorator
@inline function at(ab: usize, ldab: i32, kl: i32, i: i32, j: i32): usize {
  return ab + (<usize>(i * ldab + j - i + kl) << 3);
}

/** y[0..len) −= l·x[0..len), two at a time. */
// @ts-ignore: decorator
@inline function axpyNeg(y: usize, x: usize, l: f64, len: i32): void {
  const lv = f64x2.splat(l);
  let q = 0;
  for (; q + 2 <= len; q += 2) {
    const off = <usize>q << 3;
    v128.store(y + off, f64x2.sub(v128.load(y + off), f64x2.mul(lv, v128.load(x + off))));
  }
  if (q < len) {
    const off = <usize>q << 3;
    store<f64>(y + off, load<f64>(y + off) - l * load<f64>(x + off));
  }
}

/**
 * Factors the banded n×n matrix in `ab` (layout above) in place. Returns 0 on success, k+1
 * when U(k, k) is the first exactly zero pivot (singular; the factorization is completed),
 * LU_NONFINITE when the factors hold a NaN or an infinity, LU_BAD_ARGUMENT for impossible
 * sizes.
 */
export function bandFactor(ab: usize, n: i32, kl: i32, ku: i32, ldab: i32, piv: usize): i32 {
  if (n < 0 || kl < 0 || ku < 0 || ldab < 2 * kl + ku + 1) return LU_BAD_ARGUMENT;
  const kv = ku + kl; // U's bandwidth after interchanges
  // Clear the fill-in room: columns i + ku + 1 … i + ku + kl of every row.
  for (let i = 0; i < n; i++) {
    for (let j = i + ku + 1; j <= min(n - 1, i + kv); j++) store<f64>(at(ab, ldab, kl, i, j), 0.0);
  }
  let info = 0;
  let finite = true;
  for (let k = 0; k < n; k++) {
    const last = min(n - 1, k + kl);
    // Pivot: the largest |a(i, k)| for i = k … k + kl.
    let p = k;
    let big = abs(load<f64>(at(ab, ldab, kl, k, k)));
    for (let i = k + 1; i <= last; i++) {
      const v = abs(load<f64>(at(ab, ldab, kl, i, k)));
      if (v > big) { big = v; p = i; }
    }
    store<i32>(piv + (<usize>k << 2), p);
    const jEnd = min(n - 1, k + kv); // row k's last column that can be nonzero
    const len = jEnd - k + 1;
    if (p != k) {
      // Interchange rows k and p over columns k … jEnd (both windows hold them).
      const rk = at(ab, ldab, kl, k, k);
      const rp = at(ab, ldab, kl, p, k);
      for (let q = 0; q < len; q++) {
        const off = <usize>q << 3;
        const tmp = load<f64>(rk + off);
        store<f64>(rk + off, load<f64>(rp + off));
        store<f64>(rp + off, tmp);
      }
    }
    const pivot = load<f64>(at(ab, ldab, kl, k, k));
    if (!isFinite(pivot)) finite = false;
    if (pivot == 0) {
      if (info == 0) info = k + 1;
      continue;
    }
    const rk1 = at(ab, ldab, kl, k, k + 1);
    for (let i = k + 1; i <= last; i++) {
      const pik = at(ab, ldab, kl, i, k);
      const l = load<f64>(pik) / pivot;
      store<f64>(pik, l);
      if (l != 0) axpyNeg(pik + 8, rk1, l, len - 1);
    }
  }
  if (!finite) return LU_NONFINITE;
  // A non-finite value anywhere in the factors (from input or overflow) reaches a pivot or
  // stays in U's band: check U's rows and the multipliers once.
  for (let i = 0; i < n; i++) {
    const j0 = max(0, i - kl);
    const j1 = min(n - 1, i + kv);
    for (let j = j0; j <= j1; j++) {
      if (!isFinite(load<f64>(at(ab, ldab, kl, i, j)))) return LU_NONFINITE;
    }
  }
  return info;
}

/** Solves A·x = b in place with bandFactor's factors (b: n values, contiguous). */
export function bandSolve(ab: usize, n: i32, kl: i32, ku: i32, ldab: i32, piv: usize, b: usize): void {
  const kv = ku + kl;
  // L: interchange k, then subtract column k's multipliers.
  for (let k = 0; k < n; k++) {
    const p = load<i32>(piv + (<usize>k << 2));
    const bk = b + (<usize>k << 3);
    let v = load<f64>(bk);
    if (p != k) {
      const bp = b + (<usize>p << 3);
      const t = load<f64>(bp);
      store<f64>(bp, v);
      store<f64>(bk, t);
      v = t;
    }
    if (v == 0) continue;
    const last = min(n - 1, k + kl);
    for (let i = k + 1; i <= last; i++) {
      const bi = b + (<usize>i << 3);
      store<f64>(bi, load<f64>(bi) - load<f64>(at(ab, ldab, kl, i, k)) * v);
    }
  }
  // U: back substitution along contiguous rows.
  for (let i = n - 1; i >= 0; i--) {
    const jEnd = min(n - 1, i + kv);
    const row = at(ab, ldab, kl, i, i);
    let s = load<f64>(b + (<usize>i << 3));
    for (let j = i + 1; j <= jEnd; j++) s -= load<f64>(row + (<usize>(j - i) << 3)) * load<f64>(b + (<usize>j << 3));
    store<f64>(b + (<usize>i << 3), s / load<f64>(row));
  }
}
