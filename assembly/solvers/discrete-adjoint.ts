// The discrete adjoint (ReverseDiffAdjoint): reverse-mode differentiation of the solver's own
// steps, swept backwards from the last accepted step to the first with the step sizes held
// fixed. The result is the exact derivative of the computed solution (the transpose of what
// forward-dual.ts carries forward), as in the discrete adjoints of Hager (2000, "Runge–Kutta
// methods in optimal control and the transformed adjoint system") and Sandu (2006, "On the
// properties of Runge–Kutta discrete adjoints"; 2003, Daescu–Sandu–Carmichael, Rosenbrock
// discrete adjoints), written here for the engine's step formulas.
//
// Explicit Runge–Kutta step (erk.ts), stages i = 0 … stotal−1 with the end-of-step stage and
// the interpolation's extra stages included:
//   Y_i = u_n + dt·Σ_{j<i} A_ij·k_j,   k_i = f(Y_i, t_n + c_i·dt),   u_{n+1} = Y_end,
//   u(θ) = u_n + dt·Σ_q B_q(θ)·k_q   (dense output at a point inside the step).
// Backwards, with λ = dL/du_{n+1} and the loss's points of the step:
//   k̄_q = dt·B_q(θ)·g for each point inside the step, ū_n gets its g too;
//   for i = stotal−1 … 0:  Ȳ_i = J(Y_i)ᵀ·k̄_i (+ λ for i = end),  p̄ += ∂f/∂pᵀ·k̄_i,
//                           ū_n += Ȳ_i,  k̄_j += dt·A_ij·Ȳ_i.
// One tape reverse sweep gives J(Y_i)ᵀ·k̄_i and ∂f/∂pᵀ·k̄_i together; stages whose adjoint is
// zero (weight zero in the solution and in the interpolation used) need none. The recorded
// stage k_0 of a step is the previous step's end stage (FSAL) but equals f(u_n) bit for bit,
// so each step is differentiated as a function of u_n alone.
//
// Rosenbrock step in the general (Rodas) form of rosenbrock.ts, W = I − g·J(u_n), g = dt·γ:
//   Y_i = u_n + dt·Σ_{j<i} A_ij·k_j,   f_i = f(Y_i, t_n + c_i·dt) (or f_{i−1} when reused),
//   W·k_i = γ·(f_i + Σ_{j<i} C_ij·k_j + dt·d_i·∂f/∂t),   u_{n+1} = u_n + dt·Σ b_i·k_i.
// The records keep only the dense output's stages, so each step is recomputed from u_n, t_n
// and dt by rosenbrock.ts's own attempt (J by AD, as the solve took it). Backwards:
//   k̄_i += dt·b_i·λ, ū_n += λ, plus the points inside the step as above; for i = s−1 … 0:
//   z = W⁻ᵀ·k̄_i,  r̄ = γ·z,  k̄_j += C_ij·r̄,  f̄_i = r̄ (+ what a reusing stage passed on);
//   W depends on (u_n, p) through J: k̄_iᵀ·dk_i holds g·zᵀ·dJ·k_i, whose gradient is one VJP
//   of the tape (u, t, v, τ) ↦ J(u, p, t)·v + ∂f/∂t·τ at (u_n, t_n, k_i, 0) with weights g·z
//   (built symbolically in TypeScript, src/sensitivity/jv-model.ts); then Ȳ_i = J(Y_i)ᵀ·f̄_i, p̄ += ∂f/∂pᵀ·f̄_i by a VJP of f, ū_n += Ȳ_i,
//   k̄_j += dt·A_ij·Ȳ_i, and T̄ += dt·d_i·r̄ for the ∂f/∂t term, whose gradient is one more VJP
//   of the same tape at (u_n, t_n, 0, 1) with weights T̄ (only when f depends on t).
// Rosenbrock23 and Rosenbrock32 (Shampine–Reichelt's steps, written out in rosenbrock.ts) take
// the same pieces in their own order (rosenbrock23Step below).

