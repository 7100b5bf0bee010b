// ForwardDiffSensitivity: dual numbers carried through the solver by the engine. With the
// error norm on u alone, an explicit method takes exactly the plain solve's steps, and the
// tangents are the derivative of that computed solution (checked against central differences
// of the same discrete program, steps held fixed). Also: chunking, du0, the final-time loss
// form, stiff methods, O(1) memory in the span, and errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, net50Model, NET50_U0, net50Params, relErr, fdGradient, lvModel as lv, roberModel as rober } from './helpers.mjs';

const LV_P = [1.5, 1, 3, 1];
const LV_U0 = [1, 1];
const ROBER_P = [0.04, 3e7, 1e4];

const sumSaved = (sol) => sol.u.reduce((acc, x) => acc + x.reduce((a, b) => a + b, 0), 0);
const TIGHT = { reltol: 1e-10, abstol: 1e-10 };

test('explicit methods: the dual solve takes the plain solve\'s steps, bit for bit', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  for (const alg of [D.Tsit5(), D.Vern7(), D.DP5(), D.BS3()]) {
    const plain = D.solve(prob, alg, { reltol: 1e-7, abstol: 1e-7 });
    const r = D.sensitivity(prob, alg, { reltol: 1e-7, abstol: 1e-7, sensealg: D.ForwardDiffSensitivity(), du0: true });
    assert.is(r.retcode, 'Success');
    assert.is(r.t.length, plain.t.length, alg.name);
    assert.ok(plain.t.every((t, k) => t === r.t[k]), `${alg.name}: step times`);
    assert.ok(plain.u.every((x, k) => x[0] === r.u[k][0] && x[1] === r.u[k][1]), `${alg.name}: states`);
    // S(t0) = [0 | I].
    assert.equal(Array.from(r.S[0]), new Array(8).fill(0));
    assert.equal(Array.from(r.Su0[0]), [1, 0, 0, 1]);
  }
  assert.is(D.memoryInUse(), 0);
});

test('the derivative of the computed solution: central differences of the same steps (Tsit5, 1e-8)', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const opts = { reltol: 1e-6, abstol: 1e-6 };
  const g = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.ForwardDiffSensitivity() });
  const steps = D.solve(prob, D.Tsit5(), opts).t;
  assert.equal(Array.from(g.t), Array.from(steps));
  // The discrete program with these steps held fixed: dt larger than any step, every step
  // time a tstop, so each step ends exactly where the adaptive solve's did.
  const fixed = (p, u0 = LV_U0) => D.solve(new D.ODEProblem(lv, u0, [0, 10], p), D.Tsit5(), { adaptive: false, dt: 100, tstops: steps.slice(1) });
  const check = fixed(LV_P);
  assert.equal(Array.from(check.t), Array.from(steps));
  const fdp = fdGradient(LV_P, (p) => sumSaved(fixed(p)), 1e-5);
  const fdu = fdGradient(LV_U0, (u0) => sumSaved(fixed(LV_P, u0)), 1e-5);
  assert.ok(relErr(g.dp, fdp) < 1e-8, `dp ${g.dp} vs ${fdp}: ${relErr(g.dp, fdp)}`);
  assert.ok(relErr(g.du0, fdu) < 1e-8, `du0 ${g.du0} vs ${fdu}`);
  assert.ok(Math.abs(g.loss - sumSaved(check)) < 1e-14 * Math.abs(g.loss));
  assert.is(D.memoryInUse(), 0);
});

test('agrees with ForwardSensitivity and with differences of the solve at reltol 1e-10 (LV, l2 loss)', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const saveat = [1, 2.5, 5, 7.5, 10];
  const data = saveat.map((t) => [1 + 0.1 * t, 2 - 0.1 * t]);
  const opts = { ...TIGHT, saveat, loss: { l2: data } };
  const a = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.ForwardDiffSensitivity() });
  const b = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.ForwardSensitivity() });
  const l2 = (sol) => sol.u.reduce((acc, x, k) => acc + (x[0] - data[k][0]) ** 2 + (x[1] - data[k][1]) ** 2, 0);
  const fd = fdGradient(LV_P, (p) => l2(D.solve(new D.ODEProblem(lv, LV_U0, [0, 10], p), D.Tsit5(), { reltol: 1e-12, abstol: 1e-12, saveat })), 1e-5);
  assert.ok(relErr(a.dp, b.dp) < 1e-7, `dual vs symbolic: ${relErr(a.dp, b.dp)}`);
  assert.ok(relErr(a.dp, fd) < 1e-6, `dual vs FD: ${relErr(a.dp, fd)}`);
  assert.ok(relErr(a.du0, b.du0) < 1e-7);
  assert.ok(Math.abs(a.loss - b.loss) < 1e-8 * Math.abs(b.loss));
  assert.is(a.sensealg, 'ForwardDiffSensitivity');
  assert.is(D.memoryInUse(), 0);
});

test('chunks: any chunkSize gives the same bits as one solve with every lane', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 5], LV_P);
  const opts = { reltol: 1e-8, abstol: 1e-8, saveat: 1 };
  const all = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.ForwardDiffSensitivity() });
  for (const chunkSize of [1, 3, 4, 5]) {
    const c = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.ForwardDiffSensitivity({ chunkSize }) });
    assert.equal(Array.from(c.dp), Array.from(all.dp), `chunkSize ${chunkSize}`);
    assert.equal(Array.from(c.du0), Array.from(all.du0), `chunkSize ${chunkSize}`);
  }
  assert.is(D.memoryInUse(), 0);
});

