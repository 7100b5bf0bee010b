/**
 * difflux — differential equations for every JavaScript runtime.
 *
 * ```ts
 * import { ODEProblem, solve, Tsit5 } from 'difflux';
 * const f = (du, u, p, t) => { du[0] = p[0]*u[0] - p[1]*u[0]*u[1]; du[1] = -p[2]*u[1] + p[3]*u[0]*u[1]; };
 * const sol = solve(new ODEProblem(f, [1, 1], [0, 10], [1.5, 1, 3, 1]), Tsit5());
 * sol.at(5); // Float64Array from the dense interpolant
 * ```
 */
export { ODEProblem } from './solve/problem.js';
export type { RHS, InPlaceRHS, OutOfPlaceRHS, ODEProblemOptions, Bandwidth } from './solve/problem.js';
export type { JacobianFunction, TgradFunction } from './solve/problem.js';
export { solve } from './solve/solve.js';
export type { SolveOptions } from './solve/options.js';
export { Solution } from './solve/solution.js';
export type { SolveStats } from './solve/solution.js';
export type { SolveTally } from './solve/solve.js';
export type { ReturnCode } from './solve/retcode.js';
// Explicit Runge–Kutta methods.
export {
  Euler, Midpoint, Heun, Ralston, RK4, BS3, OwrenZen3, DP5, Tsit5, Vern7, Vern9, DP8, algorithmNames,
} from './solve/algorithms.js';
// Stiff methods: Rosenbrock, SDIRK/ESDIRK, BDF, Radau IIA.
export {
  Rosenbrock23, Rosenbrock32, Rodas4, Rodas5P,
  ImplicitEuler, Trapezoid, TRBDF2, KenCarp4, Kvaerno5,
  FBDF, RadauIIA5,
} from './solve/algorithms.js';
// Automatic stiffness detection and switching (what `solve(prob)` uses without an algorithm).
export { AutoTsit5, AutoVern7, defaultAlgorithm, defaultStiffChoice } from './solve/auto.js';
export type { Algorithm, ERKAlgorithm, RosenbrockAlgorithm, RosenbrockOptions, SdirkAlgorithm, SdirkOptions, RadauAlgorithm, RadauOptions } from './solve/algorithms.js';
export type { BDFAlgorithm, BDFOptions } from './solve/bdf.js';
export type { AutoAlgorithm, AutoSwitchOptions } from './solve/auto.js';
export type { SdirkTableau } from './solve/tableaus/sdirk.js';
export type { ERKTableau } from './solve/tableaus/types.js';
export type { RosenbrockTableau } from './solve/tableaus/rosenbrock.js';
export { ContinuousCallback, DiscreteCallback, CallbackSet } from './solve/callbacks.js';
export type { Callback, Integrator, Condition, Affect, ContinuousCallbackOptions } from './solve/callbacks.js';
export { memoryInUse } from './runtime/introspect.js';
export { ode, Model } from './model/model.js';
export type { OdeOptions, JacobianMethod } from './model/model.js';
export { ModelSyntaxError } from './model/errors.js';
export { Graph } from './model/ir.js';
export type { Node as ModelNode, UnaryOp, BinaryOp } from './model/ir.js';
// Gradients through solvers: forward sensitivities of `ode` models.
export { sensitivity } from './sensitivity/forward.js';
export type { SensitivityOptions, SensitivityResult } from './sensitivity/forward.js';
export {
  ForwardSensitivity, ForwardDiffSensitivity, ReverseDiffAdjoint, BacksolveAdjoint, InterpolatingAdjoint,
  QuadratureAdjoint, defaultSensealg,
} from './sensitivity/sensealg.js';
export type {
  SensitivityAlgorithm, SensitivityAlgorithmName, ForwardSensitivityAlgorithm, ForwardDiffSensitivityAlgorithm,
  ReverseDiffAdjointAlgorithm, BacksolveAdjointAlgorithm, InterpolatingAdjointAlgorithm, QuadratureAdjointAlgorithm,
} from './sensitivity/sensealg.js';
export { gradient, GradientSolveError } from './sensitivity/gradient.js';
export type { GradientOptions, GradientResult, Loss, LossFunction, FinalLoss } from './sensitivity/gradient.js';
