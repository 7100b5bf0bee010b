// Continuous adjoints (BacksolveAdjoint, InterpolatingAdjoint with and without checkpoints,
// QuadratureAdjoint) against central finite differences of the solve and against the forward
// sensitivities, on Lotka–Volterra, ROBER (a stiff method backwards) and the 50-parameter
// model; their memory as the span grows; bad checkpoints and failed solves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, net50Model, NET50_U0, net50Params, relErr, fdGradient, lvModel as lv, roberModel as rober } from './helpers.mjs';

const LV_P = [1.5, 1, 3, 1];
const LV_U0 = [1, 1];
const ROBER_P = [0.04, 3e7, 1e4];
const ROBER_U0 = [1, 0, 0];

const ADJOINTS = [
  ['BacksolveAdjoint', () => D.BacksolveAdjoint()],
  ['BacksolveAdjoint without checkpoints', () => D.BacksolveAdjoint({ checkpointing: false })],
  ['InterpolatingAdjoint', () => D.InterpolatingAdjoint()],
  ['InterpolatingAdjoint with checkpoints', () => D.InterpolatingAdjoint({ checkpointing: true })],
  ['QuadratureAdjoint', () => D.QuadratureAdjoint()],
];

const l2 = (data) => (sol) => sol.u.reduce((acc, x, k) => acc + x.reduce((a, v, i) => a + (v - data[k][i]) ** 2, 0), 0);

/**
 * Every adjoint's dp and du0 against central differences of the solve (`lossOf` reads the
 * solution) and against ForwardSensitivity; returns the largest errors for the record.
 */
function checkAll(name, prob, alg, opts, lossOf, fdOpts, hrel, which = ADJOINTS) {
  const { model, tspan } = prob;
  const u0 = Array.from(prob.u0);
  const p = Array.from(prob.paramVector);
  const at = (pp, uu) => lossOf(D.solve(new D.ODEProblem(model, uu, tspan, pp), alg, fdOpts));
  const fdp = fdGradient(p, (pp) => at(pp, u0), hrel);
  const fdu = fdGradient(u0, (uu) => at(p, uu), hrel);
  const ref = D.gradient(new D.ODEProblem(model, u0, tspan, p), alg, { ...opts, sensealg: D.ForwardSensitivity() });
  assert.ok(relErr(ref.dp, fdp) < 1e-5, `${name}: ForwardSensitivity dp ${ref.dp} vs ${fdp}`);
  for (const [label, make] of which) {
    const g = D.gradient(new D.ODEProblem(model, u0, tspan, p), alg, { ...opts, sensealg: make() });
    assert.is(g.retcode, 'Success');
    assert.is(g.sensealg, make().name);
    assert.ok(Math.abs(g.loss - ref.loss) <= 1e-8 * Math.abs(ref.loss), `${name} ${label}: loss ${g.loss} vs ${ref.loss}`);
    assert.ok(relErr(g.dp, fdp) < 1e-5, `${name} ${label}: dp ${g.dp} vs finite differences ${fdp}`);
    assert.ok(relErr(g.du0, fdu) < 1e-5, `${name} ${label}: du0 ${g.du0} vs finite differences ${fdu}`);
    assert.ok(relErr(g.dp, ref.dp) < 1e-5, `${name} ${label}: dp ${g.dp} vs ForwardSensitivity ${ref.dp}`);
    assert.ok(relErr(g.du0, ref.du0) < 1e-5, `${name} ${label}: du0 ${g.du0} vs ForwardSensitivity ${ref.du0}`);
    assert.is(D.memoryInUse(), 0);
  }
}

const TIGHT = { reltol: 1e-10, abstol: 1e-10 };
const FD_TIGHT = { reltol: 1e-12, abstol: 1e-12 };
const LV_DATA = Array.from({ length: 11 }, (_, k) => [1 + 0.5 * Math.sin(k), 1 + 0.5 * Math.cos(k)]);

