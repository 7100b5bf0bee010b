// Cost of derivatives of compiled models: whole Jacobians by forward-mode AD (dual lanes),
// reverse-mode AD (a sweep per row) and the symbolic Jacobian's own tape, against one
// evaluation of f; and Jacobian–vector / vector–Jacobian products of the 100 000-state model.
// Times are per public API call (model.jacobian(...) etc.), copies in and out included.
// Appends section 4 to bench/RESULTS.md (run after bench/tape.mjs by `npm run bench`).
import { ode, Model } from '../dist/node.js';
import { lotkaVolterra, rober } from './lib/models.mjs';
import { writeSection } from './lib/results.mjs';

const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];

/** Median µs per call of each function, interleaved over rounds. */
function measure(fns, calls, rounds = 11) {
  const t = fns.map(() => []);
  for (const f of fns) f();
  for (let r = 0; r < rounds; r++) {
    fns.forEach((f, i) => {
      const t0 = performance.now();
      for (let c = 0; c < calls; c++) f();
      t[i].push(((performance.now() - t0) * 1000) / calls);
    });
  }
  return t.map(median);
}

const layer = ode({ dims: { h: 16, W: [16, 16], b: 16 } })`dh = tanh(W*h + b) - h`;
const cases = [
  { name: 'Lotka–Volterra (2 states, 4 parameters)', m: new Model(lotkaVolterra.source), u: lotkaVolterra.u, p: lotkaVolterra.p },
  { name: 'ROBER (3 states, 3 parameters)', m: new Model(rober.source), u: rober.u, p: rober.p },
  {
    name: 'network layer tanh(W·h + b) − h (16 states, 272 parameter values)',
    m: layer,
    u: Array.from({ length: 16 }, (_, i) => Math.sin(i)),
    p: [Array.from({ length: 256 }, (_, i) => Math.cos(i) / 4), Array.from({ length: 16 }, (_, i) => i / 16)],
  },
];

const rows = [];
for (const { name, m, u, p } of cases) {
  const calls = m.length > 4 ? 200 : 2000;
  const [f, jf, jr, js, pf, pr] = measure([
    () => m.evaluate(u, p),
    () => m.jacobian(u, p, 0, 'forward'),
    () => m.jacobian(u, p, 0, 'reverse'),
    () => m.jacobian(u, p, 0, 'symbolic'),
    () => m.paramJacobian(u, p, 0, 'forward'),
    () => m.paramJacobian(u, p, 0, 'reverse'),
  ], calls);
  const c = (x) => x.toFixed(1);
  rows.push(`| ${name} | ${c(f)} | ${c(jf)} | ${c(jr)} | ${c(js)} | ${c(pf)} | ${c(pr)} |`);
  console.log(`${name}: f ${c(f)} µs, ∂f/∂u forward ${c(jf)} reverse ${c(jr)} symbolic ${c(js)}, ∂f/∂p forward ${c(pf)} reverse ${c(pr)} µs`);
}

let vectorLine = '';
{
  const N = 100000;
  const m = ode({ dims: { u: N } })`du = sin(cos(u)) - exp(u)`;
  const u = Float64Array.from({ length: N }, (_, i) => i / N);
  const v = Float64Array.from({ length: N }, (_, i) => Math.cos(i));
  const [f, jvp, vjp] = measure([() => m.evaluate(u, []), () => m.jvp(u, [], 0, v), () => m.vjp(u, [], 0, v)], 3, 9);
  vectorLine = `100 000-state model du = sin(cos u) − exp u, per call: f ${(f / 1000).toFixed(2)} ms, Jacobian–vector product (one forward sweep) ${(jvp / 1000).toFixed(2)} ms (${(jvp / f).toFixed(1)}× f), vector–Jacobian product (one reverse sweep) ${(vjp / 1000).toFixed(2)} ms (${(vjp / f).toFixed(1)}× f).`;
  console.log(vectorLine);
}

const md = [
  '',
  '## 4. Derivatives of compiled models',
  '',
  `Written by \`bench/ad.mjs\` (part of \`npm run bench\`), ${new Date().toISOString()}. Medians over 11 interleaved rounds, µs per public call (copies in and out of the engine included): f, the whole ∂f/∂u by forward-mode AD (dual numbers, one sweep with a tangent lane per column), by reverse-mode AD (one sweep per row) and by the symbolic Jacobian's own tape, and ∂f/∂p forward and reverse.`,
  '',
  '| model | f | ∂f/∂u forward | ∂f/∂u reverse | ∂f/∂u symbolic | ∂f/∂p forward | ∂f/∂p reverse |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  vectorLine,
  '',
];
writeSection(4, md.join('\n'));
console.log('wrote section 4 of bench/RESULTS.md');
