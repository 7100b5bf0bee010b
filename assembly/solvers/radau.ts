// RadauIIA5: the 3-stage Radau IIA collocation method of order 5, as Hairer & Wanner's RADAU5
// (Solving ODEs II, §IV.8, and their Fortran code radau5.f) and OrdinaryDiffEq's RadauIIA5.
//
// A step solves M·Z_i = dt·Σ_j A_ij·f(t + c_j·dt, u_n + Z_j) (i = 1..3) for the stage
// increments Z by a simplified Newton iteration. A⁻¹ = T·Λ·T⁻¹ with Λ = [γ 0 0; 0 α −β; 0 β α],
// so in the variables W = T⁻¹·Z the Newton matrix splits into one real system
//   E1 = γ/dt·M − J
// and one complex system
//   E2 = (α + iβ)/dt·M − J
// (with Λ's sign convention, the complex pair (W2 + i·W3) multiplies α + iβ). E1 is factored by
// the engine's real LU as W = M − (dt/γ)·J (wmatrix.ts: E1⁻¹·r = (dt/γ)·W⁻¹·r), E2 by the
// complex LU of linalg/lu-complex.ts. Each Newton iteration evaluates f at the three stages
// and solves both systems.
//
// RADAU5's controls, with its default constants:
//   - Newton: at most NIT = 7 iterations; the increments' norm ΔW (scaled by SCAL, see below)
//     gives the contraction θ_k = ‖ΔW_k‖/‖ΔW_{k−1}‖ (θ = √(θ_k·θ_{k−1}) from the third
//     iteration on), η = θ/(1 − θ) (FACCON); convergence when η·‖ΔW‖ ≤ κ (FNEWT =
//     max(10·eps/rtol′, min(0.03, √rtol′))); divergence (θ ≥ 0.99) or NIT iterations halve dt;
//     a predicted slow convergence (η·‖ΔW‖·θ^(NIT−1−k)/κ ≥ 1) shrinks dt by
//     0.8·q^(−1/(4 + NIT − 1 − k)). η carries to the next step as max(η, eps)^0.8.
//   - Jacobian reuse: a new J only when the last Newton iteration's θ exceeded THET = 0.001;
//     after a rejection J is recomputed only if it was not computed at this state already.
//   - E1, E2 refactored only when dt changes; dt is kept when 1 ≤ dt_new/dt ≤ 1.2 and J is
//     reused (QUOT1, QUOT2).
//   - Error: err = E1⁻¹·(f(t_n, u_n) + M·(e1·Z1 + e2·Z2 + e3·Z3)/dt), e = (−(13 + 7√6)/3,
//     (−13 + 7√6)/3, −1/3), in the RMS norm with weights SCAL; at the first step and after a
//     rejection, when err ≥ 1 the estimate is refined once with f at u_n + err (RADAU5's ESTRAD).
//   - dt_new = dt/quot, quot = clamp(err^(1/4)/fac, 1/8, 5), fac = min(0.9, 0.9·(1 + 2·NIT)/
//     (newt + 2·NIT)); after an acceptance Gustafsson's predictive controller
//     quot = max(quot, (dt_acc/dt)·(err²/err_acc)^(1/4)/0.9) (clamped the same way),
//     err_acc = max(0.01, err). A rejection at the first step divides dt by 10.
//   - Tolerances are RADAU5's transformed ones: rtol′ = 0.1·rtol^(2/3), atol′ = rtol′·atol/rtol,
//     and SCAL_i = atol′_i + rtol′_i·|u_n,i| weighs both the Newton increments and the error.
//   - Starting values: Z from the previous step's collocation polynomial extrapolated to the
//     new stage times (zero at the first step and after an event).
//
// Dense output is the collocation polynomial through u_n and u_n + Z_i at t_n + c_i·dt. With
// the stage derivatives K = A⁻¹·Z/dt it reads u_n + dt·Σ_j B_j(θ)·K_j, B_j(θ) = ∫_0^θ ℓ_j
// (ℓ_j the Lagrange basis on c): the explicit methods' form, so K is stored as the step's
// stage vectors and erk.ts's interpolateStep, the dense records and accepted.ts's acceptStep
// serve it unchanged (src/solve/radau-block.ts writes the B_j).

