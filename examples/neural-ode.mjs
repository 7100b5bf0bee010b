// A neural ODE's right-hand side in the model language: du = W2·tanh(W1·u + b1) + b2 with
// matrix and vector parameters, solved inside the engine, and the derivatives training needs
// — ∂f/∂p by reverse-mode AD (one sweep per state) and a vector–Jacobian product — checked
// against a central finite difference.
import { ode, ODEProblem, solve, Tsit5 } from 'difflux';

export function neuralOde() {
  const H = 16;
  const net = ode({ params: ['W1', 'b1', 'W2', 'b2'], dims: { u: 2, W1: [H, 2], b1: H, W2: [2, H], b2: 2 } })`
    du = W2*tanh(W1*u + b1) + b2
  `;
  // Deterministic "weights" (a trained network would bring its own).
  const W1 = Array.from({ length: H }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i + 1)]);
  const b1 = Array.from({ length: H }, (_, i) => 0.1 * Math.sin(3 * i));
  const W2 = [0, 1].map((r) => Array.from({ length: H }, (_, j) => 0.3 * Math.cos(r + 0.7 * j)));
  const b2 = [-0.05, 0.02];
  const p = { W1, b1, W2, b2 };
  const sol = solve(new ODEProblem(net, [1, -1], [0, 5], p), Tsit5(), { reltol: 1e-8, abstol: 1e-8 });

  const u = [0.4, -0.3];
  const dp = net.paramJacobian(u, p); // 2 × 82, reverse mode (more columns than rows)
  const w = [1, -2];
  const { p: wTdp } = net.vjp(u, p, 0, w);
  // Check one parameter's column (flat index 5: W1 row 3, column 2) by central differences.
  const flat = net.paramVector(p);
  const k = 5;
  const h = 1e-6;
  const plus = flat.slice(); plus[k] += h;
  const minus = flat.slice(); minus[k] -= h;
  const fp = net.evaluate(u, plus), fm = net.evaluate(u, minus);
  const fd = [(fp[0] - fm[0]) / (2 * h), (fp[1] - fm[1]) / (2 * h)];
  return {
    model: net.toString(),
    parameterValues: flat.length,
    retcode: sol.retcode,
    steps: sol.stats.naccept,
    uAtEnd: Array.from(sol.u[sol.u.length - 1]).map((x) => x.toFixed(6)).join(', '),
    paramJacobianShape: `${net.length} × ${dp.length / net.length}`,
    column5AD: [dp[k], dp[flat.length + k]].map((x) => x.toExponential(6)).join(', '),
    column5FiniteDifference: fd.map((x) => x.toExponential(6)).join(', '),
    vjpMatches: Math.abs(wTdp[k] - (w[0] * dp[k] + w[1] * dp[flat.length + k])) < 1e-12,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(neuralOde());
