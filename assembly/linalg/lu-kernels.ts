// The unblocked kernels at the leaves of the recursive LU (lu.ts): LAPACK's dgetf2 on a
// block of at most 8 columns, with one kernel for exactly 8 columns (every leaf but the
// last) written for row-major storage. Both swap the pivot's whole row (all n columns).

/** The smallest normal f64: below it 1/pivot would overflow, so the kernels divide instead. */
const MIN_NORMAL: f64 = 2.2250738585072014e-308;

/**
 * The unblocked kernel (LAPACK's dgetf2, right-looking) on columns c0 … c0+w−1, rows
 * c0 … n−1: for each column, the entry of largest magnitude on or below the diagonal (the
 * first of equals) becomes the pivot, its row is swapped into place across all n columns,
 * the entries below are divided by it (multiplied by its reciprocal, unless the pivot is
 * subnormal and the reciprocal would overflow, as dgetf2 does) and the block's remaining
 * columns get the rank-1 update. A zero pivot means the column
 * is already zero below the diagonal: nothing to eliminate, and the step is skipped.
 */
export function factorKernel(a: usize, lda: i32, n: i32, piv: usize, c0: i32, w: i32): i32 {
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
 * About 6 cycles per row and step when the panel is in L1. (Copying the panel into a
 * column-major scratch to run the steps along columns was tried: 1.3× slower.)
 */
export function factorKernel8(a: usize, lda: i32, n: i32, piv: usize, c0: i32): i32 {
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

/** y[j] −= s·x[j] for j < len (len is less than 8). */
// @ts-ignore: decorator
@inline function axpySub(y: usize, s: f64, x: usize, len: i32): void {
  const sv = f64x2.splat(s);
  const end2 = <usize>(len & ~1) << 3;
  let p: usize = 0;
  for (; p < end2; p += 16) v128.store(y + p, f64x2.sub(v128.load(y + p), f64x2.mul(sv, v128.load(x + p))));
  if (p < <usize>len << 3) store<f64>(y + p, load<f64>(y + p) - s * load<f64>(x + p));
}

/** Swaps n f64s at x and y (two rows), four at a time. */
export function swapRows(x: usize, y: usize, n: i32): void {
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