import {
  B_N, B_TAB, B_ADAPTIVE, B_T0, B_TF, B_DT, B_DTMIN, B_DTMAX, B_MAXITERS,
  B_ABSTOL, B_RELTOL, B_U, B_UPREV, B_TMP, B_ERR, B_K, B_STRIDE,
  B_TSTOPS, B_NTSTOPS, B_NSAVEAT, B_SAVE_EVERY, B_SAVE_START, B_SAVE_END, B_DENSE,
  B_CALLBACKS, B_NACCEPT, B_NREJECT, B_T, B_TPREV, B_DTCUR, B_EXTRAS_DONE,
  B_JAC, B_WMAT, B_PIV, B_MASS, B_NNONLIN, B_NNONLINFAIL, B_NSOLVE,
  T_B_POLY, T_DEG,
  RET_SUCCESS, RET_MAXITERS, RET_DTLESSTHANMIN, RET_UNSTABLE, RET_TERMINATED,
  RET_INITIALFAILURE, RET_ABORTED, RET_CONVERGENCEFAILURE,
} from './layout';
import {
  B_RADAU_E2, B_RADAU_PIV2, B_RADAU_THETA, B_RADAU_FACCON, B_RADAU_HHFAC, B_RADAU_NEWT, RADAU_K, RADAU_Z, RADAU_W, RADAU_F0, RADAU_FS, RADAU_DT,
  RADAU_SCAL, RADAU_E, RADAU_C,
} from './layout-radau';
import { copyVec, allFinite } from '../linalg/vector';
import { f64At, setF64, ptrAt, i32At } from './block';
import { pushSave, lastSavedT, saveCount } from './output';
import { evalF, initialDt, interpolateStep } from './erk';
import { bump, solveW, scaleVec, formFactorW, massTimes, computeJacobian, JAC_ABORTED, JAC_NONFINITE } from './wmatrix';
import { luFactorComplex, luSolveComplex } from '../linalg/lu-complex';
import { acceptStep, stepEnd, stepSaveIdx, stepStopIdx, STEP_ABORT, STEP_EVENT, STEP_TERMINATE } from './accepted';

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

// RADAU5's default controls (radau5.f: NIT, THET, SAFE, FACL/FACR, QUOT1/QUOT2).
const NIT = 7;
const THET = 0.001;
const SAFE = 0.9;
const CFAC = SAFE * (1 + 2 * NIT);
const QMIN = 0.125; // dt_new/dt ≤ 8
const QMAX = 5.0; // dt_new/dt ≥ 0.2
const QUOT1 = 1.0;
const QUOT2 = 1.2;
const EPS = f64.EPSILON;
/** Consecutive singular E1/E2 factorizations before the solve gives up (RADAU5's NSING). */
const MAX_SINGULAR = 5;

// Outcomes of one Newton solve.
const NEWTON_OK = 0;
const NEWTON_DIVERGED = 1; // θ ≥ 0.99, NIT iterations, or a non-finite increment: dt/2
const NEWTON_SLOW = 2; // predicted not to converge in time: dt·hhfac
const NEWTON_ABORTED = 3; // the JavaScript right-hand side threw


/** The vector at workspace slot i (after u_n). */
// @ts-ignore: decorator
@inline function vec(kbase: usize, stride: usize, i: i32): usize {
  return kbase + <usize>i * stride;
}

