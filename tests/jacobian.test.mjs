// User-supplied Jacobians (ODEProblem's jac and tgrad, as DifferentialEquations.jl's
// ODEFunction jac/tgrad): called by every Rosenbrock method instead of finite differences or
// AD, counted in njacs, validated, their failures reported clearly, memory released.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, reference } from './helpers.mjs';

const rober = reference.rober;
const K = rober.params;
const roberF = (du, u) => {
  du[0] = -K.k1 * u[0] + K.k3 * u[1] * u[2];
  du[1] = K.k1 * u[0] - K.k2 * u[1] * u[1] - K.k3 * u[1] * u[2];
  du[2] = K.k2 * u[1] * u[1];
};
let jacCalls = 0;
const roberJ = (J, u) => {
  jacCalls++;
  J[0] = -K.k1; J[1] = K.k3 * u[2]; J[2] = K.k3 * u[1];
  J[3] = K.k1; J[4] = -2 * K.k2 * u[1] - K.k3 * u[2]; J[5] = -K.k3 * u[1];
  J[7] = 2 * K.k2 * u[1];
};
const ALGS = ['Rosenbrock23', 'Rosenbrock32', 'Rodas4', 'Rodas5P'];
const opts = { reltol: 1e-6, abstol: 1e-10 };
const withJ = (extra = {}) => new D.ODEProblem(roberF, rober.u0, [0, 1e5], undefined, { inplace: true, jac: roberJ, ...extra });
const plain = () => new D.ODEProblem(roberF, rober.u0, [0, 1e5], undefined, { inplace: true });
const last = (s) => s.u[s.u.length - 1];
const relErr = (a, b) => Math.max(...[0, 2].map((j) => Math.abs(a[j] - b[j]) / Math.abs(b[j])));
const iRef = rober.t.indexOf(1e5);
const STAGES = { Rosenbrock23: 3, Rosenbrock32: 3, Rodas4: 6, Rodas5P: 8 };

/**
 * Evaluations of f outside Jacobians: 2 for the initial step (the first is f(u0)), then per
 * attempt Rosenbrock23 and Rosenbrock32 take 2 (the midpoint and u_n + dt·k2; that is
 * Rosenbrock23's u_{n+1}, whose f is the next f(u_n)), the Rodas methods s − 1; the others
 * evaluate f(u_n) at every accepted state after the first.
 */
function stageEvals(alg, st) {
  const attempts = st.naccept + st.nreject;
  if (alg === 'Rosenbrock23') return 2 + 2 * attempts;
  if (alg === 'Rosenbrock32') return 2 + 2 * attempts + (st.naccept - 1);
  return 2 + (STAGES[alg] - 1) * attempts + (st.naccept - 1);
}

test('jac is called once per Jacobian (njacs), no finite-difference evaluations of f, same answer as finite differences and AD', () => {
  const model = D.ode`
    dy1 = -k1*y1 + k3*y2*y3
    dy2 = k1*y1 - k2*y2*y2 - k3*y2*y3
    dy3 = k2*y2*y2
  `;
  for (const alg of ['Rosenbrock23', 'Rodas4', 'Rodas5P']) {
    jacCalls = 0;
    const a = D.solve(withJ(), alg, opts);
    assert.is(a.retcode, 'Success');
    assert.is(jacCalls, a.stats.njacs, alg);
    assert.ok(a.stats.njacs > 10);
    const b = D.solve(plain(), alg, opts);
    const c = D.solve(new D.ODEProblem(model, rober.u0, [0, 1e5], K), alg, opts);
    // f evaluations: the stages and the initial step, plus one per Jacobian for ∂f/∂t (no
    // tgrad); finite differences take n + 1 = 4 per Jacobian.
    const stageF = (s, perJac) => s.stats.nf - perJac * s.stats.njacs;
    assert.is(stageF(a, 1), stageF(c, 0), `${alg}: same stage evaluations as with AD when the steps are the same`);
    assert.ok(a.stats.nf < b.stats.nf, `${alg}: nf ${a.stats.nf} with jac, ${b.stats.nf} with finite differences`);
    assert.is(b.stats.nf - stageF(b, 4), 4 * b.stats.njacs);
    // The analytic J is AD's to rounding: the same steps, the same answer.
    assert.is(a.stats.naccept, c.stats.naccept, alg);
    for (const s of [a, b, c]) assert.ok(relErr(last(s), rober.u[iRef]) < 1e-4, `${alg}: ${last(s)}`);
    assert.ok(relErr(last(a), last(c)) < 1e-9, alg);
  }
  assert.is(D.memoryInUse(), 0);
});

