// FBDF: variable-order (1–5), variable-step BDF for stiff problems and index-1 DAEs with a
// constant mass matrix, M·u' = f(t, u).
//
// Formulation: the quasi-constant-step backward-difference form of Shampine & Reichelt, "The
// MATLAB ODE Suite", SIAM J. Sci. Comput. 18(1), 1997, §2 (MATLAB's ode15s; the same scheme as
// SciPy's integrate.BDF, scipy/integrate/_ivp/bdf.py), with κ = 0, i.e. the plain BDF
// formulas, not the NDFs. The state of the method is the array of backward differences
// D_0 … D_{k+2} of the solution on an equally spaced grid of spacing h (D_0 = u_n); a change
// of step size re-interpolates them onto the new grid (changeD), so every step uses the
// constant-step formulas:
//
//   predictor   ypred = Σ_{j=0..k} D_j
//   corrector   Σ_{j=1..k} γ_j·∇^j u_{n+1} = h·f(t_{n+1}, u_{n+1}),  γ_j = Σ_{i=1..j} 1/i,
//               which with d = u_{n+1} − ypred is  γ_k·d + Σ_{j=1..k} γ_j·D_j = h·f.
//   With a mass matrix the left side is multiplied by M. Newton (newton.ts) solves
//               M·z = c·f(t_{n+1}, ψ + z),  c = h/γ_k,  PSIS = Σ_{j=1..k} γ_j·D_j / γ_k,
//               z = d + PSIS, ψ = ypred − PSIS, with W = M − c·J.
//   error       err = d / (k + 1)  (error constant of BDF-k, C_{k+1} = 1/(k+1));
//               accepted when its scaled RMS norm (newton.ts's scaledRms: abstol +
//               reltol·max(|u_n|, |u_{n+1}|), as the other integrators) is ≤ 1.
//   update      D_{k+2} = d − D_{k+1},  D_{k+1} = d,  D_j += D_{j+1} for j = k … 0.
//
// Step size and order (Shampine & Reichelt §2.3; SciPy's constants): after a rejection
// h ·= max(0.2, safety·‖err‖^(−1/(k+1))); after a Newton failure h ·= 1/2. After k + 1 steps
// of equal size, the estimates of orders k − 1 (D_k/k), k (err) and k + 1 (D_{k+2}/(k+2))
// each propose a factor ‖e_q‖^(−1/(q+1)); the order with the largest one is taken and
// h ·= min(10, safety·factor), safety = 0.9·(2·10 + 1)/(2·10 + iterations) (the Newton
// iterations of the step, with the iteration limit 10).
//
// The Jacobian is kept across steps while Newton converges: it is recomputed (at t_n, u_n)
// when Newton fails with an old one, or converged slowly (more than NL_SLOW iterations); W is
// refactored whenever c = h/γ_k changes. A Newton failure (or a singular W) with a fresh
// Jacobian rejects the step (h halved); at a fixed dt it ends the solve with
// ConvergenceFailure (Unstable for a singular W, as the Rosenbrock driver).
//
// Dense output: the interpolating polynomial of the step, D_0 + Σ_{j=1..k} D_j·Π_{m<j}
// (θ − 1 + m)/(m + 1) with θ = (t − t_n)/h, written as u_n + h·Σ_q w_q(θ)·(D_q/h): the weights
// w_q are fixed polynomials (src/solve/bdf-block.ts), so the dense records and the
// interpolation are the explicit methods' (the "stages" are D_q/h, zero above the order).
//
// Fixed dt (adaptive: false): no error estimate; the order rises by one after each k + 1 steps
// up to maxOrder.