test('Lotka–Volterra, l2 loss over saveat 1: every adjoint matches finite differences and ForwardSensitivity', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  checkAll('LV l2', prob, D.Tsit5(), { ...TIGHT, saveat: 1, loss: { l2: LV_DATA } }, l2(LV_DATA), { ...FD_TIGHT, saveat: 1 }, 1e-5);
});

test('Lotka–Volterra, { final: l2 } loss: every adjoint matches finite differences and ForwardSensitivity', () => {
  const target = [2, 0.5];
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const lossOf = (sol) => { const u = sol.u[sol.u.length - 1]; return (u[0] - target[0]) ** 2 + (u[1] - target[1]) ** 2; };
  checkAll('LV final', prob, D.Vern7(), { ...TIGHT, loss: { final: { l2: target } } }, lossOf, { ...FD_TIGHT, saveat: [10] }, 1e-5);
});

test('50-parameter model: every adjoint matches finite differences and ForwardSensitivity', () => {
  const prob = new D.ODEProblem(net50Model, NET50_U0, [0, 4], net50Params());
  const sum = (sol) => sol.u.reduce((acc, x) => acc + x[0] + x[1], 0);
  // Backwards, u' = f is unstable here (the model contracts by −u/4): without checkpoints
  // the backsolved state drifts, which the next test measures.
  checkAll('net50', prob, D.Tsit5(), { ...TIGHT, saveat: 0.5 }, sum, { ...FD_TIGHT, saveat: 0.5 }, 1e-5,
    ADJOINTS.filter(([label]) => label !== 'BacksolveAdjoint without checkpoints'));
});

test('50-parameter model: BacksolveAdjoint drifts without checkpoints; checkpoints given explicitly stop it', () => {
  const prob = new D.ODEProblem(net50Model, NET50_U0, [0, 4], net50Params());
  const opts = { ...TIGHT, saveat: [4] };
  const ref = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.ForwardSensitivity() });
  const free = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.BacksolveAdjoint({ checkpointing: false }) });
  const held = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.BacksolveAdjoint({ checkpoints: [0.5, 1, 1.5, 2, 2.5, 3, 3.5] }) });
  const interp = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.InterpolatingAdjoint({ checkpointing: true, checkpoints: [1, 2, 3] }) });
  assert.ok(relErr(free.dp, ref.dp) > 1e-7, `without checkpoints the drift shows: ${relErr(free.dp, ref.dp)}`);
  assert.ok(relErr(held.dp, ref.dp) < 1e-7, `checkpointed backsolve: ${relErr(held.dp, ref.dp)}`);
  assert.ok(relErr(interp.dp, ref.dp) < 1e-7, `checkpointed interpolation: ${relErr(interp.dp, ref.dp)}`);
  assert.ok(relErr(interp.du0, ref.du0) < 1e-7);
  assert.is(D.memoryInUse(), 0);
});

test('ROBER with Rodas5P backwards: the interpolating and quadrature adjoints match finite differences', () => {
  const save = [1, 10, 100];
  const data = [[0.97, 3e-5, 0.03], [0.84, 1.6e-5, 0.16], [0.62, 6e-6, 0.38]];
  const prob = new D.ODEProblem(rober, ROBER_U0, [0, 100], ROBER_P);
  const only = ADJOINTS.filter(([label]) => !label.startsWith('Backsolve'));
  checkAll('ROBER', prob, D.Rodas5P(), { reltol: 1e-10, abstol: 1e-14, saveat: save, loss: { l2: data } }, l2(data),
    { reltol: 1e-12, abstol: 1e-16, saveat: save }, 1e-4, only);
});