import {
  DENSE_HEAD, T_S, T_STOTAL, T_END, T_DEG, T_C, T_ROWSTART, T_IDX, T_COEF, T_B_N, T_B_IDX, T_B_POLY,
  B_JAC, B_WMAT, B_PIV, R_KIND, R_NSTAGES, R_GAMMA, R_D, R_CROWSTART, R_CIDX, R_CCOEF, R_B_N, R_B_IDX, R_B_COEF, R_REUSE_F, R_C32,
  ROS_KIND_23,
} from './layout';
import {
  DA_N, DA_STRIDE, DA_NP, DA_TAPE, DA_REGS, DA_ADJ, DA_PARAM_BASE, DA_TAB, DA_REC, DA_NREC, DA_RECLEN,
  DA_PTS, DA_NPTS, DA_KBAR, DA_Y, DA_YBAR, DA_VU, DA_VP, DA_OUT, DA_LAMBDA, DA_MU, DA_PBAR, DA_NVJP,
  DA_PT_STEP, DA_PT_KIND, DA_PT_T, DA_PT_HEAD, PT_END, DA_OK, DA_NO_EXTRAS, DA_SINGULAR,
  DA_BLK, DA_WS, DA_WT, DA_PIVT, DA_JV_TAPE, DA_JV_REGS, DA_JV_ADJ, DA_JV_X, DA_JV_VU, DA_JV_OUT, DA_FBAR, DA_Z, DA_JV_PBASE,
  DA_ADAPTIVE, DA_TIME_DEP, DA_TBAR, DA_JV_W, DA_FBAR0,
} from './layout-discrete-adjoint';
import { f64At, setF64, ptrAt, i32At, f64ToInt } from './block';
import { combine, axpyTo } from '../linalg/vector';
import { tapeReverse } from '../tape/reverse';
import { luFactor, luSolve } from '../linalg/lu';
import { evalF } from './erk';
import { computeJacobian, formFactorW, formW, JAC_OK } from './wmatrix';
import { attemptRodas, attempt23 } from './rosenbrock';
import { R_ORDER3 } from './layout-rosenbrock';

/** y += s·x (n values). */
export function addScaled(y: usize, s: f64, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(y + off, load<f64>(y + off) + s * load<f64>(x + off));
  }
}

/** Whether any of x's n values is not zero. */
export function anyNonzero(x: usize, n: i32): bool {
  for (let i = 0; i < n; i++) if (load<f64>(x + (<usize>i << 3)) != 0) return true;
  return false;
}

/**
 * Adds the points of the loss that lie in step `m` (those at its end into λ, those inside it
 * through the dense output into the stage adjoints and μ), from point `q` backwards.
 * Returns the index of the first point before the step, or −1 − DA_NO_EXTRAS when a point
 * needs interpolation stages the step never computed.
 */
export function gatherPoints(
  ctx: usize, tab: usize, m: i32, q: i32, tprev: f64, dt: f64, stagesReady: bool,
  kbar: usize, stride: usize, lam: usize, mu: usize, n: i32,
): i32 {
  const pts = ptrAt(ctx, DA_PTS);
  const ptBytes = <usize>(DA_PT_HEAD + n) << 3;
  const deg = i32At(tab, T_DEG);
  const nb = i32At(tab, T_B_N);
  const bIdx = ptrAt(tab, T_B_IDX);
  const poly = ptrAt(tab, T_B_POLY);
  while (q >= 0) {
    const pp = pts + <usize>q * ptBytes;
    if (f64ToInt(f64At(pp, DA_PT_STEP)) != m) break;
    const g = pp + (<usize>DA_PT_HEAD << 3);
    if (f64ToInt(f64At(pp, DA_PT_KIND)) == PT_END) {
      addScaled(lam, 1.0, g, n);
    } else {
      if (!stagesReady) return -1 - DA_NO_EXTRAS;
      // u(θ) = u_n + dt·Σ_q B_q(θ)·k_q, with B_q(θ) evaluated as erk.ts's interpolateStep does.
      const theta = (f64At(pp, DA_PT_T) - tprev) / dt;
      for (let b = 0; b < nb; b++) {
        const row = poly + (<usize>(b * deg) << 3);
        let acc = 0.0;
        for (let j = deg - 1; j >= 0; j--) acc = (acc + load<f64>(row + (<usize>j << 3))) * theta;
        addScaled(kbar + <usize>load<i32>(bIdx + (<usize>b << 2)) * stride, dt * acc, g, n);
      }
      addScaled(mu, 1.0, g, n);
    }
    q--;
  }
  return q;
}

