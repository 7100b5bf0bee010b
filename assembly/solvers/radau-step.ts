// One RadauIIA5 step's pieces (radau.ts runs the integration): the method's constants, the
// factorizations of E1 and E2, the simplified Newton iteration, RADAU5's error estimate, the
// starting values and the dense output's stage derivatives. radau.ts describes the method.

import { B_MASS, B_NNONLIN, B_NSOLVE, T_B_POLY, T_DEG } from './layout';
import { B_RADAU_THETA, B_RADAU_FACCON, B_RADAU_HHFAC, B_RADAU_NEWT, RADAU_K, RADAU_Z, RADAU_W, RADAU_FS, RADAU_DT, RADAU_SCAL, RADAU_E, RADAU_C, RADAU_F0 } from './layout-radau';
import { f64At, setF64, ptrAt, i32At } from './block';
import { evalF } from './erk';
import { normLength } from './norm';
import { bump, solveW, scaleVec, formFactorW, massTimes } from './wmatrix';
import { luFactorComplex, luSolveComplex } from '../linalg/lu-complex';

// --- The method's constants.
// Nodes c = ((4 − √6)/10, (4 + √6)/10, 1) (Hairer–Wanner II, Table IV.5.6).
const C1 = 0.15505102572168219018;
const C2 = 0.64494897427831780982;
// T and T⁻¹ with T⁻¹·A⁻¹·T = Λ, and the eigenvalues of A⁻¹: γ = 1/γ′, α + iβ = 1/(α′ − iβ′)
// with γ′ = (6 + 9^(1/3)·(9^(1/3) − 1))/30, α′ = (12 − 9^(1/3)·(9^(1/3) − 1))/60,
// β′ = 9^(1/3)·(9^(1/3) + 1)·√3/60 — RADAU5's radau5.f (RADCOR) and OrdinaryDiffEq.jl's
// RadauIIA5Tableau (src/tableaus/firk_tableaus.jl) list the same values. T32 = 1, T33 = 0.
const T11 = 9.1232394870892942792e-02;
const T12 = -0.14125529502095420843;
const T13 = -3.0029194105147424492e-02;
const T21 = 0.24171793270710701896;
const T22 = 0.20412935229379993199;
const T23 = 0.38294211275726193779;
const T31 = 0.96604818261509293619;
const TI11 = 4.3255798900631553510;
const TI12 = 0.33919925181580986954;
const TI13 = 0.54177053993587487119;
const TI21 = -4.1787185915519047273;
const TI22 = -0.32768282076106238708;
const TI23 = 0.47662355450055045196;
const TI31 = -0.50287263494578687595;
const TI32 = 2.5719269498556054292;
const TI33 = -0.59603920482822492497;
const GAMMA = 3.63783425274449573221;
const ALPHA = 2.68108287362775213390;
const BETA = 3.05043019924741056943;
// The error estimate's weights (RADAU5's DD1, DD2, DD3).
const DD1 = -10.0488093998274155625; // −(13 + 7√6)/3
const DD2 = 1.38214273316074889579; // (−13 + 7√6)/3
const DD3 = -0.33333333333333333333; // −1/3
// A⁻¹ of the Radau IIA tableau (computed exactly from Hairer–Wanner's Table IV.5.6):
// K = A⁻¹·Z/dt are the stage derivatives of the dense output.
const AI11 = 3.224744871391589049;
const AI12 = 1.167840084690405495;
const AI13 = -0.2531972647421808262;
const AI21 = -3.567840084690405495;
const AI22 = 0.7752551286084109509;
const AI23 = 1.053197264742180826;
const AI31 = 5.531972647421808262;
const AI32 = -7.531972647421808262;
const AI33 = 5.0;

// RADAU5's Newton controls (radau5.f: NIT, THET).
export const NIT = 7;
export const THET = 0.001;
const EPS = f64.EPSILON;

