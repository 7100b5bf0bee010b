// SDIRK and ESDIRK methods: one driver runs every coefficient block (ImplicitEuler,
// Trapezoid, TRBDF2, KenCarp4, Kvaerno5; src/solve/tableaus/sdirk.ts).
//
// Every method is written with an explicit first stage k_0 = u'(t_n) (its coefficients are 0
// for ImplicitEuler) and s − 1 implicit stages with the same diagonal γ. Stage i (i ≥ 1):
//   ψ_i = u_n + dt·Σ_{j<i} a_ij·k_j,   M·z_i = dt·γ·f(t_n + c_i·dt, ψ_i + z_i),   k_i = z_i/(dt·γ)
// solved by the simplified Newton iteration of newton.ts with W = M − dt·γ·J, then
// u_{n+1} = ψ_{s−1} + z_{s−1}: every method here is stiffly accurate (b = the last row of A),
// so the last stage is the solution and k_{s−1} = u'(t_{n+1}) is the next step's k_0 (FSAL;
// no evaluation of f, which also keeps M·k = f for a singular M).
//
// The stage vectors are derivatives, as the Rosenbrock driver's: ψ, the predictors and the
// error estimate are sums over them. Workspace (layout-sdirk.ts): slot 0 = k_0, slot 1 =
// u'(t_{n+1}) and slot 2 = (u_{n+1} − u_n)/dt for the dense output (cubic Hermite), then the
// implicit stages, then scratch: FS (f at the Newton iterate), DZ (Newton increments, the
// error vector), ZV (the stage's z), PSI, DT (∂f/∂t from the Jacobian, unused), H1 and H2
// (u_{n−1}, u_{n−2}: the divided differences of ImplicitEuler's and Trapezoid's estimates).
//
// Jacobian and W (as OrdinaryDiffEq.jl's SDIRK methods with NLNewton): J is computed at the
// first step and kept while the iterations converge; it is recomputed at the start of the
// next step after an iteration converged slowly (θ > fast_convergence_cutoff = 1/5, NLNewton's
// default), and at once when an iteration fails with a J from an earlier step (the attempt is
// redone with the fresh J, as OrdinaryDiffEq's nlsolve! retries with a current Jacobian). W is
// refactored whenever dt·γ changes. A Newton failure with a current J rejects the step and
// divides dt by OrdinaryDiffEq's failfactor 2 (lib/OrdinaryDiffEqCore/src/alg_utils.jl);
// when that drives dt below dtmin the solve ends with ConvergenceFailure.

import {
  B_N, B_TAB, B_ADAPTIVE, B_T0, B_TF, B_DT, B_DTMIN, B_DTMAX, B_MAXITERS,
  B_BETA1, B_BETA2, B_GAMMA, B_QMIN, B_QMAX, B_QSTEADY_MIN, B_QSTEADY_MAX, B_QOLDINIT,
  B_ABSTOL, B_RELTOL, B_U, B_UPREV, B_TMP, B_K, B_STRIDE,
  B_TSTOPS, B_NTSTOPS, B_NSAVEAT, B_SAVE_END, B_DENSE, B_SAVE_EVERY,
  B_CALLBACKS, B_NACCEPT, B_NREJECT, B_T, B_TPREV, B_DTCUR, B_EXTRAS_DONE,
  B_TOL_SCALAR, B_JAC, B_WMAT, B_PIV, B_MASS, B_TAPE, B_LANES,
  T_ORDER, T_C, T_ROWSTART, T_IDX, T_COEF, T_ERR_N, T_ERR_IDX, T_ERR_COEF,
  RET_SUCCESS, RET_MAXITERS, RET_DTLESSTHANMIN, RET_UNSTABLE, RET_TERMINATED,
  RET_CONVERGENCEFAILURE, RET_ABORTED,
} from './layout';
import {
  S_KIND, S_NSTAGES, S_GAMMA, S_PROWSTART, S_PIDX, S_PCOEF, S_SMOOTH,
  SD_KIND_BTILDE, SD_KIND_DD2, SD_SLOT_F1, SD_SLOT_DU, SD_SLOT_STAGE1, B_SD_ETAOLD, B_SD_THETA,
} from './layout-sdirk';
import { combine, copyVec, allFinite } from '../linalg/vector';
import { f64At, setF64, ptrAt, i32At } from './block';
import { piReject, piAccept } from './controller';
import { evalF, interpolateStep } from './erk';
import { bump, solveW, formFactorW, massTimes, massSolve, computeJacobian, JAC_ABORTED, JAC_NONFINITE } from './wmatrix';
import { RET_SWITCH } from './layout-auto';
import { stiffSwitch } from './stiffness';
import { startSolve, stepToStop, stepHitsStop, endSolve, finish } from './drive';
import { acceptStep, stepEnd, stepSaveIdx, stepStopIdx, STEP_ABORT, STEP_EVENT, STEP_TERMINATE } from './accepted';
import { newtonSolve, NEWTON_CONVERGED, NEWTON_RHS_THREW } from './newton';
import { scaledRms, normLength } from './norm';