/** The points of the initial state (step −1) into λ, after the sweep. */
export function gatherStart(ctx: usize, q: i32, lam: usize, n: i32): void {
  const pts = ptrAt(ctx, DA_PTS);
  const ptBytes = <usize>(DA_PT_HEAD + n) << 3;
  for (; q >= 0; q--) {
    const pp = pts + <usize>q * ptBytes;
    addScaled(lam, 1.0, pp + (<usize>DA_PT_HEAD << 3), n);
  }
}

/** One VJP of f at (t, y) with weights w: vu = J(y)ᵀ·w, p̄ += ∂f/∂pᵀ·w. */
export function vjpF(ctx: usize, t: f64, y: usize, w: usize, vu: usize, pbar: usize): void {
  const np = i32At(ctx, DA_NP);
  const vp = ptrAt(ctx, DA_VP);
  tapeReverse(ptrAt(ctx, DA_TAPE), ptrAt(ctx, DA_REGS), ptrAt(ctx, DA_ADJ), t, y, w, i32At(ctx, DA_PARAM_BASE), np, ptrAt(ctx, DA_OUT), vu, vp);
  addScaled(pbar, 1.0, vp, np);
  setF64(ctx, DA_NVJP, f64At(ctx, DA_NVJP) + 1.0);
}

/**
 * The backward sweep over an explicit Runge–Kutta solve's step records. On entry DA_LAMBDA
 * holds dL/du at the end of the last step (beyond the points given; 0 for a whole solve) and
 * DA_PBAR what dL/dp has gathered so far; on return they hold dL/du at the start of the first
 * step (dL/du0) and dL/dp. Returns DA_OK or a DA_* failure.
 */
export function erkAdjointSweep(ctx: usize): i32 {
  const n = i32At(ctx, DA_N);
  const stride = ptrAt(ctx, DA_STRIDE);
  const tab = ptrAt(ctx, DA_TAB);
  const s = i32At(tab, T_S);
  const stot = i32At(tab, T_STOTAL);
  const end = i32At(tab, T_END);
  const c = ptrAt(tab, T_C);
  const rowStart = ptrAt(tab, T_ROWSTART);
  const aIdx = ptrAt(tab, T_IDX);
  const aCoef = ptrAt(tab, T_COEF);
  const rec0 = ptrAt(ctx, DA_REC);
  const nrec = i32At(ctx, DA_NREC);
  const recBytes = <usize>i32At(ctx, DA_RECLEN) << 3;
  const kbar = ptrAt(ctx, DA_KBAR);
  const y = ptrAt(ctx, DA_Y);
  const ybar = ptrAt(ctx, DA_YBAR);
  const lam = ptrAt(ctx, DA_LAMBDA);
  const mu = ptrAt(ctx, DA_MU);
  const pbar = ptrAt(ctx, DA_PBAR);
  const nb = <usize>n << 3;
  let q = i32At(ctx, DA_NPTS) - 1;
  for (let m = nrec - 1; m >= 0; m--) {
    const rec = rec0 + <usize>m * recBytes;
    const tprev = load<f64>(rec);
    const dt = load<f64>(rec, 8);
    // The interpolation's extra stages are in the record only when the step computed them.
    const ready = stot == s || load<f64>(rec, 24) != 0;
    const uprev = rec + (<usize>DENSE_HEAD << 3);
    const kb = uprev + stride;
    memory.fill(kbar, 0, stride * <usize>stot);
    memory.fill(mu, 0, nb);
    q = gatherPoints(ctx, tab, m, q, tprev, dt, ready, kbar, stride, lam, mu, n);
    if (q < -1) return -1 - q;
    const lamLive = anyNonzero(lam, n);
    for (let i = stot - 1; i >= 0; i--) {
      const ki = kbar + <usize>i * stride;
      const live = anyNonzero(ki, n);
      const direct = i == end && lamLive;
      if (!live && !direct) continue;
      if (live) {
        const r0 = load<i32>(rowStart + (<usize>i << 2));
        const r1 = load<i32>(rowStart + (<usize>(i + 1) << 2));
        combine(y, uprev, dt, aCoef + (<usize>r0 << 3), aIdx + (<usize>r0 << 2), r1 - r0, kb, stride, n);
        vjpF(ctx, tprev + load<f64>(c + (<usize>i << 3)) * dt, y, ki, ybar, pbar);
        if (direct) addScaled(ybar, 1.0, lam, n);
      } else {
        memory.copy(ybar, lam, nb);
      }
      // Y_i = u_n + dt·Σ_j A_ij·k_j
      addScaled(mu, 1.0, ybar, n);
      const r0 = load<i32>(rowStart + (<usize>i << 2));
      const r1 = load<i32>(rowStart + (<usize>(i + 1) << 2));
      for (let e = r0; e < r1; e++) {
        const j = load<i32>(aIdx + (<usize>e << 2));
        addScaled(kbar + <usize>j * stride, dt * load<f64>(aCoef + (<usize>e << 3)), ybar, n);
      }
    }
    memory.copy(lam, mu, nb);
  }
  gatherStart(ctx, q, lam, n);
  return DA_OK;
}


