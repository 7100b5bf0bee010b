// The generic explicit Runge–Kutta integrator: one loop runs every tableau.
//
// TypeScript fills a solve block (layout.ts) and a tableau block, then calls erkSolve once;
// the whole integration happens here. JavaScript is entered only to evaluate a JavaScript
// right-hand side, to ask for more room for saved output, and to run callbacks.

import {
  B_N, B_TAB, B_ADAPTIVE, B_T0, B_TF, B_DT, B_DTMIN, B_DTMAX, B_MAXITERS,
  B_BETA1, B_BETA2, B_GAMMA, B_QMIN, B_QMAX, B_QSTEADY_MIN, B_QSTEADY_MAX, B_QOLDINIT,
  B_ABSTOL, B_RELTOL, B_U, B_UPREV, B_TMP, B_ERR, B_K, B_STRIDE,
  B_TSTOPS, B_NTSTOPS, B_SAVEAT, B_NSAVEAT, B_SAVE_EVERY, B_SAVE_START, B_SAVE_END, B_DENSE,
  B_CALLBACKS, B_NF, B_NACCEPT, B_NREJECT, B_T, B_TPREV, B_DTCUR, B_EXTRAS_DONE,
  B_TOL_SCALAR, B_TAPE, B_REGS, B_FUNC, B_RHS_KIND,
  T_S, T_STOTAL, T_END, T_DEG, T_ERRKIND, T_END_BEFORE_ERR, T_ORDER, T_C, T_ROWSTART, T_IDX,
  T_COEF, T_ERR_N, T_ERR_IDX, T_ERR_COEF, T_ERR3_N, T_ERR3_IDX, T_ERR3_COEF,
  T_B_N, T_B_IDX, T_B_POLY, T_B_W,
  RET_SUCCESS, RET_MAXITERS, RET_DTLESSTHANMIN, RET_UNSTABLE, RET_TERMINATED,
  RET_INITIALFAILURE, RET_ABORTED,
} from './layout';
import { combine, copyVec, axpyTo, allFinite } from '../linalg/vector';
import { errorNorm, scaledNorm, normLength } from './norm';
import { rhs } from './imports';
import { engineRhs } from './engine-rhs';
import { tapePrimal } from '../tape/primal';
import { f64At, setF64, ptrAt, i32At } from './block';
import { pushSave, lastSavedT, saveCount } from './output';
import { piReject, piAccept } from './controller';
import { acceptStep, stepEnd, stepSaveIdx, stepStopIdx, STEP_ABORT, STEP_EVENT, STEP_TERMINATE } from './accepted';
import { B_AUTO_MODE, AUTO_NONSTIFF, RET_SWITCH } from './layout-auto';
import { nonstiffSwitch } from './stiffness';

/**
 * Evaluates the right-hand side, counting it: a compiled model (emitted WebAssembly code, or
 * its tape interpreted), or the JavaScript function through the import. False when the
 * JavaScript side failed.
 */
@inline export function evalF(blk: usize, t: f64, u: usize, du: usize): bool {
  return evalWith(blk, ptrAt(blk, B_TAPE), <u32>ptrAt(blk, B_FUNC), ptrAt(blk, B_REGS), t, u, du);
}

/** evalF with the block's model fields already read (the step loop reads them once per solve). */
// @ts-ignore: decorator
@inline export function evalWith(blk: usize, tape: usize, func: u32, regs: usize, t: f64, u: usize, du: usize): bool {
  setF64(blk, B_NF, f64At(blk, B_NF) + 1.0);
  // A model emitted as WebAssembly: a call through the function table (func is 0 otherwise).
  if (func != 0) {
    call_indirect<void>(func, t, u, du, regs);
    return true;
  }
  if (tape != 0) {
    tapePrimal(tape, regs, t, u, du);
    return true;
  }
  // A right-hand side the engine builds on a model (sensitivities, adjoints), else JavaScript.
  if (i32At(blk, B_RHS_KIND) != 0) return engineRhs(blk, t, u, du);
  return rhs(t, u, du) == 0;
}