test('a compiled model with jac: the user’s J replaces AD', () => {
  const model = D.ode`
    dy1 = -k1*y1 + k3*y2*y3
    dy2 = k1*y1 - k2*y2*y2 - k3*y2*y3
    dy3 = k2*y2*y2
  `;
  jacCalls = 0;
  const a = D.solve(new D.ODEProblem(model, rober.u0, [0, 1e5], K, { jac: roberJ }), 'Rodas5P', opts);
  assert.is(a.retcode, 'Success');
  assert.is(jacCalls, a.stats.njacs);
  const ad = D.solve(new D.ODEProblem(model, rober.u0, [0, 1e5], K), 'Rodas5P', opts);
  // One more f per Jacobian (∂f/∂t by a difference), otherwise AD's steps.
  assert.is(a.stats.nf, ad.stats.nf + a.stats.njacs);
  assert.ok(relErr(last(a), last(ad)) < 1e-9);
});

test('tgrad replaces the finite difference in t: no extra evaluation of f', () => {
  // Prothero–Robinson u' = λ(u − sin t) + cos t: ∂f/∂t = −λ cos t − sin t.
  const lam = -1e4;
  let tg = 0;
  const f = (du, u, p, t) => { du[0] = lam * (u[0] - Math.sin(t)) + Math.cos(t); };
  const jac = (J) => { J[0] = lam; };
  const tgrad = (dT, u, p, t) => { tg++; dT[0] = -lam * Math.cos(t) - Math.sin(t); };
  for (const alg of ALGS) {
    tg = 0;
    const both = D.solve(new D.ODEProblem(f, [0], [0, 2], undefined, { inplace: true, jac, tgrad }), alg, { reltol: 1e-6, abstol: 1e-8 });
    const onlyJ = D.solve(new D.ODEProblem(f, [0], [0, 2], undefined, { inplace: true, jac }), alg, { reltol: 1e-6, abstol: 1e-8 });
    assert.is(both.retcode, 'Success', alg);
    assert.is(tg, both.stats.njacs, alg);
    assert.ok(Math.abs(last(both)[0] - Math.sin(2)) < 1e-5, `${alg}: ${last(both)[0]}`);
    assert.ok(Math.abs(last(onlyJ)[0] - Math.sin(2)) < 1e-5, `${alg}: ${last(onlyJ)[0]}`);
    // Evaluations of f: the stages and the initial step only; without tgrad one more per
    // Jacobian (∂f/∂t by one difference); with tgrad alone n = 1 more (J by differences).
    assert.is(both.stats.nf, stageEvals(alg, both.stats), alg);
    assert.is(onlyJ.stats.nf, stageEvals(alg, onlyJ.stats) + onlyJ.stats.njacs, alg);
    // tgrad alone: J by finite differences (n evaluations), ∂f/∂t from tgrad.
    tg = 0;
    const onlyT = D.solve(new D.ODEProblem(f, [0], [0, 2], undefined, { inplace: true, tgrad }), alg, { reltol: 1e-6, abstol: 1e-8 });
    assert.is(onlyT.retcode, 'Success');
    assert.is(tg, onlyT.stats.njacs);
    assert.is(onlyT.stats.nf, stageEvals(alg, onlyT.stats) + onlyT.stats.njacs, alg);
    assert.ok(Math.abs(last(onlyT)[0] - Math.sin(2)) < 1e-5);
  }
  assert.is(D.memoryInUse(), 0);
});