test('the 50-parameter model: dual, symbolic and central differences agree', () => {
  const p = net50Params();
  const prob = new D.ODEProblem(net50Model, NET50_U0, [0, 5], p);
  const opts = { ...TIGHT, saveat: 1 };
  const a = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.ForwardDiffSensitivity() });
  const b = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.ForwardSensitivity() });
  assert.is(a.dp.length, 50);
  const flat = net50Model.paramVector(p);
  const fd = fdGradient(Array.from(flat), (q) => sumSaved(D.solve(new D.ODEProblem(net50Model, NET50_U0, [0, 5], Float64Array.from(q)), D.Tsit5(), { reltol: 1e-12, abstol: 1e-12, saveat: 1 })), 1e-5);
  assert.ok(relErr(a.dp, b.dp, 1e-6) < 1e-6, `dual vs symbolic: ${relErr(a.dp, b.dp, 1e-6)}`);
  assert.ok(relErr(a.dp, fd, 1e-6) < 1e-5, `dual vs FD: ${relErr(a.dp, fd, 1e-6)}`);
  assert.is(D.memoryInUse(), 0);
});

test('stiff methods carry the tangents too (ROBER, weighted loss against ForwardSensitivity)', () => {
  const prob = new D.ODEProblem(rober, [1, 0, 0], [0, 100], ROBER_P);
  const loss = (u, t, i, g) => { g[0] = 1; g[1] = 1e4; return u[0] + 1e4 * u[1]; };
  const opts = { reltol: 1e-9, abstol: 1e-12, saveat: [1, 10, 100], loss };
  const ref = D.gradient(prob, D.Rodas5P(), { ...opts, sensealg: D.ForwardSensitivity() });
  for (const alg of [D.Rodas5P(), D.FBDF(), D.RadauIIA5(), D.KenCarp4()]) {
    const g = D.gradient(prob, alg, { ...opts, sensealg: D.ForwardDiffSensitivity() });
    assert.ok(relErr(g.dp, ref.dp) < 1e-5, `${alg.name}: ${g.dp} vs ${ref.dp}: ${relErr(g.dp, ref.dp)}`);
  }
  assert.is(D.memoryInUse(), 0);
});

test('the final-time loss form reads u(t1) only', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 3], LV_P);
  const final = (p) => D.solve(new D.ODEProblem(lv, LV_U0, [0, 3], p), D.Tsit5(), { reltol: 1e-12, abstol: 1e-12, saveat: [3] }).u[0];
  const target = [0.5, 2];
  const cases = [
    ['sum', (u) => u[0] + u[1]],
    [{ l2: target }, (u) => (u[0] - target[0]) ** 2 + (u[1] - target[1]) ** 2],
    [(u, t, i, g) => { g[0] = 2 * u[0] * u[1]; g[1] = u[0] * u[0]; assert.is(t, 3); assert.is(i, 0); return u[0] * u[0] * u[1]; }, (u) => u[0] * u[0] * u[1]],
  ];
  for (const [final_, value] of cases) {
    for (const sensealg of [D.ForwardSensitivity(), D.ForwardDiffSensitivity()]) {
      const g = D.gradient(prob, D.Tsit5(), { ...TIGHT, loss: { final: final_ }, sensealg });
      assert.equal(Array.from(g.t), [3]);
      const fd = fdGradient(LV_P, (p) => value(final(p)), 1e-5);
      assert.ok(relErr(g.dp, fd) < 1e-6, `${sensealg.name} ${JSON.stringify(final_)}: ${g.dp} vs ${fd}`);
      assert.ok(Math.abs(g.loss - value(final(LV_P))) < 1e-8);
    }
  }
  assert.throws(() => D.gradient(prob, D.Tsit5(), { loss: { final: 'sum' }, saveat: 1 }), /final: … \} loss reads u at the end of the span only; leave saveat out/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { loss: { final: 'mean' } }), /unknown loss/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { loss: { final: { l2: [1] } } }), /loss.final.l2 must have 2 values/);
  assert.is(D.memoryInUse(), 0);
});

test('memory: forward modes hold no history (peak independent of the span)', () => {
  for (const sensealg of [D.ForwardSensitivity(), D.ForwardDiffSensitivity()]) {
    const peak = [10, 1000].map((t1) => D.gradient(new D.ODEProblem(lv, LV_U0, [0, t1], LV_P), D.Tsit5(), { reltol: 1e-8, abstol: 1e-8, loss: { final: 'sum' }, sensealg }).peakBytes);
    assert.ok(peak[0] > 0);
    assert.ok(peak[1] <= 1.5 * peak[0], `${sensealg.name}: ${peak}`);
  }
  assert.is(D.memoryInUse(), 0);
});

test('errors: a JavaScript f, a failed solve, chunkSize', () => {
  const jsf = (du, u, p) => { du[0] = -p[0] * u[0]; };
  assert.throws(() => D.sensitivity(new D.ODEProblem(jsf, [1], [0, 1], [1]), D.Tsit5(), { sensealg: D.ForwardDiffSensitivity() }), /ForwardDiffSensitivity needs an `ode` model/);
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const r = D.sensitivity(prob, D.Tsit5(), { maxiters: 5, sensealg: D.ForwardDiffSensitivity() });
  assert.is(r.retcode, 'MaxIters');
  let err;
  try { D.gradient(prob, D.Tsit5(), { maxiters: 5, sensealg: D.ForwardDiffSensitivity({ chunkSize: 2 }) }); } catch (e) { err = e; }
  assert.instance(err, D.GradientSolveError);
  assert.is(err.retcode, 'MaxIters');
  assert.throws(() => D.ForwardDiffSensitivity({ chunkSize: 1.5 }), /chunkSize must be a positive whole number, got 1.5/);
  assert.throws(() => D.ForwardDiffSensitivity({ chunk: 2 }), /unknown option chunk/);
  assert.is(D.memoryInUse(), 0);
});

test.run();
