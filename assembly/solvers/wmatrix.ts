// The linear algebra every implicit method shares: W = M − g·J (M the mass matrix, the
// identity when the problem has none), its factorization and solves, the Jacobian at a state
// and the counters the solution's stats report.

import { B_NSOLVE, B_NJAC, B_NW, B_LANES, B_TAPE, B_REGS, B_ERR, B_MASS, B_BAND, B_KL, B_KU, B_WMAT, B_PIV, B_RHS_KIND } from './layout';
import { f64At, setF64, ptrAt, i32At } from './block';
import { luFactor, luSolve } from '../linalg/lu';
import { bandFactor, bandSolve } from '../linalg/banded';
import { bandFormW, bandJacobianDual, bandJacobianFD, bandAllFinite } from './wbanded';
import { allFinite } from '../linalg/vector';
import { B_JAC_USER, B_TGRAD_USER } from './layout-rosenbrock';
import { jacobianDual, jacobianFD, timeFD } from './jacobian';
import { jac as userJac, tgrad as userTgrad } from './imports';
import { engineJacobian } from './engine-rhs';

// @ts-ignore: decorator
@inline export function bump(blk: usize, slot: i32): void {
  setF64(blk, slot, f64At(blk, slot) + 1.0);
}

/** True when the solve keeps J and W in band storage (wbanded.ts). */
// @ts-ignore: decorator
@inline export function isBanded(blk: usize): bool {
  return f64At(blk, B_BAND) != 0;
}

/** b = W⁻¹·b with W's factors (dense or banded), counted in B_NSOLVE. */
// @ts-ignore: decorator
@inline export function solveW(blk: usize, w: usize, piv: usize, n: i32, b: usize): void {
  if (isBanded(blk)) {
    const kl = i32At(blk, B_KL);
    const ku = i32At(blk, B_KU);
    bandSolve(w, n, kl, ku, 2 * kl + ku + 1, piv, b);
  } else {
    luSolve(w, n, n, piv, b, 1, 1);
  }
  bump(blk, B_NSOLVE);
}

/** x *= s */
export function scaleVec(x: usize, s: f64, n: i32): void {
  for (let i = 0; i < n; i++) {
    const p = x + (<usize>i << 3);
    store<f64>(p, s * load<f64>(p));
  }
}

/** W = M − g·J (n×n row-major); `mass` 0 stands for the identity. */
export function formW(w: usize, jac: usize, g: f64, n: i32, mass: usize): void {
  const nn = n * n;
  const gv = f64x2.splat(-g);
  let q = 0;
  if (mass == 0) {
    for (; q + 2 <= nn; q += 2) {
      const off = <usize>q << 3;
      v128.store(w + off, f64x2.mul(gv, v128.load(jac + off)));
    }
    for (; q < nn; q++) {
      const off = <usize>q << 3;
      store<f64>(w + off, -g * load<f64>(jac + off));
    }
    for (let i = 0; i < n; i++) {
      const p = w + (<usize>(i * n + i) << 3);
      store<f64>(p, 1.0 + load<f64>(p));
    }
    return;
  }
  for (; q + 2 <= nn; q += 2) {
    const off = <usize>q << 3;
    v128.store(w + off, f64x2.add(v128.load(mass + off), f64x2.mul(gv, v128.load(jac + off))));
  }
  for (; q < nn; q++) {
    const off = <usize>q << 3;
    store<f64>(w + off, load<f64>(mass + off) - g * load<f64>(jac + off));
  }
}

/**
 * Forms W = M − g·J and factors it in place (in band storage when the solve is banded),
 * counted in B_NW: the factorization's code (0: usable).
 */
export function formFactorW(blk: usize, w: usize, piv: usize, jac: usize, g: f64, n: i32): i32 {
  bump(blk, B_NW);
  if (isBanded(blk)) {
    const kl = i32At(blk, B_KL);
    const ku = i32At(blk, B_KU);
    bandFormW(w, jac, g, n, kl, ku, ptrAt(blk, B_MASS));
    return bandFactor(w, n, kl, ku, 2 * kl + ku + 1, piv);
  }
  formW(w, jac, g, n, ptrAt(blk, B_MASS));
  return luFactor(w, n, n, piv);
}

/**
 * k = M⁻¹·k with W's memory as scratch (dense or banded as the solve is), when M is
 * nonsingular; false (k unchanged) for a singular M. W must be refactored afterwards.
 */
