// Stiffness detection and the decision to switch methods (AutoTsit5, AutoVern7 and the
// default algorithm). Both integrators call in here after an accepted step when the block
// asks for it (B_AUTO_MODE); everything else about switching happens in TypeScript, which
// resumes the integration with the other method where the engine stopped.
//
// The test and its constants are OrdinaryDiffEq.jl's AutoSwitch / is_stiff
// (OrdinaryDiffEqCore, composite_algs.jl): after each step
//   stiffness = |eigen_est · dt / ρ|,  ρ = the nonstiff method's stability-region size,
// with dt the step about to be taken; the test says stiff unless stiffness ≤ tol (so a NaN
// counts as stiff), tol = nonstifftol while the nonstiff method runs, stifftol while the stiff
// one does (both 9/10). A signed count runs up on consecutive stiff tests and down on
// consecutive nonstiff ones (a change of sign restarts it at ±1); the nonstiff method hands
// over when count > maxstiffstep (10) with dt·dtfac, the stiff one when
// count < −maxnonstiffstep (−3) with dt/dtfac (dtfac = 2).
//
// eigen_est, as OrdinaryDiffEq forms it:
//   explicit method: ‖k_b − k_a‖∞ / ‖g_b − g_a‖∞ over two stages a, b at the same node, g the
//     stage states (Hairer–Wanner II, §IV.2 "stiffness detection", p. 22). Tsit5: the 6th and
//     7th stages (g7 = u_{n+1}); Vern7: the 9th and 10th (both at c = 1). OrdinaryDiffEq takes
//     the largest componentwise ratio; this is the ratio of the norms, as the reference
//     formula writes it, which has no 0/0 for a component that does not move.
//   stiff method: ‖J‖∞ (the largest absolute row sum) of the Jacobian of the step.
//
// Differences from OrdinaryDiffEq, by construction: the test runs after accepted steps only
// (OrdinaryDiffEq also counts the estimate of a rejected attempt), and dt is the controller's
// next step before it is shortened to land on a stop.

import { B_N, B_K, B_STRIDE, T_ROWSTART, T_IDX, T_COEF, B_BAND, B_KL, B_KU } from './layout';
import { bandInfNorm } from './wbanded';
import {
  B_AUTO_MODE, B_AUTO_STAGE_A, B_AUTO_STAGE_B, B_AUTO_STABSIZE, B_AUTO_NONSTIFFTOL,
  B_AUTO_STIFFTOL, B_AUTO_MAXSTIFF, B_AUTO_MAXNONSTIFF, B_AUTO_DTFAC, B_AUTO_COUNT,
  B_AUTO_EIGEN, B_AUTO_DT, B_AUTO_SAVEIDX, B_AUTO_STOPIDX, B_AUTO_ERROLD, AUTO_STIFF,
} from './layout-auto';
import { f64At, setF64, ptrAt, i32At } from './block';

/** Σ_q A[row][q]·k_q[l] over the row's nonzeros (tableau block's sparse rows). */
// @ts-ignore: decorator
@inline function rowDot(rowStart: usize, aIdx: usize, aCoef: usize, row: i32, kbase: usize, stride: usize, off: usize): f64 {
  const r0 = load<i32>(rowStart + (<usize>row << 2));
  const r1 = load<i32>(rowStart + (<usize>(row + 1) << 2));
  let s = 0.0;
  for (let q = r0; q < r1; q++) {
    const ix = load<i32>(aIdx + (<usize>q << 2));
    s += load<f64>(aCoef + (<usize>q << 3)) * load<f64>(kbase + <usize>ix * stride + off);
  }
  return s;
}

/**
 * The explicit method's eigenvalue estimate for the step just accepted (its stages still in
 * the workspace): ‖k_b − k_a‖∞ / ‖g_b − g_a‖∞ with g_b − g_a = dt·Σ_q (A_bq − A_aq)·k_q.
 */