// OrdinaryDiffEq.jl NLNewton's fast_convergence_cutoff (lib/OrdinaryDiffEqNonlinearSolve/src/type.jl).
const FAST_CONVERGENCE: f64 = 0.2;
// OrdinaryDiffEq.jl failfactor_default (lib/OrdinaryDiffEqCore/src/alg_utils.jl): dt /= 2
// after a failed nonlinear solve.
const FAILFACTOR: f64 = 2.0;
// SPICE's correction factor for divided-difference estimates, as OrdinaryDiffEq's
// ImplicitEuler and Trapezoid (lib/OrdinaryDiffEqSDIRK/src/generic_imex_perform_step.jl).
const DD_CORRECTION: f64 = 7.0 / 12.0;

// Answers of an attempt.
const ATT_OK = 0;
const ATT_DIVERGED = 1;
const ATT_ABORTED = 2;
const ATT_SINGULAR = 3;

/**
 * The implicit stages of one attempt from (t, uprev) with W factored: stage derivatives into
 * their slots, u_{n+1} into u. Returns ATT_*; the largest θ of the stages' iterations is left
 * in B_SD_THETA.
 */
function attempt(
  blk: usize, tab: usize, n: i32, s: i32, kbase: usize, stride: usize, uprev: usize, u: usize,
  fs: usize, dz: usize, zv: usize, psi: usize, w: usize, piv: usize,
  t: f64, dts: f64, c: f64, newW: bool, adaptive: bool, atolV: usize, rtolV: usize, atolS: f64, rtolS: f64,
): i32 {
  const nodes = ptrAt(tab, T_C);
  const aRow = ptrAt(tab, T_ROWSTART);
  const aIdx = ptrAt(tab, T_IDX);
  const aCoef = ptrAt(tab, T_COEF);
  const pRow = ptrAt(tab, S_PROWSTART);
  const pIdx = ptrAt(tab, S_PIDX);
  const pCoef = ptrAt(tab, S_PCOEF);
  const state = blk + (<usize>B_SD_ETAOLD << 3);
  let thetaMax = 0.0;
  for (let i = 1; i < s; i++) {
    // ψ_i = u_n + dt·Σ_j a_ij·k_j; the predictor z_i = dt·γ·Σ_j α_ij·k_j.
    const r0 = load<i32>(aRow + (<usize>i << 2));
    const r1 = load<i32>(aRow + (<usize>(i + 1) << 2));
    combine(psi, uprev, dts, aCoef + (<usize>r0 << 3), aIdx + (<usize>r0 << 2), r1 - r0, kbase, stride, n);
    const p0 = load<i32>(pRow + (<usize>i << 2));
    const p1 = load<i32>(pRow + (<usize>(i + 1) << 2));
    combine(zv, 0, c, pCoef + (<usize>p0 << 3), pIdx + (<usize>p0 << 2), p1 - p0, kbase, stride, n);
    const ti = t + load<f64>(nodes + (<usize>i << 3)) * dts;
    const st = newtonSolve(blk, n, ti, c, psi, zv, u, fs, dz, w, piv, uprev, atolV, rtolV, atolS, rtolS, state, newW && i == 1, adaptive);
    if (st == NEWTON_RHS_THREW) return ATT_ABORTED;
    if (st != NEWTON_CONVERGED) return ATT_DIVERGED;
    thetaMax = max(thetaMax, load<f64>(state, 8));
    // k_i = z_i/(dt·γ)
    const ki = kbase + <usize>(SD_SLOT_STAGE1 + i - 1) * stride;
    for (let q = 0; q < n; q++) {
      const off = <usize>q << 3;
      store<f64>(ki + off, load<f64>(zv + off) / c);
    }
  }
  setF64(blk, B_SD_THETA, thetaMax);
  return ATT_OK;
}

