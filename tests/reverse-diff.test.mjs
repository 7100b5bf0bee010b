// ReverseDiffAdjoint (the discrete adjoint through the solver's steps): against central
// differences of the same discrete program (the forward solve's steps replayed with a fixed
// step sequence), against ForwardDiffSensitivity on the seed's form, against
// ForwardSensitivity and differences of the solve at tight tolerances; its memory grows with
// the number of steps; unsupported methods and failed solves give clear errors and leave no
// engine memory behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, net50Model, NET50_U0, net50Params, lvModel as lv, roberModel as rober } from './helpers.mjs';

const LV_P = [1, 2, 3, 4];
const LV_U0 = [1, 1];
const ROBER_P = [0.04, 3e7, 1e4];
const ROBER_U0 = [1, 0, 0];
const RDA = D.ReverseDiffAdjoint();

/** Largest |a − b| / max(|b|, floor). */
function relErr(a, b, floor = 1e-300) {
  assert.is(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return m;
}

/**
 * Central differences of fn at x0, Richardson-extrapolated from steps h and h/2 (h = hrel·|x|):
 * the h² error term cancels, so the differences are good to far below the checks' 1e-8.
 */
function fdGradient(x0, fn, hrel, hmin = 0) {
  const central = (j, h) => {
    const xp = x0.slice(); xp[j] += h;
    const xm = x0.slice(); xm[j] -= h;
    return (fn(xp) - fn(xm)) / (2 * h);
  };
  return x0.map((x, j) => {
    const h = Math.max(hrel * Math.abs(x), hmin);
    return (4 * central(j, h / 2) - central(j, h)) / 3;
  });
}

/** The error fn throws (failing the test when it throws none). */
function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.unreachable('expected an error');
}

/** The value of the loss forms used here over a solution's saved points. */
function lossOf(loss, sol) {
  if (loss === 'sum') return sol.u.reduce((acc, x) => acc + x.reduce((a, b) => a + b, 0), 0);
  if (loss.l2) return sol.u.reduce((acc, x, k) => acc + x.reduce((a, v, i) => a + (v - loss.l2[k][i]) ** 2, 0), 0);
  return sol.u.reduce((acc, x, k) => acc + loss(x, sol.t[k], k, new Float64Array(x.length)), 0);
}

/**
 * The discrete program with the steps held fixed: the adaptive solve's accepted step times
 * become tstops of a fixed-step solve (dt the whole span, so every step lands on the next
 * stop), and the loss is read from its saved points. Returns L(p, u0) and the step count.
 */
function fixedStepLoss(model, u0, tspan, p, alg, opts, loss) {
  const steps = D.solve(new D.ODEProblem(model, u0, tspan, p), alg, { ...opts, saveat: undefined, saveEverystep: true });
  assert.is(steps.retcode, 'Success');
  const tstops = Array.from(steps.t).slice(1);
  const fixed = { ...opts, adaptive: false, dt: Math.abs(tspan[1] - tspan[0]), tstops };
  const L = (pp, uu) => {
    const sol = D.solve(new D.ODEProblem(model, uu, tspan, pp), alg, fixed);
    assert.is(sol.retcode, 'Success');
    assert.is(sol.stats.naccept, tstops.length);
    return lossOf(loss, sol);
  };
  return { L, nsteps: tstops.length };
}

test('Lotka–Volterra (Tsit5): dp and du0 match central differences of the fixed-step program to 1e-8', () => {
  for (const opts of [{}, { saveat: 0.5 }, { saveat: [2.5, 7.25] }]) {
    const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
    const g = D.gradient(prob, D.Tsit5(), { ...opts, loss: 'sum', sensealg: RDA });
    assert.is(g.sensealg, 'ReverseDiffAdjoint');
    const { L, nsteps } = fixedStepLoss(lv, LV_U0, [0, 10], LV_P, D.Tsit5(), opts, 'sum');
    assert.ok(nsteps > 20);
    assert.ok(Math.abs(g.loss - L(LV_P, LV_U0)) <= 1e-13 * Math.abs(g.loss));
    const dp = fdGradient(LV_P, (p) => L(p, LV_U0), 2e-4);
    const du0 = fdGradient(LV_U0, (u) => L(LV_P, u), 2e-4);
    assert.ok(relErr(g.dp, dp) < 1e-8, `dp ${JSON.stringify(opts)}: ${relErr(g.dp, dp)}`);
    assert.ok(relErr(g.du0, du0) < 1e-8, `du0 ${JSON.stringify(opts)}: ${relErr(g.du0, du0)}`);
  }
  assert.is(D.memoryInUse(), 0);
});