export function erkEigenEstimate(blk: usize, tab: usize, dts: f64): f64 {
  const n = i32At(blk, B_N);
  const a = i32At(blk, B_AUTO_STAGE_A);
  const b = i32At(blk, B_AUTO_STAGE_B);
  const kbase = ptrAt(blk, B_K);
  const stride = ptrAt(blk, B_STRIDE);
  const rowStart = ptrAt(tab, T_ROWSTART);
  const aIdx = ptrAt(tab, T_IDX);
  const aCoef = ptrAt(tab, T_COEF);
  const ka = kbase + <usize>a * stride;
  const kb = kbase + <usize>b * stride;
  let num = 0.0;
  let den = 0.0;
  for (let l = 0; l < n; l++) {
    const off = <usize>l << 3;
    num = max(num, abs(load<f64>(kb + off) - load<f64>(ka + off)));
    const d = rowDot(rowStart, aIdx, aCoef, b, kbase, stride, off) - rowDot(rowStart, aIdx, aCoef, a, kbase, stride, off);
    den = max(den, abs(d));
  }
  den *= abs(dts);
  if (den == 0) return num == 0 ? 0.0 : Infinity;
  return num / den;
}

/** ‖J‖∞: the largest absolute row sum of J (n×n row-major, or band storage in a banded solve). */
export function infNorm(blk: usize, jac: usize, n: i32): f64 {
  if (f64At(blk, B_BAND) != 0) return bandInfNorm(jac, n, i32At(blk, B_KL), i32At(blk, B_KU));
  let m = 0.0;
  for (let i = 0; i < n; i++) {
    const row = jac + ((<usize>i * <usize>n) << 3);
    let s = 0.0;
    for (let j = 0; j < n; j++) s += abs(load<f64>(row + (<usize>j << 3)));
    m = max(m, s);
  }
  return m;
}

/**
 * One stiffness test with the step's estimate and the next dt; true when the other method
 * should take over (its dt is then in B_AUTO_DT).
 */
export function switchDue(blk: usize, eigen: f64, dtNext: f64, stiffPhase: bool): bool {
  const stiffness = abs((eigen * dtNext) / f64At(blk, B_AUTO_STABSIZE));
  const tol = stiffPhase ? f64At(blk, B_AUTO_STIFFTOL) : f64At(blk, B_AUTO_NONSTIFFTOL);
  const stiff = !(stiffness <= tol);
  let count = f64At(blk, B_AUTO_COUNT);
  if (stiff) count = count < 0 ? 1.0 : count + 1.0;
  else count = count > 0 ? -1.0 : count - 1.0;
  setF64(blk, B_AUTO_COUNT, count);
  setF64(blk, B_AUTO_EIGEN, eigen);
  const fac = f64At(blk, B_AUTO_DTFAC);
  if (!stiffPhase && count > f64At(blk, B_AUTO_MAXSTIFF)) {
    setF64(blk, B_AUTO_DT, dtNext * fac);
    return true;
  }
  if (stiffPhase && count < -f64At(blk, B_AUTO_MAXNONSTIFF)) {
    setF64(blk, B_AUTO_DT, dtNext / fac);
    return true;
  }
  return false;
}

/** What the next method needs besides t, u and dt: output positions and the controller's memory. */
function suspend(blk: usize, saveIdx: i32, stopIdx: i32, eest: f64): void {
  setF64(blk, B_AUTO_SAVEIDX, <f64>saveIdx);
  setF64(blk, B_AUTO_STOPIDX, <f64>stopIdx);
  setF64(blk, B_AUTO_ERROLD, eest >= 1e-4 ? eest : 1e-4);
}

/**
 * The explicit integrator's hook after an accepted step (t < tf still): true when it should
 * return RET_SWITCH, with everything the stiff method resumes from in the block.
 */
export function nonstiffSwitch(blk: usize, tab: usize, dts: f64, dtNext: f64, eest: f64, saveIdx: i32, stopIdx: i32): bool {
  if (!switchDue(blk, erkEigenEstimate(blk, tab, dts), dtNext, false)) return false;
  suspend(blk, saveIdx, stopIdx, eest);
  return true;
}

/**
 * The stiff integrator's hook after an accepted step: with B_AUTO_MODE = AUTO_STIFF, the test
 * on ‖J‖∞ of the step's Jacobian; true when it should return RET_SWITCH. Nothing when the
 * block does not ask for it, when the step ended the integration (t at tf) or ran an event.
 */
export function stiffSwitch(blk: usize, jac: usize, n: i32, t: f64, tf: f64, tdir: f64, dtNext: f64, eest: f64, saveIdx: i32, stopIdx: i32): bool {
  if (i32At(blk, B_AUTO_MODE) != AUTO_STIFF || !(tdir * (tf - t) > 0)) return false;
  if (!switchDue(blk, infNorm(blk, jac, n), dtNext, true)) return false;
  suspend(blk, saveIdx, stopIdx, eest);
  return true;
}