/**
 * u'(t, x) into k: f(t, x), and with a mass matrix M·k = f solved when M is nonsingular (a
 * singular M, a DAE, keeps k = f: consistent initial values make f's algebraic rows 0, so
 * for M = diag(I, 0) k = f satisfies M·k = f). Uses W's memory, so W must be refactored
 * afterwards. False when the JavaScript right-hand side failed.
 */
function derivativeAt(blk: usize, n: i32, t: f64, x: usize, k: usize, evaluate: bool): bool {
  if (evaluate && !evalF(blk, t, x, k)) return false;
  if (ptrAt(blk, B_MASS) != 0) massSolve(blk, n, k);
  return true;
}

/**
 * J (and ∂f/∂t, into dT) at (t, x): with finite differences f(t, x) is evaluated first into
 * fs (the stage derivatives are Newton solutions, not exact values of f). JAC_* answers.
 */
function freshJacobian(blk: usize, n: i32, t: f64, tdir: f64, x: usize, fs: usize, scratch: usize, dT: usize, tmp: usize): i32 {
  const fd = ptrAt(blk, B_TAPE) == 0 || i32At(blk, B_LANES) == 0;
  if (fd && !evalF(blk, t, x, fs)) return JAC_ABORTED;
  return computeJacobian(blk, n, t, tdir, x, fs, ptrAt(blk, B_JAC), dT, tmp, scratch, ptrAt(blk, B_ABSTOL), false);
}

/** Exported for TypeScript: interpolation inside the current step (callbacks, Solution.at). */
export function sdirkInterpolate(blk: usize, tq: f64, out: usize): i32 {
  // The Hermite cubic is u_n + dt·Σ_i B_i(θ)·(slot i), the explicit methods' form.
  return interpolateStep(blk, tq, out) ? 0 : 1;
}