// Outcomes of one Newton solve.
export const NEWTON_OK = 0;
export const NEWTON_DIVERGED = 1; // θ ≥ 0.99, NIT iterations, or a non-finite increment: dt/2
export const NEWTON_SLOW = 2; // predicted not to converge in time: dt·hhfac
export const NEWTON_ABORTED = 3; // the JavaScript right-hand side threw


/** The vector at workspace slot i (after u_n). */
// @ts-ignore: decorator
@inline export function vec(kbase: usize, stride: usize, i: i32): usize {
  return kbase + <usize>i * stride;
}

/** SCAL = atol′ + rtol′·|u| with RADAU5's transformed tolerances. */
export function computeScal(scal: usize, u: usize, atol: usize, rtol: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    const rt = load<f64>(rtol + off);
    const at = load<f64>(atol + off);
    let r2 = 0.0;
    let a2 = at;
    if (rt > 0) {
      r2 = 0.1 * Math.pow(rt, 2.0 / 3.0);
      a2 = r2 * (at / rt);
    }
    let s = a2 + r2 * abs(load<f64>(u + off));
    // Zero weights (atol = 0 at a zero component) would make every norm infinite.
    if (!(s > 0)) s = f64.MIN_VALUE;
    store<f64>(scal + off, s);
  }
}

/**
 * Forms and factors E1 (as M − (dt/γ)·J, counted in B_NW) and E2 = (α + iβ)/dt·M − J.
 * Returns 0, or the first nonzero LU status.
 */
export function factorBoth(blk: usize, jac: usize, w: usize, piv: usize, e2: usize, piv2: usize, dts: f64, n: i32): i32 {
  const info1 = formFactorW(blk, w, piv, jac, dts / GAMMA, n);
  const ar = ALPHA / dts;
  const ai = BETA / dts;
  const mass = ptrAt(blk, B_MASS);
  const nn = n * n;
  for (let q = 0; q < nn; q++) {
    const m = mass != 0 ? load<f64>(mass + (<usize>q << 3)) : 0.0;
    const p = e2 + (<usize>q << 4);
    store<f64>(p, ar * m - load<f64>(jac + (<usize>q << 3)));
    store<f64>(p, ai * m, 8);
  }
  if (mass == 0) {
    for (let i = 0; i < n; i++) {
      const p = e2 + (<usize>(i * n + i) << 4);
      store<f64>(p, load<f64>(p) + ar);
      store<f64>(p, ai, 8);
    }
  }
  const info2 = luFactorComplex(e2, n, piv2);
  return info1 != 0 ? info1 : info2;
}

/** Solves E1·x = r in place (r at x): x = (dt/γ)·W⁻¹·r. */
// @ts-ignore: decorator
@inline function solveE1(blk: usize, w: usize, piv: usize, n: i32, x: usize, dts: f64): void {
  scaleVec(x, dts / GAMMA, n);
  solveW(blk, w, piv, n, x);
}

/**
 * The simplified Newton iteration for Z (RADAU5's loop at label 40), from the starting values
 * in Z and W = T⁻¹·Z. Returns a NEWTON_* code and leaves θ, η, the slow-convergence dt
 * factor and the iteration count in the block (B_RADAU_*).
 */
