// Rosenbrock (linearly implicit) methods: one driver runs every coefficient block.
//
// Each step factors W = I − dt·γ·J once (J = ∂f/∂u at the step's start) and solves one linear
// system per stage; no Newton iteration. Stage vectors are kept as derivatives (k_i ≈ u'), so
// the stage states, the solution, the error estimate and the dense output all have the
// explicit methods' form u_n + dt·Σ c_i·k_i and reuse their pieces (errorNorm, combine, the
// interpolation of erk.ts, the output buffers, the PI controller).
//
// Two kinds of step (R_KIND):
//   ROS_KIND_23: Shampine's Rosenbrock23 (Shampine & Reichelt 1997, MATLAB's ode23s; the
//     formulas of OrdinaryDiffEq.jl's Rosenbrock23), d = γ = 1/(2 + √2), e32 = 6 + √2:
//       W·k1 = f(u_n) + dt·d·∂f/∂t
//       W·(k2 − k1) = f(u_n + dt/2·k1, t + dt/2) − k1
//       u_{n+1} = u_n + dt·k2                                   (order 2)
//       W·k3 = f(u_{n+1}) − e32·(k2 − f1) − 2·(k1 − f(u_n)) + dt·d·∂f/∂t
//       err = dt/6·(k1 − 2·k2 + k3)                            (an order-3 estimate)
//     f(u_{n+1}) is the next step's f(u_n) (FSAL). The ∂f/∂t term of k3 is dt·d·T as in the
//     paper and MATLAB's ode23s; OrdinaryDiffEq.jl writes dt·T there, which leaves the
//     companion formula u_n + dt/6·(k1 + 4k2 + k3) of order 1 instead of 3 when f depends on t
//     (checked numerically), so the estimate is far too large on stiff non-autonomous problems.
//     On autonomous problems the two agree.
//     Rosenbrock32 (R_ORDER3, OrdinaryDiffEq.jl's Rosenbrock32, Shampine & Reichelt's order-3
//     companion): the same three stages with k2's end state u_n + dt·k2 as the third stage's
//     point, u_{n+1} = u_n + dt/6·(k1 + 4k2 + k3) (order 3) and the same difference as error.
//     f(u_{n+1}) is then not known: the next step evaluates it. The order-3 formula is not
//     A-stable (its R(z) → 1.609… as z → −∞, as Shampine & Reichelt note), so Rosenbrock32
//     suits mildly stiff problems only, and no DAEs.
//     With a mass matrix M (M·u' = f; ode23s's mass-matrix form in Shampine & Reichelt, and
//     OrdinaryDiffEq's mass-matrix branch) W = M − dt·d·J and M multiplies the k's that stand for u' on the right:
//       W·(k2 − k1) = f1 − M·k1,  W·k3 = f(u_{n+1}) − M·(e32·k2 + 2·k1) + e32·f1 + 2·f(u_n) + dt·d·∂f/∂t.
//   ROS_KIND_RODAS: the general form of Hairer–Wanner's RODAS (and OrdinaryDiffEq's
//     RodasTableau) in derivative variables k_i = K_i/dt:
//       u_i = u_n + dt·Σ_j A_ij·k_j
//       W·k_i = γ·(f(u_i, t + c_i·dt) + dt·d_i·∂f/∂t + Σ_j C_ij·k_j)
//       u_{n+1} = u_n + dt·Σ b_i·k_i,  err = dt·Σ btilde_i·k_i.
//     With a mass matrix (Hairer & Wanner II §VI.4; OrdinaryDiffEq's Rodas step with
//     mass_matrix) W = M − dt·γ·J and the C-terms become M·Σ_j C_ij·k_j.
//
// Jacobian reuse (W-methods only, R_WMETHOD: Rosenbrock23 keeps its order 2 with any
// approximate J, Shampine & Reichelt 1997; Steihaug & Wolfbrandt 1979. Rosenbrock32 is marked
// so too, as in OrdinaryDiffEq.jl, but only its embedded order-2 solution is a W-method: its
// error grows with a reused J, measured in tests/stiff.test.mjs): J and ∂f/∂t
// computed at an accepted state serve later steps — W is re-formed and re-factored every step
// for its dt — until B_JAC_MAXAGE accepted steps have used them, a step was rejected, dt·γ
// moved more than B_JAC_DTTOL (relative) from the dt·γ J was first used with, or an event
// changed the state: OrdinaryDiffEq.jl's rule for W-methods (_rosenbrock_jac_reuse_decision,
// after CVODE's; its 3 % is B_JAC_DTTOL). B_JAC_MAXAGE ≤ 1 (the default) turns reuse off. Fixed
// steps and mass-matrix problems take a new J every step, as there.
//
// Workspace vectors after the s stage vectors (B_K + i·B_STRIDE): F0 = f(t_n, u_n), FS (the
// current stage's f), DT = ∂f/∂t, F1 (Rosenbrock23's f at the midpoint). B_ERR is scratch for
// the initial step and the forward sweeps.

