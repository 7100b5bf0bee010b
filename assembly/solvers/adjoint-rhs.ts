// The continuous adjoints' backward equations (BacksolveAdjoint, InterpolatingAdjoint,
// QuadratureAdjoint), after Cao, Li, Petzold & Serban, "Adjoint sensitivity analysis for
// differential-algebraic equations" (SIAM J. Sci. Comput. 24, 2003) and CVODES's adjoint
// module: for L = Σ_k g(u(t_k)),
//
//   λ' = −(∂f/∂u)ᵀ·λ,   μ' = −(∂f/∂p)ᵀ·λ,
//
// integrated from t1 back to t0 with jumps λ += ∂g/∂u(t_k) at the saved times (TypeScript
// adds them). One reverse sweep of the model's tape with output weights λ gives f, λᵀ·∂f/∂u
// and λᵀ·∂f/∂p together. The state is [u; λ; μ] when u is integrated backwards with the
// adjoint (backsolve), [λ; μ] or [λ] when u(t) comes from the forward solution's dense
// output (dense-source.ts).

import { tapeReverse } from '../tape/reverse';
import {
  AJ_TAPE, AJ_REGS, AJ_ADJ, AJ_PARAM_BASE, AJ_NP, AJ_N, AJ_MODE, AJ_U, AJ_F, AJ_VU, AJ_VP, AJ_SRC, AJ_W,
  ADJ_BACKSOLVE, ADJ_INTERP,
} from './layout-adjoint';
import { ptrAt, i32At } from './block';
import { sourceAt } from './dense-source';

function negate(x: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const p = x + (<usize>i << 3);
    store<f64>(p, -load<f64>(p));
  }
}

/** The adjoint state's derivative at t (always true: nothing here can fail). */
export function adjointRhs(ctx: usize, t: f64, x: usize, dx: usize): bool {
  const n = i32At(ctx, AJ_N);
  const np = i32At(ctx, AJ_NP);
  const mode = i32At(ctx, AJ_MODE);
  const tape = ptrAt(ctx, AJ_TAPE);
  const regs = ptrAt(ctx, AJ_REGS);
  const adj = ptrAt(ctx, AJ_ADJ);
  const pb = i32At(ctx, AJ_PARAM_BASE);
  const off = <usize>n << 3;
  if (mode == ADJ_BACKSOLVE) {
    tapeReverse(tape, regs, adj, t, x, x + off, pb, np, dx, dx + off, dx + 2 * off);
    negate(dx + off, n + np);
    return true;
  }
  const u = ptrAt(ctx, AJ_U);
  sourceAt(ptrAt(ctx, AJ_SRC), t, u);
  if (mode == ADJ_INTERP) {
    tapeReverse(tape, regs, adj, t, u, x, pb, np, ptrAt(ctx, AJ_F), dx, dx + off);
    negate(dx, n + np);
    return true;
  }
  tapeReverse(tape, regs, adj, t, u, x, pb, np, ptrAt(ctx, AJ_F), dx, ptrAt(ctx, AJ_VP));
  negate(dx, n);
  return true;
}

/**
 * The adjoint right-hand side's Jacobian (N×N row-major, N the adjoint state's length) at t,
 * exactly, when u(t) comes from the source: the equations are linear in λ and free of μ, so
 *
 *   ∂λ'/∂λ = −(∂f/∂u)ᵀ,   ∂μ'/∂λ = −(∂f/∂p)ᵀ,   ∂(·)/∂μ = 0,
 *
 * whose rows come from n reverse sweeps (weights e_i: row i of ∂f/∂u and of ∂f/∂p). False for
 * backsolve, whose Jacobian holds second derivatives of f (finite differences take it).
 */
export function adjointJacobian(ctx: usize, t: f64, J: usize): bool {
  const mode = i32At(ctx, AJ_MODE);
  if (mode == ADJ_BACKSOLVE) return false;
  const n = i32At(ctx, AJ_N);
  const np = i32At(ctx, AJ_NP);
  const N = mode == ADJ_INTERP ? n + np : n;
  const u = ptrAt(ctx, AJ_U);
  const w = ptrAt(ctx, AJ_W);
  const vu = ptrAt(ctx, AJ_VU);
  const vp = ptrAt(ctx, AJ_VP);
  sourceAt(ptrAt(ctx, AJ_SRC), t, u);
  memory.fill(J, 0, <usize>(N * N) << 3);
  memory.fill(w, 0, <usize>n << 3);
  for (let i = 0; i < n; i++) {
    store<f64>(w + (<usize>i << 3), 1.0);
    tapeReverse(ptrAt(ctx, AJ_TAPE), ptrAt(ctx, AJ_REGS), ptrAt(ctx, AJ_ADJ), t, u, w,
      i32At(ctx, AJ_PARAM_BASE), np, ptrAt(ctx, AJ_F), vu, vp);
    store<f64>(w + (<usize>i << 3), 0.0);
    // Column i: row j of λ' takes −∂f_i/∂u_j, row n + k of μ' takes −∂f_i/∂p_k.
    for (let j = 0; j < n; j++) store<f64>(J + (<usize>(j * N + i) << 3), -load<f64>(vu + (<usize>j << 3)));
    if (mode == ADJ_INTERP) {
      for (let k = 0; k < np; k++) store<f64>(J + (<usize>((n + k) * N + i) << 3), -load<f64>(vp + (<usize>k << 3)));
    }
  }
  return true;
}