test('jac may return the matrix (rows or n² values) instead of filling J', () => {
  const rows = (J, u) => [
    [-K.k1, K.k3 * u[2], K.k3 * u[1]],
    [K.k1, -2 * K.k2 * u[1] - K.k3 * u[2], -K.k3 * u[1]],
    [0, 2 * K.k2 * u[1], 0],
  ];
  const flat = (J, u) => rows(J, u).flat();
  const ref = D.solve(withJ(), 'Rodas5P', opts);
  for (const jac of [rows, flat]) {
    const s = D.solve(new D.ODEProblem(roberF, rober.u0, [0, 1e5], undefined, { inplace: true, jac }), 'Rodas5P', opts);
    assert.equal(Array.from(last(s)), Array.from(last(ref)));
    assert.equal(s.stats, ref.stats);
  }
});

test('a wrong jac costs steps (or accuracy) but ends in a retcode, never a crash', () => {
  // J with the sign of the stiff entry flipped: W is far from M − dt·γ·∂f/∂u.
  const wrong = (J, u) => { roberJ(J, u); J[4] = -J[4]; };
  for (const alg of ['Rosenbrock23', 'Rodas5P']) {
    const good = D.solve(withJ(), alg, opts);
    const bad = D.solve(new D.ODEProblem(roberF, rober.u0, [0, 1e5], undefined, { inplace: true, jac: wrong }), alg, { ...opts, maxiters: 20000 });
    assert.ok(['Success', 'MaxIters', 'DtLessThanMin', 'Unstable'].includes(bad.retcode), bad.retcode);
    const steps = (s) => s.stats.naccept + s.stats.nreject;
    assert.ok(steps(bad) > 2 * steps(good), `${alg}: ${steps(bad)} steps with a wrong J, ${steps(good)} with the right one`);
    for (const u of bad.u) assert.ok(u.every(Number.isFinite));
  }
  // A Rosenbrock23 (a W-method) with J = 0 is a linearly implicit Euler-like explicit scheme:
  // on a non-stiff problem it still converges.
  const lv = (du, u) => { du[0] = 1.5 * u[0] - u[0] * u[1]; du[1] = -3 * u[1] + u[0] * u[1]; };
  const zeroJ = D.solve(new D.ODEProblem(lv, [1, 1], [0, 10], undefined, { inplace: true, jac: () => {} }), 'Rosenbrock23', { reltol: 1e-6, abstol: 1e-8 });
  const exact = reference.lotka_volterra.u[reference.lotka_volterra.t.indexOf(10)];
  assert.is(zeroJ.retcode, 'Success');
  assert.ok(Math.max(...[0, 1].map((j) => Math.abs(last(zeroJ)[j] - exact[j]))) < 1e-3, String(last(zeroJ)));
  // A NaN in J: Unstable, as for a non-finite finite-difference Jacobian.
  const nan = D.solve(new D.ODEProblem(roberF, rober.u0, [0, 1], undefined, { inplace: true, jac: (J) => { J[0] = NaN; } }), 'Rodas4');
  assert.is(nan.retcode, 'Unstable');
  assert.is(D.memoryInUse(), 0);
});

