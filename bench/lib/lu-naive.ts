// The naive LU that the engine's recursive LU is measured against (bench/lu.mjs): the
// textbook right-looking elimination with partial pivoting (LAPACK's dgetf2 order of
// operations), row-major like the engine's, one f64 at a time — no SIMD, no blocking.

/** Factors the n×n row-major matrix at a in place; piv as the engine's (0-based). Returns 0, or k+1 for the first zero pivot. */
export function luNaive(a: usize, n: i32, piv: usize): i32 {
  const sa = <usize>n << 3;
  let info = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(load<f64>(a + <usize>k * sa + (<usize>k << 3)));
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(load<f64>(a + <usize>i * sa + (<usize>k << 3)));
      if (v > best) {
        best = v;
        p = i;
      }
    }
    store<i32>(piv + (<usize>k << 2), p);
    const rk = a + <usize>k * sa;
    if (p != k) {
      const rp = a + <usize>p * sa;
      for (let j = 0; j < n; j++) {
        const o = <usize>j << 3;
        const t = load<f64>(rk + o);
        store<f64>(rk + o, load<f64>(rp + o));
        store<f64>(rp + o, t);
      }
    }
    const d = load<f64>(rk + (<usize>k << 3));
    if (d == 0) {
      if (info == 0) info = k + 1;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const ri = a + <usize>i * sa;
      const l = load<f64>(ri + (<usize>k << 3)) / d;
      store<f64>(ri + (<usize>k << 3), l);
      for (let j = k + 1; j < n; j++) {
        const o = <usize>j << 3;
        store<f64>(ri + o, load<f64>(ri + o) - l * load<f64>(rk + o));
      }
    }
  }
  return info;
}

/** First free byte after this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}
