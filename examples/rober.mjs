// ROBER (Robertson's chemical kinetics) to t = 1e11: the classic stiff test. Every stiff
// family, the default algorithm (which starts explicit and switches when it detects
// stiffness) and the index-1 DAE form with a mass matrix; prints a table.
import { ode, ODEProblem, solve, Rosenbrock23, Rodas5P, KenCarp4, FBDF, RadauIIA5 } from 'difflux';

const rober = ode({ params: ['k1', 'k2', 'k3'] })`
  dy1 = -k1*y1 + k3*y2*y3
  dy2 = k1*y1 - k2*y2^2 - k3*y2*y3
  dy3 = k2*y2^2
`;
// The conservation law y1 + y2 + y3 = 1 as an algebraic equation: M = diag(1, 1, 0).
const roberDae = ode({ params: ['k1', 'k2', 'k3'] })`
  dy1 = -k1*y1 + k3*y2*y3
  dy2 = k1*y1 - k2*y2^2 - k3*y2*y3
  dy3 = y1 + y2 + y3 - 1
`;
const p = [0.04, 3e7, 1e4];
// y(1e11) from an independent Radau run at rtol 1e-12 (../shared/reference).
const reference = [2.0833401495602277e-08, 8.333360769770525e-14, 0.9999999791665143];

export function roberTable() {
  const ode = new ODEProblem(rober, [1, 0, 0], [0, 1e11], p);
  const dae = new ODEProblem(roberDae, [1, 0, 0], [0, 1e11], p, { massMatrix: [[1, 0, 0], [0, 1, 0], [0, 0, 0]] });
  const rows = [];
  const cases = [
    ['(default)', ode, undefined], ['Rosenbrock23', ode, Rosenbrock23()], ['Rodas5P', ode, Rodas5P()],
    ['KenCarp4', ode, KenCarp4()], ['FBDF', ode, FBDF()], ['RadauIIA5', ode, RadauIIA5()],
    ['Rodas5P, DAE', dae, Rodas5P()], ['FBDF, DAE', dae, FBDF()],
  ];
  for (const [label, prob, alg] of cases) {
    const sol = solve(prob, alg, { reltol: 1e-6, abstol: 1e-10, saveEverystep: false });
    const u = sol.u[sol.u.length - 1];
    // Each component's error in units of its tolerance, reltol·|y| + abstol.
    const err = Math.max(...u.map((x, i) => Math.abs(x - reference[i]) / (1e-6 * Math.abs(reference[i]) + 1e-10)));
    rows.push({
      method: label === '(default)' ? sol.alg : label, retcode: sol.retcode, steps: sol.stats.naccept, rejected: sol.stats.nreject,
      nf: sol.stats.nf, jacobians: sol.stats.njacs, LUs: sol.stats.nw, switches: sol.stats.nswitch,
      'error at 1e11 / tolerance': err.toPrecision(2), 'y1+y2+y3 − 1': (u[0] + u[1] + u[2] - 1).toExponential(1),
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(roberTable());
