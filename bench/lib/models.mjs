// The scalar models the model benchmarks share (bench/tape.mjs, bench/ad.mjs): source for
// `ode`, a state and parameters to evaluate at, and the same right-hand side in JavaScript.
export const lotkaVolterra = {
  source: `
    dx = α*x - β*x*y
    dy = -δ*y + γ*x*y
  `,
  u: [1.2, 0.8], p: [1.5, 1, 3, 1],
  js: (du, u, p) => { du[0] = p[0] * u[0] - p[1] * u[0] * u[1]; du[1] = -p[2] * u[1] + p[3] * u[0] * u[1]; },
};

export const rober = {
  source: `
    dy1 = -k1*y1 + k3*y2*y3
    dy2 = k1*y1 - k2*y2^2 - k3*y2*y3
    dy3 = k2*y2^2
  `,
  u: [0.9, 1e-5, 0.1], p: [0.04, 3e7, 1e4],
  js: (du, u, p) => { du[0] = -p[0] * u[0] + p[2] * u[1] * u[2]; du[1] = p[0] * u[0] - p[1] * u[1] ** 2 - p[2] * u[1] * u[2]; du[2] = p[1] * u[1] ** 2; },
};
