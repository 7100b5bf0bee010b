// Triangular solves with many right-hand sides on row-major matrices (LAPACK's dtrsm for a
// left-side lower-unit or upper factor), by recursion: split the triangle in two, solve
// with one half, update the other right-hand sides with one matrix multiply (gemm.ts),
// solve with the other half. Below TRSM_BLOCK rows the solve goes one row at a time.
// The recursion puts almost all the work into the GEMM micro-kernel, as the recursive LU
// does (Toledo 1997, "Locality of reference in LU decomposition with partial pivoting";
// Elmroth & Gustavson 2000 for the recursive triangular solve).
import { gemmSub } from './gemm';

/** Rows at or below which the triangular solves stop recursing (8: an unrolled kernel). */
export const TRSM_BLOCK = 8;

/**
 * B := L⁻¹·B where L (m×m, ldl) is unit lower triangular (its diagonal is not read, its
 * upper part is ignored) and B is m×n (ldb).
 */
export function trsmLowerUnit(l: usize, ldl: i32, b: usize, ldb: i32, m: i32, n: i32): void {
  if (m <= 1 || n <= 0) return;
  const sl = <usize>ldl << 3;
  const sb = <usize>ldb << 3;
  if (m == 8) {
    lowerUnit8(l, sl, b, sb, n);
    return;
  }
  if (m < 8) {
    // Row i of B loses L(i, 0..i)·B(0..i, :): a one-row multiply-subtract.
    for (let i = 1; i < m; i++) gemmSub(b + <usize>i * sb, ldb, l + <usize>i * sl, ldl, b, ldb, 1, n, i);
    return;
  }
  const m1 = split8(m);
  const m2 = m - m1;
  const b2 = b + <usize>m1 * sb;
  trsmLowerUnit(l, ldl, b, ldb, m1, n);
  gemmSub(b2, ldb, l + <usize>m1 * sl, ldl, b, ldb, m2, n, m1);
  trsmLowerUnit(l + <usize>m1 * sl + (<usize>m1 << 3), ldl, b2, ldb, m2, n);
}

/**
 * B := U⁻¹·B where U (m×m, ldu) is upper triangular with a non-zero diagonal (its strictly
 * lower part is ignored) and B is m×n (ldb). Each row is divided by its diagonal entry (a
 * division, not a multiplication by the reciprocal, as dtrsm does).
 */
export function trsmUpper(u: usize, ldu: i32, b: usize, ldb: i32, m: i32, n: i32): void {
  if (m <= 0 || n <= 0) return;
  const su = <usize>ldu << 3;
  const sb = <usize>ldb << 3;
  if (m <= TRSM_BLOCK) {
    for (let i = m - 1; i >= 0; i--) {
      const bi = b + <usize>i * sb;
      const ui = u + <usize>i * su + (<usize>i << 3);
      // Row i of B loses U(i, i+1..m)·B(i+1..m, :), then is divided by U(i, i).
      gemmSub(bi, ldb, ui + 8, ldu, bi + sb, ldb, 1, n, m - 1 - i);
      divideRow(bi, load<f64>(ui), n);
    }
    return;
  }
  const m1 = split8(m);
  const m2 = m - m1;
  const b2 = b + <usize>m1 * sb;
  trsmUpper(u + <usize>m1 * su + (<usize>m1 << 3), ldu, b2, ldb, m2, n);
  gemmSub(b, ldb, u + (<usize>m1 << 3), ldu, b2, ldb, m1, n, m2);
  trsmUpper(u, ldu, b, ldb, m1, n);
}

/**
 * B := L⁻¹·B for exactly 8 rows, two columns at a time: the eight rows of a column pair
 * stay in registers through the whole substitution, each x_i = b_i − Σ_{p<i} L(i,p)·x_p
 * with the sum formed in order of p, as gemmSub forms it.
 */
