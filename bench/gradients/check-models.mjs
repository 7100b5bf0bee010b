// Checks the hand-written models of bench/gradients/cvodes.c against difflux's: f, ∂f/∂u and
// ∂f/∂p at a few states, the C driver's `check` mode against Model.evaluate, Model.jacobian and
// Model.paramJacobian (automatic differentiation on the tape) with the same parameter vector.
// Exits 1 if any entry differs by more than 1e-12 relative to the largest entry.
//
//   node bench/gradients/check-models.mjs        (after npm run build; compiles the driver)
import { execFileSync } from 'node:child_process';
import { lotkaVolterra, net50 } from '../lib/gradient-models.mjs';
import { buildCvodes, cvodesBinary, driverModel } from './peer.mjs';

const err = buildCvodes();
if (err) { console.error(`cvodes driver not available: ${err}`); process.exit(1); }
const STATES = [[1, 1], [0.3, -2.1], [-1.7, 0.45]];
let worst = 0;
for (const m of [lotkaVolterra, net50]) {
  const p = m.model.paramVector(m.params());
  for (const u of STATES) {
    const c = JSON.parse(execFileSync(cvodesBinary, [driverModel(m), 'check', 'adams', '1', '1e-8', '1e-8', '1', '0', '1', '0', '0'],
      { input: [...p, ...u].join(' '), encoding: 'utf8' }));
    const pairs = [
      ['f', c.f, m.model.evaluate(u, m.params())],
      ['∂f/∂u', c.jacobian, m.model.jacobian(u, m.params())],
      ['∂f/∂p', c.paramJacobian, m.model.paramJacobian(u, m.params())],
    ];
    for (const [what, a, b] of pairs) {
      const scale = Math.max(...[...b].map(Math.abs), 1e-300);
      const d = a.length === b.length ? Math.max(...a.map((x, i) => Math.abs(x - b[i]))) / scale : Infinity;
      worst = Math.max(worst, d);
      console.log(`${m.label} u = [${u}] ${what} (${a.length} entries): max rel. difference ${d.toExponential(1)}`);
    }
  }
}
process.exit(worst <= 1e-12 ? 0 : 1);