test('jac and tgrad are validated; a throwing or malformed jac is a clear error and frees memory', () => {
  assert.throws(() => withJ({ jac: 3 }), /ODEProblem: jac must be a function \(J, u, p, t\)/);
  assert.throws(() => withJ({ jac: null }), /jac must be a function .* got null/);
  assert.throws(() => withJ({ tgrad: [1, 2, 3] }), /ODEProblem: tgrad must be a function \(dT, u, p, t\)/);
  for (const alg of ALGS) {
    const boom = withJ({ jac: (J, u, p, t) => { if (t > 1) throw new Error('jac boom'); roberJ(J, u); } });
    assert.throws(() => D.solve(boom, alg, opts), (e) => /solve: jac failed at t = .*: jac boom/.test(e.message) && e.cause?.message === 'jac boom');
    assert.is(D.memoryInUse(), 0);
    assert.throws(() => D.solve(withJ({ jac: () => [1, 2] }), alg), /jac returned an array of 2; it must fill J \(3×3, row-major\) in place and return nothing, or return 3 rows of 3 numbers or 9 numbers row by row/);
    assert.throws(() => D.solve(withJ({ jac: () => 7 }), alg), /jac returned number/);
    assert.throws(() => D.solve(withJ({ jac: () => [[1, 2, 3], [4, 5], [6, 7, 8]] }), alg), /jac returned an array of 3/);
    assert.throws(() => D.solve(withJ({ tgrad: () => { throw new RangeError('tg'); } }), alg), /solve: tgrad failed at t = 0: tg/);
    assert.throws(() => D.solve(withJ({ tgrad: () => [1] }), alg), /tgrad returned an array of 1; it must fill dT in place and return nothing, or return 3 numbers/);
    assert.is(D.memoryInUse(), 0);
  }
  // Explicit methods never call it.
  assert.is(D.solve(withJ({ jac: () => { throw new Error('never'); } }), 'Tsit5', { saveEverystep: false, maxiters: 10 }).retcode, 'MaxIters');
});

test('finite differences: an entry a small step loses to rounding is taken again with a larger step', () => {
  // u1 = 0 with abstol 1e-12: the column step is 1e-12·√ε, and u0 + u1 + h − 1 with u0 = 1
  // rounds it away. Without the retry ∂f0/∂u1 would read 0 instead of −1000 and the W-matrix
  // would be wrong; with it the fixed-dt Rodas5P solution is the one with the exact Jacobian.
  let calls = 0;
  const f = (du, u) => { calls++; du[0] = -1000 * (u[0] + u[1] - 1); du[1] = 1 - u[1]; };
  const jac = (J) => { J[0] = -1000; J[1] = -1000; J[2] = 0; J[3] = -1; };
  const o = { dt: 1e-3, adaptive: false, reltol: 1e-12, abstol: 1e-12, saveEverystep: false };
  const fd = D.solve(new D.ODEProblem(f, [1, 0], [0, 1e-3], undefined, { inplace: true }), 'Rodas5P', o);
  const ex = D.solve(new D.ODEProblem(f, [1, 0], [0, 1e-3], undefined, { inplace: true, jac }), 'Rodas5P', o);
  assert.is(fd.retcode, 'Success');
  assert.is(fd.stats.njacs, 1);
  // f(u0), 7 stages, 2 columns and ∂f/∂t, and one retried column (u1's).
  assert.is(fd.stats.nf, 1 + 7 + 3 + 1);
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(last(fd)[j] - last(ex)[j]) < 1e-12, `u${j}: ${last(fd)[j]} vs ${last(ex)[j]}`);
  // u1 = 1 − e^(−t) exactly (its equation is decoupled).
  assert.ok(Math.abs(last(fd)[1] - (1 - Math.exp(-1e-3))) < 1e-9);
  assert.is(D.memoryInUse(), 0);
});

test('finite differences: structural zeros are not retried at every Jacobian', () => {
  // ROBER's f3 = k2·y2² does not depend on y1 or y3: once y1 < 1, those columns' row 3 reads
  // exactly 0 from the small step and from the larger one. Such a column skips its retries for
  // the next 8 Jacobians, so the retries stay well below the 2 per Jacobian they would cost.
  const sol = D.solve(plain(), 'Rosenbrock23', opts);
  assert.is(sol.retcode, 'Success');
  const st = sol.stats;
  const attempts = st.naccept + st.nreject;
  // f(u0) and the initial-step estimate, 2 per attempt, n + 1 per Jacobian, then the retries.
  const retries = st.nf - (2 + 2 * attempts + 4 * st.njacs);
  assert.ok(retries >= 1 && retries < 0.5 * st.njacs, `${retries} retries for ${st.njacs} Jacobians`);
  assert.ok(relErr(last(sol), rober.u[iRef]) < 1e-3);
  assert.is(D.memoryInUse(), 0);
});

test.run();
