// Every sensitivity algorithm behind gradient() on the same problems: Lotka–Volterra (4
// parameters), ROBER (3, stiff) and the 50-parameter model. All six agree with each other and
// with central differences of the solve (relative 1e-5 at reltol 1e-10); the default sensealg
// follows SciMLSensitivity's rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, net50Model, NET50_U0, net50Params, relErr, fdGradient, lvModel as lv, roberModel as rober } from './helpers.mjs';


// The six, and the checkpointing variants. Backsolving without checkpoints is only sound
// where u integrates backwards stably (Lotka–Volterra here): ROBER's and the 50-parameter
// model's backward u drift (see the tests below), which is what checkpoints are for.
const MODES = (withUncheckedBacksolve = false) => [
  D.ForwardSensitivity(),
  D.ForwardDiffSensitivity(),
  D.ReverseDiffAdjoint(),
  D.BacksolveAdjoint(),
  ...(withUncheckedBacksolve ? [D.BacksolveAdjoint({ checkpointing: false })] : []),
  D.InterpolatingAdjoint(),
  D.InterpolatingAdjoint({ checkpointing: true }),
  D.QuadratureAdjoint(),
];
const label = (s) => `${s.name}${s.checkpointing !== undefined ? `({ checkpointing: ${s.checkpointing} })` : ''}`;

/** Runs every mode and checks each against the finite differences (dp, and du0 when given). */
function allModesAgree(name, prob, alg, opts, fdDp, fdDu0, floor, withUncheckedBacksolve = false) {
  const results = MODES(withUncheckedBacksolve).map((s) => [label(s), D.gradient(prob, alg, { ...opts, sensealg: s })]);
  for (const [mode, g] of results) {
    assert.is(g.retcode, 'Success');
    const e = relErr(g.dp, fdDp, floor);
    assert.ok(e < 1e-5, `${name}, ${mode}: dp off by ${e.toExponential(2)} (${Array.from(g.dp)} vs ${fdDp})`);
    if (fdDu0) {
      const e0 = relErr(g.du0, fdDu0, floor);
      assert.ok(e0 < 1e-5, `${name}, ${mode}: du0 off by ${e0.toExponential(2)}`);
    }
  }
  // Pairwise, through the first (every pair within 2e-5 follows from both being within 1e-5).
  const loss0 = results[0][1].loss;
  for (const [mode, g] of results) assert.ok(Math.abs(g.loss - loss0) <= 1e-8 * Math.abs(loss0), `${name}, ${mode}: loss ${g.loss} vs ${loss0}`);
  assert.is(D.memoryInUse(), 0);
}

test('Lotka–Volterra: all six modes against central differences (Tsit5, l2 loss at saveat)', () => {
  const p = [1.5, 1, 3, 1];
  const u0 = [1, 1];
  const saveat = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const data = saveat.map((t) => [1 + 0.2 * Math.sin(t), 1 + 0.2 * Math.cos(t)]);
  const l2 = (sol) => sol.u.reduce((acc, x, k) => acc + (x[0] - data[k][0]) ** 2 + (x[1] - data[k][1]) ** 2, 0);
  const fine = { reltol: 1e-12, abstol: 1e-12, saveat };
  const run = (pp, uu) => l2(D.solve(new D.ODEProblem(lv, uu, [0, 10], pp), D.Tsit5(), fine));
  const fdDp = fdGradient(p, (q) => run(q, u0), 1e-5);
  const fdDu0 = fdGradient(u0, (x) => run(p, x), 1e-5);
  allModesAgree('LV', new D.ODEProblem(lv, u0, [0, 10], p), D.Tsit5(), { reltol: 1e-10, abstol: 1e-10, saveat, loss: { l2: data } }, fdDp, fdDu0, 1e-8, true);
});

test('ROBER on [0, 0.1]: all six modes with a stiff method (Rodas5P), a loss weighting y2', () => {
  const p = [0.04, 3e7, 1e4];
  // Saved (and so checkpointed) every 0.01: backsolving u is unstable over longer stretches.
  const saveat = 0.01;
  const loss = (u, t, i, g) => { g[0] = 1; g[1] = 1e4; return u[0] + 1e4 * u[1]; };
  const value = (sol) => sol.u.reduce((acc, x) => acc + x[0] + 1e4 * x[1], 0);
  const fdDp = fdGradient(p, (q) => value(D.solve(new D.ODEProblem(rober, [1, 0, 0], [0, 0.1], q), D.RadauIIA5(), { reltol: 1e-12, abstol: 1e-15, saveat })), 1e-4);
  allModesAgree('ROBER', new D.ODEProblem(rober, [1, 0, 0], [0, 0.1], p), D.Rodas5P(), { reltol: 1e-10, abstol: 1e-14, saveat, loss, du0: false }, fdDp, undefined, 1e-12);
});

test('ROBER on [0, 100]: every mode but BacksolveAdjoint, which stops with Unstable', () => {
  const p = [0.04, 3e7, 1e4];
  const saveat = [1, 10, 100];
  const loss = (u, t, i, g) => { g[0] = 1; g[1] = 1e4; return u[0] + 1e4 * u[1]; };
  const value = (sol) => sol.u.reduce((acc, x) => acc + x[0] + 1e4 * x[1], 0);
  const fdDp = fdGradient(p, (q) => value(D.solve(new D.ODEProblem(rober, [1, 0, 0], [0, 100], q), D.RadauIIA5(), { reltol: 1e-12, abstol: 1e-15, saveat })), 1e-4);
  const prob = new D.ODEProblem(rober, [1, 0, 0], [0, 100], p);
  const opts = { reltol: 1e-10, abstol: 1e-14, saveat, loss, du0: false };
  for (const s of MODES().filter((m) => m.name !== 'BacksolveAdjoint')) {
    const g = D.gradient(prob, D.Rodas5P(), { ...opts, sensealg: s });
    const e = relErr(g.dp, fdDp, 1e-12);
    assert.ok(e < 1e-5, `${label(s)}: dp off by ${e.toExponential(2)}`);
  }
  let err;
  try { D.gradient(prob, D.Rodas5P(), { ...opts, sensealg: D.BacksolveAdjoint() }); } catch (e) { err = e; }
  assert.instance(err, D.GradientSolveError);
  assert.is(err.retcode, 'Unstable');
  assert.is(D.memoryInUse(), 0);
});

