/**
 * Classic low-order explicit Runge–Kutta methods: Euler, Midpoint, Heun, Ralston, RK4.
 *
 * Checked against OrdinaryDiffEq.jl, lib/OrdinaryDiffEqLowOrderRK/src/fixed_timestep_perform_step.jl.
 * Midpoint, Heun and Ralston are adaptive there: the error estimate is the difference
 * to the explicit Euler step (bhat = [1, 0]), so embeddedOrder is 1. Euler and RK4 carry
 * no btilde (RK4's residual-based estimate in OrdinaryDiffEq is not a tableau estimate).
 * None has its own interpolant: the engine's cubic Hermite default applies.
 */
import type { ERKTableau } from './types.js';

/** Explicit (forward) Euler, order 1. */
export const Euler: ERKTableau = {
  name: 'Euler',
  order: 1,
  c: [0],
  A: [[]],
  b: [1],
  fsal: false,
  source: 'Euler (1768); checked against OrdinaryDiffEq.jl fixed_timestep_perform_step.jl (Euler)',
};

/** Explicit midpoint rule, order 2; error estimate against explicit Euler. */
export const Midpoint: ERKTableau = {
  name: 'Midpoint',
  order: 2,
  embeddedOrder: 1,
  c: [0, 1 / 2],
  A: [[], [1 / 2]],
  b: [0, 1],
  btilde: [-1, 1],
  fsal: false,
  source:
    'Explicit midpoint rule (Hairer, Nørsett, Wanner, Solving ODE I, §II.1); ' +
    'checked against OrdinaryDiffEq.jl fixed_timestep_perform_step.jl (Midpoint)',
};

/** Heun's method (explicit trapezoidal rule), order 2; error estimate against explicit Euler. */
export const Heun: ERKTableau = {
  name: 'Heun',
  order: 2,
  embeddedOrder: 1,
  c: [0, 1],
  A: [[], [1]],
  b: [1 / 2, 1 / 2],
  btilde: [-1 / 2, 1 / 2],
  fsal: false,
  source:
    'Heun (1900), explicit trapezoidal rule; ' +
    'checked against OrdinaryDiffEq.jl fixed_timestep_perform_step.jl (Heun)',
};

/** Ralston's second-order method (c2 = 2/3); error estimate against explicit Euler. */
export const Ralston: ERKTableau = {
  name: 'Ralston',
  order: 2,
  embeddedOrder: 1,
  c: [0, 2 / 3],
  A: [[], [2 / 3]],
  b: [1 / 4, 3 / 4],
  btilde: [-3 / 4, 3 / 4],
  fsal: false,
  source:
    'Ralston, Mathematics of Computation 16 (1962) 431–437; ' +
    'checked against OrdinaryDiffEq.jl fixed_timestep_perform_step.jl (Ralston)',
};

/** The classic fourth-order Runge–Kutta method (fixed step here). */
export const RK4: ERKTableau = {
  name: 'RK4',
  order: 4,
  c: [0, 1 / 2, 1 / 2, 1],
  A: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
  b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
  fsal: false,
  source: 'Kutta (1901); checked against OrdinaryDiffEq.jl fixed_timestep_perform_step.jl (RK4)',
};
