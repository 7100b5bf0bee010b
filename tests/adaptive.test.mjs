// Adaptive accuracy against the reference Lotka–Volterra solution, dense output, step control.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, reference, lotkaVolterra, lvParams, maxAbsDiff } from './helpers.mjs';

const lv = reference.lotka_volterra;
const prob = new D.ODEProblem(lotkaVolterra, lv.u0, [0, 10], lvParams);
const refTimes = lv.t;

/** Max error over the reference times, read with saveat (interpolated). */
function saveatError(alg, tol) {
  const sol = D.solve(prob, alg, { abstol: tol, reltol: tol, saveat: refTimes });
  assert.is(sol.retcode, 'Success');
  assert.equal(Array.from(sol.t), refTimes);
  let e = 0;
  sol.u.forEach((u, i) => { e = Math.max(e, maxAbsDiff(u, lv.u[i])); });
  return e;
}

for (const alg of ['Tsit5', 'DP5', 'Vern7', 'Vern9', 'DP8', 'BS3', 'OwrenZen3']) {
  test(`${alg}: error against the reference falls as the tolerance falls`, () => {
    // DOP853's combined estimate is optimistic at loose tolerances (as in Hairer's code): start it tighter.
    const tols = alg === 'BS3' || alg === 'OwrenZen3' ? [1e-4, 1e-6, 1e-8] : alg === 'DP8' ? [1e-6, 1e-8, 1e-10, 1e-12] : [1e-4, 1e-6, 1e-8, 1e-10];
    const errs = tols.map((tol) => saveatError(alg, tol));
    for (let i = 1; i < errs.length; i++) {
      assert.ok(errs[i] < errs[i - 1] / 5, `${alg}: error ${errs[i]} at tol ${tols[i]} not well below ${errs[i - 1]}`);
    }
    // Global error stays within a modest multiple of the tolerance (solution values are O(1–7)).
    tols.forEach((tol, i) => assert.ok(errs[i] < 2000 * tol, `${alg}: error ${errs[i]} at tol ${tol}`));
  });
}

test('Tsit5 at rtol 1e-10 matches the reference to 1e-8 at every reference time', () => {
  assert.ok(saveatError('Tsit5', 1e-10) < 1e-8);
});

test('Tsit5 work follows OrdinaryDiffEq: nf = 3 + 6·(naccept + nreject)', () => {
  for (const tol of [1e-3, 1e-6, 1e-9]) {
    const s = D.solve(prob, D.Tsit5(), { abstol: tol, reltol: tol });
    assert.is(s.stats.nf, 3 + 6 * (s.stats.naccept + s.stats.nreject));
    assert.is(s.t.length, s.stats.naccept + 1);
  }
});

test('default tolerances are abstol 1e-6, reltol 1e-3', () => {
  const a = D.solve(prob, D.Tsit5());
  const b = D.solve(prob, D.Tsit5(), { abstol: 1e-6, reltol: 1e-3 });
  assert.equal(Array.from(a.t), Array.from(b.t));
  const c = D.solve(prob, D.Tsit5(), { abstol: 1e-6, reltol: 1e-4 });
  assert.ok(c.t.length > a.t.length);
});

test('the default algorithm is AutoTsit5, AutoVern7 below reltol 1e-6 (tests/auto.test.mjs tests the switching)', () => {
  assert.is(D.solve(prob).alg, 'AutoTsit5(Rosenbrock23)');
  assert.is(D.solve(prob, undefined, { reltol: 1e-8, abstol: 1e-8 }).alg, 'AutoVern7(Rodas5P)');
});