test('ROBER (Rodas5P, Rodas4, Rosenbrock23): dp matches central differences of the fixed-step program to 1e-8', () => {
  // A loss that weights y2 (y1 + y2 + y3 is conserved, so the plain sum has no gradient).
  const weighted = (u, t, i, g) => { g[0] = 1; g[1] = 1e4; return u[0] + 1e4 * u[1]; };
  const data = [[0.98, 3e-5, 0.02], [0.9, 2e-5, 0.1], [0.6, 6e-6, 0.4]];
  const cases = [
    [D.Rodas5P(), {}, weighted],
    [D.Rodas5P(), { saveat: [0.5, 3, 40] }, { l2: data }],
    [D.Rodas4(), { saveat: [0.5, 3, 40] }, weighted],
    [D.Rosenbrock23(), { saveat: [0.5, 3, 40] }, weighted],
  ];
  for (const [alg, extra, loss] of cases) {
    const opts = { reltol: 1e-6, abstol: 1e-8, ...extra };
    const prob = new D.ODEProblem(rober, ROBER_U0, [0, 100], ROBER_P);
    const g = D.gradient(prob, alg, { ...opts, loss, sensealg: RDA });
    const { L, nsteps } = fixedStepLoss(rober, ROBER_U0, [0, 100], ROBER_P, alg, opts, loss);
    assert.ok(nsteps > 40);
    assert.ok(Math.abs(g.loss - L(ROBER_P, ROBER_U0)) <= 1e-12 * Math.abs(g.loss));
    // Steps of 0.3 %: rounding in the stiff steps (W is ill-conditioned) is the differences' floor.
    const dp = fdGradient(ROBER_P, (p) => L(p, ROBER_U0), 3e-3);
    assert.ok(relErr(g.dp, dp) < 1e-8, `${alg.name} dp: ${relErr(g.dp, dp)}`);
    // u0's first entry (the others start at 0, where the differences see y2's steep start).
    const du0 = fdGradient(ROBER_U0, (u) => L(ROBER_P, u), 2e-4, 1e-6);
    assert.ok(Math.abs(g.du0[0] - du0[0]) < 1e-8 * Math.abs(du0[0]), `${alg.name} du0[0]: ${g.du0[0]} vs ${du0[0]}`);
  }
  assert.is(D.memoryInUse(), 0);
});

test('the 50-parameter model (vector state, matrix parameters) through Rodas5P: dp matches differences of the fixed-step program to 1e-8', () => {
  const p0 = Array.from(new D.ODEProblem(net50Model, NET50_U0, [0, 5], net50Params()).paramVector);
  const flat = (v) => ({ W1: v.slice(0, 20), b1: v.slice(20, 30), W2: v.slice(30, 50) });
  const opts = { reltol: 1e-6, abstol: 1e-8, saveat: 0.5 };
  const g = D.gradient(new D.ODEProblem(net50Model, NET50_U0, [0, 5], flat(p0)), D.Rodas5P(), { ...opts, loss: 'sum', sensealg: RDA });
  assert.is(g.dp.length, 50);
  const { L } = fixedStepLoss(net50Model, NET50_U0, [0, 5], flat(p0), D.Rodas5P(), opts, 'sum');
  const dp = fdGradient(p0, (v) => L(flat(v), NET50_U0), 1e-4, 1e-5);
  const scale = Math.max(...dp.map(Math.abs));
  assert.ok(relErr(g.dp, dp, 1e-3 * scale) < 1e-8, `dp: ${relErr(g.dp, dp, 1e-3 * scale)}`);
  assert.is(D.memoryInUse(), 0);
});