/** out = uprev + dt · Σ_j A[row][j] k_j, with A's rows as the tableau block lays them out. */
// @ts-ignore: decorator
@inline function stageRow(
  rowStart: usize, aIdx: usize, aCoef: usize, row: i32,
  out: usize, uprev: usize, dt: f64, kbase: usize, stride: usize, n: i32,
): void {
  const r0 = load<i32>(rowStart + (<usize>row << 2));
  const r1 = load<i32>(rowStart + (<usize>(row + 1) << 2));
  combine(out, uprev, dt, aCoef + (<usize>r0 << 3), aIdx + (<usize>r0 << 2), r1 - r0, kbase, stride, n);
}

/** stageRow reading the row tables from the tableau block. */
function stageState(tab: usize, row: i32, out: usize, uprev: usize, dt: f64, kbase: usize, stride: usize, n: i32): void {
  stageRow(ptrAt(tab, T_ROWSTART), ptrAt(tab, T_IDX), ptrAt(tab, T_COEF), row, out, uprev, dt, kbase, stride, n);
}

/** x[0..1] as an f64x2, read with two 8-byte loads. */
// @ts-ignore: decorator
@inline function loadPair(p: usize): v128 {
  return v128.load64_lane(p, v128.load64_zero(p), 1, 8);
}

/** errorNorm's r² for the states at byte offset off and off + 8 (u is u_{n+1}, up u_n there). */
// @ts-ignore: decorator
@inline function normPair(sv: v128, e: v128, up: v128, u: usize, off: usize, atolV: usize, rtolV: usize, atv: v128, rtv: v128): v128 {
  const b = v128.load(u + off);
  const amax = f64x2.max(f64x2.abs(up), f64x2.abs(b));
  const sc = atolV != 0 ? f64x2.add(v128.load(atolV + off), f64x2.mul(amax, v128.load(rtolV + off))) : f64x2.add(atv, f64x2.mul(amax, rtv));
  const x = f64x2.div(f64x2.mul(sv, e), sc);
  return f64x2.mul(x, x);
}

/**
 * One step attempt for two to seven states, held in up to four f64x2 (the stages into tmp and
 * u, then f at the end when endBeforeErr): `stageRow` and `errorNorm` with the same operations
 * in the same order, element by element, arranged for the chain of dependent operations that
 * a step of a small system is.
 *
 * Each stage's sum is split around the evaluation it waits for: the terms on older stages are
 * summed before the previous f is called (the sums in registers), and only the newest term is
 * added after f returns. That vector was just written by f with 8-byte stores, so it is read
 * with 8-byte loads (a 16-byte load over two pending 8-byte stores waits for both to reach
 * the cache). The error estimate of a method with one (errKind 1) is formed the same way.
 *
 * With an odd n the last pair's second lane is the vectors' padding (see allocWorkspace): it
 * is computed along and stored there, and left out of the error norm. (One state takes the
 * scalar version below; eight or more gain nothing and take the general path.)
 *
 * Returns errorNorm's sum when the error estimate was formed here, 0 when not (no error
 * estimate, or DOP853's two), and −1 when f failed.
 */
