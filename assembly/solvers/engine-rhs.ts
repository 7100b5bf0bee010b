// Right-hand sides the engine builds on a compiled model, for solves whose state is more
// than the model's: the forward-mode (dual) sensitivity state and the continuous adjoints'
// backward equations. TypeScript marks such a solve with B_RHS_KIND (and leaves B_TAPE 0);
// every evaluation of f then lands here instead of in JavaScript, and implicit methods take
// the Jacobian from engineJacobian, or by finite differences where it has none.

import { B_RHS_KIND, B_RHS_CTX, RHS_DUAL, RHS_ADJOINT } from './layout';
import { i32At, ptrAt } from './block';
import { dualRhs } from './forward-dual';
import { adjointRhs, adjointJacobian } from './adjoint-rhs';

/** du = f(u, t) for the engine-built right-hand side of the block. False: unknown kind. */
export function engineRhs(blk: usize, t: f64, u: usize, du: usize): bool {
  const ctx = ptrAt(blk, B_RHS_CTX);
  switch (i32At(blk, B_RHS_KIND)) {
    case RHS_DUAL: dualRhs(ctx, t, u, du); return true;
    case RHS_ADJOINT: return adjointRhs(ctx, t, u, du);
    default: return false;
  }
}

/**
 * J = ∂f/∂u (dense, row-major) of the block's engine-built right-hand side at (t, u), when it
 * has an exact one; false sends the caller to finite differences.
 */
export function engineJacobian(blk: usize, t: f64, J: usize): bool {
  if (i32At(blk, B_RHS_KIND) != RHS_ADJOINT) return false;
  return adjointJacobian(ptrAt(blk, B_RHS_CTX), t, J);
}