test('the 50-parameter model: all six modes against central differences (Tsit5, sum loss)', () => {
  const prob = new D.ODEProblem(net50Model, NET50_U0, [0, 5], net50Params());
  const flat = Array.from(prob.paramVector);
  const saveat = [1, 2, 3, 4, 5];
  const sum = (sol) => sol.u.reduce((acc, x) => acc + x[0] + x[1], 0);
  const fdDp = fdGradient(flat, (q) => sum(D.solve(new D.ODEProblem(net50Model, NET50_U0, [0, 5], Float64Array.from(q)), D.Tsit5(), { reltol: 1e-12, abstol: 1e-12, saveat })), 1e-5);
  allModesAgree('50-parameter model', prob, D.Tsit5(), { reltol: 1e-10, abstol: 1e-10, saveat, loss: 'sum' }, fdDp, undefined, 1e-6);
  // Without checkpoints the backward u drifts from the forward one (this model contracts, so
  // it expands backwards): the check against the known u0 stops it instead of a wrong gradient.
  let err;
  try { D.gradient(prob, D.Tsit5(), { reltol: 1e-10, abstol: 1e-10, saveat, loss: 'sum', sensealg: D.BacksolveAdjoint({ checkpointing: false }) }); } catch (e) { err = e; }
  assert.instance(err, D.GradientSolveError);
  assert.is(err.retcode, 'Unstable');
  assert.match(err.message, /backward state u left the forward solution \(by [0-9.e+]+ times the tolerance\) before t0/);
  assert.is(D.memoryInUse(), 0);
});

test('the default sensealg: forward mode up to 100 states + parameters, else InterpolatingAdjoint with checkpoints', () => {
  assert.is(D.defaultSensealg(2, 4).name, 'ForwardSensitivity');
  assert.is(D.defaultSensealg(50, 50).name, 'ForwardSensitivity');
  const big = D.defaultSensealg(50, 51);
  assert.is(big.name, 'InterpolatingAdjoint');
  assert.is(big.checkpointing, true);
  const small = new D.ODEProblem(lv, [1, 1], [0, 1], [1.5, 1, 3, 1]);
  assert.is(D.gradient(small, D.Tsit5(), { saveat: [1] }).sensealg, 'ForwardSensitivity');
  // 2 states + 50 parameters = 52: still forward; a 60-state decay chain with 60 rates: adjoint.
  assert.is(D.gradient(new D.ODEProblem(net50Model, NET50_U0, [0, 1], net50Params()), D.Tsit5(), { saveat: [1] }).sensealg, 'ForwardSensitivity');
  const chain = D.ode({ params: ['k'], dims: { u: 60, k: 60 } })`du = -k*u`;
  const k = Array.from({ length: 60 }, (_, i) => 0.5 + 0.01 * i);
  const g = D.gradient(new D.ODEProblem(chain, new Array(60).fill(1), [0, 1], { k }), D.Tsit5(), { reltol: 1e-10, abstol: 1e-10, loss: { final: 'sum' } });
  assert.is(g.sensealg, 'InterpolatingAdjoint');
  // d/dk_i of Σ e^{−k_i} = −e^{−k_i}.
  g.dp.forEach((d, i) => assert.ok(Math.abs(d + Math.exp(-k[i])) < 1e-7, `k[${i}]: ${d}`));
  assert.is(D.memoryInUse(), 0);
});

test('stats: the solves each mode ran and their work', () => {
  const prob = new D.ODEProblem(lv, [1, 1], [0, 10], [1.5, 1, 3, 1]);
  const opts = { reltol: 1e-8, abstol: 1e-8, saveat: 1 };
  const plain = D.solve(prob, D.Tsit5(), opts).stats;
  const run = (sensealg) => D.gradient(prob, D.Tsit5(), { ...opts, sensealg }).stats;
  // One solve with the plain solve's steps: the dual state (u-only error norm) and the forward
  // pass of the discrete adjoint.
  for (const s of [D.ForwardDiffSensitivity(), D.ReverseDiffAdjoint()]) {
    const st = run(s);
    assert.is(st.solves, 1, s.name);
    assert.is(st.naccept, plain.naccept, s.name);
    assert.is(st.nf, plain.nf, s.name);
  }
  // The symbolic sensitivities steer the steps too: more of them.
  assert.ok(run(D.ForwardSensitivity()).naccept > plain.naccept);
  // A forward and a backward solve; with checkpoints at the 10 saved times after t0, a re-solve
  // and a backward leg per interval besides the forward pass.
  for (const s of [D.BacksolveAdjoint(), D.InterpolatingAdjoint(), D.QuadratureAdjoint()]) assert.is(run(s).solves, 2, s.name);
  const cp = run(D.InterpolatingAdjoint({ checkpointing: true }));
  assert.is(cp.solves, 1 + 2 * 10);
  assert.ok(cp.nf > plain.nf);
  assert.is(D.memoryInUse(), 0);
});

test.run();