// @ts-ignore: decorator
@inline function smallAttempt(
  blk: usize, fTape: usize, fFunc: u32, fRegs: usize, groups: i32, n: i32,
  rowStart: usize, aIdx: usize, aCoef: usize, c: usize, end: i32, endBeforeErr: bool,
  errKind: i32, errN: i32, errIdx: usize, errCoef: usize,
  kbase: usize, stride: usize, uprev: usize, u: usize, tmp: usize,
  t: f64, dts: f64, tnew: f64, atolV: usize, rtolV: usize, atolS: f64, rtolS: f64,
): f64 {
  // States 0–1 in the first f64x2 (…0), 2–3 in the second (…1), 4–5 and 6–7 in the third
  // and fourth (…2, …3) as far as n and `groups` (a constant in each inlined copy) go; the
  // unused ones alias the first, untouched.
  const g1 = groups > 1 && n > 2;
  const g2 = groups > 2 && n > 4;
  const g3 = groups > 2 && n > 6;
  const sv = f64x2.splat(dts);
  const up0 = v128.load(uprev);
  const up1 = g1 ? v128.load(uprev, 16) : up0;
  const up2 = g2 ? v128.load(uprev, 32) : up0;
  const up3 = g3 ? v128.load(uprev, 48) : up0;
  // p…: the current row's sum of its terms on stages before the newest one (row 1 has only
  // a term on stage 0, the newest for it).
  let p0 = f64x2.splat(0.0);
  let p1 = p0;
  let p2 = p0;
  let p3 = p0;
  let r0 = load<i32>(rowStart + 4);
  let r1 = load<i32>(rowStart + 8);
  for (let j = 1; ; j++) {
    // Row j: add its term on stage j − 1 (its last, if it has one).
    let a0 = p0;
    let a1 = p1;
    let a2 = p2;
    let a3 = p3;
    if (r1 > r0 && load<i32>(aIdx + (<usize>(r1 - 1) << 2)) == j - 1) {
      const cq = f64x2.splat(load<f64>(aCoef + (<usize>(r1 - 1) << 3)));
      const kp = kbase + <usize>(j - 1) * stride;
      a0 = f64x2.add(a0, f64x2.mul(cq, loadPair(kp)));
      if (g1) a1 = f64x2.add(a1, f64x2.mul(cq, loadPair(kp + 16)));
      if (g2) a2 = f64x2.add(a2, f64x2.mul(cq, loadPair(kp + 32)));
      if (g3) a3 = f64x2.add(a3, f64x2.mul(cq, loadPair(kp + 48)));
    }
    const out = j == end ? u : tmp;
    v128.store(out, f64x2.add(up0, f64x2.mul(sv, a0)));
    if (g1) v128.store(out, f64x2.add(up1, f64x2.mul(sv, a1)), 16);
    if (g2) v128.store(out, f64x2.add(up2, f64x2.mul(sv, a2)), 32);
    if (g3) v128.store(out, f64x2.add(up3, f64x2.mul(sv, a3)), 48);
    if (j == end) break;
    // Row j + 1's terms on stages 0 … j − 1, while f_j is still to come.
    r0 = r1;
    r1 = load<i32>(rowStart + (<usize>(j + 2) << 2));
    p0 = f64x2.splat(0.0);
    p1 = p0;
    p2 = p0;
    p3 = p0;
    for (let q = r0; q < r1; q++) {
      const ix = load<i32>(aIdx + (<usize>q << 2));
      if (ix == j) break;
      const cq = f64x2.splat(load<f64>(aCoef + (<usize>q << 3)));
      const kp = kbase + <usize>ix * stride;
      p0 = f64x2.add(p0, f64x2.mul(cq, v128.load(kp)));
      if (g1) p1 = f64x2.add(p1, f64x2.mul(cq, v128.load(kp, 16)));
      if (g2) p2 = f64x2.add(p2, f64x2.mul(cq, v128.load(kp, 32)));
      if (g3) p3 = f64x2.add(p3, f64x2.mul(cq, v128.load(kp, 48)));
    }
    if (!evalWith(blk, fTape, fFunc, fRegs, t + load<f64>(c + (<usize>j << 3)) * dts, tmp, kbase + <usize>j * stride)) return -1.0;
  }
  // The error's terms on stages before the end-of-step evaluation, then that evaluation.
  let e0 = f64x2.splat(0.0);
  let e1 = e0;
  let e2 = e0;
  let e3 = e0;
  let q = 0;
  if (errKind == 1) {
    for (; q < errN; q++) {
      const ix = load<i32>(errIdx + (<usize>q << 2));
      if (ix == end) break;
      const cq = f64x2.splat(load<f64>(errCoef + (<usize>q << 3)));
      const kp = kbase + <usize>ix * stride;
      e0 = f64x2.add(e0, f64x2.mul(cq, v128.load(kp)));
      if (g1) e1 = f64x2.add(e1, f64x2.mul(cq, v128.load(kp, 16)));
      if (g2) e2 = f64x2.add(e2, f64x2.mul(cq, v128.load(kp, 32)));
      if (g3) e3 = f64x2.add(e3, f64x2.mul(cq, v128.load(kp, 48)));
    }
  }
  const kend = kbase + <usize>end * stride;
  if (endBeforeErr) {
    if (!evalWith(blk, fTape, fFunc, fRegs, tnew, u, kend)) return -1.0;
  }
  if (errKind != 1) return 0.0;
  if (q < errN) {
    const cq = f64x2.splat(load<f64>(errCoef + (<usize>q << 3)));
    e0 = f64x2.add(e0, f64x2.mul(cq, loadPair(kend)));
    if (g1) e1 = f64x2.add(e1, f64x2.mul(cq, loadPair(kend + 16)));
    if (g2) e2 = f64x2.add(e2, f64x2.mul(cq, loadPair(kend + 32)));
    if (g3) e3 = f64x2.add(e3, f64x2.mul(cq, loadPair(kend + 48)));
  }
  // errorNorm: r = dt·e / (atol + max(|u_n|, |u_{n+1}|)·rtol) and u_{n+1} − u_{n+1} (0 unless
  // it is not finite), summed in its order: full pairs as f64x2, then their lanes, then an odd
  // last state (its scalar tail). Its sums start from 0; that first addition is left out,
  // exact on squares and on x − x.
  const atv = f64x2.splat(atolS);
  const rtv = f64x2.splat(rtolS);
  const odd = (n & 1) != 0;
  let sq = normPair(sv, e0, up0, u, 0, atolV, rtolV, atv, rtv);
  let fin = f64x2.sub(v128.load(u), v128.load(u));
  let last = sq;
  let lastFin = fin;
  if (g1) {
    last = normPair(sv, e1, up1, u, 16, atolV, rtolV, atv, rtv);
    const b = v128.load(u, 16);
    lastFin = f64x2.sub(b, b);
    if (n != 3) { sq = f64x2.add(sq, last); fin = f64x2.add(fin, lastFin); }
  }
  if (g2) {
    last = normPair(sv, e2, up2, u, 32, atolV, rtolV, atv, rtv);
    const b = v128.load(u, 32);
    lastFin = f64x2.sub(b, b);
    if (n != 5) { sq = f64x2.add(sq, last); fin = f64x2.add(fin, lastFin); }
  }
  if (g3) {
    last = normPair(sv, e3, up3, u, 48, atolV, rtolV, atv, rtv);
    const b = v128.load(u, 48);
    lastFin = f64x2.sub(b, b);
    if (n != 7) { sq = f64x2.add(sq, last); fin = f64x2.add(fin, lastFin); }
  }
  let sum = f64x2.extract_lane(sq, 0) + f64x2.extract_lane(sq, 1);
  let f = f64x2.extract_lane(fin, 0) + f64x2.extract_lane(fin, 1);
  if (odd) {
    sum += f64x2.extract_lane(last, 0);
    f += f64x2.extract_lane(lastFin, 0);
  }
  return f == 0.0 ? sum : NaN;
}