/** Wᵀ = I − g·Jᵀ into wt (n×n row-major), factored with pivots pivT: false when singular. */
function factorWT(jac: usize, wt: usize, pivT: usize, g: f64, n: i32): bool {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) store<f64>(wt + (<usize>(j * n + i) << 3), load<f64>(jac + (<usize>(i * n + j) << 3)));
  }
  formW(wt, wt, g, n, 0);
  return luFactor(wt, n, n, pivT) == 0;
}

/** z = W⁻ᵀ·x with Wᵀ's factors. */
function solveWT(ctx: usize, x: usize, z: usize, n: i32): void {
  memory.copy(z, x, <usize>n << 3);
  luSolve(ptrAt(ctx, DA_WT), n, n, ptrAt(ctx, DA_PIVT), z, 1, 1);
}

/**
 * ū_n and p̄ of s·wᵀ·(J(u_n, p, t_n)·v + ∂f/∂t(u_n, p, t_n)·τ): one reverse sweep of the J·v
 * tape (v = 0: none). Adds into `mu` and DA_PBAR.
 */
function jvVjp(ctx: usize, un: usize, tn: f64, v: usize, tau: f64, w: usize, s: f64, mu: usize, n: i32): void {
  const np = i32At(ctx, DA_NP);
  const x = ptrAt(ctx, DA_JV_X);
  const vu = ptrAt(ctx, DA_JV_VU);
  const vp = ptrAt(ctx, DA_VP);
  const jw = ptrAt(ctx, DA_JV_W);
  const nb = <usize>n << 3;
  memory.copy(x, un, nb);
  store<f64>(x + nb, tn);
  if (v != 0) memory.copy(x + nb + 8, v, nb);
  else memory.fill(x + nb + 8, 0, nb);
  store<f64>(x + 2 * nb + 8, tau);
  for (let e = 0; e < n; e++) store<f64>(jw + (<usize>e << 3), s * load<f64>(w + (<usize>e << 3)));
  tapeReverse(ptrAt(ctx, DA_JV_TAPE), ptrAt(ctx, DA_JV_REGS), ptrAt(ctx, DA_JV_ADJ), tn, x, jw, i32At(ctx, DA_JV_PBASE), np, ptrAt(ctx, DA_JV_OUT), vu, vp);
  addScaled(mu, 1.0, vu, n);
  addScaled(ptrAt(ctx, DA_PBAR), 1.0, vp, np);
}

/** μ += J(y)ᵀ·w at (t, y), p̄ += ∂f/∂pᵀ·w; then k̄ += s·J(y)ᵀ·w when kb is not 0 (y = u_n + s·k). */
function stageVjp(ctx: usize, t: f64, y: usize, w: usize, mu: usize, kb: usize, s: f64, n: i32): void {
  const ybar = ptrAt(ctx, DA_YBAR);
  vjpF(ctx, t, y, w, ybar, ptrAt(ctx, DA_PBAR));
  addScaled(mu, 1.0, ybar, n);
  if (kb != 0) addScaled(kb, s, ybar, n);
}

