// Differential-algebraic problems M·u' = f with a singular mass matrix: the rows of M that are
// all zero are algebraic equations 0 = f_i(u, t).

import { B_MASS } from './layout';
import { ptrAt } from './block';

/**
 * Whether u0 satisfies the algebraic equations: |f_i(t0, u0)| ≤ abstol_i on every zero row i
 * of M (`f0` = f(t0, u0)), the test DifferentialEquations.jl's CheckInit makes (residual within
 * abstol). True without a mass matrix. The methods do not repair an inconsistent start: the
 * solve ends at once with InitialFailure.
 */
export function algebraicConsistent(blk: usize, n: i32, f0: usize, atol: usize): bool {
  const m = ptrAt(blk, B_MASS);
  if (m == 0) return true;
  for (let i = 0; i < n; i++) {
    const row = m + (<usize>(i * n) << 3);
    let zero = true;
    for (let j = 0; j < n; j++) {
      if (load<f64>(row + (<usize>j << 3)) != 0) { zero = false; break; }
    }
    if (zero && !(abs(load<f64>(f0 + (<usize>i << 3))) <= load<f64>(atol + (<usize>i << 3)))) return false;
  }
  return true;
}