/** Runs a whole integration described by the block with an SDIRK method. Returns a RET_* code. */
export function sdirkSolve(blk: usize): i32 {
  const n = i32At(blk, B_N);
  const tab = ptrAt(blk, B_TAB);
  const s = i32At(tab, S_NSTAGES);
  const kind = i32At(tab, S_KIND);
  const smooth = f64At(tab, S_SMOOTH) != 0;
  const gam = f64At(tab, S_GAMMA);
  const adaptive = f64At(blk, B_ADAPTIVE) != 0;
  const order = f64At(tab, T_ORDER);
  const t0 = f64At(blk, B_T0);
  const tf = f64At(blk, B_TF);
  const tdir: f64 = tf > t0 ? 1.0 : -1.0;
  let u = ptrAt(blk, B_U);
  let uprev = ptrAt(blk, B_UPREV);
  const tmp = ptrAt(blk, B_TMP);
  const kbase = ptrAt(blk, B_K);
  const stride = ptrAt(blk, B_STRIDE);
  const f0 = kbase;
  const f1 = kbase + <usize>SD_SLOT_F1 * stride;
  const du = kbase + <usize>SD_SLOT_DU * stride;
  const klast = kbase + <usize>(SD_SLOT_STAGE1 + s - 2) * stride;
  const fs = kbase + <usize>(SD_SLOT_STAGE1 + s - 1) * stride;
  const dz = fs + stride;
  const zv = dz + stride;
  const psi = zv + stride;
  const dT = psi + stride;
  const h1 = dT + stride;
  const h2 = h1 + stride;
  const w = ptrAt(blk, B_WMAT);
  const piv = ptrAt(blk, B_PIV);
  const mass = ptrAt(blk, B_MASS);
  const atol = ptrAt(blk, B_ABSTOL);
  const rtol = ptrAt(blk, B_RELTOL);
  const tolScalar = f64At(blk, B_TOL_SCALAR) != 0;
  const atolV: usize = tolScalar ? 0 : atol;
  const rtolV: usize = tolScalar ? 0 : rtol;
  const atolS = load<f64>(atol);
  const rtolS = load<f64>(rtol);
  const dtmin = abs(f64At(blk, B_DTMIN));
  const dtmax = abs(f64At(blk, B_DTMAX));
  const maxiters = f64At(blk, B_MAXITERS);
  const beta1 = f64At(blk, B_BETA1);
  const beta2 = f64At(blk, B_BETA2);
  const gamma = f64At(blk, B_GAMMA);
  const qmin = f64At(blk, B_QMIN);
  const qmax = f64At(blk, B_QMAX);
  const qsmin = f64At(blk, B_QSTEADY_MIN);
  const qsmax = f64At(blk, B_QSTEADY_MAX);
  const tstops = ptrAt(blk, B_TSTOPS);
  const ntstops = i32At(blk, B_NTSTOPS);
  const saveEvery = f64At(blk, B_SAVE_EVERY) != 0;
  const saveEnd = f64At(blk, B_SAVE_END) != 0;
  const dense = f64At(blk, B_DENSE) != 0;
  const callbacks = f64At(blk, B_CALLBACKS) != 0;
  const nsa = i32At(blk, B_NSAVEAT);
  const errN = i32At(tab, T_ERR_N);
  const errIdx = ptrAt(tab, T_ERR_IDX);
  const errCoef = ptrAt(tab, T_ERR_COEF);

  let t = t0;
  let stopIdx = 0;
  let saveIdx = 0;
  let dt = abs(f64At(blk, B_DT));
  setF64(blk, B_T, t);
  // OrdinaryDiffEq.jl starts ηold at 1 (lib/OrdinaryDiffEqNonlinearSolve/src/utils.jl).
  setF64(blk, B_SD_ETAOLD, 1.0);
  setF64(blk, B_SD_THETA, 0.0);

  dt = startSolve(blk, n, t0, tf, tdir, u, f0, f1, order, dt);
  if (dt < 0) return <i32>(-dt);
  // k_0 = u'(t0) from f(t0, u0).
  derivativeAt(blk, n, t, u, f0, false);

  let qoldLog = beta2 * Math.log(f64At(blk, B_QOLDINIT));
  let iter = 0.0;
  let ret = RET_SUCCESS;
  // k_0 at the accepted state is known (haveF0); J exists (haveJ) and was computed at this
  // step's start (jFresh); W is factored for dt·γ = wC (NaN: not usable).
  let haveF0 = true;
  let haveJ = false;
  let jFresh = false;
  let wC: f64 = NaN;
  // Accepted states kept for the divided differences: u_{n−1} at th1, u_{n−2} at th2.
  let nhist = 0;
  let th1 = 0.0;
  let th2 = 0.0;

  while (tdir * (tf - t) > 0) {
    const nextStop = stopIdx < ntstops ? load<f64>(tstops + (<usize>stopIdx << 3)) : tf;
    const h = stepToStop(t, min(dt, dtmax), tdir, nextStop);
    const hitsStop = stepHitsStop;
    iter += 1.0;
    if (iter > maxiters) { ret = RET_MAXITERS; break; }
    if (!haveF0) {
      if (!derivativeAt(blk, n, t, u, f0, true)) return finish(blk, t, RET_ABORTED);
      wC = NaN;
      if (!allFinite(f0, n)) { ret = RET_UNSTABLE; break; }
      haveF0 = true;
    }
    if (!haveJ) {
      const jc = freshJacobian(blk, n, t, tdir, u, fs, dz, dT, tmp);
      if (jc == JAC_ABORTED) return finish(blk, t, RET_ABORTED);
      // A Jacobian that is not finite at an accepted state does not get better with dt.
      if (jc == JAC_NONFINITE) { ret = RET_UNSTABLE; break; }
      haveJ = true;
      jFresh = true;
      wC = NaN;
    }
    const dts = tdir * h;
    const tnew = hitsStop ? nextStop : t + dts;
    const swap = uprev;
    uprev = u;
    u = swap;
    setF64(blk, B_U, <f64>u);
    setF64(blk, B_UPREV, <f64>uprev);

    const c = dts * gam;
    let code = ATT_OK;
    while (true) {
      let newW = false;
      if (c != wC) {
        const info = formFactorW(blk, w, piv, ptrAt(blk, B_JAC), c, n);
        wC = info == 0 ? c : NaN;
        newW = true;
        code = info == 0 ? ATT_OK : ATT_SINGULAR;
      }
      if (code == ATT_OK) {
        code = attempt(blk, tab, n, s, kbase, stride, uprev, u, fs, dz, zv, psi, w, piv, t, dts, c, newW, adaptive, atolV, rtolV, atolS, rtolS);
      }
      if (code == ATT_ABORTED) return finish(blk, t, RET_ABORTED);
      if (code == ATT_OK || jFresh) break;
      // The iteration failed with a J from an earlier step: once more with J at this step.
      const jc = freshJacobian(blk, n, t, tdir, uprev, fs, dz, dT, tmp);
      if (jc == JAC_ABORTED) return finish(blk, t, RET_ABORTED);
      if (jc == JAC_NONFINITE) break;
      jFresh = true;
      wC = NaN;
      code = ATT_OK;
    }
    if (code != ATT_OK) {
      u = uprev;
      uprev = swap;
      setF64(blk, B_U, <f64>u);
      setF64(blk, B_UPREV, <f64>uprev);
      if (!adaptive) { ret = code == ATT_SINGULAR ? RET_UNSTABLE : RET_CONVERGENCEFAILURE; break; }
      // A singular W or a failed iteration: no step with this dt (OrdinaryDiffEq: dt /= failfactor).
      bump(blk, B_NREJECT);
      dt = h / FAILFACTOR;
      if (dt < dtmin || t + tdir * dt == t) { ret = code == ATT_SINGULAR ? RET_DTLESSTHANMIN : RET_CONVERGENCEFAILURE; break; }
      continue;
    }

    let dtNext = dt;
    let stepErr = 1e-4; // the accepted step's error, for automatic switching's hand-over
    if (adaptive) {
      let eest = 1.0;
      if (kind == SD_KIND_BTILDE) {
        // err = dt·Σ btilde_j·k_j, smoothed as Shampine's (M − dt·γ·J)⁻¹·M·err (Hairer &
        // Wanner IV.8, (8.20)): stiff components of the raw estimate are damped.
        combine(dz, 0, dts, errCoef, errIdx, errN, kbase, stride, n);
        if (smooth) {
          if (mass != 0) {
            massTimes(blk, fs, dz, n);
            copyVec(dz, fs, n);
          }
          solveW(blk, w, piv, n, dz);
        }
        eest = scaledRms(dz, uprev, u, atolV, rtolV, atolS, rtolS, normLength(blk, n));
      } else if (kind == SD_KIND_DD2 ? nhist >= 1 : nhist >= 2) {
        eest = divided(kind, n, dts, t, tnew, th1, th2, u, uprev, h1, h2, dz, atolV, rtolV, atolS, rtolS, normLength(blk, n));
      }
      if (isNaN(eest)) eest = Infinity;
      const logE = Math.log(eest);
      if (eest > 1.0) {
        const q11 = Math.exp(beta1 * logE);
        bump(blk, B_NREJECT);
        dt = piReject(h, q11, gamma, qmin);
        u = uprev;
        uprev = swap;
        setF64(blk, B_U, <f64>u);
        setF64(blk, B_UPREV, <f64>uprev);
        if (dt < dtmin || t + tdir * dt == t) { ret = RET_DTLESSTHANMIN; break; }
        continue;
      }
      const q = piAccept(eest, Math.exp(beta1 * logE - qoldLog), gamma, qmin, qmax, qsmin, qsmax);
      qoldLog = beta2 * (eest >= 1e-4 ? logE : Math.log(1e-4));
      dtNext = min(h / q, dtmax);
      stepErr = eest;
    }

    // The step is accepted.
    bump(blk, B_NACCEPT);
    if (!adaptive && !allFinite(u, n)) {
      u = uprev;
      setF64(blk, B_U, <f64>u);
      ret = RET_UNSTABLE;
      break;
    }
    if (kind != SD_KIND_BTILDE) {
      copyVec(h2, h1, n);
      copyVec(h1, uprev, n);
      th2 = th1;
      th1 = t;
      if (nhist < 2) nhist++;
    }
    // The dense output's vectors: u'(t_{n+1}) = k_{s−1} and (u_{n+1} − u_n)/dt.
    copyVec(f1, klast, n);
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(du + off, (load<f64>(u + off) - load<f64>(uprev + off)) / dts);
    }
    const tprev = t;
    t = tnew;
    setF64(blk, B_TPREV, tprev);
    setF64(blk, B_T, t);
    setF64(blk, B_DTCUR, dts);
    setF64(blk, B_EXTRAS_DONE, 0.0);
    dt = dtNext;
    // A slow iteration asks for a new J at the next step; a fast one keeps it.
    if (f64At(blk, B_SD_THETA) > FAST_CONVERGENCE) haveJ = false;
    jFresh = false;

    const next = acceptStep(blk, tprev, t, dts, tdir, tf, u, tmp, n, saveIdx, nsa, stopIdx, ntstops, hitsStop, callbacks, dense, saveEvery);
    t = stepEnd;
    if (next == STEP_ABORT) return finish(blk, t, RET_ABORTED);
    saveIdx = stepSaveIdx;
    stopIdx = stepStopIdx;
    if (next == STEP_TERMINATE) { ret = RET_TERMINATED; break; }
    if (next == STEP_EVENT) {
      // The state moved to the event and the affect may have changed it: u'(t_n), J and the
      // history anew.
      haveF0 = false;
      haveJ = false;
      nhist = 0;
    } else {
      copyVec(f0, f1, n);
      // Automatic switching: hand back to the nonstiff method when the problem is no longer stiff.
      if (stiffSwitch(blk, ptrAt(blk, B_JAC), n, t, tf, tdir, dt, stepErr, saveIdx, stopIdx)) return finish(blk, t, RET_SWITCH);
    }
  }

  return endSolve(blk, t, u, n, ret, saveEnd);
}