export function massSolve(blk: usize, n: i32, k: usize): bool {
  const m = ptrAt(blk, B_MASS);
  const w = ptrAt(blk, B_WMAT);
  const piv = ptrAt(blk, B_PIV);
  if (isBanded(blk)) {
    const kl = i32At(blk, B_KL);
    const ku = i32At(blk, B_KU);
    bandFormW(w, 0, 0.0, n, kl, ku, m);
    if (bandFactor(w, n, kl, ku, 2 * kl + ku + 1, piv) != 0) return false;
    bandSolve(w, n, kl, ku, 2 * kl + ku + 1, piv, k);
    return true;
  }
  memory.copy(w, m, <usize>(n * n) << 3);
  if (luFactor(w, n, n, piv) != 0) return false;
  luSolve(w, n, n, piv, k, 1, 1);
  return true;
}

/** y = M·x (y = x without a mass matrix); y and x must not overlap unless M is the identity. */
export function massTimes(blk: usize, y: usize, x: usize, n: i32): void {
  const m = ptrAt(blk, B_MASS);
  if (m == 0) {
    if (y != x) memory.copy(y, x, <usize>n << 3);
    return;
  }
  for (let i = 0; i < n; i++) {
    const row = m + (<usize>(i * n) << 3);
    let s = 0.0;
    for (let j = 0; j < n; j++) s += load<f64>(row + (<usize>j << 3)) * load<f64>(x + (<usize>j << 3));
    store<f64>(y + (<usize>i << 3), s);
  }
}

// Answers of computeJacobian.
export const JAC_OK = 0;
export const JAC_NONFINITE = 1; // J or ∂f/∂t has a NaN or an infinity
export const JAC_ABORTED = 2; // the JavaScript right-hand side threw

/**
 * J = ∂f/∂u and dT = ∂f/∂t at (t, u), f0 = f(t, u): from the user's `jac` (and `tgrad`) when
 * the problem gives them — ∂f/∂t then by one forward difference unless `tgrad` is given —
 * else by forward-mode AD on a compiled model's tape when the solve set up tangent lanes, by
 * forward differences otherwise (`tmp` and `fs` scratch vectors). A user's `tgrad` replaces
 * whatever ∂f/∂t the other ways give. A banded solve computes J's band by column groups
 * (wbanded.ts; TypeScript refuses a user `jac` there). `withT` false: only J (the methods
 * that never use ∂f/∂t save its evaluation or AD lane; dT is left as it was). Counted in B_NJAC.
 */
export function computeJacobian(
  blk: usize, n: i32, t: f64, tdir: f64, u: usize, f0: usize, jac: usize, dT: usize, tmp: usize, fs: usize, atol: usize,
  withT: bool,
): i32 {
  const tape = ptrAt(blk, B_TAPE);
  const userT = withT && f64At(blk, B_TGRAD_USER) != 0;
  if (isBanded(blk)) {
    const kl = i32At(blk, B_KL);
    const ku = i32At(blk, B_KU);
    if (tape != 0 && i32At(blk, B_LANES) > 0) {
      bandJacobianDual(blk, tape, ptrAt(blk, B_REGS), n, kl, ku, t, u, jac, dT, ptrAt(blk, B_ERR), withT);
    } else if (!bandJacobianFD(blk, n, kl, ku, t, tdir, u, f0, jac, dT, tmp, fs, atol, withT)) {
      return JAC_ABORTED;
    }
    if (userT && userTgrad(t, u, dT) != 0) return JAC_ABORTED;
    bump(blk, B_NJAC);
    return bandAllFinite(jac, n, kl, ku) && (!withT || allFinite(dT, n)) ? JAC_OK : JAC_NONFINITE;
  }
  if (f64At(blk, B_JAC_USER) != 0) {
    if (userJac(t, u, jac) != 0) return JAC_ABORTED;
    if (withT && !userT && !timeFD(blk, n, t, tdir, u, f0, dT, fs)) return JAC_ABORTED;
  } else if (i32At(blk, B_RHS_KIND) != 0 && engineJacobian(blk, t, jac)) {
    // An engine-built right-hand side with an exact Jacobian (the adjoints on a forward solution).
    if (withT && !timeFD(blk, n, t, tdir, u, f0, dT, fs)) return JAC_ABORTED;
  } else if (tape != 0 && i32At(blk, B_LANES) > 0) {
    jacobianDual(blk, tape, ptrAt(blk, B_REGS), n, t, u, jac, dT, ptrAt(blk, B_ERR), withT);
  } else if (!jacobianFD(blk, n, t, tdir, u, f0, jac, dT, tmp, fs, atol, withT && !userT)) {
    return JAC_ABORTED;
  }
  if (userT && userTgrad(t, u, dT) != 0) return JAC_ABORTED;
  bump(blk, B_NJAC);
  return allFinite(jac, n * n) && (!withT || allFinite(dT, n)) ? JAC_OK : JAC_NONFINITE;
}