/**
 * The adjoint of one Rosenbrock23 (Rosenbrock32 with order3) step from u_n (rosenbrock.ts's
 * attempt23, mass matrix I), its stages recomputed in the workspace: k̄ holds the stage
 * adjoints from the step's points, λ the adjoint of u_{n+1}; μ receives ū_n.
 *   k1 = W⁻¹·(f0 + g·T),  Y1 = u_n + dt/2·k1,  f1 = f(Y1),  k2 = W⁻¹·(f1 − k1) + k1,
 *   u2 = u_n + dt·k2,  fs = f(u2),  k3 = W⁻¹·(fs − c32·(k2 − f1) − 2·(k1 − f0) + g·T),
 *   u_{n+1} = u2 (Rosenbrock23) or u_n + dt/6·(k1 + 4·k2 + k3) (Rosenbrock32).
 * k3 exists only when the forward solve computed it (adaptive, or Rosenbrock32).
 */
function rosenbrock23Step(
  ctx: usize, tab: usize, n: i32, uprev: usize, kbase: usize, stride: usize, kbar: usize,
  tprev: f64, tnew: f64, dt: f64, g: f64, lam: usize, mu: usize, tbar: usize,
): void {
  const order3 = f64At(tab, R_ORDER3) != 0;
  const hasK3 = order3 || f64At(ctx, DA_ADAPTIVE) != 0;
  const c32 = f64At(tab, R_C32);
  const k1 = kbase;
  const k2 = kbase + stride;
  const k3 = kbase + 2 * stride;
  const kb1 = kbar;
  const kb2 = kbar + stride;
  const kb3 = kbar + 2 * stride;
  const y = ptrAt(ctx, DA_Y);
  const z = ptrAt(ctx, DA_Z);
  const fb1 = ptrAt(ctx, DA_FBAR);
  const fb0 = ptrAt(ctx, DA_FBAR0);
  const nb = <usize>n << 3;
  memory.fill(fb1, 0, nb);
  memory.fill(fb0, 0, nb);
  addScaled(mu, 1.0, lam, n);
  if (order3) {
    addScaled(kb1, dt / 6.0, lam, n);
    addScaled(kb2, 4.0 * dt / 6.0, lam, n);
    addScaled(kb3, dt / 6.0, lam, n);
  } else {
    addScaled(kb2, dt, lam, n);
  }
  if (!hasK3) memory.fill(kb3, 0, nb);
  if (anyNonzero(kb3, n)) {
    solveWT(ctx, kb3, z, n);
    jvVjp(ctx, uprev, tprev, k3, 0.0, z, g, mu, n);
    // fs = f(u2), u2 = u_n + dt·k2
    axpyTo(y, uprev, dt, k2, n);
    stageVjp(ctx, tnew, y, z, mu, kb2, dt, n);
    addScaled(kb2, -c32, z, n);
    addScaled(fb1, c32, z, n);
    addScaled(kb1, -2.0, z, n);
    addScaled(fb0, 2.0, z, n);
    addScaled(tbar, g, z, n);
  }
  if (anyNonzero(kb2, n)) {
    // k2 − k1 = W⁻¹·(f1 − k1): J's part at v = k2 − k1 (in y).
    solveWT(ctx, kb2, z, n);
    for (let e = 0; e < n; e++) {
      const off = <usize>e << 3;
      store<f64>(y + off, load<f64>(k2 + off) - load<f64>(k1 + off));
    }
    jvVjp(ctx, uprev, tprev, y, 0.0, z, g, mu, n);
    addScaled(fb1, 1.0, z, n);
    addScaled(kb1, 1.0, kb2, n);
    addScaled(kb1, -1.0, z, n);
  }
  if (anyNonzero(fb1, n)) {
    const half = dt / 2;
    axpyTo(y, uprev, half, k1, n);
    stageVjp(ctx, tprev + half, y, fb1, mu, kb1, half, n);
  }
  if (anyNonzero(kb1, n)) {
    solveWT(ctx, kb1, z, n);
    jvVjp(ctx, uprev, tprev, k1, 0.0, z, g, mu, n);
    addScaled(fb0, 1.0, z, n);
    addScaled(tbar, g, z, n);
  }
  if (anyNonzero(fb0, n)) stageVjp(ctx, tprev, uprev, fb0, mu, 0, 0.0, n);
}