import {
  B_N, B_ADAPTIVE, B_T0, B_TF, B_DT, B_DTMIN, B_DTMAX, B_MAXITERS,
  B_ABSTOL, B_RELTOL, B_U, B_UPREV, B_TMP, B_K, B_STRIDE,
  B_TSTOPS, B_NTSTOPS, B_NSAVEAT, B_SAVE_EVERY, B_SAVE_END, B_DENSE,
  B_CALLBACKS, B_NACCEPT, B_NREJECT, B_T, B_TPREV, B_DTCUR, B_EXTRAS_DONE,
  B_JAC, B_WMAT, B_PIV,
  RET_SUCCESS, RET_MAXITERS, RET_DTLESSTHANMIN, RET_UNSTABLE, RET_TERMINATED,
  RET_CONVERGENCEFAILURE, RET_ABORTED,
} from './layout';
import {
  B_BDF_MAXORDER, B_BDF_ORDER, B_BDF_ETAOLD, B_BDF_THETA, BDF_MAX_ORDER, BDF_NDENSE, BDF_V_D, BDF_ND, BDF_V_YPRED,
  BDF_V_PSIS, BDF_V_PSI, BDF_V_Z, BDF_V_FZ, BDF_V_MZ, BDF_V_DT, BDF_V_F0, BDF_V_SCR,
} from './layout-bdf';
import { copyVec, allFinite } from '../linalg/vector';
import { f64At, setF64, ptrAt, i32At } from './block';
import { evalF, interpolateStep } from './erk';
import { bump, formFactorW, computeJacobian, JAC_ABORTED, JAC_NONFINITE } from './wmatrix';
import { RET_SWITCH } from './layout-auto';
import { stiffSwitch } from './stiffness';
import { startSolve, stepToStop, stepHitsStop, endSolve, finish } from './drive';
import { acceptStep, stepEnd, stepSaveIdx, stepStopIdx, STEP_ABORT, STEP_EVENT, STEP_TERMINATE } from './accepted';
import { scaledRms, normLength } from './norm';
import { newtonSolve, newtonIters, NEWTON_RHS_THREW, NEWTON_CONVERGED, NEWTON_MAXITER } from './newton';

/** More Newton iterations than this mark the Jacobian as stale: the next step takes a new one. */
const NL_SLOW: i32 = 5;
/** Bounds of the step-size factor (Shampine & Reichelt; SciPy's MIN_FACTOR, MAX_FACTOR). */
const MIN_FACTOR: f64 = 0.2;
const MAX_FACTOR: f64 = 10.0;

// (k+1)×(k+1) scratch matrices of changeD (k ≤ 5) and one component's differences.
const R_MAT = memory.data(8 * 36);
const U_MAT = memory.data(8 * 36);
const RU_MAT = memory.data(8 * 36);
const COL = memory.data(8 * 6);

/** γ_k = Σ_{i=1..k} 1/i, the BDF-k coefficient of the backward-difference form. */
function gammaK(k: i32): f64 {
  let s = 0.0;
  for (let i = 1; i <= k; i++) s += 1.0 / <f64>i;
  return s;
}

/**
 * R(k, ρ)_{ij} = Π_{m=1..i} (m − 1 − ρ·j)/m (i, j = 0…k; R_{0j} = 1, R_{i0} = 0 for i ≥ 1):
 * the matrix that maps differences on a grid of spacing h to the spacing ρ·h
 * (Shampine & Reichelt 1997, §2.3).
 */
function computeR(out: usize, k: i32, rho: f64): void {
  const m = k + 1;
  for (let j = 0; j < m; j++) {
    let p = 1.0;
    store<f64>(out + (<usize>j << 3), 1.0);
    for (let i = 1; i < m; i++) {
      p *= (<f64>(i - 1) - rho * <f64>j) / <f64>i;
      store<f64>(out + (<usize>(i * m + j) << 3), p);
    }
  }
}

/** Re-expresses D_0 … D_k on the grid of spacing ρ·h: D ← (R(ρ)·R(1))ᵀ·D. */
function changeD(dbase: usize, stride: usize, k: i32, rho: f64, n: i32): void {
  const m = k + 1;
  computeR(R_MAT, k, rho);
  computeR(U_MAT, k, 1.0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0.0;
      for (let l = 0; l < m; l++) s += load<f64>(R_MAT + (<usize>(i * m + l) << 3)) * load<f64>(U_MAT + (<usize>(l * m + j) << 3));
      store<f64>(RU_MAT + (<usize>(i * m + j) << 3), s);
    }
  }
  for (let c = 0; c < n; c++) {
    const off = <usize>c << 3;
    for (let j = 0; j < m; j++) store<f64>(COL + (<usize>j << 3), load<f64>(dbase + <usize>j * stride + off));
    // D_0 is unchanged (column 0 of R·R(1) is e_0).
    for (let i = 1; i < m; i++) {
      let s = 0.0;
      for (let j = 0; j < m; j++) s += load<f64>(RU_MAT + (<usize>(j * m + i) << 3)) * load<f64>(COL + (<usize>j << 3));
      store<f64>(dbase + <usize>i * stride + off, s);
    }
  }
}