test('ROBER: a loss weighting y2 alone, with FBDF, KenCarp4, RadauIIA5 and the default algorithm backwards, agrees with ForwardSensitivity', () => {
  const prob = new D.ODEProblem(rober, ROBER_U0, [0, 10], ROBER_P);
  const loss = (u, _t, _i, g) => { g[1] = 1e4; return 1e4 * u[1]; };
  const opts = { reltol: 1e-9, abstol: 1e-14, saveat: 1, loss };
  const ref = D.gradient(prob, D.Rodas5P(), { ...opts, reltol: 1e-11, sensealg: D.ForwardSensitivity() });
  for (const alg of [D.FBDF(), D.KenCarp4(), D.RadauIIA5(), undefined]) {
    for (const make of [() => D.InterpolatingAdjoint(), () => D.InterpolatingAdjoint({ checkpointing: true }), () => D.QuadratureAdjoint()]) {
      const g = D.gradient(prob, alg, { ...opts, sensealg: make() });
      assert.ok(relErr(g.dp, ref.dp) < 1e-4, `${alg?.name ?? 'default'} ${g.sensealg}: dp ${g.dp} vs ${ref.dp}: ${relErr(g.dp, ref.dp)}`);
    }
  }
  assert.is(D.memoryInUse(), 0);
});

test('ROBER: BacksolveAdjoint works on a short span and fails with GradientSolveError where u backwards blows up', () => {
  const loss = (u, _t, _i, g) => { g[1] = 1e4; return 1e4 * u[1]; };
  const save = Array.from({ length: 11 }, (_, k) => k * 0.01);
  const short = new D.ODEProblem(rober, ROBER_U0, [0, 0.1], ROBER_P);
  const opts = { reltol: 1e-10, abstol: 1e-14, saveat: save, loss };
  const ref = D.gradient(short, D.Rodas5P(), { ...opts, sensealg: D.ForwardSensitivity() });
  const g = D.gradient(short, D.Rodas5P(), { ...opts, sensealg: D.BacksolveAdjoint() });
  const at = (p) => D.solve(new D.ODEProblem(rober, ROBER_U0, [0, 0.1], p), D.Rodas5P(), { reltol: 1e-12, abstol: 1e-16, saveat: save })
    .u.reduce((a, x) => a + 1e4 * x[1], 0);
  assert.ok(relErr(g.dp, fdGradient(ROBER_P, at, 1e-4)) < 1e-5, `dp ${g.dp}`);
  assert.ok(relErr(g.dp, ref.dp) < 1e-5);
  // Over [0, 10] the fast mode grows like e^{2000 t} backwards: the backward solve fails.
  const long = new D.ODEProblem(rober, ROBER_U0, [0, 10], ROBER_P);
  let err;
  try { D.gradient(long, D.Rodas5P(), { reltol: 1e-8, abstol: 1e-12, saveat: 1, loss, sensealg: D.BacksolveAdjoint() }); } catch (e) { err = e; }
  assert.instance(err, D.GradientSolveError);
  assert.is(err.retcode, 'Unstable');
  assert.ok(err.t < 10 && err.t > 0, `failed at t = ${err.t}`);
  // Over [0, 1] with a checkpoint every 0.1 the backward u stays finite but comes apart
  // between checkpoints: the reset at the first one reports it instead of a meaningless λ.
  err = undefined;
  const mid = new D.ODEProblem(rober, ROBER_U0, [0, 1], ROBER_P);
  try { D.gradient(mid, D.Rodas5P(), { reltol: 1e-10, abstol: 1e-12, saveat: 0.1, loss, sensealg: D.BacksolveAdjoint() }); } catch (e) { err = e; }
  assert.instance(err, D.GradientSolveError);
  assert.is(err.retcode, 'Unstable');
  assert.is(err.t, 0.9);
  assert.match(err.message, /BacksolveAdjoint's backward state u left the forward solution .* use InterpolatingAdjoint or QuadratureAdjoint/);
  assert.is(D.memoryInUse(), 0);
});

test('fixed steps, a span solved backwards in time, per-component tolerances, tstops, automatic switching: adjoints agree with ForwardSensitivity', () => {
  const cases = [
    ['fixed dt', [0, 10], D.RK4(), { adaptive: false, dt: 0.001, saveat: 1 }],
    ['tspan [10, 0]', [10, 0], D.Tsit5(), { ...TIGHT, saveat: 1 }],
    ['vector tolerances', [0, 10], D.Tsit5(), { reltol: [1e-10, 1e-9], abstol: [1e-10, 1e-10], saveat: 1 }],
    ['tstops', [0, 10], D.Tsit5(), { ...TIGHT, saveat: 1, tstops: [2.5, 7.5] }],
    ['AutoTsit5(Rosenbrock23())', [0, 10], D.AutoTsit5(D.Rosenbrock23()), { reltol: 1e-9, abstol: 1e-9, saveat: 1 }],
  ];
  for (const [label, tspan, alg, opts] of cases) {
    const prob = new D.ODEProblem(lv, LV_U0, tspan, LV_P);
    const ref = D.gradient(prob, alg, { ...opts, sensealg: D.ForwardSensitivity() });
    const checkpoints = tspan[0] < tspan[1] ? [3, 6] : [6, 3];
    for (const s of [D.BacksolveAdjoint(), D.InterpolatingAdjoint(), D.InterpolatingAdjoint({ checkpointing: true, checkpoints }), D.QuadratureAdjoint()]) {
      const g = D.gradient(prob, alg, { ...opts, sensealg: s });
      assert.ok(relErr(g.dp, ref.dp) < 1e-6, `${label} ${s.name}: dp ${g.dp} vs ${ref.dp}`);
      assert.ok(relErr(g.du0, ref.du0) < 1e-6, `${label} ${s.name}: du0 ${g.du0} vs ${ref.du0}`);
    }
  }
  assert.is(D.memoryInUse(), 0);
});

test('the default sensealg above 100 states + parameters is the checkpointed InterpolatingAdjoint, and it is right', () => {
  const net = D.ode({ params: ['W1', 'b1', 'W2'], dims: { u: 2, W1: [30, 2], b1: 30, W2: [2, 30] } })`
    du = W2*tanh(W1*u + b1) - u/4
  `;
  const p = {
    W1: Array.from({ length: 30 }, (_, i) => [0.5 * Math.sin(i + 1), 0.5 * Math.cos(2 * i + 1)]),
    b1: Array.from({ length: 30 }, (_, i) => 0.1 * Math.sin(3 * i)),
    W2: [0, 1].map((r) => Array.from({ length: 30 }, (_, j) => (r ? 0.4 : -0.4) * Math.sin(0.7 * j + r))),
  };
  const prob = new D.ODEProblem(net, NET50_U0, [0, 2], p);
  const opts = { ...TIGHT, saveat: 0.5 };
  const g = D.gradient(prob, D.Tsit5(), opts);
  assert.is(g.sensealg, 'InterpolatingAdjoint');
  assert.is(g.dp.length, 150);
  const ref = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.ForwardSensitivity() });
  assert.ok(relErr(g.dp, ref.dp, 1e-8) < 1e-6, `dp vs ForwardSensitivity: ${relErr(g.dp, ref.dp, 1e-8)}`);
  assert.ok(relErr(g.du0, ref.du0) < 1e-6);
  assert.is(D.memoryInUse(), 0);
});

