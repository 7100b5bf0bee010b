// The two models of the gradient benchmark (bench/gradients.mjs), written with `ode` so every
// sensitivity algorithm can differentiate them:
//  - Lotka–Volterra, 2 states and 4 parameters: few parameters, long oscillating runs;
//  - a 50-parameter neural ODE (du = W2·tanh(W1·u + b1) − u/4), the same model and parameters
//    as net50Model / net50Params in tests/helpers.mjs (tests/bench-models.test.mjs checks
//    that the two definitions agree).
import { ode, ODEProblem } from '../../dist/node.js';

export const lotkaVolterra = {
  label: 'Lotka–Volterra',
  description: 'du = [a·x − b·x·y, −c·y + d·x·y], p = [1.5, 1, 3, 1], u0 = [1, 1]',
  model: ode`
    dx = a*x - b*x*y
    dy = -c*y + d*x*y
  `,
  u0: [1, 1],
  params: () => [1.5, 1, 3, 1],
};

export const net50 = {
  label: '50-parameter neural ODE',
  description: 'du = W2·tanh(W1·u + b1) − u/4, W1 10×2, b1 10, W2 2×10 (50 parameters), u0 = [1, −0.5]',
  model: ode({ params: ['W1', 'b1', 'W2'], dims: { u: 2, W1: [10, 2], b1: 10, W2: [2, 10] } })`
    du = W2*tanh(W1*u + b1) - u/4
  `,
  u0: [1, -0.5],
  // Deterministic weights of moderate size. The flow settles to a fixed point within the
  // first 100 time units, so at rtol 1e-8 a longer span adds only about one step per time unit.
  params: () => ({
    W1: Array.from({ length: 10 }, (_, i) => [0.8 * Math.sin(i + 1), 0.8 * Math.cos(2 * i + 1)]),
    b1: Array.from({ length: 10 }, (_, i) => 0.2 * Math.sin(3 * i)),
    W2: [0, 1].map((r) => Array.from({ length: 10 }, (_, j) => (r ? 1.2 : -1.2) * Math.sin(0.9 * j + (r ? 0 : 1)))),
  }),
};

/** The problem of a benchmark model on [0, t1]. */
export const problemOf = (m, t1) => new ODEProblem(m.model, m.u0, [0, t1], m.params());