/** SCAL = atol′ + rtol′·|u| with RADAU5's transformed tolerances. */
function computeScal(scal: usize, u: usize, atol: usize, rtol: usize, n: i32): void {
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
function factorBoth(blk: usize, jac: usize, w: usize, piv: usize, e2: usize, piv2: usize, dts: f64, n: i32): i32 {
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
function newton(
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
function estimate(
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
  let err = rms(tmp, scal, n);
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
    err = rms(tmp, scal, n);
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
function startValues(tab: usize, kbase: usize, stride: usize, n: i32, dts: f64, hold: f64): void {
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
function stageDerivatives(kbase: usize, stride: usize, n: i32, dts: f64): void {
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

/** Exported for TypeScript: interpolation inside the current step (callbacks, Solution.at). */
export function radauInterpolate(blk: usize, tq: f64, out: usize): i32 {
  return interpolateStep(blk, tq, out) ? 0 : 1;
}

/** Runs a whole integration described by the block with RadauIIA5. Returns a RET_* code. */
export function radauSolve(blk: usize): i32 {
  const n = i32At(blk, B_N);
  const tab = ptrAt(blk, B_TAB);
  const adaptive = f64At(blk, B_ADAPTIVE) != 0;
  const t0 = f64At(blk, B_T0);
  const tf = f64At(blk, B_TF);
  const tdir: f64 = tf > t0 ? 1.0 : -1.0;
  let u = ptrAt(blk, B_U);
  let uprev = ptrAt(blk, B_UPREV);
  const tmp = ptrAt(blk, B_TMP);
  const kbase = ptrAt(blk, B_K);
  const stride = ptrAt(blk, B_STRIDE);
  const f0 = vec(kbase, stride, RADAU_F0);
  const fs = vec(kbase, stride, RADAU_FS);
  const dT = vec(kbase, stride, RADAU_DT);
  const scal = vec(kbase, stride, RADAU_SCAL);
  const z3 = vec(kbase, stride, RADAU_Z + 2);
  const jac = ptrAt(blk, B_JAC);
  const w = ptrAt(blk, B_WMAT);
  const piv = ptrAt(blk, B_PIV);
  const e2 = ptrAt(blk, B_RADAU_E2);
  const piv2 = ptrAt(blk, B_RADAU_PIV2);
  const atol = ptrAt(blk, B_ABSTOL);
  const rtol = ptrAt(blk, B_RELTOL);
  const dtmin = abs(f64At(blk, B_DTMIN));
  const dtmax = abs(f64At(blk, B_DTMAX));
  const maxiters = f64At(blk, B_MAXITERS);
  const tstops = ptrAt(blk, B_TSTOPS);
  const ntstops = i32At(blk, B_NTSTOPS);
  const saveEvery = f64At(blk, B_SAVE_EVERY) != 0;
  const saveEnd = f64At(blk, B_SAVE_END) != 0;
  const dense = f64At(blk, B_DENSE) != 0;
  const callbacks = f64At(blk, B_CALLBACKS) != 0;
  const nsa = i32At(blk, B_NSAVEAT);
  // Newton's stopping tolerance κ from the first component's transformed rtol (RADAU5's FNEWT).
  const rt0 = load<f64>(rtol);
  const tolst = rt0 > 0 ? 0.1 * Math.pow(rt0, 2.0 / 3.0) : 0.0;
  const fnewt = tolst > 0 ? max(10.0 * EPS / tolst, min(0.03, Math.sqrt(tolst))) : 0.03;

  let t = t0;
  let stopIdx = 0;
  let saveIdx = 0;
  let dt = abs(f64At(blk, B_DT));
  setF64(blk, B_T, t);
  setF64(blk, B_RADAU_THETA, THET);
  setF64(blk, B_RADAU_FACCON, 1.0);

  if (adaptive && dt == 0) {
    const firstStop = abs((ntstops > 0 ? load<f64>(tstops) : tf) - t0);
    dt = initialDt(blk, n, t0, tdir, u, tmp, ptrAt(blk, B_ERR), fs, atol, rtol, 5.0, dtmax, firstStop, dtmin);
    if (dt < 0) return RET_ABORTED;
    if (!(dt > 0) || dt == Infinity) return RET_INITIALFAILURE;
    // initialDt evaluated f(t0, u0) first, into B_ERR.
    copyVec(f0, ptrAt(blk, B_ERR), n);
  } else {
    if (!evalF(blk, t, u, f0)) return RET_ABORTED;
  }
  if (!allFinite(f0, n)) return RET_INITIALFAILURE;
  computeScal(scal, u, atol, rtol, n);
  if (f64At(blk, B_SAVE_START) != 0) {
    if (!pushSave(blk, t, u, n)) return RET_ABORTED;
  }

  let iter = 0.0;
  let ret = RET_SUCCESS;
  let haveF0 = true; // f0 and scal belong to the accepted state
  let needJ = true; // compute J at the accepted state before the next attempt
  let caljac = false; // J was computed at the accepted state
  let factored = 0.0; // the signed dt E1 and E2 were factored with (0: none)
  let first = true; // no step accepted yet (RADAU5's FIRST)
  let reject = false; // the last attempt was rejected
  let haveK = false; // the K slots hold the previous step, for starting values
  let hold = 0.0;
  let hacc = 0.0;
  let erracc = 1e-2;
  let nsing = 0;

  while (tdir * (tf - t) > 0) {
    const nextStop = stopIdx < ntstops ? load<f64>(tstops + (<usize>stopIdx << 3)) : tf;
    let h = min(dt, dtmax);
    const dist = tdir * (nextStop - t);
    let hitsStop = false;
    if (h >= dist || dist - h <= 100.0 * f64.EPSILON * max(abs(t), abs(nextStop))) {
      h = dist;
      hitsStop = true;
    }
    iter += 1.0;
    if (iter > maxiters) { ret = RET_MAXITERS; break; }
    if (!haveF0) {
      if (!evalF(blk, t, u, f0)) return finish(blk, t, RET_ABORTED);
      if (!allFinite(f0, n)) { ret = RET_UNSTABLE; break; }
      computeScal(scal, u, atol, rtol, n);
      haveF0 = true;
    }
    if (needJ) {
      const jc = computeJacobian(blk, n, t, tdir, u, f0, jac, dT, tmp, fs, atol);
      if (jc == JAC_ABORTED) return finish(blk, t, RET_ABORTED);
      if (jc == JAC_NONFINITE) { ret = RET_UNSTABLE; break; }
      needJ = false;
      caljac = true;
      factored = 0.0;
    }
    const dts = tdir * h;
    if (dts != factored) {
      const info = factorBoth(blk, jac, w, piv, e2, piv2, dts, n);
      factored = dts;
      if (info != 0) {
        // E1 or E2 singular (or not finite): RADAU5 halves dt and gives up after five.
        factored = 0.0;
        nsing++;
        if (!adaptive || nsing >= MAX_SINGULAR) { ret = RET_UNSTABLE; break; }
        dt = 0.5 * h;
        reject = true;
        needJ = !caljac;
        if (dt < dtmin || t + tdir * dt == t) { ret = RET_UNSTABLE; break; }
        continue;
      }
    }
    const tnew = hitsStop ? nextStop : t + dts;
    const swap = uprev;
    uprev = u;
    u = swap;
    setF64(blk, B_U, <f64>u);
    setF64(blk, B_UPREV, <f64>uprev);

    if (first || !haveK) {
      memory.fill(vec(kbase, stride, RADAU_Z), 0, stride * 6);
    } else {
      startValues(tab, kbase, stride, n, dts, hold);
    }
    const nr = newton(blk, n, t, dts, uprev, tmp, kbase, stride, w, piv, e2, piv2, fnewt, adaptive);
    if (nr == NEWTON_ABORTED) return finish(blk, t, RET_ABORTED);
    if (nr != NEWTON_OK) {
      bump(blk, B_NNONLINFAIL);
      u = uprev;
      uprev = swap;
      setF64(blk, B_U, <f64>u);
      setF64(blk, B_UPREV, <f64>uprev);
      if (!adaptive) {
        // A fixed dt: retry once with J at this state, then give up.
        if (caljac) { ret = RET_CONVERGENCEFAILURE; break; }
        needJ = true;
        continue;
      }
      dt = h * (nr == NEWTON_SLOW ? f64At(blk, B_RADAU_HHFAC) : 0.5);
      reject = true;
      needJ = !caljac;
      if (dt < dtmin) { ret = RET_DTLESSTHANMIN; break; }
      // Newton failed down to the resolution of t: the nonlinear system has no solution near.
      if (t + tdir * dt == t) { ret = RET_CONVERGENCEFAILURE; break; }
      continue;
    }

    let hnew = h;
    if (adaptive) {
      const err = estimate(blk, n, t, dts, uprev, u, tmp, kbase, stride, w, piv, first || reject);
      if (err < 0) return finish(blk, t, RET_ABORTED);
      const fac = min(SAFE, CFAC / (f64At(blk, B_RADAU_NEWT) + <f64>(2 * NIT)));
      let quot = max(QMIN, min(QMAX, Math.pow(err, 0.25) / fac));
      hnew = h / quot;
      if (!(err < 1.0)) {
        bump(blk, B_NREJECT);
        u = uprev;
        uprev = swap;
        setF64(blk, B_U, <f64>u);
        setF64(blk, B_UPREV, <f64>uprev);
        reject = true;
        dt = first ? 0.1 * h : hnew;
        needJ = !caljac;
        if (dt < dtmin || t + tdir * dt == t) { ret = RET_DTLESSTHANMIN; break; }
        continue;
      }
      // Gustafsson's predictive controller (RADAU5's PRED), from the second accepted step.
      if (!first) {
        const facgus = max(QMIN, min(QMAX, (hacc / h) * Math.pow(err * err / erracc, 0.25) / SAFE));
        quot = max(quot, facgus);
        hnew = h / quot;
      }
      hacc = h;
      erracc = max(1e-2, err);
    }

    // The step is accepted: u_{n+1} = u_n + Z3 (the method is stiffly accurate).
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(u + off, load<f64>(uprev + off) + load<f64>(z3 + off));
    }
    if (!allFinite(u, n)) {
      u = uprev;
      uprev = swap;
      setF64(blk, B_U, <f64>u);
      setF64(blk, B_UPREV, <f64>uprev);
      ret = RET_UNSTABLE;
      break;
    }
    stageDerivatives(kbase, stride, n, dts);
    bump(blk, B_NACCEPT);
    first = false;
    haveK = true;
    hold = dts;
    nsing = 0;
    const tprev = t;
    t = tnew;
    setF64(blk, B_TPREV, tprev);
    setF64(blk, B_T, t);
    setF64(blk, B_DTCUR, dts);
    setF64(blk, B_EXTRAS_DONE, 0.0);
    caljac = false;
    haveF0 = false;
    if (adaptive) {
      hnew = min(hnew, dtmax);
      if (reject) hnew = min(hnew, h);
      const qt = hnew / h;
      // Keep dt (and E1, E2) when the change would be small and J is still good.
      dt = f64At(blk, B_RADAU_THETA) <= THET && qt >= QUOT1 && qt <= QUOT2 ? h : hnew;
    }
    reject = false;
    needJ = f64At(blk, B_RADAU_THETA) > THET;

    const next = acceptStep(blk, tprev, t, dts, tdir, tf, u, tmp, n, saveIdx, nsa, stopIdx, ntstops, hitsStop, callbacks, dense, saveEvery);
    t = stepEnd;
    if (next == STEP_ABORT) return finish(blk, t, RET_ABORTED);
    saveIdx = stepSaveIdx;
    stopIdx = stepStopIdx;
    if (next == STEP_TERMINATE) { ret = RET_TERMINATED; break; }
    // The state moved (an event's affect): start afresh from it.
    if (next == STEP_EVENT) {
      haveK = false;
      needJ = true;
    }
  }

  if ((ret == RET_SUCCESS || ret == RET_TERMINATED) && saveEnd) {
    if (saveCount(blk) == 0 || lastSavedT(blk, n) != t) {
      if (!pushSave(blk, t, u, n)) return finish(blk, t, RET_ABORTED);
    }
  }
  return finish(blk, t, ret);
}

// @ts-ignore: decorator
@inline function finish(blk: usize, t: f64, ret: i32): i32 {
  setF64(blk, B_T, t);
  return ret;
}