test("the seed's form (LV, Tsit5, every step, loss 'sum'): ReverseDiffAdjoint and ForwardDiffSensitivity agree to 1e-10", () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const r = D.gradient(prob, D.Tsit5(), { loss: 'sum', sensealg: RDA });
  const f = D.gradient(prob, D.Tsit5(), { loss: 'sum', sensealg: D.ForwardDiffSensitivity() });
  // The same computed solution: the same saved points and loss.
  assert.is(r.t.length, f.t.length);
  assert.equal(Array.from(r.t), Array.from(f.t));
  assert.is(r.loss, f.loss);
  assert.ok(relErr(r.dp, f.dp) < 1e-10, `dp: ${relErr(r.dp, f.dp)}`);
  assert.ok(relErr(r.du0, f.du0) < 1e-10, `du0: ${relErr(r.du0, f.du0)}`);
  assert.is(D.memoryInUse(), 0);
});

test('explicit methods with lazily computed interpolation stages (Vern7, Vern9, DP8) at saveat points agree with ForwardDiffSensitivity', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  for (const alg of [D.Vern7(), D.Vern9(), D.DP8(), D.DP5(), D.BS3(), D.OwrenZen3()]) {
    const o = { saveat: 0.37, reltol: 1e-6, abstol: 1e-6, loss: 'sum' };
    const r = D.gradient(prob, alg, { ...o, sensealg: RDA });
    const f = D.gradient(prob, alg, { ...o, sensealg: D.ForwardDiffSensitivity() });
    assert.is(r.t.length, f.t.length);
    assert.ok(relErr(r.dp, f.dp) < 1e-10, `${alg.name} dp: ${relErr(r.dp, f.dp)}`);
    assert.ok(relErr(r.du0, f.du0) < 1e-10, `${alg.name} du0: ${relErr(r.du0, f.du0)}`);
  }
  assert.is(D.memoryInUse(), 0);
});

test('at reltol 1e-10: ReverseDiffAdjoint agrees with ForwardSensitivity and differences of the solve (LV, ROBER, 50 parameters) to 1e-5', () => {
  const TIGHT = { reltol: 1e-10, abstol: 1e-10 };
  const FD = { reltol: 1e-12, abstol: 1e-12 };
  const check = (model, u0, tspan, p, alg, opts, loss, label, hrel = 1e-4) => {
    const prob = new D.ODEProblem(model, u0, tspan, p);
    const r = D.gradient(prob, alg, { ...TIGHT, ...opts, loss, sensealg: RDA });
    const f = D.gradient(prob, alg, { ...TIGHT, ...opts, loss, sensealg: D.ForwardSensitivity() });
    const fd = fdGradient(Array.from(p), (pp) => lossOf(loss, D.solve(new D.ODEProblem(model, u0, tspan, pp), alg, { ...FD, ...opts })), hrel);
    const scale = Math.max(...fd.map(Math.abs));
    assert.ok(relErr(r.dp, f.dp, 1e-3 * scale) < 1e-5, `${label} vs ForwardSensitivity: ${relErr(r.dp, f.dp, 1e-3 * scale)}`);
    assert.ok(relErr(r.dp, fd, 1e-3 * scale) < 1e-5, `${label} vs differences: ${relErr(r.dp, fd, 1e-3 * scale)}`);
  };
  check(lv, LV_U0, [0, 10], LV_P, D.Tsit5(), { saveat: 0.5 }, 'sum', 'LV');
  const weighted = (u, t, i, g) => { g[0] = 1; g[1] = 1e4; return u[0] + 1e4 * u[1]; };
  check(rober, ROBER_U0, [0, 100], ROBER_P, D.Rodas5P(), { saveat: [1, 10, 100] }, weighted, 'ROBER');
  // The 50-parameter model, its parameters passed flat (paramVector order).
  const p0 = new D.ODEProblem(net50Model, NET50_U0, [0, 5], net50Params()).paramVector;
  const flat = (v) => ({ W1: v.slice(0, 20), b1: v.slice(20, 30), W2: v.slice(30, 50) });
  const prob = new D.ODEProblem(net50Model, NET50_U0, [0, 5], flat(Array.from(p0)));
  const o = { ...TIGHT, saveat: 0.5, loss: 'sum' };
  const r = D.gradient(prob, D.Tsit5(), { ...o, sensealg: RDA });
  const f = D.gradient(prob, D.Tsit5(), { ...o, sensealg: D.ForwardSensitivity() });
  assert.is(r.dp.length, 50);
  const fd = fdGradient(Array.from(p0), (v) => lossOf('sum', D.solve(new D.ODEProblem(net50Model, NET50_U0, [0, 5], flat(v)), D.Tsit5(), { ...FD, saveat: 0.5 })), 1e-4, 1e-6);
  const scale = Math.max(...fd.map(Math.abs));
  assert.ok(relErr(r.dp, f.dp, 1e-3 * scale) < 1e-5, `net50 vs ForwardSensitivity: ${relErr(r.dp, f.dp, 1e-3 * scale)}`);
  assert.ok(relErr(r.dp, fd, 1e-3 * scale) < 1e-5, `net50 vs differences: ${relErr(r.dp, fd, 1e-3 * scale)}`);
  assert.ok(relErr(r.du0, f.du0) < 1e-5);
  assert.is(D.memoryInUse(), 0);
});