/** The order's predictor, PSIS and ψ from the differences. */
function predict(dbase: usize, stride: usize, k: i32, ypred: usize, psis: usize, psi: usize, n: i32): void {
  const gk = gammaK(k);
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    let y = load<f64>(dbase + off);
    let p = 0.0;
    let g = 0.0;
    for (let j = 1; j <= k; j++) {
      const dj = load<f64>(dbase + <usize>j * stride + off);
      g += 1.0 / <f64>j;
      y += dj;
      p += g * dj;
    }
    p /= gk;
    store<f64>(ypred + off, y);
    store<f64>(psis + off, p);
    store<f64>(psi + off, y - p);
  }
}

/** Starts the differences at (u, f): D_0 = u, D_1 = dts·f, the rest 0 (order 1). */
function startD(dbase: usize, stride: usize, u: usize, f: usize, dts: f64, n: i32): void {
  copyVec(dbase, u, n);
  const d1 = dbase + stride;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(d1 + off, dts * load<f64>(f + off));
  }
  for (let j = 2; j < BDF_ND; j++) memory.fill(dbase + <usize>j * stride, 0, <usize>n << 3);
}

/** Exported for TypeScript: interpolation inside the current step (callbacks, Solution.at). */
export function bdfInterpolate(blk: usize, tq: f64, out: usize): i32 {
  return interpolateStep(blk, tq, out) ? 0 : 1;
}

