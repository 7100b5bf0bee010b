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
  B_ABSTOL, B_RELTOL, B_U, B_UPREV, B_TMP, B_K, B_STRIDE,
  B_TSTOPS, B_NTSTOPS, B_NSAVEAT, B_SAVE_EVERY, B_SAVE_END, B_DENSE,
  B_CALLBACKS, B_NACCEPT, B_NREJECT, B_T, B_TPREV, B_DTCUR, B_EXTRAS_DONE,
  B_JAC, B_WMAT, B_PIV, B_NNONLINFAIL,
  RET_SUCCESS, RET_MAXITERS, RET_DTLESSTHANMIN, RET_UNSTABLE, RET_TERMINATED,
  RET_ABORTED, RET_CONVERGENCEFAILURE,
} from './layout';
import {
  B_RADAU_E2, B_RADAU_PIV2, B_RADAU_THETA, B_RADAU_FACCON, B_RADAU_HHFAC, B_RADAU_NEWT,
  RADAU_F0, RADAU_FS, RADAU_DT, RADAU_SCAL, RADAU_Z,
} from './layout-radau';
import { allFinite } from '../linalg/vector';
import { f64At, setF64, ptrAt, i32At } from './block';
import { evalF, interpolateStep } from './erk';
import { bump, computeJacobian, JAC_ABORTED, JAC_NONFINITE } from './wmatrix';
import { RET_SWITCH } from './layout-auto';
import { stiffSwitch } from './stiffness';
import { startSolve, stepToStop, stepHitsStop, endSolve, finish } from './drive';
import { acceptStep, stepEnd, stepSaveIdx, stepStopIdx, STEP_ABORT, STEP_EVENT, STEP_TERMINATE } from './accepted';
import {
  NIT, THET, NEWTON_OK, NEWTON_SLOW, NEWTON_ABORTED, vec, computeScal, factorBoth, newton,
  estimate, startValues, stageDerivatives,
} from './radau-step';

// RADAU5's step-size controls (radau5.f: SAFE, FACL/FACR, QUOT1/QUOT2, NSING).
const SAFE = 0.9;
const CFAC = SAFE * (1 + 2 * NIT);
const QMIN = 0.125; // dt_new/dt ≤ 8
const QMAX = 5.0; // dt_new/dt ≥ 0.2
const QUOT1 = 1.0;
const QUOT2 = 1.2;
/** Consecutive singular E1/E2 factorizations before the solve gives up (RADAU5's NSING). */
const MAX_SINGULAR = 5;

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
  const fnewt = tolst > 0 ? max(10.0 * f64.EPSILON / tolst, min(0.03, Math.sqrt(tolst))) : 0.03;

  let t = t0;
  let stopIdx = 0;
  let saveIdx = 0;
  let dt = abs(f64At(blk, B_DT));
  setF64(blk, B_T, t);
  setF64(blk, B_RADAU_THETA, THET);
  setF64(blk, B_RADAU_FACCON, 1.0);

  dt = startSolve(blk, n, t0, tf, tdir, u, f0, fs, 5.0, dt);
  if (dt < 0) return <i32>(-dt);
  computeScal(scal, u, atol, rtol, n);

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
    const h = stepToStop(t, min(dt, dtmax), tdir, nextStop);
    const hitsStop = stepHitsStop;
    iter += 1.0;
    if (iter > maxiters) { ret = RET_MAXITERS; break; }
    if (!haveF0) {
      if (!evalF(blk, t, u, f0)) return finish(blk, t, RET_ABORTED);
      if (!allFinite(f0, n)) { ret = RET_UNSTABLE; break; }
      computeScal(scal, u, atol, rtol, n);
      haveF0 = true;
    }
    if (needJ) {
      const jc = computeJacobian(blk, n, t, tdir, u, f0, jac, dT, tmp, fs, atol, false);
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
    } else if (stiffSwitch(blk, jac, n, t, tf, tdir, dt, erracc, saveIdx, stopIdx)) {
      // Automatic switching: hand back to the nonstiff method when the problem is no longer stiff.
      return finish(blk, t, RET_SWITCH);
    }
  }

  return endSolve(blk, t, u, n, ret, saveEnd);
}