import {
  B_N, B_TAB, B_ADAPTIVE, B_T0, B_TF, B_DT, B_DTMIN, B_DTMAX, B_MAXITERS,
  B_BETA1, B_BETA2, B_GAMMA, B_QMIN, B_QMAX, B_QSTEADY_MIN, B_QSTEADY_MAX, B_QOLDINIT,
  B_ABSTOL, B_RELTOL, B_U, B_UPREV, B_TMP, B_ERR, B_K, B_STRIDE,
  B_TSTOPS, B_NTSTOPS, B_NSAVEAT, B_SAVE_EVERY, B_SAVE_END, B_DENSE,
  B_CALLBACKS, B_NACCEPT, B_NREJECT, B_T, B_TPREV, B_DTCUR, B_EXTRAS_DONE,
  B_TOL_SCALAR, B_JAC, B_WMAT, B_PIV, B_MASS,
  T_ORDER, T_C, T_ROWSTART, T_IDX, T_COEF, T_ERR_N, T_ERR_IDX, T_ERR_COEF,
  R_KIND, R_NSTAGES, R_GAMMA, R_D, R_CROWSTART, R_CIDX, R_CCOEF, R_B_N, R_B_IDX, R_B_COEF,
  R_REUSE_F, R_C32, ROS_KIND_23,
  RET_SUCCESS, RET_MAXITERS, RET_DTLESSTHANMIN, RET_UNSTABLE, RET_TERMINATED,
  RET_ABORTED,
} from './layout';
import { combine, copyVec, axpyTo, allFinite } from '../linalg/vector';
import { errorNorm, normLength } from './norm';
import { f64At, setF64, ptrAt, i32At } from './block';
import { piReject, piAccept } from './controller';
import { evalF, interpolateStep } from './erk';
import { bump, solveW, scaleVec, formFactorW, computeJacobian, massTimes, JAC_ABORTED, JAC_NONFINITE } from './wmatrix';
import { B_JAC_MAXAGE, B_JAC_DTTOL, R_ORDER3, R_WMETHOD } from './layout-rosenbrock';
import { startSolve, stepToStop, stepHitsStop, endSolve, finish } from './drive';
import { acceptStep, stepEnd, stepSaveIdx, stepStopIdx, STEP_ABORT, STEP_EVENT, STEP_TERMINATE } from './accepted';
import { RET_SWITCH } from './layout-auto';
import { stiffSwitch } from './stiffness';

/**
 * One Rosenbrock23 (or, with R_ORDER3, Rosenbrock32) attempt from (t, uprev) with W factored:
 * the candidate into u. Returns errorNorm's sum (0 without error control), −1 when f failed.
 * `mass` is the mass matrix (0: the identity).
 */
