// QuadratureAdjoint's parameter gradient: dL/dp = ∫_{t0}^{t_K} λ(t)ᵀ·∂f/∂p(u(t), p, t) dt over
// the dense outputs of the backward λ solve and of the forward solve, step by step of the λ
// solve (λ jumps at the saved times, which are step ends, so each step's integrand is smooth
// up to the forward steps' joins). Each step is integrated by the 3-point Gauss / 7-point
// Kronrod pair, bisected while the pair disagrees by more than the tolerance (Kronrod 1965).
// Within a step both interpolants are polynomials of degree ≤ 8 or so and the Kronrod rule is
// exact to degree 11, so one pass nearly always suffices: 7 evaluations per step (a 15-point
// rule cost twice as much here for the same result).

import { tapeReverse } from '../tape/reverse';
import {
  AJ_TAPE, AJ_REGS, AJ_ADJ, AJ_PARAM_BASE, AJ_NP, AJ_U, AJ_F, AJ_VU, AJ_VP, AJ_SRC,
  IS_NPIECE, IS_PIECES, IP_RECS, IP_COUNT, IP_RECLEN, IP_SIZE, QUAD_MAX_DEPTH,
} from './layout-adjoint';
import { ptrAt, i32At } from './block';
import { sourceAt } from './dense-source';

// Kronrod nodes on [−1, 1] (the positive half, the centre last) and their weights; the odd
// ones (1 and the centre) are the Gauss nodes ±√(3/5) and 0, whose weights 5/9 and 8/9 follow.
// (The pair integrates x^k exactly for k ≤ 11 and k ≤ 5: checked to rounding.)
const XGK: StaticArray<f64> = [
  0.960491268708020283423507092629080, 0.774596669241483377035853079956480,
  0.434243749346802558002071502844628, 0.0,
];
const WGK: StaticArray<f64> = [
  0.104656226026467265193823857192073, 0.268488089868333440728569280666710,
  0.401397414775962222905051818618432, 0.450916538658474142345110087045571,
];
const WG: StaticArray<f64> = [0.555555555555555555555555555555556, 0.888888888888888888888888888888889];

/** λ(t)ᵀ·∂f/∂p at t into the context's AJ_VP. */
function integrand(ctx: usize, lamSrc: usize, lam: usize, t: f64): void {
  sourceAt(lamSrc, t, lam);
  const u = ptrAt(ctx, AJ_U);
  sourceAt(ptrAt(ctx, AJ_SRC), t, u);
  tapeReverse(ptrAt(ctx, AJ_TAPE), ptrAt(ctx, AJ_REGS), ptrAt(ctx, AJ_ADJ), t, u, lam,
    i32At(ctx, AJ_PARAM_BASE), i32At(ctx, AJ_NP), ptrAt(ctx, AJ_F), ptrAt(ctx, AJ_VU), ptrAt(ctx, AJ_VP));
}

// @ts-ignore: decorator
@inline function addScaled(acc: usize, x: usize, s: f64, n: i32): void {
  for (let j = 0; j < n; j++) {
    const p = acc + (<usize>j << 3);
    store<f64>(p, load<f64>(p) + s * load<f64>(x + (<usize>j << 3)));
  }
}

/**
 * out += sgn·∫ over [lo, hi] (lo < hi), bisecting while |K − G| > max(abstol, reltol·|K|) in any
 * component. `work` holds 2·np values per depth (K and G).
 */
function integrate(
  ctx: usize, lamSrc: usize, lam: usize, lo: f64, hi: f64, sgn: f64, depth: i32, work: usize, out: usize,
  abstol: f64, reltol: f64,
): void {
  const np = i32At(ctx, AJ_NP);
  const vp = ptrAt(ctx, AJ_VP);
  const K = work + (<usize>(2 * depth * np) << 3);
  const G = K + (<usize>np << 3);
  memory.fill(K, 0, <usize>(2 * np) << 3);
  const c = 0.5 * (lo + hi);
  const h = 0.5 * (hi - lo);
  for (let i = 0; i < 4; i++) {
    const x = unchecked(XGK[i]);
    const wk = unchecked(WGK[i]) * h;
    const wg = (i & 1) != 0 ? unchecked(WG[i >> 1]) * h : 0.0;
    for (let side = 0; side < (i == 3 ? 1 : 2); side++) {
      integrand(ctx, lamSrc, lam, side == 0 ? c + h * x : c - h * x);
      addScaled(K, vp, wk, np);
      if (wg != 0.0) addScaled(G, vp, wg, np);
    }
  }
  let fine = true;
  for (let j = 0; j < np; j++) {
    const k = load<f64>(K + (<usize>j << 3));
    const e = abs(k - load<f64>(G + (<usize>j << 3)));
    if (!(e <= max(abstol, reltol * abs(k)))) { fine = false; break; }
  }
  if (fine || depth == QUAD_MAX_DEPTH) {
    addScaled(out, K, sgn, np);
    return;
  }
  integrate(ctx, lamSrc, lam, lo, c, sgn, depth + 1, work, out, abstol, reltol);
  integrate(ctx, lamSrc, lam, c, hi, sgn, depth + 1, work, out, abstol, reltol);
}

/**
 * out (np) = ∫ λᵀ·∂f/∂p dt over every step of the λ source. `lam`: scratch for λ(t) (n,
 * padded); `work`: 2·np·(QUAD_MAX_DEPTH + 1) f64. Both sources' extra stages are computed
 * already (dense-source.ts sourceExtras).
 */
export function adjointQuadrature(ctx: usize, lamSrc: usize, lam: usize, out: usize, work: usize, abstol: f64, reltol: f64): void {
  const np = i32At(ctx, AJ_NP);
  memory.fill(out, 0, <usize>np << 3);
  const npiece = i32At(lamSrc, IS_NPIECE);
  for (let p = 0; p < npiece; p++) {
    const pc = ptrAt(lamSrc, IS_PIECES) + (<usize>(p * IP_SIZE) << 3);
    const recs = ptrAt(pc, IP_RECS);
    const len = i32At(pc, IP_RECLEN);
    const count = i32At(pc, IP_COUNT);
    for (let r = 0; r < count; r++) {
      const rec = recs + (<usize>(r * len) << 3);
      const a = load<f64>(rec);
      const b = load<f64>(rec, 16);
      if (a == b) continue;
      // The λ solve runs from t_K to t0; dL/dp = ∫ from t0 to t_K, so a step from a to b
      // adds ∫_b^a (t_K < t0 for a problem solved backwards in time).
      integrate(ctx, lamSrc, lam, min(a, b), max(a, b), a > b ? 1.0 : -1.0, 0, work, out, abstol, reltol);
    }
  }
}