/**
 * smallAttempt for one state, in scalars: the general path's scalar loops (combine's and
 * errorNorm's tails), split the same way.
 */
// @ts-ignore: decorator
@inline function scalarAttempt(
  blk: usize, fTape: usize, fFunc: u32, fRegs: usize,
  rowStart: usize, aIdx: usize, aCoef: usize, c: usize, end: i32, endBeforeErr: bool,
  errKind: i32, errN: i32, errIdx: usize, errCoef: usize,
  kbase: usize, stride: usize, uprev: usize, u: usize, tmp: usize,
  t: f64, dts: f64, tnew: f64, atolV: usize, rtolV: usize, atolS: f64, rtolS: f64,
): f64 {
  const up = load<f64>(uprev);
  // p: the current row's sum of its terms on stages before the newest one.
  let p = 0.0;
  let r0 = load<i32>(rowStart + 4);
  let r1 = load<i32>(rowStart + 8);
  for (let j = 1; ; j++) {
    // Row j: add its term on stage j − 1 (its last, if it has one).
    let a = p;
    if (r1 > r0 && load<i32>(aIdx + (<usize>(r1 - 1) << 2)) == j - 1) {
      a += load<f64>(aCoef + (<usize>(r1 - 1) << 3)) * load<f64>(kbase + <usize>(j - 1) * stride);
    }
    const y = up + dts * a;
    if (j == end) {
      store<f64>(u, y);
      break;
    }
    store<f64>(tmp, y);
    // Row j + 1's terms on stages 0 … j − 1, while f_j is still to come.
    r0 = r1;
    r1 = load<i32>(rowStart + (<usize>(j + 2) << 2));
    p = 0.0;
    for (let q = r0; q < r1; q++) {
      const ix = load<i32>(aIdx + (<usize>q << 2));
      if (ix == j) break;
      p += load<f64>(aCoef + (<usize>q << 3)) * load<f64>(kbase + <usize>ix * stride);
    }
    if (!evalWith(blk, fTape, fFunc, fRegs, t + load<f64>(c + (<usize>j << 3)) * dts, tmp, kbase + <usize>j * stride)) return -1.0;
  }
  // The error's terms on stages before the end-of-step evaluation, then that evaluation.
  let e = 0.0;
  let q = 0;
  if (errKind == 1) {
    for (; q < errN; q++) {
      const ix = load<i32>(errIdx + (<usize>q << 2));
      if (ix == end) break;
      e += load<f64>(errCoef + (<usize>q << 3)) * load<f64>(kbase + <usize>ix * stride);
    }
  }
  const kend = kbase + <usize>end * stride;
  if (endBeforeErr) {
    if (!evalWith(blk, fTape, fFunc, fRegs, tnew, u, kend)) return -1.0;
  }
  if (errKind != 1) return 0.0;
  if (q < errN) e += load<f64>(errCoef + (<usize>q << 3)) * load<f64>(kend);
  // errorNorm for one state: its sums start from 0, exact to leave out on r² and on x − x.
  const bi = load<f64>(u);
  const amax = max(abs(up), abs(bi));
  const sc = atolV != 0 ? load<f64>(atolV) + amax * load<f64>(rtolV) : atolS + amax * rtolS;
  const r = (dts * e) / sc;
  return bi - bi == 0.0 ? r * r : NaN;
}