export function attempt23(
  blk: usize, tab: usize, n: i32, kbase: usize, stride: usize, uprev: usize, u: usize, tmp: usize,
  f0: usize, fs: usize, f1: usize, dT: usize, w: usize, piv: usize, mass: usize,
  t: f64, dts: f64, tnew: f64, adaptive: bool, atolV: usize, rtolV: usize, atolS: f64, rtolS: f64,
): f64 {
  const k1 = kbase;
  const k2 = kbase + stride;
  const k3 = kbase + 2 * stride;
  const gamma = f64At(tab, R_GAMMA);
  const order3 = f64At(tab, R_ORDER3) != 0;
  // k1 = W⁻¹·(f(u_n) + dt·d·∂f/∂t)
  axpyTo(k1, f0, dts * gamma, dT, n);
  solveW(blk, w, piv, n, k1);
  // k2 = W⁻¹·(f(u_n + dt/2·k1, t + dt/2) − M·k1) + k1
  const half = dts / 2;
  axpyTo(tmp, uprev, half, k1, n);
  if (!evalF(blk, t + half, tmp, f1)) return -1.0;
  if (mass != 0) massTimes(blk, k2, k1, n);
  const mk1 = mass != 0 ? k2 : k1;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(k2 + off, load<f64>(f1 + off) - load<f64>(mk1 + off));
  }
  solveW(blk, w, piv, n, k2);
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(k2 + off, load<f64>(k2 + off) + load<f64>(k1 + off));
  }
  // The order-2 solution: Rosenbrock23's u_{n+1}, Rosenbrock32's third stage point.
  const u2 = order3 ? tmp : u;
  axpyTo(u2, uprev, dts, k2, n);
  if (!adaptive && !order3) return 0.0;
  // k3 = W⁻¹·(f(u2) − M·(e32·k2 + 2·k1) + e32·f1 + 2·f(u_n) + dt·d·∂f/∂t)
  if (!evalF(blk, tnew, u2, fs)) return -1.0;
  const c32 = f64At(tab, R_C32);
  const dg = dts * gamma;
  if (mass == 0) {
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const v = load<f64>(fs + off) - c32 * (load<f64>(k2 + off) - load<f64>(f1 + off))
        - 2.0 * (load<f64>(k1 + off) - load<f64>(f0 + off)) + dg * load<f64>(dT + off);
      store<f64>(k3 + off, v);
    }
  } else {
    // tmp is free: f(u2) is in fs.
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(tmp + off, c32 * load<f64>(k2 + off) + 2.0 * load<f64>(k1 + off));
    }
    massTimes(blk, k3, tmp, n);
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const v = load<f64>(fs + off) - load<f64>(k3 + off) + c32 * load<f64>(f1 + off)
        + 2.0 * load<f64>(f0 + off) + dg * load<f64>(dT + off);
      store<f64>(k3 + off, v);
    }
  }
  solveW(blk, w, piv, n, k3);
  if (order3) {
    // u_{n+1} = u_n + dt/6·(k1 + 4k2 + k3)
    const h6 = dts / 6.0;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(u + off, load<f64>(uprev + off) + h6 * (load<f64>(k1 + off) + 4.0 * load<f64>(k2 + off) + load<f64>(k3 + off)));
    }
    if (!adaptive) return 0.0;
  }
  // err = dt·(k1 − 2·k2 + k3)/6, the weights are the block's error weights.
  return errorNorm(dts, ptrAt(tab, T_ERR_COEF), ptrAt(tab, T_ERR_IDX), i32At(tab, T_ERR_N), kbase, stride, uprev, u, atolV, rtolV, atolS, rtolS, normLength(blk, n));
}