/**
 * The adjoint of one Rodas-form step (see the head of this file), its stages recomputed in
 * the workspace; arguments as rosenbrock23Step's.
 */
function rodasStep(
  ctx: usize, tab: usize, n: i32, uprev: usize, kbase: usize, stride: usize, kbar: usize,
  tprev: f64, dt: f64, g: f64, lam: usize, mu: usize, tbar: usize,
): void {
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
  const bN = i32At(tab, R_B_N);
  const bIdx = ptrAt(tab, R_B_IDX);
  const bCoef = ptrAt(tab, R_B_COEF);
  const reuse = ptrAt(tab, R_REUSE_F);
  const y = ptrAt(ctx, DA_Y);
  const z = ptrAt(ctx, DA_Z);
  const fbar = ptrAt(ctx, DA_FBAR);
  const nb = <usize>n << 3;
  // u_{n+1} = u_n + dt·Σ b_i·k_i
  addScaled(mu, 1.0, lam, n);
  for (let e = 0; e < bN; e++) {
    addScaled(kbar + <usize>load<i32>(bIdx + (<usize>e << 2)) * stride, dt * load<f64>(bCoef + (<usize>e << 3)), lam, n);
  }
  memory.fill(fbar, 0, nb);
  let carry = false;
  for (let i = s - 1; i >= 0; i--) {
    const kbi = kbar + <usize>i * stride;
    const live = anyNonzero(kbi, n);
    if (!live && !carry) continue;
    if (live) {
      // z = W⁻ᵀ·k̄_i; W's part: the J·v tape at (u_n, k_i) with weights g·z.
      solveWT(ctx, kbi, z, n);
      jvVjp(ctx, uprev, tprev, kbase + <usize>i * stride, 0.0, z, g, mu, n);
      // r̄ = γ·z: into f̄_i, the C-terms and the ∂f/∂t term.
      addScaled(fbar, gamma, z, n);
      const q0 = load<i32>(cRow + (<usize>i << 2));
      const q1 = load<i32>(cRow + (<usize>(i + 1) << 2));
      for (let e = q0; e < q1; e++) {
        addScaled(kbar + <usize>load<i32>(cIdx + (<usize>e << 2)) * stride, gamma * load<f64>(cCoef + (<usize>e << 3)), z, n);
      }
      const di = load<f64>(d + (<usize>i << 3));
      if (di != 0) addScaled(tbar, dt * di * gamma, z, n);
    }
    if (load<i32>(reuse + (<usize>i << 2)) != 0) {
      // f_i is f_{i−1}: its adjoint goes on to that stage.
      carry = true;
      continue;
    }
    carry = false;
    if (!anyNonzero(fbar, n)) continue;
    // Y_i = u_n + dt·Σ_j A_ij·k_j (Y_0 = u_n)
    const r0 = load<i32>(aRow + (<usize>i << 2));
    const r1 = load<i32>(aRow + (<usize>(i + 1) << 2));
    combine(y, uprev, dt, aCoef + (<usize>r0 << 3), aIdx + (<usize>r0 << 2), r1 - r0, kbase, stride, n);
    stageVjp(ctx, tprev + load<f64>(c + (<usize>i << 3)) * dt, y, fbar, mu, 0, 0.0, n);
    memory.fill(fbar, 0, nb);
    const ybar = ptrAt(ctx, DA_YBAR);
    for (let e = r0; e < r1; e++) {
      addScaled(kbar + <usize>load<i32>(aIdx + (<usize>e << 2)) * stride, dt * load<f64>(aCoef + (<usize>e << 3)), ybar, n);
    }
  }
}

/**
 * The backward sweep over a Rosenbrock solve's step records; as erkAdjointSweep. DA_BLK is a
 * solve block with the model and the Rosenbrock matrices; DA_WS its workspace.
 */
