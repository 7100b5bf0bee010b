// Error norms, as OrdinaryDiffEq forms them: RMS over components of a scaled residual.

/**
 * EEst = sqrt(Σ_i (err_i / (abstol_i + max(|a_i|, |b_i|) · reltol_i))² / n)
 * (a = u_n, b = u_{n+1}). Returns the sum of squares when `rms` is false (DOP853 needs it).
 */
export function errorNorm(err: usize, a: usize, b: usize, atol: usize, rtol: usize, n: i32, rms: bool): f64 {
  let acc = f64x2.splat(0.0);
  const nv = n & ~1;
  let i = 0;
  for (; i < nv; i += 2) {
    const off = <usize>i << 3;
    const sc = f64x2.add(
      v128.load(atol + off),
      f64x2.mul(f64x2.max(f64x2.abs(v128.load(a + off)), f64x2.abs(v128.load(b + off))), v128.load(rtol + off)),
    );
    const r = f64x2.div(v128.load(err + off), sc);
    acc = f64x2.add(acc, f64x2.mul(r, r));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) {
    const off = <usize>i << 3;
    const sc = load<f64>(atol + off) + max(abs(load<f64>(a + off)), abs(load<f64>(b + off))) * load<f64>(rtol + off);
    const r = load<f64>(err + off) / sc;
    s += r * r;
  }
  return rms ? sqrt(s / <f64>n) : s;
}

/**
 * RMS((x − y) / sk) with sk_i = abstol_i + |u0_i| · reltol_i; y == 0 means no y.
 * Used by the initial step-size estimate.
 */
export function scaledNorm(x: usize, y: usize, u0: usize, atol: usize, rtol: usize, n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    const sk = load<f64>(atol + off) + abs(load<f64>(u0 + off)) * load<f64>(rtol + off);
    let v = load<f64>(x + off);
    if (y != 0) v -= load<f64>(y + off);
    const r = v / sk;
    s += r * r;
  }
  return sqrt(s / <f64>n);
}
