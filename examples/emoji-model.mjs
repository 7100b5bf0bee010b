// The model language: Julia's emoji Lotka–Volterra verbatim, solved inside the engine, with
// its Jacobian from symbolic differentiation and from automatic differentiation.
import { ode, ODEProblem, solve, Tsit5 } from 'difflux';

export function emojiModel() {
  const lv = ode`
    d🐰 = α*🐰 - β*🐰*🦊
    d🦊 = -δ*🦊 + γ*🐰*🦊
  `;
  const p = { α: 1.5, β: 1, δ: 3, γ: 1 };
  const plain = (du, u, q, t) => { du[0] = 1.5 * u[0] - 1 * u[0] * u[1]; du[1] = -3 * u[1] + 1 * u[0] * u[1]; };
  const a = solve(new ODEProblem(lv, [1, 1], [0, 10], p), Tsit5());
  const b = solve(new ODEProblem(plain, [1, 1], [0, 10]), Tsit5());
  const same = a.t.length === b.t.length && a.u.every((u, i) => u[0] === b.u[i][0] && u[1] === b.u[i][1]);
  const u = [1.3, 0.7];
  return {
    model: lv.toString(),
    states: lv.states.join(', '),
    params: lv.params.join(', '),
    sameBitsAsJavaScript: same,
    steps: a.stats.naccept,
    jacobianSymbolic: Array.from(lv.jacobian(u, p, 0, 'symbolic')).join(', '),
    jacobianForwardAD: Array.from(lv.jacobian(u, p, 0, 'forward')).join(', '),
    jacobianReverseAD: Array.from(lv.jacobian(u, p, 0, 'reverse')).join(', '),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(emojiModel());