/** Runs a whole integration described by the block with FBDF. Returns a RET_* code. */
export function bdfSolve(blk: usize): i32 {
  const n = i32At(blk, B_N);
  const nn = normLength(blk, n);
  const adaptive = f64At(blk, B_ADAPTIVE) != 0;
  const t0 = f64At(blk, B_T0);
  const tf = f64At(blk, B_TF);
  const tdir: f64 = tf > t0 ? 1.0 : -1.0;
  let u = ptrAt(blk, B_U);
  let uprev = ptrAt(blk, B_UPREV);
  const tmp = ptrAt(blk, B_TMP);
  const kbase = ptrAt(blk, B_K);
  const stride = ptrAt(blk, B_STRIDE);
  const dbase = kbase + <usize>BDF_V_D * stride;
  const ypred = kbase + <usize>BDF_V_YPRED * stride;
  const psis = kbase + <usize>BDF_V_PSIS * stride;
  const psi = kbase + <usize>BDF_V_PSI * stride;
  const z = kbase + <usize>BDF_V_Z * stride;
  const fz = kbase + <usize>BDF_V_FZ * stride;
  const mz = kbase + <usize>BDF_V_MZ * stride;
  const dT = kbase + <usize>BDF_V_DT * stride;
  const f0 = kbase + <usize>BDF_V_F0 * stride;
  const scr = kbase + <usize>BDF_V_SCR * stride;
  const jac = ptrAt(blk, B_JAC);
  const w = ptrAt(blk, B_WMAT);
  const piv = ptrAt(blk, B_PIV);
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
  let maxOrder = i32At(blk, B_BDF_MAXORDER);
  if (maxOrder < 1 || maxOrder > BDF_MAX_ORDER) maxOrder = BDF_MAX_ORDER;
  const vecBytes = <usize>n << 3;

  let t = t0;
  let stopIdx = 0;
  let saveIdx = 0;
  let h = abs(f64At(blk, B_DT));
  const hFixed = h; // the step of a fixed-dt solve, resumed after a shortened one
  setF64(blk, B_T, t);

  // The first step is BDF1 (implicit Euler): the Hairer–Wanner estimate for order 1.
  h = startSolve(blk, n, t0, tf, tdir, u, f0, fz, 1.0, h);
  if (h < 0) return <i32>(-h);
  h = min(h, dtmax);
  startD(dbase, stride, u, f0, tdir * h, n);
  // The dense stages above the order stay 0.
  for (let q = 0; q < BDF_NDENSE; q++) memory.fill(kbase + <usize>q * stride, 0, vecBytes);

  let order = 1;
  let nEqual = 0;
  let iter = 0.0;
  let ret = RET_SUCCESS;
  // f(t_n, u_n) known (haveF0); J computed (haveJ) and at the current step's start (jacFresh);
  // the c of the factored W (wc, NaN: none).
  let haveF0 = true;
  let haveJ = false;
  let jacFresh = false;
  let wc = NaN;
  // OrdinaryDiffEq.jl starts ηold at 1 (lib/OrdinaryDiffEqNonlinearSolve/src/utils.jl).
  setF64(blk, B_BDF_ETAOLD, 1.0);
  setF64(blk, B_BDF_THETA, 0.0);

  while (tdir * (tf - t) > 0) {
    iter += 1.0;
    if (iter > maxiters) { ret = RET_MAXITERS; break; }
    // Clip h to dtmax and to the next stop; the differences follow the new spacing.
    const nextStop = stopIdx < ntstops ? load<f64>(tstops + (<usize>stopIdx << 3)) : tf;
    const hs = stepToStop(t, min(adaptive ? h : hFixed, dtmax), tdir, nextStop);
    const hitsStop = stepHitsStop;
    if (hs != h) {
      changeD(dbase, stride, order, hs / h, n);
      h = hs;
      nEqual = 0;
    }
    if (!haveJ) {
      if (!haveF0) {
        if (!evalF(blk, t, u, f0)) return finish(blk, t, RET_ABORTED);
        if (!allFinite(f0, n)) { ret = RET_UNSTABLE; break; }
        haveF0 = true;
      }
      const jc = computeJacobian(blk, n, t, tdir, u, f0, jac, dT, tmp, scr, atol, false);
      if (jc == JAC_ABORTED) return finish(blk, t, RET_ABORTED);
      // A Jacobian that is not finite at an accepted state does not get better with h.
      if (jc == JAC_NONFINITE) { ret = RET_UNSTABLE; break; }
      haveJ = true;
      jacFresh = true;
      wc = NaN;
    }
    const dts = tdir * h;
    const tnew = hitsStop ? nextStop : t + dts;
    const c = dts / gammaK(order);
    // u_n goes to uprev (the dense record's start), the candidate into u.
    const swap = uprev;
    uprev = u;
    u = swap;
    setF64(blk, B_U, <f64>u);
    setF64(blk, B_UPREV, <f64>uprev);

    let failed = false; // Newton failed or W is singular: retry with a fresh J, else halve h
    let singular = false;
    if (c != wc) {
      if (formFactorW(blk, w, piv, jac, c, n) != 0) {
        failed = true;
        singular = true;
        wc = NaN;
      } else {
        wc = c;
      }
    }
    let nIter = 0;
    if (!failed) {
      predict(dbase, stride, order, ypred, psis, psi, n);
      copyVec(z, psis, n);
      // η restarts from ηold^0.8 at every step (the corrector's first iterate is trusted).
      const st = newtonSolve(blk, n, tnew, c, psi, z, u, fz, mz, w, piv, uprev, atol, rtol, 0.0, 0.0, blk + (<usize>B_BDF_ETAOLD << 3), true, true);
      if (st == NEWTON_RHS_THREW) {
        restore(blk, uprev, swap);
        return finish(blk, t, RET_ABORTED);
      }
      nIter = newtonIters;
      if (st != NEWTON_CONVERGED) failed = true;
    }
    if (failed) {
      u = uprev;
      uprev = swap;
      restore(blk, u, uprev);
      if (!jacFresh) {
        // Retry the same step with a Jacobian at (t_n, u_n).
        haveJ = false;
        continue;
      }
      if (!adaptive) {
        // Nothing smaller to try at a fixed dt (a singular W as in rosenbrock.ts: Unstable).
        ret = singular ? RET_UNSTABLE : RET_CONVERGENCEFAILURE;
        break;
      }
      bump(blk, B_NREJECT);
      changeD(dbase, stride, order, 0.5, n);
      h *= 0.5;
      nEqual = 0;
      setF64(blk, B_BDF_ETAOLD, 1.0);
      if (h < dtmin || t + tdir * h == t) { ret = RET_DTLESSTHANMIN; break; }
      continue;
    }

    // d = u − ypred (into fz), the error estimate d/(k + 1).
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(fz + off, load<f64>(u + off) - load<f64>(ypred + off));
    }
    const safety = 0.9 * <f64>(2 * NEWTON_MAXITER + 1) / <f64>(2 * NEWTON_MAXITER + nIter);
    let errNorm = 0.0;
    if (adaptive) {
      errNorm = scaledRms(fz, uprev, u, atol, rtol, 0.0, 0.0, nn) / <f64>(order + 1);
      if (isNaN(errNorm)) errNorm = Infinity;
      if (errNorm > 1.0) {
        u = uprev;
        uprev = swap;
        restore(blk, u, uprev);
        bump(blk, B_NREJECT);
        const factor = max(MIN_FACTOR, safety * Math.pow(errNorm, -1.0 / <f64>(order + 1)));
        changeD(dbase, stride, order, factor, n);
        h *= factor;
        nEqual = 0;
        if (h < dtmin || t + tdir * h == t) { ret = RET_DTLESSTHANMIN; break; }
        continue;
      }
    }

    // The step is accepted: update the differences (D_0 becomes u_{n+1}).
    bump(blk, B_NACCEPT);
    if (!adaptive && !allFinite(u, n)) {
      u = uprev;
      restore(blk, u, swap);
      ret = RET_UNSTABLE;
      break;
    }
    const dk1 = dbase + <usize>(order + 1) * stride;
    const dk2 = dk1 + stride;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const d = load<f64>(fz + off);
      store<f64>(dk2 + off, d - load<f64>(dk1 + off));
      store<f64>(dk1 + off, d);
    }
    for (let j = order; j >= 0; j--) {
      const dj = dbase + <usize>j * stride;
      const dn = dj + stride;
      for (let i = 0; i < n; i++) {
        const off = <usize>i << 3;
        store<f64>(dj + off, load<f64>(dj + off) + load<f64>(dn + off));
      }
    }
    // The dense "stages" D_q/dt of this step's polynomial.
    const rdt = 1.0 / dts;
    for (let q = 1; q <= BDF_NDENSE; q++) {
      const kq = kbase + <usize>(q - 1) * stride;
      if (q <= order) {
        const dq = dbase + <usize>q * stride;
        for (let i = 0; i < n; i++) {
          const off = <usize>i << 3;
          store<f64>(kq + off, load<f64>(dq + off) * rdt);
        }
      } else {
        memory.fill(kq, 0, vecBytes);
      }
    }
    setF64(blk, B_BDF_ORDER, <f64>order);
    nEqual++;
    const tprev = t;
    t = tnew;
    setF64(blk, B_TPREV, tprev);
    setF64(blk, B_T, t);
    setF64(blk, B_DTCUR, dts);
    setF64(blk, B_EXTRAS_DONE, 0.0);
    haveF0 = false;
    jacFresh = false;
    if (nIter > NL_SLOW) haveJ = false;

    // Order and step size for the next step.
    if (nEqual >= order + 1) {
      if (adaptive) {
        let errM = Infinity;
        let errP = Infinity;
        if (order > 1) errM = scaledRms(dbase + <usize>order * stride, uprev, u, atol, rtol, 0.0, 0.0, nn) / <f64>order;
        if (order < maxOrder) errP = scaledRms(dk2, uprev, u, atol, rtol, 0.0, 0.0, nn) / <f64>(order + 2);
        const fM = Math.pow(errM, -1.0 / <f64>order);
        const f = Math.pow(errNorm, -1.0 / <f64>(order + 1));
        const fP = Math.pow(errP, -1.0 / <f64>(order + 2));
        let best = f;
        let delta = 0;
        if (fM > best) { best = fM; delta = -1; }
        if (fP > best) { best = fP; delta = 1; }
        order += delta;
        const factor = min(MAX_FACTOR, safety * best);
        changeD(dbase, stride, order, factor, n);
        h *= factor;
        nEqual = 0;
      } else if (order < maxOrder) {
        order++;
        nEqual = 0;
      }
    }

    const next = acceptStep(blk, tprev, t, dts, tdir, tf, u, tmp, n, saveIdx, nsa, stopIdx, ntstops, hitsStop, callbacks, dense, saveEvery);
    t = stepEnd;
    if (next == STEP_ABORT) return finish(blk, t, RET_ABORTED);
    saveIdx = stepSaveIdx;
    stopIdx = stepStopIdx;
    if (next == STEP_TERMINATE) { ret = RET_TERMINATED; break; }
    if (next == STEP_EVENT) {
      // The state moved to the event and the affect may have changed it: the history no
      // longer describes it. Restart at order 1 from (t, u) with the current h.
      if (!evalF(blk, t, u, f0)) return finish(blk, t, RET_ABORTED);
      if (!allFinite(f0, n)) { ret = RET_UNSTABLE; break; }
      haveF0 = true;
      haveJ = false;
      h = min(h, dtmax);
      startD(dbase, stride, u, f0, tdir * h, n);
      order = 1;
      nEqual = 0;
    } else if (stiffSwitch(blk, jac, n, t, tf, tdir, h, errNorm, saveIdx, stopIdx)) {
      // Automatic switching: hand back to the nonstiff method when the problem is no longer stiff.
      return finish(blk, t, RET_SWITCH);
    }
  }

  return endSolve(blk, t, u, n, ret, saveEnd);
}

// @ts-ignore: decorator
@inline function restore(blk: usize, u: usize, uprev: usize): void {
  setF64(blk, B_U, <f64>u);
  setF64(blk, B_UPREV, <f64>uprev);
}