/** One attempt of a method in the general (Rodas) form; returns as attempt23. */
export function attemptRodas(
  blk: usize, tab: usize, n: i32, kbase: usize, stride: usize, uprev: usize, u: usize, tmp: usize,
  f0: usize, fs: usize, dT: usize, w: usize, piv: usize, mass: usize,
  t: f64, dts: f64, adaptive: bool, atolV: usize, rtolV: usize, atolS: f64, rtolS: f64,
): f64 {
  const s = i32At(tab, R_NSTAGES);
  const gamma = f64At(tab, R_GAMMA);
  const c = ptrAt(tab, T_C);
  const d = ptrAt(tab, R_D);
  const aRow = ptrAt(tab, T_ROWSTART);
  const aIdx = ptrAt(tab, T_IDX);
  const aCoef = ptrAt(tab, T_COEF);
  const cRow = ptrAt(tab, R_CROWSTART);
  const cIdx = ptrAt(tab, R_CIDX);
  const cCoef = ptrAt(tab, R_CCOEF);
  const reuse = ptrAt(tab, R_REUSE_F);
  for (let i = 0; i < s; i++) {
    const ki = kbase + <usize>i * stride;
    let fi = f0;
    if (i > 0) {
      // u_i = u_n + dt·Σ_j A_ij·k_j, then f(u_i) unless it is the previous stage's.
      const r0 = load<i32>(aRow + (<usize>i << 2));
      const r1 = load<i32>(aRow + (<usize>(i + 1) << 2));
      combine(tmp, uprev, dts, aCoef + (<usize>r0 << 3), aIdx + (<usize>r0 << 2), r1 - r0, kbase, stride, n);
      if (load<i32>(reuse + (<usize>i << 2)) == 0) {
        if (!evalF(blk, t + load<f64>(c + (<usize>i << 3)) * dts, tmp, fs)) return -1.0;
      }
      fi = fs;
    }
    // k_i = γ·W⁻¹·(f_i + Σ_j C_ij·k_j + dt·d_i·∂f/∂t)
    const q0 = load<i32>(cRow + (<usize>i << 2));
    const q1 = load<i32>(cRow + (<usize>(i + 1) << 2));
    if (mass == 0 || q1 == q0) {
      combine(ki, fi, 1.0, cCoef + (<usize>q0 << 3), cIdx + (<usize>q0 << 2), q1 - q0, kbase, stride, n);
    } else {
      // k_i = f_i + M·Σ_j C_ij·k_j, the sum in tmp (f_i is already evaluated).
      memory.fill(tmp, 0, <usize>n << 3);
      combine(tmp, tmp, 1.0, cCoef + (<usize>q0 << 3), cIdx + (<usize>q0 << 2), q1 - q0, kbase, stride, n);
      massTimes(blk, ki, tmp, n);
      axpyTo(ki, ki, 1.0, fi, n);
    }
    const dd = dts * load<f64>(d + (<usize>i << 3));
    if (dd != 0) axpyTo(ki, ki, dd, dT, n);
    solveW(blk, w, piv, n, ki);
    scaleVec(ki, gamma, n);
  }
  combine(u, uprev, dts, ptrAt(tab, R_B_COEF), ptrAt(tab, R_B_IDX), i32At(tab, R_B_N), kbase, stride, n);
  if (!adaptive) return 0.0;
  return errorNorm(dts, ptrAt(tab, T_ERR_COEF), ptrAt(tab, T_ERR_IDX), i32At(tab, T_ERR_N), kbase, stride, uprev, u, atolV, rtolV, atolS, rtolS, normLength(blk, n));
}

/** Exported for TypeScript: interpolation inside the current step (callbacks, Solution.at). */
export function rosenbrockInterpolate(blk: usize, tq: f64, out: usize): i32 {
  // The dense output is u_n + dt·Σ_i B_i(θ)·k_i over the recorded stages, as an explicit
  // method's without extra stages: the same routine evaluates it.
  return interpolateStep(blk, tq, out) ? 0 : 1;
}

