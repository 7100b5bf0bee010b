// Forward-mode sensitivities by dual numbers carried through the integration
// (ForwardDiffSensitivity). The state is [u (n); S (n×k, row-major)]: u and k tangent lanes
// per component. One forward sweep of the tape on the dual state gives
//
//   u' = f(u, p, t),   S' = ∂f/∂u·S + ∂f/∂p·W,
//
// where W (np×k) seeds the parameters' tangents (the columns of the identity for the chunk
// of parameters this solve carries, zero for u0's columns). The primal values are those of
// the tape's primal sweep bit for bit, so with the error seminorm on u alone the solver takes
// exactly the steps of the plain solve: the result is the derivative of that computed
// solution, step for step (the transpose of what the discrete adjoint computes).

import { tapeDual } from '../tape/dual';

import { FD_TAPE, FD_REGS, FD_TANG, FD_W, FD_PARAM_BASE, FD_NP, FD_K, FD_N } from './layout-sensitivity';

// @ts-ignore: decorator
@inline function slot(ctx: usize, i: i32): f64 {
  return load<f64>(ctx + (<usize>i << 3));
}

/** [du; dS] = [f; J·S + f_p·W] at t for the dual state x = [u; S]. */
export function dualRhs(ctx: usize, t: f64, x: usize, dx: usize): void {
  const n = <i32>slot(ctx, FD_N);
  const off = <usize>n << 3;
  tapeDual(
    <usize>slot(ctx, FD_TAPE), <usize>slot(ctx, FD_REGS), <usize>slot(ctx, FD_TANG), t,
    x, x + off, <usize>slot(ctx, FD_W), <i32>slot(ctx, FD_PARAM_BASE), <i32>slot(ctx, FD_NP),
    <i32>slot(ctx, FD_K), dx, dx + off,
  );
}
