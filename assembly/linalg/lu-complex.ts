// Dense complex LU factorization with partial pivoting, P·A = L·U, and its solves: the
// complex n×n system of the Radau IIA methods, (α + iβ)/dt·M − J (radau.ts).
//
// Storage: row-major with real and imaginary parts interleaved: entry (i, j) is the f64 pair
// at a + 16·(i·n + j) (real part first). A pair is one f64x2, so the rank-1 update of a row
// is one complex multiply-subtract per f64x2: with l = lr + i·li and x = [xr, xi],
//   l·x = lr·[xr, xi] + li·[−xi, xr].
// The pivot is the entry of largest |re| + |im| in the column (as Hairer's DECC in
// decsol.f, a cheap stand-in for the modulus). Pivots as luFactor's: piv[k] (i32, 0-based)
// is the row swapped with row k at step k; L has a unit diagonal, U is on and above it.
// The unblocked right-looking order suffices for the sizes a dense Radau solve meets; the
// real system goes through the recursive, blocked luFactor.
import { allFinite } from './vector';
import { LU_NONFINITE, LU_BAD_ARGUMENT } from './lu';

/**
 * Factors the complex n×n matrix at a in place. Returns 0 on success, k+1 when U(k, k) is
 * exactly zero for the first time (singular; do not solve with it), LU_NONFINITE when an
 * entry of the result is NaN or ±∞, LU_BAD_ARGUMENT when n < 0 — luFactor's codes.
 */
export function luFactorComplex(a: usize, n: i32, piv: usize): i32 {
  if (n < 0) return LU_BAD_ARGUMENT;
  const row = <usize>n << 4;
  let info = 0;
  for (let k = 0; k < n; k++) {
    const ck = <usize>k << 4;
    let p = k;
    let best = -1.0;
    for (let i = k; i < n; i++) {
      const e = a + <usize>i * row + ck;
      const m = abs(load<f64>(e)) + abs(load<f64>(e, 8));
      // A NaN never wins; the finiteness check below reports it.
      if (m > best) {
        best = m;
        p = i;
      }
    }
    store<i32>(piv + (<usize>k << 2), p);
    if (p != k) swapPairs(a + <usize>k * row, a + <usize>p * row, n);
    const d = a + <usize>k * row + ck;
    const dr = load<f64>(d);
    const di = load<f64>(d, 8);
    // A zero pivot after the search: the column below is zero too, nothing to eliminate.
    if (dr == 0 && di == 0) {
      if (info == 0) info = k + 1;
      continue;
    }
    const inv = reciprocal(dr, di);
    const ir = f64x2.extract_lane(inv, 0);
    const ii = f64x2.extract_lane(inv, 1);
    const rk = a + <usize>k * row;
    for (let i = k + 1; i < n; i++) {
      const ri = a + <usize>i * row;
      const e = ri + ck;
      const xr = load<f64>(e);
      const xi = load<f64>(e, 8);
      // l = a_ik / a_kk
      const lr = xr * ir - xi * ii;
      const li = xr * ii + xi * ir;
      store<f64>(e, lr);
      store<f64>(e, li, 8);
      if (lr == 0 && li == 0) continue;
      const lrv = f64x2.splat(lr);
      const liv = f64x2(-li, li);
      for (let j = k + 1; j < n; j++) {
        const cj = <usize>j << 4;
        const x = v128.load(rk + cj);
        const xs = v128.shuffle<f64>(x, x, 1, 0);
        const prod = f64x2.add(f64x2.mul(lrv, x), f64x2.mul(liv, xs));
        v128.store(ri + cj, f64x2.sub(v128.load(ri + cj), prod));
      }
    }
  }
  if (!allFinite(a, 2 * n * n)) return LU_NONFINITE;
  return info;
}

/** Solves A·x = b with luFactorComplex's factors (status 0); b (n interleaved pairs) becomes x. */
export function luSolveComplex(lu: usize, n: i32, piv: usize, b: usize): void {
  const row = <usize>n << 4;
  for (let k = 0; k < n; k++) {
    const p = load<i32>(piv + (<usize>k << 2));
    if (p != k) swapPairs(b + (<usize>k << 4), b + (<usize>p << 4), 1);
  }
  // L·y = P·b (unit diagonal)
  for (let i = 1; i < n; i++) {
    const ri = lu + <usize>i * row;
    let s = v128.load(b + (<usize>i << 4));
    for (let j = 0; j < i; j++) s = f64x2.sub(s, cmul(v128.load(ri + (<usize>j << 4)), v128.load(b + (<usize>j << 4))));
    v128.store(b + (<usize>i << 4), s);
  }
  // U·x = y
  for (let i = n - 1; i >= 0; i--) {
    const ri = lu + <usize>i * row;
    let s = v128.load(b + (<usize>i << 4));
    for (let j = i + 1; j < n; j++) s = f64x2.sub(s, cmul(v128.load(ri + (<usize>j << 4)), v128.load(b + (<usize>j << 4))));
    const d = v128.load(ri + (<usize>i << 4));
    v128.store(b + (<usize>i << 4), cmul(s, reciprocal(f64x2.extract_lane(d, 0), f64x2.extract_lane(d, 1))));
  }
}

/** The complex product of two [re, im] pairs. */
// @ts-ignore: decorator
@inline function cmul(x: v128, y: v128): v128 {
  const xr = f64x2.splat(f64x2.extract_lane(x, 0));
  const xi = f64x2.extract_lane(x, 1);
  const ys = v128.shuffle<f64>(y, y, 1, 0);
  return f64x2.add(f64x2.mul(xr, y), f64x2.mul(f64x2(-xi, xi), ys));
}

/**
 * 1/(dr + i·di) as [re, im], by Smith's formula (Smith 1962, CACM 5(8): 435), which divides
 * by the larger part first so that no square overflows or underflows.
 */
function reciprocal(dr: f64, di: f64): v128 {
  if (abs(dr) >= abs(di)) {
    const r = di / dr;
    const den = dr + di * r;
    return f64x2(1.0 / den, -r / den);
  }
  const r = dr / di;
  const den = dr * r + di;
  return f64x2(r / den, -1.0 / den);
}

/** Swaps `count` complex entries (f64 pairs) between x and y. */
function swapPairs(x: usize, y: usize, count: i32): void {
  for (let j = 0; j < count; j++) {
    const o = <usize>j << 4;
    const t = v128.load(x + o);
    v128.store(x + o, v128.load(y + o));
    v128.store(y + o, t);
  }
}