test('automatic switching (AutoTsit5, AutoVern7): each method swept through its own piece; dp matches differences of the chained fixed-step program', () => {
  const vdp = D.ode`
    dx = y
    dy = mu*((1 - x*x)*y) - x
  `;
  const p = [50];
  const u0 = [2, 0];
  const opts = { reltol: 1e-5, abstol: 1e-7 };
  for (const alg of [D.AutoTsit5(), D.AutoVern7(D.Rodas5P())]) {
    const prob = new D.ODEProblem(vdp, u0, [0, 60], p);
    const g = D.gradient(prob, alg, { ...opts, loss: 'sum', sensealg: RDA });
    // The pieces the solve ran (method and step ends), replayed one after the other with fixed steps.
    const pieces = D.solve(prob, alg, { ...opts, dense: true }).denseData;
    assert.ok(pieces.length >= 3, `${alg.name}: ${pieces.length} pieces`);
    const plan = pieces.map((d) => ({ alg: d.method, t0: d.records[0], ts: Array.from({ length: d.count }, (_, m) => d.records[m * d.recLen + 2]) }));
    const L = (pp, uu) => {
      let u = uu;
      let total = uu[0] + uu[1];
      for (const seg of plan) {
        const t1 = seg.ts[seg.ts.length - 1];
        const sol = D.solve(new D.ODEProblem(vdp, u, [seg.t0, t1], pp), seg.alg, { ...opts, adaptive: false, dt: t1 - seg.t0, tstops: seg.ts });
        assert.is(sol.stats.naccept, seg.ts.length);
        for (let k = 1; k < sol.u.length; k++) total += sol.u[k][0] + sol.u[k][1];
        u = Array.from(sol.u[sol.u.length - 1]);
      }
      return total;
    };
    assert.ok(Math.abs(g.loss - L(p, u0)) < 1e-12 * Math.abs(g.loss));
    // A stiff oscillator's gradient is large and curved: small steps keep the differences' error low.
    const dp = fdGradient(p, (pp) => L(pp, u0), 2e-6);
    const du0 = fdGradient(u0, (uu) => L(p, uu), 0, 2e-6);
    assert.ok(relErr(g.dp, dp) < 1e-8, `${alg.name} dp: ${relErr(g.dp, dp)}`);
    assert.ok(relErr(g.du0, du0) < 1e-6, `${alg.name} du0: ${relErr(g.du0, du0)}`);
  }
  assert.is(D.memoryInUse(), 0);
});

