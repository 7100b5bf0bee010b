// Error norms, as OrdinaryDiffEq forms them: RMS over components of a scaled residual.

import { B_NORM_N } from './layout';
import { i32At } from './block';

/**
 * How many leading components the error norms read: all n, or B_NORM_N when a solve asks for
 * a seminorm (sensitivities and adjoint quadratures carried along without steering the step,
 * as SciMLSensitivity's seminorms).
 */
export function normLength(blk: usize, n: i32): i32 {
  const m = i32At(blk, B_NORM_N);
  return m > 0 && m < n ? m : n;
}

/**
 * Σ_i (err_i / (abstol_i + max(|a_i|, |b_i|) · reltol_i))² with err = dt · Σ_q coefs[q] k_{idxs[q]}
 * formed on the fly (a = u_n, b = u_{n+1}): one pass over the stages and states, no error
 * vector in memory. The caller takes the RMS (or DOP853's combination).
 *
 * Tolerances are the scalars `atolS`, `rtolS` when `atol` is 0, else per-component arrays
 * (scalars save two vector reads per step on large states).
 * Returns NaN when b has a NaN or ±Inf, so a non-finite candidate is always rejected.
 */
export function errorNorm(
  dt: f64, coefs: usize, idxs: usize, m: i32, kbase: usize, stride: usize,
  a: usize, b: usize, atol: usize, rtol: usize, atolS: f64, rtolS: f64, n: i32,
): f64 {
  const dv = f64x2.splat(dt);
  const atv = f64x2.splat(atolS);
  const rtv = f64x2.splat(rtolS);
  const perComponent = atol != 0;
  let acc = f64x2.splat(0.0);
  let fin = f64x2.splat(0.0);
  let i = 0;
  // Four element pairs at a time with independent error sums (as in `combine`: the add
  // latency, not memory, would otherwise bound the loop).
  const n8 = n & ~7;
  for (; i < n8; i += 8) {
    const off = <usize>i << 3;
    let e0 = f64x2.splat(0.0);
    let e1 = f64x2.splat(0.0);
    let e2 = f64x2.splat(0.0);
    let e3 = f64x2.splat(0.0);
    for (let q = 0; q < m; q++) {
      const c = f64x2.splat(load<f64>(coefs + (<usize>q << 3)));
      const kp = kbase + <usize>load<i32>(idxs + (<usize>q << 2)) * stride + off;
      e0 = f64x2.add(e0, f64x2.mul(c, v128.load(kp)));
      e1 = f64x2.add(e1, f64x2.mul(c, v128.load(kp, 16)));
      e2 = f64x2.add(e2, f64x2.mul(c, v128.load(kp, 32)));
      e3 = f64x2.add(e3, f64x2.mul(c, v128.load(kp, 48)));
    }
    for (let j = 0; j < 4; j++) {
      const o = off + (<usize>j << 4);
      const e = j == 0 ? e0 : j == 1 ? e1 : j == 2 ? e2 : e3;
      const bv = v128.load(b + o);
      fin = f64x2.add(fin, f64x2.sub(bv, bv));
      const amax = f64x2.max(f64x2.abs(v128.load(a + o)), f64x2.abs(bv));
      const sc = perComponent
        ? f64x2.add(v128.load(atol + o), f64x2.mul(amax, v128.load(rtol + o)))
        : f64x2.add(atv, f64x2.mul(amax, rtv));
      const r = f64x2.div(f64x2.mul(dv, e), sc);
      acc = f64x2.add(acc, f64x2.mul(r, r));
    }
  }
  const nv = n & ~1;
  for (; i < nv; i += 2) {
    const off = <usize>i << 3;
    let e = f64x2.splat(0.0);
    for (let q = 0; q < m; q++) {
      const c = load<f64>(coefs + (<usize>q << 3));
      const kp = kbase + <usize>load<i32>(idxs + (<usize>q << 2)) * stride;
      e = f64x2.add(e, f64x2.mul(f64x2.splat(c), v128.load(kp + off)));
    }
    const bv = v128.load(b + off);
    // x − x is 0 for finite x and NaN for NaN/±Inf.
    fin = f64x2.add(fin, f64x2.sub(bv, bv));
    const amax = f64x2.max(f64x2.abs(v128.load(a + off)), f64x2.abs(bv));
    const sc = perComponent
      ? f64x2.add(v128.load(atol + off), f64x2.mul(amax, v128.load(rtol + off)))
      : f64x2.add(atv, f64x2.mul(amax, rtv));
    const r = f64x2.div(f64x2.mul(dv, e), sc);
    acc = f64x2.add(acc, f64x2.mul(r, r));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  let f = f64x2.extract_lane(fin, 0) + f64x2.extract_lane(fin, 1);
  for (; i < n; i++) {
    const off = <usize>i << 3;
    let e = 0.0;
    for (let q = 0; q < m; q++) {
      const c = load<f64>(coefs + (<usize>q << 3));
      const kp = kbase + <usize>load<i32>(idxs + (<usize>q << 2)) * stride;
      e += c * load<f64>(kp + off);
    }
    const bi = load<f64>(b + off);
    f += bi - bi;
    const amax = max(abs(load<f64>(a + off)), abs(bi));
    const sc = perComponent ? load<f64>(atol + off) + amax * load<f64>(rtol + off) : atolS + amax * rtolS;
    const r = (dt * e) / sc;
    s += r * r;
  }
  return f == 0.0 ? s : NaN;
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

/**
 * RMS over i of e_i / (abstol_i + max(|a_i|, |b_i|)·reltol_i): the scaled tolerances are the
 * scalars atolS, rtolS when atolV is 0, else per-component arrays. NaN when e or b holds a
 * NaN or an infinity.
 */
export function scaledRms(
  e: usize, a: usize, b: usize, atolV: usize, rtolV: usize, atolS: f64, rtolS: f64, n: i32,
): f64 {
  let s = 0.0;
  let fin = 0.0;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    const bi = load<f64>(b + off);
    const ei = load<f64>(e + off);
    fin += (bi - bi) + (ei - ei);
    const amax = max(abs(load<f64>(a + off)), abs(bi));
    const sc = atolV != 0 ? load<f64>(atolV + off) + amax * load<f64>(rtolV + off) : atolS + amax * rtolS;
    const r = ei / sc;
    s += r * r;
  }
  return fin == 0.0 ? sqrt(s / <f64>n) : NaN;
}