export function newton(
  blk: usize, n: i32, t: f64, dts: f64, uprev: usize, tmp: usize, kbase: usize, stride: usize,
  w: usize, piv: usize, e2: usize, piv2: usize, fnewt: f64, adaptive: bool,
): i32 {
  const z1 = vec(kbase, stride, RADAU_Z);
  const z2 = vec(kbase, stride, RADAU_Z + 1);
  const z3 = vec(kbase, stride, RADAU_Z + 2);
  const w1 = vec(kbase, stride, RADAU_W);
  const w2 = vec(kbase, stride, RADAU_W + 1);
  const w3 = vec(kbase, stride, RADAU_W + 2);
  const scal = vec(kbase, stride, RADAU_SCAL);
  const cb = vec(kbase, stride, RADAU_C);
  const mass = ptrAt(blk, B_MASS);
  // M·W's three vectors when there is a mass matrix (scratch slots free during Newton).
  const mw1 = mass != 0 ? vec(kbase, stride, RADAU_FS) : w1;
  const mw2 = mass != 0 ? vec(kbase, stride, RADAU_E) : w2;
  const mw3 = mass != 0 ? vec(kbase, stride, RADAU_DT) : w3;
  const fac1 = GAMMA / dts;
  const alphn = ALPHA / dts;
  const betan = BETA / dts;
  let faccon = Math.pow(max(f64At(blk, B_RADAU_FACCON), EPS), 0.8);
  let theta = THET;
  let dynold = 0.0;
  let thqold = 0.0;
  let newt = 0;
  while (true) {
    if (newt >= NIT) return newtonEnd(blk, NEWTON_DIVERGED, theta, faccon, 1.0, newt);
    // f at the three stages, into Z (Z is T·W and is rebuilt below).
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(tmp + off, load<f64>(uprev + off) + load<f64>(z1 + off));
    }
    if (!evalF(blk, t + C1 * dts, tmp, z1)) return NEWTON_ABORTED;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(tmp + off, load<f64>(uprev + off) + load<f64>(z2 + off));
    }
    if (!evalF(blk, t + C2 * dts, tmp, z2)) return NEWTON_ABORTED;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(tmp + off, load<f64>(uprev + off) + load<f64>(z3 + off));
    }
    if (!evalF(blk, t + dts, tmp, z3)) return NEWTON_ABORTED;
    if (mass != 0) {
      massTimes(blk, mw1, w1, n);
      massTimes(blk, mw2, w2, n);
      massTimes(blk, mw3, w3, n);
    }
    // Right-hand sides T⁻¹·F − Λ/dt·(M·W): the real one into Z1, the complex pair
    // interleaved into cb (RADAU5's SLVRAD).
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const a1 = load<f64>(z1 + off);
      const a2 = load<f64>(z2 + off);
      const a3 = load<f64>(z3 + off);
      const m1 = load<f64>(mw1 + off);
      const m2 = load<f64>(mw2 + off);
      const m3 = load<f64>(mw3 + off);
      store<f64>(z1 + off, TI11 * a1 + TI12 * a2 + TI13 * a3 - fac1 * m1);
      const r2 = TI21 * a1 + TI22 * a2 + TI23 * a3;
      const r3 = TI31 * a1 + TI32 * a2 + TI33 * a3;
      store<f64>(cb + (off << 1), r2 - alphn * m2 + betan * m3);
      store<f64>(cb + (off << 1) + 8, r3 - alphn * m3 - betan * m2);
    }
    solveE1(blk, w, piv, n, z1, dts);
    luSolveComplex(e2, n, piv2, cb);
    bump(blk, B_NSOLVE);
    newt++;
    bump(blk, B_NNONLIN);
    let dyno = 0.0;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const s = load<f64>(scal + off);
      const d1 = load<f64>(z1 + off) / s;
      const d2 = load<f64>(cb + (off << 1)) / s;
      const d3 = load<f64>(cb + (off << 1) + 8) / s;
      dyno += d1 * d1 + d2 * d2 + d3 * d3;
    }
    dyno = Math.sqrt(dyno / <f64>(3 * n));
    if (!isFinite(dyno)) return newtonEnd(blk, NEWTON_DIVERGED, theta, faccon, 1.0, newt);
    if (newt > 1 && newt < NIT) {
      const thq = dyno / dynold;
      theta = newt == 2 ? thq : Math.sqrt(thq * thqold);
      thqold = thq;
      if (theta < 0.99) {
        faccon = theta / (1.0 - theta);
        const dyth = faccon * dyno * Math.pow(theta, <f64>(NIT - 1 - newt)) / fnewt;
        // With a fixed dt there is no smaller step to try: iterate on while it contracts.
        if (dyth >= 1.0 && adaptive) {
          const qnewt = max(1e-4, min(20.0, dyth));
          const hhfac = 0.8 * Math.pow(qnewt, -1.0 / (4.0 + <f64>(NIT - 1 - newt)));
          return newtonEnd(blk, NEWTON_SLOW, theta, faccon, hhfac, newt);
        }
      } else {
        return newtonEnd(blk, NEWTON_DIVERGED, theta, faccon, 1.0, newt);
      }
    }
    dynold = max(dyno, EPS);
    // W += ΔW, Z = T·W.
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const f1 = load<f64>(w1 + off) + load<f64>(z1 + off);
      const f2 = load<f64>(w2 + off) + load<f64>(cb + (off << 1));
      const f3 = load<f64>(w3 + off) + load<f64>(cb + (off << 1) + 8);
      store<f64>(w1 + off, f1);
      store<f64>(w2 + off, f2);
      store<f64>(w3 + off, f3);
      store<f64>(z1 + off, T11 * f1 + T12 * f2 + T13 * f3);
      store<f64>(z2 + off, T21 * f1 + T22 * f2 + T23 * f3);
      store<f64>(z3 + off, T31 * f1 + f2);
    }
    if (faccon * dyno <= fnewt) return newtonEnd(blk, NEWTON_OK, theta, faccon, 1.0, newt);
  }
}