/**
 * The divided-difference estimates of OrdinaryDiffEq.jl's ImplicitEuler and Trapezoid
 * (lib/OrdinaryDiffEqSDIRK/src/generic_imex_perform_step.jl, :ie_dd2 and :trap_dd3): the
 * local error of ImplicitEuler is dt²/2·u'' and Trapezoid's dt³/12·u''', with u'' = 2·DD2 and
 * u''' = 6·DD3 from the solution's divided differences, times SPICE's correction 7/12:
 *   ImplicitEuler: err = 7/12·dt²·|DD2(t_{n−1}, t_n, t_{n+1})|
 *   Trapezoid:     err = 7/12·dt³/2·|DD3(t_{n−2}, …, t_{n+1})|
 * (dt³/2 = dt³/12·6, as there). `e` receives the error vector; returns its scaled RMS.
 */
function divided(
  kind: i32, n: i32, dt: f64, t: f64, tnew: f64, tp: f64, tp2: f64, u: usize, uprev: usize,
  up2: usize, up3: usize, e: usize, atolV: usize, rtolV: usize, atolS: f64, rtolS: f64, nn: i32,
): f64 {
  const dt1 = dt * (tnew - tp);
  const dt2 = (t - tp) * (tnew - tp);
  if (kind == SD_KIND_DD2) {
    const r = DD_CORRECTION * dt * dt;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const a = load<f64>(u + off);
      const b = load<f64>(uprev + off);
      const c = load<f64>(up2 + off);
      store<f64>(e + off, r * abs((a - b) / dt1 - (b - c) / dt2));
    }
  } else {
    const dt3 = (t - tp) * (t - tp2);
    const dt4 = (tp - tp2) * (t - tp2);
    const dt5 = tnew - tp2;
    const r = DD_CORRECTION * dt * dt * dt / 2.0;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const a = load<f64>(u + off);
      const b = load<f64>(uprev + off);
      const c = load<f64>(up2 + off);
      const d = load<f64>(up3 + off);
      const dd31 = (a - b) / dt1 - (b - c) / dt2;
      const dd30 = (b - c) / dt3 - (c - d) / dt4;
      store<f64>(e + off, r * abs((dd31 - dd30) / dt5));
    }
  }
  return scaledRms(e, uprev, u, atolV, rtolV, atolS, rtolS, nn);
}
