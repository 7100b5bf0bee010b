// SIMD (f64x2) vector kernels on raw pointers into linear memory.
// Every hot loop of the explicit solvers reduces to these few shapes.

/**
 * out[i] = base[i] + scale · Σ_q coefs[q] · k_{idxs[q]}[i], with k_j at kbase + j·stride.
 * base == 0 means no base term. The sum is formed left to right, then scaled, then added
 * to base — the same rounding as u + dt·(a1·k1 + a2·k2 + ...).
 *
 * Eight elements per iteration in four independent f64x2 accumulators: one accumulator's
 * chain of dependent adds would leave the loop bound by add latency (measured 3× slower on
 * 100 000 states); with four it runs at memory bandwidth. Each element's sum keeps its order.
 */
// Inlined into its callers: for the small states of scalar models the call itself was a
// tenth of a step's time.
// @ts-ignore: decorator
@inline export function combine(
  out: usize, base: usize, scale: f64,
  coefs: usize, idxs: usize, m: i32,
  kbase: usize, stride: usize, n: i32,
): void {
  const sv = f64x2.splat(scale);
  const n8 = n & ~7;
  let i = 0;
  for (; i < n8; i += 8) {
    const off = <usize>i << 3;
    let a0 = f64x2.splat(0.0);
    let a1 = f64x2.splat(0.0);
    let a2 = f64x2.splat(0.0);
    let a3 = f64x2.splat(0.0);
    for (let q = 0; q < m; q++) {
      const c = f64x2.splat(load<f64>(coefs + (<usize>q << 3)));
      const kp = kbase + <usize>load<i32>(idxs + (<usize>q << 2)) * stride + off;
      a0 = f64x2.add(a0, f64x2.mul(c, v128.load(kp)));
      a1 = f64x2.add(a1, f64x2.mul(c, v128.load(kp, 16)));
      a2 = f64x2.add(a2, f64x2.mul(c, v128.load(kp, 32)));
      a3 = f64x2.add(a3, f64x2.mul(c, v128.load(kp, 48)));
    }
    a0 = f64x2.mul(sv, a0);
    a1 = f64x2.mul(sv, a1);
    a2 = f64x2.mul(sv, a2);
    a3 = f64x2.mul(sv, a3);
    if (base != 0) {
      const bp = base + off;
      a0 = f64x2.add(v128.load(bp), a0);
      a1 = f64x2.add(v128.load(bp, 16), a1);
      a2 = f64x2.add(v128.load(bp, 32), a2);
      a3 = f64x2.add(v128.load(bp, 48), a3);
    }
    const op = out + off;
    v128.store(op, a0);
    v128.store(op, a1, 16);
    v128.store(op, a2, 32);
    v128.store(op, a3, 48);
  }
  const n2 = n & ~1;
  for (; i < n2; i += 2) {
    const off = <usize>i << 3;
    let acc = f64x2.splat(0.0);
    for (let q = 0; q < m; q++) {
      const c = load<f64>(coefs + (<usize>q << 3));
      const kp = kbase + <usize>load<i32>(idxs + (<usize>q << 2)) * stride;
      acc = f64x2.add(acc, f64x2.mul(f64x2.splat(c), v128.load(kp + off)));
    }
    acc = f64x2.mul(sv, acc);
    if (base != 0) acc = f64x2.add(v128.load(base + off), acc);
    v128.store(out + off, acc);
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    let acc = 0.0;
    for (let q = 0; q < m; q++) {
      const c = load<f64>(coefs + (<usize>q << 3));
      const kp = kbase + <usize>load<i32>(idxs + (<usize>q << 2)) * stride;
      acc += c * load<f64>(kp + off);
    }
    acc = scale * acc;
    if (base != 0) acc = load<f64>(base + off) + acc;
    store<f64>(out + off, acc);
  }
}

/** dst[i] = src[i]. A SIMD loop: for short vectors memory.copy's call costs more than the copy. */
export function copyVec(dst: usize, src: usize, n: i32): void {
  if (n > 64) {
    memory.copy(dst, src, <usize>n << 3);
    return;
  }
  const nv = n & ~1;
  let i = 0;
  for (; i < nv; i += 2) {
    const off = <usize>i << 3;
    v128.store(dst + off, v128.load(src + off));
  }
  if (i < n) store<f64>(dst + (<usize>i << 3), load<f64>(src + (<usize>i << 3)));
}

/** out[i] = a[i] + s · b[i] */
export function axpyTo(out: usize, a: usize, s: f64, b: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const nv = n & ~1;
  let i = 0;
  for (; i < nv; i += 2) {
    const off = <usize>i << 3;
    v128.store(out + off, f64x2.add(v128.load(a + off), f64x2.mul(sv, v128.load(b + off))));
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(out + off, load<f64>(a + off) + s * load<f64>(b + off));
  }
}

/** True when every entry is finite (no NaN, no ±Inf). */
export function allFinite(x: usize, n: i32): bool {
  // x − x is 0 for finite x and NaN otherwise; NaN propagates through the sums.
  // Four independent sums, so the loop is not bound by add latency.
  let a0 = f64x2.splat(0.0);
  let a1 = f64x2.splat(0.0);
  let a2 = f64x2.splat(0.0);
  let a3 = f64x2.splat(0.0);
  const n8 = n & ~7;
  let i = 0;
  for (; i < n8; i += 8) {
    const p = x + (<usize>i << 3);
    const v0 = v128.load(p);
    const v1 = v128.load(p, 16);
    const v2 = v128.load(p, 32);
    const v3 = v128.load(p, 48);
    a0 = f64x2.add(a0, f64x2.sub(v0, v0));
    a1 = f64x2.add(a1, f64x2.sub(v1, v1));
    a2 = f64x2.add(a2, f64x2.sub(v2, v2));
    a3 = f64x2.add(a3, f64x2.sub(v3, v3));
  }
  const acc = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    s += v - v;
  }
  return s == 0.0;
}