export function rosenbrockAdjointSweep(ctx: usize): i32 {
  const n = i32At(ctx, DA_N);
  const stride = ptrAt(ctx, DA_STRIDE);
  const tab = ptrAt(ctx, DA_TAB);
  const blk = ptrAt(ctx, DA_BLK);
  const s = i32At(tab, R_NSTAGES);
  const kind23 = i32At(tab, R_KIND) == ROS_KIND_23;
  const gamma = f64At(tab, R_GAMMA);
  const adaptive = f64At(ctx, DA_ADAPTIVE) != 0;
  const timeDep = f64At(ctx, DA_TIME_DEP) != 0;
  // Workspace: [uprev][k_0 … k_{s−1}][f0][fs][dT][f1][u][tmp].
  const ws = ptrAt(ctx, DA_WS);
  const kbase = ws + stride;
  const f0 = kbase + <usize>s * stride;
  const fs = f0 + stride;
  const dT = fs + stride;
  const f1 = dT + stride;
  const u = f1 + stride;
  const tmp = u + stride;
  const jac = ptrAt(blk, B_JAC);
  const w = ptrAt(blk, B_WMAT);
  const piv = ptrAt(blk, B_PIV);
  const rec0 = ptrAt(ctx, DA_REC);
  const nrec = i32At(ctx, DA_NREC);
  const recBytes = <usize>i32At(ctx, DA_RECLEN) << 3;
  const kbar = ptrAt(ctx, DA_KBAR);
  const lam = ptrAt(ctx, DA_LAMBDA);
  const mu = ptrAt(ctx, DA_MU);
  const tbar = ptrAt(ctx, DA_TBAR);
  const nb = <usize>n << 3;
  let q = i32At(ctx, DA_NPTS) - 1;
  for (let m = nrec - 1; m >= 0; m--) {
    const rec = rec0 + <usize>m * recBytes;
    const tprev = load<f64>(rec);
    const dt = load<f64>(rec, 8);
    const tnew = load<f64>(rec, 16);
    const uprev = ws;
    memory.copy(uprev, rec + (<usize>DENSE_HEAD << 3), nb);
    // The step again, as the solve took it: f(u_n), J and ∂f/∂t at u_n (by AD), W, the stages.
    const g = dt * gamma;
    if (!evalF(blk, tprev, uprev, f0)) return DA_SINGULAR;
    if (computeJacobian(blk, n, tprev, dt >= 0 ? 1.0 : -1.0, uprev, f0, jac, dT, tmp, fs, 0, true) != JAC_OK) return DA_SINGULAR;
    if (formFactorW(blk, w, piv, jac, g, n) != 0) return DA_SINGULAR;
    const sum = kind23
      ? attempt23(blk, tab, n, kbase, stride, uprev, u, tmp, f0, fs, f1, dT, w, piv, 0, tprev, dt, tnew, adaptive, 0, 0, 1.0, 1.0)
      : attemptRodas(blk, tab, n, kbase, stride, uprev, u, tmp, f0, fs, dT, w, piv, 0, tprev, dt, false, 0, 0, 1.0, 1.0);
    if (sum < 0) return DA_SINGULAR;
    if (!factorWT(jac, ptrAt(ctx, DA_WT), ptrAt(ctx, DA_PIVT), g, n)) return DA_SINGULAR;

    memory.fill(kbar, 0, stride * <usize>s);
    memory.fill(mu, 0, nb);
    memory.fill(tbar, 0, nb);
    q = gatherPoints(ctx, tab, m, q, tprev, dt, true, kbar, stride, lam, mu, n);
    if (q < -1) return -1 - q;
    if (kind23) rosenbrock23Step(ctx, tab, n, uprev, kbase, stride, kbar, tprev, tnew, dt, g, lam, mu, tbar);
    else rodasStep(ctx, tab, n, uprev, kbase, stride, kbar, tprev, dt, g, lam, mu, tbar);
    // ∂f/∂t at (u_n, t_n) fed the stages: its gradient through the same tape (τ = 1, v = 0).
    if (timeDep && anyNonzero(tbar, n)) jvVjp(ctx, uprev, tprev, 0, 1.0, tbar, 1.0, mu, n);
    memory.copy(lam, mu, nb);
  }
  gatherStart(ctx, q, lam, n);
  return DA_OK;
}