/**
 * Computes the interpolation's extra stages for the current step if they are missing.
 * The step is described by B_TPREV, B_DTCUR, B_UPREV and the stage vectors.
 */
function ensureExtras(blk: usize, tab: usize): bool {
  const s = i32At(tab, T_S);
  const stot = i32At(tab, T_STOTAL);
  if (stot == s || f64At(blk, B_EXTRAS_DONE) != 0) return true;
  const n = i32At(blk, B_N);
  const tprev = f64At(blk, B_TPREV);
  const dt = f64At(blk, B_DTCUR);
  const uprev = ptrAt(blk, B_UPREV);
  const tmp = ptrAt(blk, B_TMP);
  const kbase = ptrAt(blk, B_K);
  const stride = ptrAt(blk, B_STRIDE);
  const c = ptrAt(tab, T_C);
  for (let e = s; e < stot; e++) {
    stageState(tab, e, tmp, uprev, dt, kbase, stride, n);
    if (!evalF(blk, tprev + load<f64>(c + (<usize>e << 3)) * dt, tmp, kbase + <usize>e * stride)) return false;
  }
  setF64(blk, B_EXTRAS_DONE, 1.0);
  return true;
}

/**
 * out = u(tq) from the current step's dense output:
 * u_n + dt · Σ_i B_i(θ) k_i, θ = (tq − t_n)/dt. Returns false if an extra stage failed.
 */
export function interpolateStep(blk: usize, tq: f64, out: usize): bool {
  const tab = ptrAt(blk, B_TAB);
  if (!ensureExtras(blk, tab)) return false;
  interpolateStages(blk, tab, tq, out);
  return true;
}

/**
 * out = u_n + dt·Σ_i B_i(θ)·k_i over the step's stages, the extra ones already computed
 * (interpolateStep without ensureExtras: it never evaluates f).
 */
export function interpolateStages(blk: usize, tab: usize, tq: f64, out: usize): void {
  const tprev = f64At(blk, B_TPREV);
  const dt = f64At(blk, B_DTCUR);
  const theta = (tq - tprev) / dt;
  const deg = i32At(tab, T_DEG);
  const nb = i32At(tab, T_B_N);
  const poly = ptrAt(tab, T_B_POLY);
  const w = ptrAt(tab, T_B_W);
  for (let q = 0; q < nb; q++) {
    const row = poly + (<usize>(q * deg) << 3);
    let acc = 0.0;
    for (let j = deg - 1; j >= 0; j--) acc = (acc + load<f64>(row + (<usize>j << 3))) * theta;
    store<f64>(w + (<usize>q << 3), acc);
  }
  combine(out, ptrAt(blk, B_UPREV), dt, w, ptrAt(tab, T_B_IDX), nb, ptrAt(blk, B_K), ptrAt(blk, B_STRIDE), i32At(blk, B_N));
}

/** Exported for TypeScript: interpolation inside the current step (callbacks, Solution.at). */
export function erkInterpolate(blk: usize, tq: f64, out: usize): i32 {
  return interpolateStep(blk, tq, out) ? 0 : 1;
}

