// The simplified Newton iteration of the implicit methods whose step solves
// M·(u − ψ) = c·f(t, u) for u (the SDIRK stages, FBDF's corrector): written for z = u − ψ,
//
//   G(z) = M·z − c·f(t, ψ + z) = 0,   W = M − c·J  (factored once by the caller),
//   Δz_k = W⁻¹·(c·f(t, ψ + z_k) − M·z_k),   z_{k+1} = z_k + Δz_k.
//
// W is not updated during the iteration (nor, by the caller, while the iteration converges
// well), so the convergence is linear; its rate is watched as in Hairer & Wanner, Solving
// ODEs II, §IV.8, and OrdinaryDiffEq.jl's NLNewton (lib/OrdinaryDiffEqNonlinearSolve/src/
// nlsolve.jl):
//   θ_k = ‖Δz_k‖ / ‖Δz_{k−1}‖,  η = θ/(1 − θ)  (on the first iterate η = max(ηold, ε)^0.8
//   when W is new, ηold otherwise), converged when η·‖Δz_k‖ ≤ κ (or ‖Δz_1‖ < 1e-5);
//   diverged when θ > 1, when θ^(kmax−k)/(1 − θ)·‖Δz_k‖ > κ (the iteration would not
//   converge in the iterations left), after kmax iterations, or on a NaN or an infinity.
// ‖·‖ is the step's error norm: RMS of Δz_i / (abstol_i + max(|u_n,i|, |u_i|)·reltol_i), so
// κ = 1/100 asks for the stage to be solved to a hundredth of the local error tolerance.
//
// The SDIRK driver restarts η from ηold^0.8 only after W is refactored and trusts a first
// iterate only with error control; FBDF restarts it at every step and always trusts it (the
// choices of its former iteration, which ended on θ > 2 instead of the prediction above).
//
// RadauIIA5 keeps its own iteration (radau-step.ts): it solves the three coupled stages in
// the transformed variables with a real and a complex matrix, and follows RADAU5's controls.

import { B_NNONLIN, B_NNONLINFAIL } from './layout';
import { evalF } from './erk';
import { bump, solveW, massTimes } from './wmatrix';
import { ptrAt } from './block';
import { B_MASS } from './layout';
import { scaledRms } from './norm';

// OrdinaryDiffEq.jl lib/OrdinaryDiffEqNonlinearSolve/src/type.jl, NLNewton's defaults:
// κ = 1//100, max_iter = 10 (fast_convergence_cutoff = 1//5 is the driver's, see sdirk.ts).
export const NEWTON_KAPPA: f64 = 0.01;
export const NEWTON_MAXITER: i32 = 10;
// nlsolve.jl: a first increment this small is convergence whatever η says.
const FIRST_STEP_SMALL: f64 = 1e-5;
// nlsolve.jl (eps_around_one): θ within 100·√ε of 1 means the iteration is at the rounding
// floor; the size of the increment decides.
const AROUND_ONE: f64 = 100.0 * 1.4901161193847656e-8;

/** Iterations (evaluations of f) the last newtonSolve took. */
export let newtonIters: i32 = 0;

// Answers of newtonSolve.
export const NEWTON_CONVERGED = 0;
export const NEWTON_DIVERGED = 1;
export const NEWTON_RHS_THREW = 2; // the JavaScript right-hand side threw

/**
 * Solves M·z = c·f(t, ψ + z) for z by the simplified Newton iteration with W's factors
 * (w, piv; W = M − c·J). z holds the predictor on entry and the solution on success; u
 * receives ψ + z (the stage state). fs and dz are scratch vectors; uprev (u_n) scales the
 * norm. `state` points at two f64: ηold (read and, on convergence, written) and the last θ
 * (written). `newW`: W was refactored since the previous solve (η restarts from ηold^0.8).
 * The iterations taken are left in newtonIters.
 * `trustFirst`: the first iterate may converge by η·‖Δz‖ ≤ κ (with error control; at a fixed
 * dt nothing has tested ηold, so as OrdinaryDiffEq's nlsolve! only ‖Δz_1‖ < 1e-5 counts).
 * Iterations are counted in B_NNONLIN, failed solves in B_NNONLINFAIL.
 */
export function newtonSolve(
  blk: usize, n: i32, t: f64, c: f64, psi: usize, z: usize, u: usize, fs: usize, dz: usize,
  w: usize, piv: usize, uprev: usize, atolV: usize, rtolV: usize, atolS: f64, rtolS: f64,
  state: usize, newW: bool, trustFirst: bool,
): i32 {
  const mass = ptrAt(blk, B_MASS);
  const etaOld = load<f64>(state);
  let eta = newW ? Math.pow(max(etaOld, f64.EPSILON), 0.8) : etaOld;
  // θ is reported 0 when the first iterate converges (no rate measured).
  let theta = 0.0;
  let ndzPrev = 0.0;
  for (let iter = 1; iter <= NEWTON_MAXITER; iter++) {
    // u = ψ + z_k, then dz = c·f(t, u) − M·z_k.
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(u + off, load<f64>(psi + off) + load<f64>(z + off));
    }
    newtonIters = iter;
    if (!evalF(blk, t, u, fs)) return NEWTON_RHS_THREW;
    bump(blk, B_NNONLIN);
    if (mass != 0) massTimes(blk, dz, z, n);
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const mz = mass != 0 ? load<f64>(dz + off) : load<f64>(z + off);
      store<f64>(dz + off, c * load<f64>(fs + off) - mz);
    }
    solveW(blk, w, piv, n, dz);
    const ndz = scaledRms(dz, uprev, u, atolV, rtolV, atolS, rtolS, n);
    if (!isFinite(ndz)) break;
    if (iter > 1) {
      theta = ndz / ndzPrev;
      if (abs(theta - 1.0) <= AROUND_ONE) {
        // No progress at the rounding floor: converged if the increment is within tolerance.
        if (ndz <= 1.0) {
          addTo(z, dz, n);
          finishU(u, psi, z, n);
          store<f64>(state + 8, theta);
          return NEWTON_CONVERGED;
        }
        break;
      }
      if (theta > 1.0) break;
      eta = theta / (1.0 - theta);
    }
    addTo(z, dz, n);
    if ((iter == 1 && ndz < FIRST_STEP_SMALL) || ((iter > 1 || trustFirst) && eta * ndz <= NEWTON_KAPPA)) {
      finishU(u, psi, z, n);
      store<f64>(state, eta);
      store<f64>(state + 8, theta);
      return NEWTON_CONVERGED;
    }
    // The error left after the remaining iterations, if θ stays: too big means give up now.
    if (iter > 1 && Math.pow(theta, <f64>(NEWTON_MAXITER - iter)) / (1.0 - theta) * ndz > NEWTON_KAPPA) break;
    ndzPrev = ndz;
  }
  store<f64>(state + 8, theta);
  bump(blk, B_NNONLINFAIL);
  return NEWTON_DIVERGED;
}

// @ts-ignore: decorator
@inline function addTo(z: usize, dz: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(z + off, load<f64>(z + off) + load<f64>(dz + off));
  }
}

// @ts-ignore: decorator
@inline function finishU(u: usize, psi: usize, z: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(u + off, load<f64>(psi + off) + load<f64>(z + off));
  }
}
