// The Jacobian J = ∂f/∂u (n×n, row-major: J[i·n + j] = ∂f_i/∂u_j) and ∂f/∂t at (t, u), as
// the Rosenbrock methods need them: exactly by forward-mode AD when the problem is a compiled
// model, by forward differences through the right-hand side otherwise.

import { B_LANES, B_TANG, B_SEED, B_OUTT, B_NJAC } from './layout';
import { ptrAt, i32At, f64At } from './block';
import { evalF } from './erk';
import { tapeDualWithTime } from '../tape/dual';

// A difference below ε^(7/8) of f_i's size is taken as rounding, not as a derivative (numjac's
// threshold br for the roundoff in f; Shampine & Reichelt 1997, §4).
export const ROUND_REL: f64 = 2.0e-14; // ε^(7/8), numjac's br
// A column whose retry changed none of its lost entries (they are structural zeros: f_i does
// not depend on u_j) skips its retries for this many Jacobians of the same solve. Kept for the
// first SKIP_COLS columns; larger systems retry every time.
const SKIP_JACS: u8 = 8;
const SKIP_COLS: i32 = 4096;
const SKIP = memory.data(SKIP_COLS);
// The block whose solve the skip counts belong to (they restart with each solve's first J).
let skipOwner: usize = 0;

/** Clears the skip counts when a new solve (or another solve's block) makes its first J. */
export function skipStart(blk: usize): void {
  if (skipOwner != blk || f64At(blk, B_NJAC) == 0) {
    memory.fill(SKIP, 0, <usize>SKIP_COLS);
    skipOwner = blk;
  }
}

/** Whether column j's lost entries may be retried in this Jacobian (counting down its skip). */
export function skipAllows(j: i32): bool {
  const sk = j < SKIP_COLS ? load<u8>(SKIP + <usize>j) : <u8>0;
  if (sk > 0) store<u8>(SKIP + <usize>j, sk - 1);
  return sk == 0;
}

/** Column j's retry changed none of its lost entries: skip its next SKIP_JACS retries. */
export function skipColumn(j: i32): void {
  if (j < SKIP_COLS) store<u8>(SKIP + <usize>j, SKIP_JACS);
}

/**
 * J and dT from the model's tape: the n + 1 columns of [∂f/∂u | ∂f/∂t] in forward sweeps of up
 * to B_LANES tangent lanes each (seeds: columns of the identity, and t's lane in the last
 * sweep). `out` receives f(t, u) (scratch). No right-hand-side evaluation is counted.
 */
export function jacobianDual(blk: usize, tape: usize, regs: usize, n: i32, t: f64, u: usize, J: usize, dT: usize, out: usize, withT: bool): void {
  const lanes = i32At(blk, B_LANES);
  const tang = ptrAt(blk, B_TANG);
  const seed = ptrAt(blk, B_SEED);
  const outT = ptrAt(blk, B_OUTT);
  // Columns 0 … n − 1 of J, then ∂f/∂t when it is wanted.
  const cols = withT ? n + 1 : n;
  for (let c0 = 0; c0 < cols; c0 += lanes) {
    const k = min(lanes, cols - c0);
    // V (n×k) then t's seeds (k): lane l is column c0 + l of [I | e_t].
    const tSeed = seed + <usize>(n * k) * 8;
    memory.fill(seed, 0, <usize>((n + 1) * k) << 3);
    for (let l = 0; l < k; l++) {
      const col = c0 + l;
      if (col < n) store<f64>(seed + (<usize>(col * k + l) << 3), 1.0);
      else store<f64>(tSeed + (<usize>l << 3), 1.0);
    }
    tapeDualWithTime(tape, regs, tang, t, tSeed, u, seed, 0, 0, 0, k, out, outT);
    for (let i = 0; i < n; i++) {
      const row = outT + (<usize>(i * k) << 3);
      for (let l = 0; l < k; l++) {
        const col = c0 + l;
        const v = load<f64>(row + (<usize>l << 3));
        if (col < n) store<f64>(J + (<usize>(i * n + col) << 3), v);
        else store<f64>(dT + (<usize>i << 3), v);
      }
    }
  }
}