test('memory: the step records live in engine memory, so peakBytes grows with the number of steps', () => {
  const peak = (t1) => {
    const g = D.gradient(new D.ODEProblem(lv, LV_U0, [0, t1], LV_P), D.Tsit5(), { loss: { final: 'sum' }, sensealg: RDA });
    assert.is(g.t.length, 1);
    return g.peakBytes;
  };
  const p1 = peak(10);
  const p10 = peak(100);
  const p100 = peak(1000);
  assert.ok(p10 > 5 * p1, `×10: ${p10} vs ${p1}`);
  assert.ok(p100 >= 20 * p1, `×100: ${p100} vs ${p1}`);
  assert.ok(p100 > 5 * p10, `×100: ${p100} vs ×10: ${p10}`);
  assert.is(D.memoryInUse(), 0);
});

test('errors: unsupported methods (also as the stiff method of automatic switching), mass matrices, Jacobians not by AD or reused; a failed solve throws GradientSolveError', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  for (const alg of [D.FBDF(), D.KenCarp4(), D.RadauIIA5(), D.TRBDF2()]) {
    const err = thrown(() => D.gradient(prob, alg, { sensealg: RDA }));
    assert.ok(/ReverseDiffAdjoint does not support/.test(err.message) && /Tsit5/.test(err.message) && /Rodas5P/.test(err.message), err.message);
  }
  assert.throws(() => D.gradient(prob, D.AutoTsit5(D.FBDF()), { sensealg: RDA }), /does not support FBDF.*the stiff method of AutoTsit5\(FBDF\)/);
  assert.throws(() => D.gradient(prob, D.Rodas5P({ autodiff: false }), { sensealg: RDA }), /J by AD/);
  assert.throws(() => D.gradient(prob, D.Rosenbrock23({ maxJacAge: 5 }), { sensealg: RDA }), /maxJacAge/);
  const massProb = new D.ODEProblem(rober, ROBER_U0, [0, 1], ROBER_P, { massMatrix: [[1, 0, 0], [0, 1, 0], [0, 0, 0]] });
  assert.throws(() => D.gradient(massProb, D.Rodas5P(), { sensealg: RDA }), /mass matrix/);
  const err = thrown(() => D.gradient(prob, D.Tsit5(), { sensealg: RDA, maxiters: 5 }));
  assert.instance(err, D.GradientSolveError);
  assert.is(err.retcode, 'MaxIters');
  const err2 = thrown(() => D.gradient(new D.ODEProblem(rober, ROBER_U0, [0, 100], ROBER_P), D.Rodas5P(), { sensealg: RDA, maxiters: 3 }));
  assert.instance(err2, D.GradientSolveError);
  assert.is(D.memoryInUse(), 0);
});

test('a time-dependent model (∂f/∂t in the Rosenbrock stages): dp and du0 match differences of the fixed-step program', () => {
  const forced = D.ode`
    dx = -k*x + sin(w*t)*y
    dy = -x*k - y + w*t*t
  `;
  const p = [0.7, 2.3];
  const u0 = [1, 0.5];
  for (const [alg, opts] of [
    [D.DP5(), { saveat: 0.3 }],
    [D.Rodas5P(), { saveat: 0.25, reltol: 1e-6, abstol: 1e-8 }],
    [D.Rosenbrock23(), { reltol: 1e-5, abstol: 1e-8 }],
    [D.Rosenbrock32(), { saveat: 0.25, reltol: 1e-6, abstol: 1e-8 }],
  ]) {
    const g = D.gradient(new D.ODEProblem(forced, u0, [0, 3], p), alg, { ...opts, loss: 'sum', sensealg: RDA });
    const { L } = fixedStepLoss(forced, u0, [0, 3], p, alg, opts, 'sum');
    const dp = fdGradient(p, (pp) => L(pp, u0), 2e-4);
    const du0 = fdGradient(u0, (uu) => L(p, uu), 2e-4);
    assert.ok(relErr(g.dp, dp) < 1e-8, `${alg.name} dp: ${relErr(g.dp, dp)}`);
    assert.ok(relErr(g.du0, du0) < 1e-8, `${alg.name} du0: ${relErr(g.du0, du0)}`);
  }
  assert.is(D.memoryInUse(), 0);
});

test.run();