for (const [alg, tol, bound] of [['Tsit5', 1e-10, 1e-8], ['DP5', 1e-10, 1e-8], ['Vern7', 1e-11, 1e-9], ['Vern9', 1e-12, 1e-10], ['DP8', 1e-11, 1e-9], ['BS3', 1e-9, 5e-7]]) {
  test(`${alg}: dense output sol.at(t) matches the reference between steps`, () => {
    const sol = D.solve(prob, alg, { abstol: tol, reltol: tol });
    let e = 0;
    refTimes.forEach((t, i) => { e = Math.max(e, maxAbsDiff(sol.at(t), lv.u[i])); });
    assert.ok(e < bound, `${alg}: dense error ${e}`);
    // Exactly at a step the interpolant returns the saved value.
    const k = sol.t.length >> 1;
    assert.equal(Array.from(sol.at(sol.t[k])), Array.from(sol.u[k]));
    const last = sol.t.length - 1;
    assert.ok(maxAbsDiff(sol.at(sol.t[last]), sol.u[last]) < 1e-11);
    assert.is(sol.at(3.3, 1), sol.at(3.3)[1]);
  });
}

test('the dense interpolant is continuous across steps and smooth in θ', () => {
  const sol = D.solve(prob, D.Tsit5(), { abstol: 1e-8, reltol: 1e-8 });
  // Midpoints of steps: compare with a tight solve.
  const tight = D.solve(prob, D.Vern9(), { abstol: 1e-13, reltol: 1e-13 });
  let e = 0;
  for (let i = 0; i + 1 < sol.t.length; i += 7) {
    const tm = (sol.t[i] + sol.t[i + 1]) / 2;
    e = Math.max(e, maxAbsDiff(sol.at(tm), tight.at(tm)));
  }
  assert.ok(e < 1e-6, `midpoint error ${e}`);
});

test('backward integration returns to the initial state', () => {
  const fwd = D.solve(prob, D.Vern9(), { abstol: 1e-12, reltol: 1e-12 });
  const uT = fwd.u[fwd.u.length - 1];
  const back = D.solve(new D.ODEProblem(lotkaVolterra, uT, [10, 0], lvParams), D.Vern9(), { abstol: 1e-12, reltol: 1e-12 });
  assert.is(back.retcode, 'Success');
  assert.is(back.t[back.t.length - 1], 0);
  for (let i = 1; i < back.t.length; i++) assert.ok(back.t[i] < back.t[i - 1]);
  assert.ok(maxAbsDiff(back.u[back.u.length - 1], [1, 1]) < 1e-8);
  assert.ok(maxAbsDiff(back.at(5), lv.u[10]) < 1e-8);
});

test('fixed-step Tsit5 with adaptive: false takes exactly the steps asked for', () => {
  const s = D.solve(prob, D.Tsit5(), { dt: 0.01, adaptive: false });
  assert.is(s.stats.naccept, 1000);
  assert.is(s.stats.nreject, 0);
  assert.is(s.t[s.t.length - 1], 10);
});

test('per-component tolerances are honored', () => {
  const loose = D.solve(prob, D.Tsit5(), { abstol: [1e-3, 1e-3], reltol: [1e-3, 1e-3] });
  const mixed = D.solve(prob, D.Tsit5(), { abstol: [1e-3, 1e-10], reltol: [1e-3, 1e-10] });
  assert.ok(mixed.t.length > 3 * loose.t.length);
  const err = Math.abs(mixed.u[mixed.u.length - 1][1] - lv.u[20][1]);
  assert.ok(err < 1e-6, `${err}`);
});

test('out-of-place f gives the same bits as in-place f', () => {
  const oop = new D.ODEProblem((u, p, t) => [p[0] * u[0] - p[1] * u[0] * u[1], -p[2] * u[1] + p[3] * u[0] * u[1]], [1, 1], [0, 10], lvParams);
  const a = D.solve(prob, D.Tsit5());
  const b = D.solve(oop, D.Tsit5());
  assert.equal(Array.from(a.t), Array.from(b.t));
  assert.equal(Array.from(a.u[a.u.length - 1]), Array.from(b.u[b.u.length - 1]));
});

test.run();
