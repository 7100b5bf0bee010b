// The simplified Newton iteration of an implicit step, with W = M − c·J already factored:
//
//   solve  M·z = c·f(t, ψ + z)  for z  (z holds the starting guess on entry),
//
// each iteration  W·Δ = c·f(t, ψ + z) − M·z,  z += Δ.  Convergence is monitored as
// OrdinaryDiffEq.jl's NLNewton does (lib/OrdinaryDiffEqNonlinearSolve, nlsolve.jl; Hairer &
// Wanner, Solving ODEs II, §IV.8): with ‖Δ‖ the weighted RMS norm of the correction,
//   θ = ‖Δ_k‖ / ‖Δ_{k−1}‖ (the contraction rate), η = θ / (1 − θ),
//   converged when η·‖Δ‖ < κ (κ = 1/100), or on the first iteration when ‖Δ‖ < 1e-5 or
//   η_old^0.8·‖Δ‖ < κ with the previous solve's η (Hairer–Wanner's starting value),
//   diverged when θ > 2, ‖Δ‖ is not finite, or no convergence after `maxIter` (10) iterations.
// Iterations are counted in B_NNONLIN, failed solves in B_NNONLINFAIL.

import { B_NNONLIN, B_NNONLINFAIL, B_MASS } from './layout';
import { ptrAt, f64At, setF64 } from './block';
import { evalF } from './erk';
import { bump, solveW, massTimes } from './wmatrix';

export const NL_CONVERGED = 0;
export const NL_DIVERGED = 1;
export const NL_ABORTED = 2; // the right-hand side threw

/** NLNewton's κ: the iteration stops when the estimated remaining error is below κ (norm 1 = tolerance). */
export const NL_KAPPA: f64 = 0.01;
/** NLNewton's default iteration limit. */
export const NL_MAXITER: i32 = 10;

/** Iterations the last solve took. */
export let nlIters: i32 = 0;
/** η after the last solve: pass it back as `etaOld` to the next one. */
export let nlEta: f64 = 1.0;

/** Weighted RMS norm of x: sqrt(Σ (x_i·wt_i)² / n). */
export function wrms(x: usize, wt: usize, n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    const r = load<f64>(x + off) * load<f64>(wt + off);
    s += r * r;
  }
  return sqrt(s / <f64>n);
}

/**
 * Runs the iteration. `u` receives ψ + z for each evaluation (and the final iterate on
 * convergence), `fz` and `mz` are scratch vectors, `wt` the norm weights
 * 1/(abstol + reltol·|u|). Returns NL_CONVERGED, NL_DIVERGED or NL_ABORTED.
 */
export function newtonSolve(
  blk: usize, n: i32, t: f64, c: f64, psi: usize, z: usize, u: usize, fz: usize, mz: usize,
  w: usize, piv: usize, wt: usize, etaOld: f64, maxIter: i32, kappa: f64,
): i32 {
  const hasMass = ptrAt(blk, B_MASS) != 0;
  let eta = Math.pow(max(etaOld, f64.EPSILON), 0.8);
  let ndzPrev = 0.0;
  let status = NL_DIVERGED;
  let iter = 0;
  while (iter < maxIter) {
    iter++;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(u + off, load<f64>(psi + off) + load<f64>(z + off));
    }
    if (!evalF(blk, t, u, fz)) {
      status = NL_ABORTED;
      break;
    }
    // The residual c·f − M·z, then the correction Δ = W⁻¹·residual, in place.
    if (hasMass) massTimes(blk, mz, z, n);
    const mzp = hasMass ? mz : z;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(fz + off, c * load<f64>(fz + off) - load<f64>(mzp + off));
    }
    solveW(blk, w, piv, n, fz);
    const ndz = wrms(fz, wt, n);
    if (!isFinite(ndz)) break;
    let theta = 1.0;
    if (iter > 1) {
      theta = ndz / ndzPrev;
      if (theta > 2.0) break;
    }
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(z + off, load<f64>(z + off) + load<f64>(fz + off));
    }
    if (iter > 1) eta = theta / (1.0 - theta);
    if ((iter == 1 && ndz < 1e-5) || (eta >= 0 && eta * ndz < kappa)) {
      status = NL_CONVERGED;
      break;
    }
    ndzPrev = ndz;
  }
  nlIters = iter;
  setF64(blk, B_NNONLIN, f64At(blk, B_NNONLIN) + <f64>iter);
  if (status == NL_CONVERGED) {
    nlEta = eta;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(u + off, load<f64>(psi + off) + load<f64>(z + off));
    }
  } else if (status == NL_DIVERGED) {
    bump(blk, B_NNONLINFAIL);
  }
  return status;
}