function lowerUnit8(l: usize, sl: usize, b: usize, sb: usize, n: i32): void {
  const l1 = l + sl, l2 = l1 + sl, l3 = l2 + sl, l4 = l3 + sl, l5 = l4 + sl, l6 = l5 + sl, l7 = l6 + sl;
  const end2 = b + (<usize>(n & ~1) << 3);
  let q = b;
  for (; q < end2; q += 16) {
    const q1 = q + sb, q2 = q1 + sb, q3 = q2 + sb, q4 = q3 + sb, q5 = q4 + sb, q6 = q5 + sb, q7 = q6 + sb;
    const x0 = v128.load(q);
    const x1 = f64x2.sub(v128.load(q1), f64x2.mul(v128.load64_splat(l1), x0));
    let s = f64x2.mul(v128.load64_splat(l2), x0);
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l2, 8), x1));
    const x2 = f64x2.sub(v128.load(q2), s);
    s = f64x2.mul(v128.load64_splat(l3), x0);
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l3, 8), x1));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l3, 16), x2));
    const x3 = f64x2.sub(v128.load(q3), s);
    s = f64x2.mul(v128.load64_splat(l4), x0);
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l4, 8), x1));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l4, 16), x2));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l4, 24), x3));
    const x4 = f64x2.sub(v128.load(q4), s);
    s = f64x2.mul(v128.load64_splat(l5), x0);
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l5, 8), x1));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l5, 16), x2));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l5, 24), x3));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l5, 32), x4));
    const x5 = f64x2.sub(v128.load(q5), s);
    s = f64x2.mul(v128.load64_splat(l6), x0);
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l6, 8), x1));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l6, 16), x2));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l6, 24), x3));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l6, 32), x4));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l6, 40), x5));
    const x6 = f64x2.sub(v128.load(q6), s);
    s = f64x2.mul(v128.load64_splat(l7), x0);
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l7, 8), x1));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l7, 16), x2));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l7, 24), x3));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l7, 32), x4));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l7, 40), x5));
    s = f64x2.add(s, f64x2.mul(v128.load64_splat(l7, 48), x6));
    const x7 = f64x2.sub(v128.load(q7), s);
    v128.store(q1, x1);
    v128.store(q2, x2);
    v128.store(q3, x3);
    v128.store(q4, x4);
    v128.store(q5, x5);
    v128.store(q6, x6);
    v128.store(q7, x7);
  }
  if (n & 1) {
    // The last column: row i loses L(i, 0..i)·B(0..i, last).
    for (let i = 1; i < 8; i++) {
      const li = l + <usize>i * sl;
      let acc = 0.0;
      let bp = q;
      for (let p = 0; p < i; p++) {
        acc += load<f64>(li + (<usize>p << 3)) * load<f64>(bp);
        bp += sb;
      }
      store<f64>(bp, load<f64>(bp) - acc);
    }
  }
}

/**
 * x := L⁻¹·x for one contiguous vector x (length m), L unit lower (m×m, ldl): each entry
 * loses a dot product of a row of L with the entries before it (the row-major order reads
 * L row by row, contiguously).
 */
export function trsvLowerUnit(l: usize, ldl: i32, x: usize, m: i32): void {
  const sl = <usize>ldl << 3;
  for (let i = 1; i < m; i++) {
    const xi = x + (<usize>i << 3);
    store<f64>(xi, load<f64>(xi) - dot(l + <usize>i * sl, x, i));
  }
}

/** x := U⁻¹·x for one contiguous vector x (length m), U upper (m×m, ldu) with a non-zero diagonal. */
export function trsvUpper(u: usize, ldu: i32, x: usize, m: i32): void {
  const su = <usize>ldu << 3;
  for (let i = m - 1; i >= 0; i--) {
    const xi = x + (<usize>i << 3);
    const ui = u + <usize>i * su + (<usize>i << 3);
    store<f64>(xi, (load<f64>(xi) - dot(ui + 8, xi + 8, m - 1 - i)) / load<f64>(ui));
  }
}

/** Σ a[p]·b[p] over p < k, both contiguous: two f64x2 accumulators, then a scalar tail. */
function dot(a: usize, b: usize, k: i32): f64 {
  let s0 = f64x2.splat(0.0);
  let s1 = f64x2.splat(0.0);
  const end4 = <usize>(k & ~3) << 3;
  let p: usize = 0;
  for (; p < end4; p += 32) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + p), v128.load(b + p)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + p, 16), v128.load(b + p, 16)));
  }
  const end = <usize>k << 3;
  if (p + 16 <= end) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + p), v128.load(b + p)));
    p += 16;
  }
  s0 = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  if (p < end) s += load<f64>(a + p) * load<f64>(b + p);
  return s;
}

/** x[j] /= d for j < n. */
function divideRow(x: usize, d: f64, n: i32): void {
  const dv = f64x2.splat(d);
  const end2 = <usize>(n & ~1) << 3;
  let p: usize = 0;
  for (; p < end2; p += 16) v128.store(x + p, f64x2.div(v128.load(x + p), dv));
  if (p < <usize>n << 3) store<f64>(x + p, load<f64>(x + p) / d);
}

/**
 * Where a block of m > 8 rows (or columns) is split: the first part is a multiple of 8
 * near the middle, so recursions bottom out in blocks of exactly 8 except the last one.
 */
// @ts-ignore: decorator
@inline export function split8(m: i32): i32 {
  return max(8, ((m >> 1) + 4) & ~7);
}
