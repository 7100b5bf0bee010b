// Functions the engine imports from JavaScript (module "env"). Each returns a status:
// 0 for success; see layout.ts for the callback answers.

/** du = f(u, p, t) for a JavaScript right-hand side. Nonzero: it threw or returned junk. */
// @ts-ignore: decorator
@external("env", "rhs") export declare function rhs(t: f64, u: usize, du: usize): i32;

/** Asks for room for at least `need` records in buffer `kind`; updates the block. Nonzero: refused. */
// @ts-ignore: decorator
@external("env", "grow") export declare function grow(kind: i32, need: i32): i32;

/** After each accepted step from tprev to t, when callbacks exist: CB_NONE, CB_EVENT or CB_ERROR. */
// @ts-ignore: decorator
@external("env", "onStep") export declare function onStep(tprev: f64, t: f64): i32;

/** Runs the pending event's affect at t on the state in B_U: 0, CB_TERMINATE or CB_ERROR. */
// @ts-ignore: decorator
@external("env", "onEvent") export declare function onEvent(t: f64): i32;

/** J = ∂f/∂u (n×n row-major) from the user's `jac` at (t, u). Nonzero: it threw or returned junk. */
// @ts-ignore: decorator
@external("env", "jac") export declare function jac(t: f64, u: usize, J: usize): i32;

/** dT = ∂f/∂t from the user's `tgrad` at (t, u). Nonzero: it threw or returned junk. */
// @ts-ignore: decorator
@external("env", "tgrad") export declare function tgrad(t: f64, u: usize, dT: usize): i32;