/** Runs a whole integration described by the block with a Rosenbrock method. Returns a RET_* code. */
export function rosenbrockSolve(blk: usize): i32 {
  const n = i32At(blk, B_N);
  const tab = ptrAt(blk, B_TAB);
  const kind = i32At(tab, R_KIND);
  const s = i32At(tab, R_NSTAGES);
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
  const f0 = kbase + <usize>s * stride;
  const fs = f0 + stride;
  const dT = fs + stride;
  const f1 = dT + stride;
  const jac = ptrAt(blk, B_JAC);
  const w = ptrAt(blk, B_WMAT);
  const piv = ptrAt(blk, B_PIV);
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
  const rgamma = f64At(tab, R_GAMMA);
  const mass = ptrAt(blk, B_MASS);
  // Rosenbrock32's u_{n+1} is not the point of its last evaluation of f: no FSAL.
  const fsal = kind == ROS_KIND_23 && adaptive && f64At(tab, R_ORDER3) == 0;
  // Jacobian reuse (see the head of this file): only W-methods, adaptive, without M.
  const maxAge = f64At(tab, R_WMETHOD) != 0 && adaptive && mass == 0 ? f64At(blk, B_JAC_MAXAGE) : 1.0;
  const dtTol = f64At(blk, B_JAC_DTTOL);
  const dtFloor = f64.EPSILON * f64.EPSILON * abs(tf - t0);

  let t = t0;
  let stopIdx = 0;
  let saveIdx = 0;
  let dt = abs(f64At(blk, B_DT));
  setF64(blk, B_T, t);

  dt = startSolve(blk, n, t0, tf, tdir, u, f0, kbase + stride, order, dt);
  if (dt < 0) return <i32>(-dt);

  let qoldLog = beta2 * Math.log(f64At(blk, B_QOLDINIT));
  let iter = 0.0;
  let ret = RET_SUCCESS;
  // f(t, u), J and ∂f/∂t at the accepted state: known (haveF0) and computed (haveJ). A
  // rejected step keeps both (the next attempt starts from the same point).
  let haveF0 = true;
  let haveJ = false;
  // Accepted steps since J was computed (0: J is at the current state), the dt·γ it was first
  // used with, and whether the last attempt was rejected.
  let jacAge = 0.0;
  let jacDtg = 0.0;
  let rejected = false;

  while (tdir * (tf - t) > 0) {
    const nextStop = stopIdx < ntstops ? load<f64>(tstops + (<usize>stopIdx << 3)) : tf;
    const h = stepToStop(t, min(dt, dtmax), tdir, nextStop);
    const hitsStop = stepHitsStop;
    iter += 1.0;
    if (iter > maxiters) { ret = RET_MAXITERS; break; }
    if (!haveF0) {
      if (!evalF(blk, t, u, f0)) return finish(blk, t, RET_ABORTED);
      if (!allFinite(f0, n)) { ret = RET_UNSTABLE; break; }
      haveF0 = true;
    }
    const dts = tdir * h;
    if (haveJ && jacAge > 0 && (rejected || jacAge >= maxAge || abs(dts * rgamma / jacDtg - 1.0) > dtTol)) haveJ = false;
    if (!haveJ) {
      const jc = computeJacobian(blk, n, t, tdir, u, f0, jac, dT, tmp, fs, atol, true);
      if (jc == JAC_ABORTED) return finish(blk, t, RET_ABORTED);
      // A Jacobian that is not finite at an accepted state does not get better with dt.
      if (jc == JAC_NONFINITE) { ret = RET_UNSTABLE; break; }
      haveJ = true;
      jacAge = 0.0;
    }
    if (jacAge == 0) jacDtg = dts * rgamma;
    const tnew = hitsStop ? nextStop : t + dts;
    const swap = uprev;
    uprev = u;
    u = swap;
    setF64(blk, B_U, <f64>u);
    setF64(blk, B_UPREV, <f64>uprev);

    const info = formFactorW(blk, w, piv, jac, dts * rgamma, n);
    let eest = 0.0;
    if (info != 0) {
      // W singular or not finite: no step with this dt. OrdinaryDiffEq answers EEst = 2 (a
      // rejection); with a fixed dt there is nothing to try instead.
      if (!adaptive) {
        u = uprev;
        uprev = swap;
        setF64(blk, B_U, <f64>u);
        setF64(blk, B_UPREV, <f64>uprev);
        ret = RET_UNSTABLE;
        break;
      }
      eest = 2.0;
    } else {
      const sum = kind == ROS_KIND_23
        ? attempt23(blk, tab, n, kbase, stride, uprev, u, tmp, f0, fs, f1, dT, w, piv, mass, t, dts, tnew, adaptive, atolV, rtolV, atolS, rtolS)
        : attemptRodas(blk, tab, n, kbase, stride, uprev, u, tmp, f0, fs, dT, w, piv, mass, t, dts, adaptive, atolV, rtolV, atolS, rtolS);
      if (sum < 0) return finish(blk, t, RET_ABORTED);
      eest = sqrt(sum / <f64>normLength(blk, n));
    }
    let dtNext = dt;
    if (adaptive) {
      if (isNaN(eest)) eest = Infinity;
      const logE = Math.log(eest);
      if (eest > 1.0) {
        const q11 = Math.exp(beta1 * logE);
        bump(blk, B_NREJECT);
        rejected = true;
        dt = piReject(h, q11, gamma, qmin);
        u = uprev;
        uprev = swap;
        setF64(blk, B_U, <f64>u);
        setF64(blk, B_UPREV, <f64>uprev);
        // t + dt == t never holds near t = 0, where dt could shrink into the subnormals and
        // stop there: below ε²·|tf − t0| is too small as well.
        if (dt < dtmin || t + tdir * dt == t || dt < dtFloor) { ret = RET_DTLESSTHANMIN; break; }
        continue;
      }
      const q = piAccept(eest, Math.exp(beta1 * logE - qoldLog), gamma, qmin, qmax, qsmin, qsmax);
      qoldLog = beta2 * (eest >= 1e-4 ? logE : Math.log(1e-4));
      dtNext = min(h / q, dtmax);
    }

    // The step is accepted.
    bump(blk, B_NACCEPT);
    if (!adaptive && !allFinite(u, n)) {
      u = uprev;
      setF64(blk, B_U, <f64>u);
      ret = RET_UNSTABLE;
      break;
    }
    const tprev = t;
    t = tnew;
    setF64(blk, B_TPREV, tprev);
    setF64(blk, B_T, t);
    setF64(blk, B_DTCUR, dts);
    setF64(blk, B_EXTRAS_DONE, 0.0);
    dt = dtNext;
    rejected = false;
    jacAge += 1.0;
    haveJ = maxAge > 1;
    // Rosenbrock23 with error control evaluated f(u_{n+1}) for its estimate: the next f(u_n).
    haveF0 = fsal;
    if (haveF0) copyVec(f0, fs, n);

    const next = acceptStep(blk, tprev, t, dts, tdir, tf, u, tmp, n, saveIdx, nsa, stopIdx, ntstops, hitsStop, callbacks, dense, saveEvery);
    t = stepEnd;
    if (next == STEP_ABORT) return finish(blk, t, RET_ABORTED);
    saveIdx = stepSaveIdx;
    stopIdx = stepStopIdx;
    if (next == STEP_TERMINATE) { ret = RET_TERMINATED; break; }
    // The state moved to the event and the affect may have changed it: f(u_n) anew.
    if (next == STEP_EVENT) { haveF0 = false; haveJ = false; }
    // Automatic switching: hand back to the nonstiff method when the problem is no longer stiff.
    else if (stiffSwitch(blk, jac, n, t, tf, tdir, dt, eest, saveIdx, stopIdx)) return finish(blk, t, RET_SWITCH);
  }

  return endSolve(blk, t, u, n, ret, saveEnd);
}