/**
 * Hairer–Wanner initial step (OrdinaryDiffEq's ode_determine_initdt for non-stiff methods).
 * Uses `f0` and `f1` as scratch and evaluates f twice. Returns −1 when the JavaScript
 * right-hand side failed, NaN when it returned non-finite values.
 */
export function initialDt(
  blk: usize, n: i32, t0: f64, tdir: f64, u0: usize, u1: usize, f0: usize, f1: usize,
  atol: usize, rtol: usize, order: f64, dtmax: f64, firstStop: f64, dtmin: f64,
): f64 {
  if (!evalF(blk, t0, u0, f0)) return -1.0;
  const nn = normLength(blk, n);
  const d0 = scaledNorm(u0, 0, u0, atol, rtol, nn);
  const d1 = scaledNorm(f0, 0, u0, atol, rtol, nn);
  let dt0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
  dt0 = min(min(dt0, dtmax), firstStop);
  axpyTo(u1, u0, tdir * dt0, f0, n);
  if (!evalF(blk, t0 + tdir * dt0, u1, f1)) return -1.0;
  const d2 = scaledNorm(f1, f0, u0, atol, rtol, nn) / dt0;
  const m = max(d1, d2);
  const dt1 = m <= 1e-15 ? max(1e-6, dt0 * 1e-3) : Math.pow(10.0, -(2.0 + Math.log10(m)) / order);
  return max(min(min(100.0 * dt0, dt1), dtmax), dtmin);
}

/** Saves the saveat times that fall in (t_n, tEnd] by interpolation (exactly at tEnd). */
export function saveatUpTo(blk: usize, tdir: f64, tEnd: f64, idx: i32, u: usize, out: usize, n: i32): i32 {
  const nsa = i32At(blk, B_NSAVEAT);
  const sa = ptrAt(blk, B_SAVEAT);
  while (idx < nsa) {
    const ts = load<f64>(sa + (<usize>idx << 3));
    if (tdir * (ts - tEnd) > 0) break;
    if (ts == tEnd) {
      if (!pushSave(blk, ts, u, n)) return -1;
    } else {
      if (!interpolateStep(blk, ts, out)) return -1;
      if (!pushSave(blk, ts, out, n)) return -1;
    }
    idx++;
  }
  return idx;
}