test('memory: BacksolveAdjoint does not grow with the span; checkpointed InterpolatingAdjoint grows by its checkpoints only', () => {
  const peak = (span, sensealg) => {
    const prob = new D.ODEProblem(lv, LV_U0, [0, span], LV_P);
    const g = D.gradient(prob, D.Tsit5(), { reltol: 1e-8, abstol: 1e-8, loss: { final: 'sum' }, sensealg });
    assert.is(D.memoryInUse(), 0);
    return g.peakBytes;
  };
  const spans = [10, 100, 1000];
  const back = spans.map((s) => peak(s, D.BacksolveAdjoint()));
  assert.ok(back[2] <= 1.5 * back[0], `BacksolveAdjoint peaks ${back}`);
  // One checkpoint per unit of time: ×100 has 100× the checkpoints.
  const every = (s) => Array.from({ length: s - 1 }, (_, i) => i + 1);
  const cp = spans.map((s) => peak(s, D.InterpolatingAdjoint({ checkpointing: true, checkpoints: every(s) })));
  const dense = spans.map((s) => peak(s, D.InterpolatingAdjoint()));
  // A checkpoint's state is n values plus its time: the forward pass stores them (and the
  // list of times), nothing else grows.
  const perCheckpoint = 8 * (LV_U0.length + 1) + 8;
  const more = every(1000).length - every(10).length;
  assert.ok(cp[2] - cp[0] <= 1.25 * more * perCheckpoint, `checkpointed peaks ${cp}: growth ${cp[2] - cp[0]} for ${more} checkpoints`);
  assert.ok(cp[2] - cp[0] < (dense[2] - dense[0]) / 10, `checkpointed growth ${cp[2] - cp[0]} vs dense ${dense[2] - dense[0]}`);
});

