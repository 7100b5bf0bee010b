// Saving, stops and step limits behave as in DifferentialEquations.jl.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, reference, lotkaVolterra, lvParams, maxAbsDiff } from './helpers.mjs';

const lv = reference.lotka_volterra;
const prob = new D.ODEProblem(lotkaVolterra, [1, 1], [0, 10], lvParams);

test('saveat as a step saves t0, t0+Δ, …, t1 and nothing else', () => {
  const sol = D.solve(prob, D.Tsit5(), { saveat: 0.5, abstol: 1e-10, reltol: 1e-10 });
  assert.equal(Array.from(sol.t), lv.t);
  sol.u.forEach((u, i) => assert.ok(maxAbsDiff(u, lv.u[i]) < 1e-8));
});

test('saveat as a list saves exactly those times; t0/t1 only when listed', () => {
  const sol = D.solve(prob, D.Tsit5(), { saveat: [2.5, 1, 7] });
  assert.equal(Array.from(sol.t), [1, 2.5, 7]);
  const withEnds = D.solve(prob, D.Tsit5(), { saveat: [0, 5, 10] });
  assert.equal(Array.from(withEnds.t), [0, 5, 10]);
  assert.equal(Array.from(withEnds.u[0]), [1, 1]);
});

test('saveat does not change the steps taken (it interpolates)', () => {
  const a = D.solve(prob, D.Tsit5(), { saveat: [1.234, 5.678] });
  const b = D.solve(prob, D.Tsit5());
  assert.is(a.stats.naccept, b.stats.naccept);
  assert.ok(maxAbsDiff(a.u[0], b.at(1.234)) < 1e-14);
});

test('saveEverystep false keeps only the start and the end; saveStart/saveEnd switch them', () => {
  const s = D.solve(prob, D.Tsit5(), { saveEverystep: false });
  assert.equal(Array.from(s.t), [0, 10]);
  const e = D.solve(prob, D.Tsit5(), { saveEverystep: false, saveStart: false });
  assert.equal(Array.from(e.t), [10]);
  const n = D.solve(prob, D.Tsit5(), { saveStart: false, saveEnd: false });
  assert.ok(n.t[0] > 0 && n.t[n.t.length - 1] < 10);
});

test('tstops are stepped to exactly', () => {
  const stops = [Math.PI, 2.2, 9.999];
  const sol = D.solve(prob, D.Tsit5(), { tstops: stops });
  for (const s of stops) assert.ok(Array.from(sol.t).includes(s), `missing ${s}`);
});

test('tstops at a kink make the integration exact', () => {
  // du = max(0, 1 − t): piecewise linear in t, integrated exactly by Tsit5 on each side of the kink.
  const kink = new D.ODEProblem((du, u, p, t) => { du[0] = t < 1 ? 1 - t : 0; }, [0], [0, 2]);
  const sol = D.solve(kink, D.Tsit5(), { tstops: [1] });
  assert.ok(Math.abs(sol.u[sol.u.length - 1][0] - 0.5) < 1e-14);
  const free = D.solve(kink, D.Tsit5(), { abstol: 1e-3, reltol: 1e-3 });
  assert.ok(Math.abs(free.u[free.u.length - 1][0] - 0.5) > 1e-14);
});

test('dtmax bounds every step; dt sets the first step', () => {
  const sol = D.solve(prob, D.Tsit5(), { dtmax: 0.05 });
  for (let i = 1; i < sol.t.length; i++) assert.ok(sol.t[i] - sol.t[i - 1] <= 0.05 + 1e-15);
  const first = D.solve(prob, D.Tsit5(), { dt: 1e-3 });
  assert.is(first.t[1], 1e-3);
});

test('component(i) is the time series of one state', () => {
  const sol = D.solve(prob, D.Tsit5());
  const y = sol.component(1);
  assert.is(y.length, sol.t.length);
  assert.is(y[5], sol.u[5][1]);
  assert.throws(() => sol.component(2), /outside 0\.\.1/);
});

test('a Float64Array u0 is copied, not aliased', () => {
  const u0 = new Float64Array([1, 1]);
  const p2 = new D.ODEProblem(lotkaVolterra, u0, [0, 1], lvParams);
  u0[0] = 5;
  const sol = D.solve(p2, D.Tsit5());
  assert.equal(Array.from(sol.u[0]), [1, 1]);
});

test('stats.nf counts every call of f, interpolation stages included; implicit-method counters stay 0', () => {
  for (const alg of ['Tsit5', 'Vern7', 'DP8', 'RK4']) {
    let calls = 0;
    const counted = new D.ODEProblem((du, u, p, t) => { calls++; lotkaVolterra(du, u, p, t); }, [1, 1], [0, 10], lvParams);
    // saveat makes the Verner and DOP853 solves compute their lazy interpolation stages.
    const s = D.solve(counted, alg, alg === 'RK4' ? { dt: 0.1 } : { saveat: [1.5, 4.5] });
    assert.is(s.stats.nf, calls, alg);
    assert.equal([s.stats.njacs, s.stats.nw, s.stats.nsolve, s.stats.nnonliniter], [0, 0, 0, 0]);
  }
});

test('every algorithm solves Lotka–Volterra to its order at a fixed small dt', () => {
  for (const name of D.algorithmNames) {
    const sol = D.solve(prob, name, { dt: 1e-3, adaptive: false, saveEverystep: false, dense: false });
    assert.is(sol.retcode, 'Success');
    const err = maxAbsDiff(sol.u[sol.u.length - 1], lv.u[20]);
    assert.ok(err < (name === 'Euler' || name === 'ImplicitEuler' ? 1 : 1e-3), `${name}: ${err}`);
  }
});

test.run();