/** Stores Newton's state in the block and returns `code`. */
function newtonEnd(blk: usize, code: i32, theta: f64, faccon: f64, hhfac: f64, newt: i32): i32 {
  setF64(blk, B_RADAU_THETA, theta);
  setF64(blk, B_RADAU_FACCON, faccon);
  setF64(blk, B_RADAU_HHFAC, hhfac);
  setF64(blk, B_RADAU_NEWT, <f64>newt);
  return code;
}

/**
 * RADAU5's error estimate (ESTRAD) for the converged Z: the scaled RMS norm, at least 1e-10;
 * −1 when f threw. `refine`: at the first step or after a rejection, an estimate ≥ 1 is
 * recomputed with f at u_n + err. `u` is scratch here.
 */
export function estimate(
  blk: usize, n: i32, t: f64, dts: f64, uprev: usize, u: usize, tmp: usize, kbase: usize, stride: usize,
  w: usize, piv: usize, refine: bool,
): f64 {
  const z1 = vec(kbase, stride, RADAU_Z);
  const z2 = vec(kbase, stride, RADAU_Z + 1);
  const z3 = vec(kbase, stride, RADAU_Z + 2);
  const f0 = vec(kbase, stride, RADAU_F0);
  const fs = vec(kbase, stride, RADAU_FS);
  const ev = vec(kbase, stride, RADAU_E);
  const scal = vec(kbase, stride, RADAU_SCAL);
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(fs + off, (DD1 * load<f64>(z1 + off) + DD2 * load<f64>(z2 + off) + DD3 * load<f64>(z3 + off)) / dts);
  }
  massTimes(blk, ev, fs, n);
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(tmp + off, load<f64>(f0 + off) + load<f64>(ev + off));
  }
  solveE1(blk, w, piv, n, tmp, dts);
  let err = rms(tmp, scal, normLength(blk, n));
  if (err >= 1.0 && refine) {
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(u + off, load<f64>(uprev + off) + load<f64>(tmp + off));
    }
    if (!evalF(blk, t, u, fs)) return -1.0;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(tmp + off, load<f64>(fs + off) + load<f64>(ev + off));
    }
    solveE1(blk, w, piv, n, tmp, dts);
    err = rms(tmp, scal, normLength(blk, n));
  }
  // NaN reads as a rejection.
  return isNaN(err) ? Infinity : max(err, 1e-10);
}

/** sqrt(Σ (x_i/s_i)² / n) */
function rms(x: usize, s: usize, n: i32): f64 {
  let acc = 0.0;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    const r = load<f64>(x + off) / load<f64>(s + off);
    acc += r * r;
  }
  return Math.sqrt(acc / <f64>n);
}