/** Runs a whole integration described by the block. Returns a RET_* code. */
export function erkSolve(blk: usize): i32 {
  const n = i32At(blk, B_N);
  const tab = ptrAt(blk, B_TAB);
  const end = i32At(tab, T_END);
  const adaptive = f64At(blk, B_ADAPTIVE) != 0;
  const errKind = adaptive ? i32At(tab, T_ERRKIND) : 0;
  const endBeforeErr = !adaptive || f64At(tab, T_END_BEFORE_ERR) != 0;
  const order = f64At(tab, T_ORDER);
  const c = ptrAt(tab, T_C);
  const t0 = f64At(blk, B_T0);
  const tf = f64At(blk, B_TF);
  const tdir: f64 = tf > t0 ? 1.0 : -1.0;
  // The accepted state lives in `u`; each attempt swaps the two buffers instead of copying,
  // so `uprev` is the step's start and `u` receives the candidate. The block always names them.
  let u = ptrAt(blk, B_U);
  let uprev = ptrAt(blk, B_UPREV);
  const tmp = ptrAt(blk, B_TMP);
  const kbase = ptrAt(blk, B_K);
  const stride = ptrAt(blk, B_STRIDE);
  const kend = kbase + <usize>end * stride;
  const atol = ptrAt(blk, B_ABSTOL);
  const rtol = ptrAt(blk, B_RELTOL);
  // With scalar tolerances the error norm reads no tolerance arrays.
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
  const errN = i32At(tab, T_ERR_N);
  const errIdx = ptrAt(tab, T_ERR_IDX);
  const errCoef = ptrAt(tab, T_ERR_COEF);
  const rowStart = ptrAt(tab, T_ROWSTART);
  const aIdx = ptrAt(tab, T_IDX);
  const aCoef = ptrAt(tab, T_COEF);
  // One to seven states: the step attempt is smallAttempt's (scalarAttempt's for one).
  // The error norm's components: all n, or the leading ones of a seminorm.
  const nn = normLength(blk, n);
  const small = n >= 1 && n <= 7 && end >= 1 && nn == n;
  // eest / nn as eest · (1/nn) when nn is a power of two: the same value (both are the exact
  // quotient, rounded once), without a division on the step's chain of dependent operations.
  const nPow2 = nn > 0 && (nn & (nn - 1)) == 0;
  const invN = 1.0 / <f64>nn;
  const fTape = ptrAt(blk, B_TAPE);
  const fFunc = <u32>ptrAt(blk, B_FUNC);
  const fRegs = ptrAt(blk, B_REGS);
  // Automatic switching asks for a stiffness test after each accepted step (stiffness.ts).
  const autoCheck = adaptive && i32At(blk, B_AUTO_MODE) == AUTO_NONSTIFF;

  let t = t0;
  let stopIdx = 0;
  let saveIdx = 0;
  let dt = abs(f64At(blk, B_DT));
  setF64(blk, B_T, t);

  if (adaptive && dt == 0) {
    const firstStop = abs((ntstops > 0 ? load<f64>(tstops) : tf) - t0);
    dt = initialDt(blk, n, t0, tdir, u, tmp, ptrAt(blk, B_ERR), kbase + stride, atol, rtol, order, dtmax, firstStop, dtmin);
    if (dt < 0) return RET_ABORTED;
    if (!(dt > 0) || dt == Infinity) return RET_INITIALFAILURE;
  }
  // FSAL start: k_0 = f(u0, t0).
  if (!evalF(blk, t, u, kbase)) return RET_ABORTED;
  if (!allFinite(kbase, n)) return RET_INITIALFAILURE;
  if (f64At(blk, B_SAVE_START) != 0) {
    if (!pushSave(blk, t, u, n)) return RET_ABORTED;
  }
  // saveat holds only times strictly inside the span: t0 and t1 are saveStart and saveEnd.
  const nsa = i32At(blk, B_NSAVEAT);

  const qoldInit = f64At(blk, B_QOLDINIT);
  // β2·log(errold): the PI factor q11/errold^β2 is one exp of β1·log(EEst) − β2·log(errold).
  let qoldLog = beta2 * Math.log(qoldInit);
  let iter = 0.0;
  let ret = RET_SUCCESS;

  while (tdir * (tf - t) > 0) {
    const nextStop = stopIdx < ntstops ? load<f64>(tstops + (<usize>stopIdx << 3)) : tf;
    let h = min(dt, dtmax);
    const dist = tdir * (nextStop - t);
    let hitsStop = false;
    // Land exactly on the stop; do not leave a sliver of a step before it.
    if (h >= dist || dist - h <= 100.0 * f64.EPSILON * max(abs(t), abs(nextStop))) {
      h = dist;
      hitsStop = true;
    }
    iter += 1.0;
    if (iter > maxiters) { ret = RET_MAXITERS; break; }
    const dts = tdir * h;
    const tnew = hitsStop ? nextStop : t + dts;
    const swap = uprev;
    uprev = u;
    u = swap;
    setF64(blk, B_U, <f64>u);
    setF64(blk, B_UPREV, <f64>uprev);

    // The error norm's sum when the small-state attempt formed it (normDone).
    let eest = 0.0;
    let normDone = false;
    if (small) {
      // One state in scalars, then three copies: two states (one f64x2, n a constant), three or
      // four (two f64x2), five to seven (four f64x2). Carrying unused pairs costs a small
      // system about 12%.
      if (n == 1) {
        eest = scalarAttempt(
          blk, fTape, fFunc, fRegs, rowStart, aIdx, aCoef, c, end, endBeforeErr, errKind, errN, errIdx, errCoef,
          kbase, stride, uprev, u, tmp, t, dts, tnew, atolV, rtolV, atolS, rtolS,
        );
      } else if (n == 2) {
        eest = smallAttempt(
          blk, fTape, fFunc, fRegs, 1, 2, rowStart, aIdx, aCoef, c, end, endBeforeErr, errKind, errN, errIdx, errCoef,
          kbase, stride, uprev, u, tmp, t, dts, tnew, atolV, rtolV, atolS, rtolS,
        );
      } else if (n <= 4) {
        eest = smallAttempt(
          blk, fTape, fFunc, fRegs, 2, n, rowStart, aIdx, aCoef, c, end, endBeforeErr, errKind, errN, errIdx, errCoef,
          kbase, stride, uprev, u, tmp, t, dts, tnew, atolV, rtolV, atolS, rtolS,
        );
      } else {
        eest = smallAttempt(
          blk, fTape, fFunc, fRegs, 4, n, rowStart, aIdx, aCoef, c, end, endBeforeErr, errKind, errN, errIdx, errCoef,
          kbase, stride, uprev, u, tmp, t, dts, tnew, atolV, rtolV, atolS, rtolS,
        );
      }
      if (eest < 0) return finish(blk, t, RET_ABORTED);
      normDone = errKind == 1;
    } else {
      for (let j = 1; j < end; j++) {
        stageRow(rowStart, aIdx, aCoef, j, tmp, uprev, dts, kbase, stride, n);
        if (!evalWith(blk, fTape, fFunc, fRegs, t + load<f64>(c + (<usize>j << 3)) * dts, tmp, kbase + <usize>j * stride)) return finish(blk, t, RET_ABORTED);
      }
      stageRow(rowStart, aIdx, aCoef, end, u, uprev, dts, kbase, stride, n);
      if (endBeforeErr) {
        if (!evalWith(blk, fTape, fFunc, fRegs, tnew, u, kend)) return finish(blk, t, RET_ABORTED);
      }
    }
    let dtNext = dt;
    if (adaptive) {
      // err = dt · Σ btilde_j k_j, scaled and summed in the same pass.
      if (!normDone) eest = errorNorm(dts, errCoef, errIdx, errN, kbase, stride, uprev, u, atolV, rtolV, atolS, rtolS, nn);
      if (errKind == 2) {
        // DOP853 (Hairer): EEst = E5 / sqrt(n·(E5 + 0.01·E3)) with E = Σ (err_i/sc_i)².
        const e5 = eest;
        const e3 = errorNorm(dts, ptrAt(tab, T_ERR3_COEF), ptrAt(tab, T_ERR3_IDX), i32At(tab, T_ERR3_N), kbase, stride, uprev, u, atolV, rtolV, atolS, rtolS, nn);
        let deno = e5 + 0.01 * e3;
        if (deno <= 0) deno = 1.0;
        eest = e5 / sqrt(<f64>nn * deno);
      } else {
        eest = sqrt(nPow2 ? eest * invN : eest / <f64>nn);
      }
      if (isNaN(eest)) eest = Infinity;
      const logE = Math.log(eest);
      if (eest > 1.0) {
        const q11 = Math.exp(beta1 * logE);
        setF64(blk, B_NREJECT, f64At(blk, B_NREJECT) + 1.0);
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
      if (!endBeforeErr) {
        if (!evalWith(blk, fTape, fFunc, fRegs, tnew, u, kend)) return finish(blk, t, RET_ABORTED);
      }
    }

    // The step is accepted.
    setF64(blk, B_NACCEPT, f64At(blk, B_NACCEPT) + 1.0);
    // (An adaptive step's error norm already refused a non-finite candidate.)
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

    const next = acceptStep(blk, tprev, t, dts, tdir, tf, u, tmp, n, saveIdx, nsa, stopIdx, ntstops, hitsStop, callbacks, dense, saveEvery);
    t = stepEnd;
    if (next == STEP_ABORT) return finish(blk, t, RET_ABORTED);
    saveIdx = stepSaveIdx;
    stopIdx = stepStopIdx;
    if (next == STEP_TERMINATE) { ret = RET_TERMINATED; break; }
    if (next == STEP_EVENT) {
      // The affect may have changed u: restart the FSAL chain from the new state.
      if (!evalWith(blk, fTape, fFunc, fRegs, t, u, kbase)) return finish(blk, t, RET_ABORTED);
      // A stop inside the event's step is still ahead.
    } else {
      if (autoCheck && tdir * (tf - t) > 0 && nonstiffSwitch(blk, tab, dts, dt, eest, saveIdx, stopIdx)) return finish(blk, t, RET_SWITCH);
      if (end != 0) copyVec(kbase, kend, n);
    }
  }

  if ((ret == RET_SUCCESS || ret == RET_TERMINATED) && saveEnd) {
    if (saveCount(blk) == 0 || lastSavedT(blk, n) != t) {
      if (!pushSave(blk, t, u, n)) return finish(blk, t, RET_ABORTED);
    }
  }
  return finish(blk, t, ret);
}

@inline function finish(blk: usize, t: f64, ret: i32): i32 {
  setF64(blk, B_T, t);
  return ret;
}