/**
 * J and dT by forward differences from f0 = f(t, u). Column j from f(t, u + h·e_j) with
 * h = √ε·max(|u_j|, min(abstol_j, 1)) — MATLAB's numjac with the threshold ode23s gives it
 * (abstol): a component below abstol is perturbed on the scale of abstol, not of 1 as
 * FiniteDiff.jl's √ε·max(|u_j|, 1) would (too coarse for small components such as ROBER's y2)
 * — taken as the representable difference (u_j + h) − u_j (√ε when that scale is 0).
 *
 * A step that small can vanish in f: where u_j ≈ 0 sits in a sum with O(1) terms (ROBER's
 * algebraic row y1 + y2 + y3 − 1 with y3 ≈ 0 and abstol 1e-10) the difference f_i(u + h·e_j) −
 * f_i(u) rounds to 0 or to a few ulps of f_i. As numjac does (Shampine & Reichelt, "The MATLAB
 * ODE Suite", SIAM J. Sci. Comput. 18(1), 1997, §4: a difference within the roundoff of f is
 * retried with a larger increment), the entries of such a column whose difference is below
 * ε^(7/8)·max(|f_i(u)|, |f_i(u + h·e_j)|) are taken again from one more evaluation
 * with FiniteDiff.jl's step H = √ε·max(|u_j|, 1), when H > h. The other entries keep the small
 * step, so ROBER's small components keep their accurate columns. A retry that finds every
 * lost entry exactly unchanged (structural zeros, as ROBER's ∂f3/∂y1) is not repeated for that
 * column in the next SKIP_JACS Jacobians of the solve. n (+ 1, + retries)
 * evaluations of f, counted in B_NF; `tmp` and `fs` are scratch vectors. dT (when `withT`)
 * from timeFD. False when the JavaScript right-hand side failed.
 */
export function jacobianFD(
  blk: usize, n: i32, t: f64, tdir: f64, u: usize, f0: usize, J: usize, dT: usize, tmp: usize, fs: usize,
  atol: usize, withT: bool,
): bool {
  const sq = sqrt(f64.EPSILON);
  memory.copy(tmp, u, <usize>n << 3);
  skipStart(blk);
  for (let j = 0; j < n; j++) {
    const pj = tmp + (<usize>j << 3);
    const uj = load<f64>(pj);
    let h0 = sq * max(abs(uj), min(load<f64>(atol + (<usize>j << 3)), 1.0));
    if (!(h0 > 0)) h0 = sq;
    const up = uj + h0;
    const h = up - uj;
    store<f64>(pj, up);
    if (!evalF(blk, t, tmp, fs)) return false;
    store<f64>(pj, uj);
    // Entries lost to rounding are marked NaN until the retry fills them (a column that is not
    // finite is left as it is: computeJacobian reports it).
    let lost = 0;
    let finite = 0.0;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const a = load<f64>(f0 + off);
      const b = load<f64>(fs + off);
      const d = b - a;
      finite += d - d;
      const e = J + (<usize>(i * n + j) << 3);
      if (abs(d) <= ROUND_REL * max(abs(a), abs(b))) {
        store<f64>(e, NaN);
        lost++;
      } else {
        store<f64>(e, d / h);
      }
    }
    if (lost == 0) continue;
    const upBig = uj + sq * max(abs(uj), 1.0);
    const hBig = upBig - uj;
    const allowed = skipAllows(j);
    const retry = finite == 0.0 && hBig > h && allowed;
    if (retry) {
      store<f64>(pj, upBig);
      if (!evalF(blk, t, tmp, fs)) return false;
      store<f64>(pj, uj);
    }
    let found = false;
    for (let i = 0; i < n; i++) {
      const e = J + (<usize>(i * n + j) << 3);
      if (!isNaN(load<f64>(e))) continue;
      const off = <usize>i << 3;
      const d = load<f64>(fs + off) - load<f64>(f0 + off);
      if (d != 0) found = true;
      store<f64>(e, retry ? d / hBig : d / h);
    }
    if (retry && !found) skipColumn(j);
  }
  return withT ? timeFD(blk, n, t, tdir, u, f0, dT, fs) : true;
}

/**
 * dT = ∂f/∂t by one forward difference from f0 = f(t, u): f(t + h_t, u) with
 * h_t = √ε·max(|t|, 1) in the direction of integration. One evaluation of f (`fs` scratch).
 */
export function timeFD(blk: usize, n: i32, t: f64, tdir: f64, u: usize, f0: usize, dT: usize, fs: usize): bool {
  const tp = t + tdir * sqrt(f64.EPSILON) * max(abs(t), 1.0);
  const ht = tp - t;
  if (!evalF(blk, tp, u, fs)) return false;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(dT + off, (load<f64>(fs + off) - load<f64>(f0 + off)) / ht);
  }
  return true;
}