/** The dense output's weight B_j(θ) (poly: B_j's coefficients of θ^1..θ^deg). */
// @ts-ignore: decorator
@inline function weight(poly: usize, deg: i32, j: i32, th: f64): f64 {
  const row = poly + (<usize>(j * deg) << 3);
  let acc = 0.0;
  for (let q = deg - 1; q >= 0; q--) acc = (acc + load<f64>(row + (<usize>q << 3))) * th;
  return acc;
}

/**
 * Starting values for Newton: the previous step's collocation polynomial (its K, over hold)
 * at the new stage times, minus its end value: Z_i = hold·Σ_j (B_j(1 + c_i·dt/hold) − B_j(1))·K_j;
 * W = T⁻¹·Z. RADAU5 extrapolates the same polynomial.
 */
export function startValues(tab: usize, kbase: usize, stride: usize, n: i32, dts: f64, hold: f64): void {
  const poly = ptrAt(tab, T_B_POLY);
  const deg = i32At(tab, T_DEG);
  const r = dts / hold;
  const k1 = vec(kbase, stride, RADAU_K);
  const k2 = vec(kbase, stride, RADAU_K + 1);
  const k3 = vec(kbase, stride, RADAU_K + 2);
  const b1 = weight(poly, deg, 0, 1.0);
  const b2 = weight(poly, deg, 1, 1.0);
  const b3 = weight(poly, deg, 2, 1.0);
  for (let s = 0; s < 3; s++) {
    const c = s == 0 ? C1 : s == 1 ? C2 : 1.0;
    const th = 1.0 + c * r;
    const q1 = hold * (weight(poly, deg, 0, th) - b1);
    const q2 = hold * (weight(poly, deg, 1, th) - b2);
    const q3 = hold * (weight(poly, deg, 2, th) - b3);
    const z = vec(kbase, stride, RADAU_Z + s);
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(z + off, q1 * load<f64>(k1 + off) + q2 * load<f64>(k2 + off) + q3 * load<f64>(k3 + off));
    }
  }
  const z1 = vec(kbase, stride, RADAU_Z);
  const z2 = vec(kbase, stride, RADAU_Z + 1);
  const z3 = vec(kbase, stride, RADAU_Z + 2);
  const w1 = vec(kbase, stride, RADAU_W);
  const w2 = vec(kbase, stride, RADAU_W + 1);
  const w3 = vec(kbase, stride, RADAU_W + 2);
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    const a1 = load<f64>(z1 + off);
    const a2 = load<f64>(z2 + off);
    const a3 = load<f64>(z3 + off);
    store<f64>(w1 + off, TI11 * a1 + TI12 * a2 + TI13 * a3);
    store<f64>(w2 + off, TI21 * a1 + TI22 * a2 + TI23 * a3);
    store<f64>(w3 + off, TI31 * a1 + TI32 * a2 + TI33 * a3);
  }
}

/** K = A⁻¹·Z/dt, the accepted step's stage derivatives (dense output, next starting values). */
export function stageDerivatives(kbase: usize, stride: usize, n: i32, dts: f64): void {
  const z1 = vec(kbase, stride, RADAU_Z);
  const z2 = vec(kbase, stride, RADAU_Z + 1);
  const z3 = vec(kbase, stride, RADAU_Z + 2);
  const k1 = vec(kbase, stride, RADAU_K);
  const k2 = vec(kbase, stride, RADAU_K + 1);
  const k3 = vec(kbase, stride, RADAU_K + 2);
  const inv = 1.0 / dts;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    const a1 = load<f64>(z1 + off);
    const a2 = load<f64>(z2 + off);
    const a3 = load<f64>(z3 + off);
    store<f64>(k1 + off, (AI11 * a1 + AI12 * a2 + AI13 * a3) * inv);
    store<f64>(k2 + off, (AI21 * a1 + AI22 * a2 + AI23 * a3) * inv);
    store<f64>(k3 + off, (AI31 * a1 + AI32 * a2 + AI33 * a3) * inv);
  }
}
