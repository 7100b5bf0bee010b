// Tangent lanes of the forward sweep: every register carries k tangents, two per f64x2, with
// a scalar tail for odd k. Each lane computes what `scaled` does for one value, bit for bit
// (a zero tangent contributes 0 even when the partial is not finite).

import { scaled } from './partials';

// @ts-ignore: decorator
@inline function scaledX2(f: v128, x: v128): v128 {
  return v128.and(f64x2.mul(f, x), f64x2.ne(x, f64x2.splat(0)));
}

/** tr[l] = f·ta[l]. */
export function lanesScale(tr: usize, f: f64, ta: usize, k: i32): void {
  const fv = f64x2.splat(f);
  let l = 0;
  for (; l + 2 <= k; l += 2) {
    const o = <usize>l << 3;
    v128.store(tr + o, scaledX2(fv, v128.load(ta + o)));
  }
  if (l < k) store<f64>(tr + (<usize>l << 3), scaled(f, load<f64>(ta + (<usize>l << 3))));
}

/** tr[l] = fa·ta[l] + fb·tb[l]. */
export function lanesScale2(tr: usize, fa: f64, ta: usize, fb: f64, tb: usize, k: i32): void {
  const av = f64x2.splat(fa);
  const bv = f64x2.splat(fb);
  let l = 0;
  for (; l + 2 <= k; l += 2) {
    const o = <usize>l << 3;
    v128.store(tr + o, f64x2.add(scaledX2(av, v128.load(ta + o)), scaledX2(bv, v128.load(tb + o))));
  }
  if (l < k) {
    const o = <usize>l << 3;
    store<f64>(tr + o, scaled(fa, load<f64>(ta + o)) + scaled(fb, load<f64>(tb + o)));
  }
}

/** tr[l] += f·ta[l] (the reductions: sum, dot, matrix–vector products). */
export function lanesAccumulate(tr: usize, f: f64, ta: usize, k: i32): void {
  const fv = f64x2.splat(f);
  let l = 0;
  for (; l + 2 <= k; l += 2) {
    const o = <usize>l << 3;
    v128.store(tr + o, f64x2.add(v128.load(tr + o), scaledX2(fv, v128.load(ta + o))));
  }
  if (l < k) {
    const o = <usize>l << 3;
    store<f64>(tr + o, load<f64>(tr + o) + scaled(f, load<f64>(ta + o)));
  }
}
