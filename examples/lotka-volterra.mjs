// Lotka–Volterra predator–prey model solved with several methods; prints a short table.
import { ODEProblem, solve, Tsit5, DP5, Vern7, Vern9, DP8, BS3 } from 'difflux';

// dx = αx − βxy, dy = −δy + γxy
const lotkaVolterra = (du, u, p, t) => {
  const [α, β, δ, γ] = p;
  du[0] = α * u[0] - β * u[0] * u[1];
  du[1] = -δ * u[1] + γ * u[0] * u[1];
};
const prob = new ODEProblem(lotkaVolterra, [1, 1], [0, 10], [1.5, 1, 3, 1]);

// u(10) from an independent DOP853 run at rtol 1e-13.
const reference = [1.0263447675750939, 0.9096910781361162];

export function lotkaVolterraTable() {
  const rows = [];
  for (const [alg, tol] of [[BS3(), 1e-6], [DP5(), 1e-6], [Tsit5(), 1e-6], [Tsit5(), 1e-10], [Vern7(), 1e-10], [DP8(), 1e-10], [Vern9(), 1e-12]]) {
    const sol = solve(prob, alg, { abstol: tol, reltol: tol });
    const u = sol.u[sol.u.length - 1];
    const err = Math.max(Math.abs(u[0] - reference[0]), Math.abs(u[1] - reference[1]));
    rows.push({ method: alg.name, tol, retcode: sol.retcode, steps: sol.stats.naccept, rejected: sol.stats.nreject, nf: sol.stats.nf, 'error at t=10': err.toExponential(2), 'u(5) (dense)': Array.from(sol.at(5), (x) => x.toFixed(6)).join(', ') });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(lotkaVolterraTable());