test('checkpoints outside the span or unsorted are refused with a clear message', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const opts = { saveat: 1, reltol: 1e-6 };
  assert.throws(() => D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.BacksolveAdjoint({ checkpoints: [1, 12] }) }),
    /BacksolveAdjoint checkpoints\[1\] = 12 is outside tspan \[0, 10\]/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.InterpolatingAdjoint({ checkpointing: true, checkpoints: [3, 2] }) }),
    /InterpolatingAdjoint checkpoints must be sorted in the direction of time without repeats; checkpoints\[1\] = 2 follows 3/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.InterpolatingAdjoint({ checkpoints: [-1] }) }), /outside tspan/);
  assert.is(D.memoryInUse(), 0);
});

test('a failed forward solve throws GradientSolveError with its retcode, for every adjoint', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  for (const [label, make] of ADJOINTS) {
    let err;
    try { D.gradient(prob, D.Tsit5(), { saveat: 1, maxiters: 5, sensealg: make() }); } catch (e) { err = e; }
    assert.instance(err, D.GradientSolveError, label);
    assert.is(err.retcode, 'MaxIters');
    assert.is(D.memoryInUse(), 0);
  }
});

test('a backward solve that runs out of steps throws GradientSolveError (the forward one succeeded)', () => {
  // The backward solve shares maxiters, and stops at each saved time (50 here) besides.
  const prob = new D.ODEProblem(lv, LV_U0, [0, 50], LV_P);
  const opts = { saveat: 1, reltol: 1e-8, abstol: 1e-8 };
  const fwd = D.solve(prob, D.Tsit5(), opts);
  assert.is(fwd.retcode, 'Success');
  const steps = fwd.stats.naccept + fwd.stats.nreject;
  for (const make of [() => D.InterpolatingAdjoint(), () => D.QuadratureAdjoint(), () => D.BacksolveAdjoint()]) {
    let err;
    try { D.gradient(prob, D.Tsit5(), { ...opts, maxiters: steps + 1, sensealg: make() }); } catch (e) { err = e; }
    assert.instance(err, D.GradientSolveError, make().name);
    assert.is(err.retcode, 'MaxIters');
    assert.ok(err.t < 50 && err.t > 0, `${make().name} stopped at t = ${err.t}`);
    assert.is(D.memoryInUse(), 0);
  }
});

test('a saved time at t0 adds its gradient to du0; a loss read only at t0 has dp = 0', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const opts = { reltol: 1e-10, abstol: 1e-10, saveat: [0, 5, 10] };
  const ref = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: D.ForwardSensitivity() });
  for (const [label, make] of ADJOINTS) {
    const g = D.gradient(prob, D.Tsit5(), { ...opts, sensealg: make() });
    assert.ok(relErr(g.du0, ref.du0) < 1e-6, `${label}: du0 ${g.du0} vs ${ref.du0}`);
    const only = D.gradient(prob, D.Tsit5(), { reltol: 1e-8, saveat: [0], sensealg: make() });
    assert.equal(Array.from(only.dp), [0, 0, 0, 0]);
    assert.equal(Array.from(only.du0), [1, 1]);
  }
  assert.is(D.memoryInUse(), 0);
});

test.run();
