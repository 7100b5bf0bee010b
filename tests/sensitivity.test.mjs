// Forward sensitivities (the augmented equations u' = f, S' = J·S + ∂f/∂p built symbolically
// from an `ode` model) and gradients of losses over saved points, against central finite
// differences of the solve; the seed's form (sum of every saved value of Lotka–Volterra);
// loss forms; errors and retcodes leave no engine memory behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, lvModel as lv, roberModel as rober } from './helpers.mjs';

const LV_P = [1, 2, 3, 4];
const LV_U0 = [1, 1];
const ROBER_P = [0.04, 3e7, 1e4];
const ROBER_U0 = [1, 0, 0];

/** Largest |a − b| / max(|b|, floor) over two arrays. */
function relErr(a, b, floor = 1e-300) {
  assert.is(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return m;
}

/**
 * Central differences of the saved states in parameter j (isP) or u0 entry j, step h:
 * one array per saved point.
 */
function fdColumn(model, u0, tspan, p, alg, opts, j, isP, h) {
  const shift = (x, s) => { const y = x.slice(); y[j] += s; return y; };
  const run = (s) => D.solve(new D.ODEProblem(model, isP ? u0 : shift(u0, s), tspan, isP ? shift(p, s) : p), alg, opts);
  const sp = run(h);
  const sm = run(-h);
  assert.is(sp.retcode, 'Success');
  assert.is(sm.retcode, 'Success');
  assert.is(sp.u.length, sm.u.length);
  return sp.u.map((up, k) => up.map((v, i) => (v - sm.u[k][i]) / (2 * h)));
}

/** Central differences of a scalar function of the parameter (or u0) vector. */
function fdGradient(x0, fn, hrel, hmin = 0) {
  return x0.map((x, j) => {
    const h = Math.max(hrel * Math.abs(x), hmin);
    const xp = x0.slice(); xp[j] += h;
    const xm = x0.slice(); xm[j] -= h;
    return (fn(xp) - fn(xm)) / (2 * h);
  });
}

const sumSaved = (sol) => sol.u.reduce((acc, x) => acc + x.reduce((a, b) => a + b, 0), 0);

const TIGHT = { reltol: 1e-10, abstol: 1e-10 };
// The finite differences take a 100× tighter solve, so their own error stays below the check.
const FD_TIGHT = { reltol: 1e-12, abstol: 1e-12 };
const LV_SAVE = [1, 2.5, 5, 7.5, 10];

test('Lotka–Volterra: S = du/dp and du/du0 at saved times match central differences (Tsit5)', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const r = D.sensitivity(prob, D.Tsit5(), { ...TIGHT, saveat: LV_SAVE, du0: true });
  assert.is(r.retcode, 'Success');
  assert.equal(Array.from(r.t), LV_SAVE);
  assert.is(r.S.length, LV_SAVE.length);
  assert.is(r.S[0].length, 2 * 4);
  assert.is(r.Su0[0].length, 2 * 2);
  // u from the augmented solve is the plain solve's.
  const plain = D.solve(prob, D.Tsit5(), { ...FD_TIGHT, saveat: LV_SAVE });
  plain.u.forEach((x, k) => assert.ok(relErr(r.u[k], x) < 1e-8, `u at t = ${LV_SAVE[k]}`));
  for (let j = 0; j < 4; j++) {
    const fd = fdColumn(lv, LV_U0, [0, 10], LV_P, D.Tsit5(), { ...FD_TIGHT, saveat: LV_SAVE }, j, true, 1e-5 * LV_P[j]);
    fd.forEach((col, k) => {
      const S = [r.S[k][0 * 4 + j], r.S[k][1 * 4 + j]];
      assert.ok(relErr(S, col) < 1e-6, `dp${j} at t = ${LV_SAVE[k]}: ${S} vs ${col}`);
    });
  }
  for (let j = 0; j < 2; j++) {
    const fd = fdColumn(lv, LV_U0, [0, 10], LV_P, D.Tsit5(), { ...FD_TIGHT, saveat: LV_SAVE }, j, false, 1e-5);
    fd.forEach((col, k) => {
      const S = [r.Su0[k][0 * 2 + j], r.Su0[k][1 * 2 + j]];
      assert.ok(relErr(S, col) < 1e-6, `du0${j} at t = ${LV_SAVE[k]}: ${S} vs ${col}`);
    });
  }
  assert.is(D.memoryInUse(), 0);
});

test('Lotka–Volterra: gradient of the sum at saveat (dp, du0) matches central differences', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const g = D.gradient(prob, D.Tsit5(), { ...TIGHT, saveat: LV_SAVE, loss: 'sum' });
  const at = (u0, p) => sumSaved(D.solve(new D.ODEProblem(lv, u0, [0, 10], p), D.Tsit5(), { ...FD_TIGHT, saveat: LV_SAVE }));
  assert.ok(Math.abs(g.loss - at(LV_U0, LV_P)) < 1e-8 * Math.abs(g.loss));
  const fdp = fdGradient(LV_P, (p) => at(LV_U0, p), 1e-5);
  const fdu = fdGradient(LV_U0, (u0) => at(u0, LV_P), 1e-5);
  assert.ok(relErr(g.dp, fdp) < 1e-5, `dp ${g.dp} vs ${fdp}`);
  assert.ok(relErr(g.du0, fdu) < 1e-5, `du0 ${g.du0} vs ${fdu}`);
  assert.is(D.memoryInUse(), 0);
});

test("the seed's form: sum of every saved step of Lotka–Volterra (Tsit5), checked with the saved times held fixed", () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const g = D.gradient(prob, D.Tsit5(), TIGHT);
  // Every step saved: the times are the steps the solver took on the augmented system, with
  // t0 and t1 among them.
  assert.ok(g.t.length > 100);
  assert.is(g.t[0], 0);
  assert.is(g.t[g.t.length - 1], 10);
  // Those times move with p; the gradient holds them fixed, so the finite differences read the
  // perturbed solutions at the same times (by dense output at a tighter tolerance).
  const fixed = { ...FD_TIGHT, saveat: g.t };
  const at = (u0, p) => sumSaved(D.solve(new D.ODEProblem(lv, u0, [0, 10], p), D.Tsit5(), fixed));
  assert.ok(Math.abs(g.loss - at(LV_U0, LV_P)) < 1e-7 * Math.abs(g.loss));
  const fdp = fdGradient(LV_P, (p) => at(LV_U0, p), 1e-5);
  const fdu = fdGradient(LV_U0, (u0) => at(u0, LV_P), 1e-5);
  assert.ok(relErr(g.dp, fdp) < 1e-5, `dp ${g.dp} vs ${fdp}`);
  assert.ok(relErr(g.du0, fdu) < 1e-5, `du0 ${g.du0} vs ${fdu}`);
  // The steps themselves held fixed: the plain solve made to take exactly those steps (fixed
  // steps through tstops) is a discrete program whose central differences the forward
  // sensitivities match to their own discretization error.
  const steps = { adaptive: false, dt: 10, tstops: g.t };
  const discrete = (p) => {
    const sol = D.solve(new D.ODEProblem(lv, LV_U0, [0, 10], p), D.Tsit5(), steps);
    assert.equal(Array.from(sol.t), Array.from(g.t));
    return sumSaved(sol);
  };
  assert.ok(relErr(g.dp, fdGradient(LV_P, discrete, 1e-5)) < 1e-5);
  // At the default tolerances the same call succeeds with fewer saved steps.
  const loose = D.gradient(prob, D.Tsit5());
  assert.is(loose.retcode, 'Success');
  assert.ok(loose.t.length < g.t.length);
  assert.is(D.memoryInUse(), 0);
});

test('ROBER (Rodas5P, stiff): S = du/dp matches central differences; conservation of y1 + y2 + y3 in S', () => {
  const save = [1, 10, 100];
  const abs = 1e-14; // y2 is ~1e-5: its sensitivities need an absolute tolerance far below it
  const prob = new D.ODEProblem(rober, ROBER_U0, [0, 100], ROBER_P);
  const r = D.sensitivity(prob, D.Rodas5P(), { reltol: 1e-10, abstol: abs, saveat: save, du0: true });
  assert.is(r.retcode, 'Success');
  for (let j = 0; j < 3; j++) {
    const fd = fdColumn(rober, ROBER_U0, [0, 100], ROBER_P, D.Rodas5P(), { reltol: 1e-12, abstol: abs / 100, saveat: save }, j, true, 1e-3 * ROBER_P[j]);
    fd.forEach((col, k) => {
      const S = [0, 1, 2].map((i) => r.S[k][i * 3 + j]);
      assert.ok(relErr(S, col) < 1e-5, `dk${j + 1} at t = ${save[k]}: ${S} vs ${col}`);
    });
  }
  // y1 + y2 + y3 = 1 for every p and u0: the columns of du/dp sum to 0, those of du/du0 to 1.
  for (let k = 0; k < save.length; k++) {
    for (let j = 0; j < 3; j++) {
      const sp = r.S[k][j] + r.S[k][3 + j] + r.S[k][6 + j];
      const su = r.Su0[k][j] + r.Su0[k][3 + j] + r.Su0[k][6 + j];
      assert.ok(Math.abs(sp) < 1e-8 * Math.max(1, ...[0, 1, 2].map((i) => Math.abs(r.S[k][i * 3 + j]))), `Σ dy/dk${j + 1} = ${sp}`);
      assert.ok(Math.abs(su - 1) < 1e-8, `Σ dy/dy0_${j + 1} = ${su}`);
    }
  }
  // du/dy1(0) against central differences (y1(0) = 1 can move both ways).
  const fd = fdColumn(rober, ROBER_U0, [0, 100], ROBER_P, D.Rodas5P(), { reltol: 1e-12, abstol: abs / 100, saveat: save }, 0, false, 1e-4);
  fd.forEach((col, k) => {
    const S = [0, 1, 2].map((i) => r.Su0[k][i * 3]);
    assert.ok(relErr(S, col) < 1e-5, `dy/dy1(0) at t = ${save[k]}: ${S} vs ${col}`);
  });
  assert.is(D.memoryInUse(), 0);
});

test('ROBER: gradient dp of an l2 loss matches central differences; FBDF agrees with Rodas5P', () => {
  const save = [1, 10, 100];
  const opts = { reltol: 1e-10, abstol: 1e-14, saveat: save };
  const data = [[0.97, 3e-5, 0.03], [0.84, 1.6e-5, 0.16], [0.62, 6e-6, 0.38]];
  const g = D.gradient(new D.ODEProblem(rober, ROBER_U0, [0, 100], ROBER_P), D.Rodas5P(), { ...opts, loss: { l2: data } });
  const l2 = (sol) => sol.u.reduce((acc, x, k) => acc + x.reduce((a, v, i) => a + (v - data[k][i]) ** 2, 0), 0);
  const at = (p) => l2(D.solve(new D.ODEProblem(rober, ROBER_U0, [0, 100], p), D.Rodas5P(), { reltol: 1e-12, abstol: 1e-16, saveat: save }));
  assert.ok(Math.abs(g.loss - at(ROBER_P)) < 1e-8 * g.loss);
  const fdp = fdGradient(ROBER_P, at, 1e-3);
  assert.ok(relErr(g.dp, fdp) < 1e-5, `dp ${g.dp} vs ${fdp}`);
  const bdf = D.gradient(new D.ODEProblem(rober, ROBER_U0, [0, 100], ROBER_P), D.FBDF(), { reltol: 1e-8, abstol: 1e-14, saveat: save, loss: { l2: data } });
  assert.is(bdf.retcode, 'Success');
  assert.ok(relErr(bdf.dp, g.dp) < 1e-3, `FBDF dp ${bdf.dp} vs Rodas5P ${g.dp}`);
  assert.is(D.memoryInUse(), 0);
});

test('a loss function (u, t, i, dLdu) => number: value and gradient against central differences', () => {
  // L = Σ_i t_i·x_i² − y_i
  const loss = (u, t, i, dLdu) => { dLdu[0] = 2 * t * u[0]; dLdu[1] = -1; return t * u[0] * u[0] - u[1]; };
  const seen = [];
  const spy = (u, t, i, dLdu) => { seen.push([t, i]); return loss(u, t, i, dLdu); };
  const g = D.gradient(new D.ODEProblem(lv, LV_U0, [0, 10], LV_P), D.Vern7(), { ...TIGHT, saveat: LV_SAVE, loss: spy });
  assert.equal(seen, LV_SAVE.map((t, i) => [t, i]));
  const at = (u0, p) => D.solve(new D.ODEProblem(lv, u0, [0, 10], p), D.Vern7(), { ...FD_TIGHT, saveat: LV_SAVE })
    .u.reduce((acc, x, k) => acc + loss(x, LV_SAVE[k], k, new Float64Array(2)), 0);
  assert.ok(Math.abs(g.loss - at(LV_U0, LV_P)) < 1e-8 * Math.abs(g.loss));
  assert.ok(relErr(g.dp, fdGradient(LV_P, (p) => at(LV_U0, p), 1e-5)) < 1e-5);
  assert.ok(relErr(g.du0, fdGradient(LV_U0, (u0) => at(u0, LV_P), 1e-5)) < 1e-5);
  const noU0 = D.gradient(new D.ODEProblem(lv, LV_U0, [0, 10], LV_P), D.Vern7(), { ...TIGHT, saveat: LV_SAVE, loss, du0: false });
  assert.is(noU0.du0, undefined);
  assert.ok(relErr(noU0.dp, g.dp) < 1e-7);
  assert.is(D.memoryInUse(), 0);
});

test('a vector model (scalarized): sensitivities of du = -k*u + b against the exact ones', () => {
  const m = D.ode({ dims: { u: 3 } })`du = -k*u + b`;
  // u_i(t) = b/k + (u0_i − b/k)·e^{−kt}
  const u0 = [1, 2, 3];
  const [k, b, t1] = [0.7, 0.3, 2];
  const r = D.sensitivity(new D.ODEProblem(m, u0, [0, t1], [k, b]), D.Tsit5(), { ...TIGHT, saveat: [t1], du0: true });
  const e = Math.exp(-k * t1);
  u0.forEach((ui, i) => {
    const dk = -b / (k * k) + (b / (k * k)) * e - (ui - b / k) * t1 * e;
    const db = (1 - e) / k;
    assert.ok(Math.abs(r.S[0][i * 2] - dk) < 1e-8, `du${i}/dk`);
    assert.ok(Math.abs(r.S[0][i * 2 + 1] - db) < 1e-8, `du${i}/db`);
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(r.Su0[0][i * 3 + j] - (i === j ? e : 0)) < 1e-9);
  });
  // A vector parameter: du_i = −k_i·u_i, u_i = u0_i·e^{−k_i t}, du_i/dk_j = −δ_ij·t·u_i.
  const v = D.ode({ dims: { u: 3, k: 3 } })`du = -k*u`;
  const ks = [0.5, 1, 2];
  const rv = D.sensitivity(new D.ODEProblem(v, u0, [0, 1], [ks]), D.Tsit5(), { ...TIGHT, saveat: [1] });
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const exact = i === j ? -u0[i] * Math.exp(-ks[i]) : 0;
      assert.ok(Math.abs(rv.S[0][i * 3 + j] - exact) < 1e-9, `du${i}/dk${j}: ${rv.S[0][i * 3 + j]} vs ${exact}`);
    }
  }
  assert.is(D.memoryInUse(), 0);
});

test('the augmented model is built once per model (and per du0)', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 1], LV_P);
  const a = D.sensitivity(prob, D.Tsit5(), { saveat: [1] });
  const b = D.sensitivity(new D.ODEProblem(lv, [2, 1], [0, 2], [1, 1, 1, 1]), D.Rodas5P(), { saveat: [1] });
  const c = D.sensitivity(prob, D.Tsit5(), { saveat: [1], du0: true });
  assert.ok(a.sol.prob.model === b.sol.prob.model);
  assert.ok(a.sol.prob.model !== c.sol.prob.model);
  // States u, then S row by row: 2 + 2·4, and 2 + 2·(4 + 2) with du0.
  assert.is(a.sol.prob.model.length, 10);
  assert.is(c.sol.prob.model.length, 14);
  assert.is(a.sol.prob.model.states[2], 'dx/da');
  assert.is(D.memoryInUse(), 0);
});

test('errors: JavaScript f, unknown loss, data of the wrong shape, NaN, other sensealgs', () => {
  const jsf = (du, u, p) => { du[0] = -p[0] * u[0]; };
  assert.throws(() => D.gradient(new D.ODEProblem(jsf, [1], [0, 1], [1]), D.Tsit5()), /gradient needs an `ode` model/);
  assert.throws(() => D.gradient(new D.ODEProblem(jsf, [1], [0, 1], [1]), D.Tsit5(), { sensealg: D.ForwardDiffSensitivity() }), /ForwardDiffSensitivity needs an `ode` model/);
  assert.throws(() => D.sensitivity(new D.ODEProblem(jsf, [1], [0, 1], [1]), D.Tsit5()), /ForwardSensitivity needs an `ode` model/);
  const prob = new D.ODEProblem(lv, LV_U0, [0, 1], LV_P);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { loss: 'mean' }), /unknown loss mean/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { loss: { l1: [] } }), /unknown loss/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { saveat: [0.5, 1], loss: { l2: [[1, 1]] } }), /loss.l2 has 1 points but the solve saved 2/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { saveat: [0.5, 1], loss: { l2: [[1, 1], [1]] } }), /loss.l2\[1\] must have 2 values/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { saveat: [0.5, 1], loss: { l2: [[1, 1], [1, NaN]] } }), /loss.l2\[1\]\[1\] is NaN/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { saveat: [1], loss: () => NaN }), /loss function's value at saved point 0 \(t = 1\) is NaN/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { saveat: [1], loss: (u, t, i, g) => { g[1] = Infinity; return 0; } }), /dLdu\[1\] at saved point 0/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { sensealg: { kind: 'sensitivity', name: 'AdjointMagic' } }), /unknown sensealg AdjointMagic; use one of ForwardSensitivity\(\)/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { sensealg: 'BacksolveAdjoint' }), /unknown sensealg 'BacksolveAdjoint'/);
  assert.throws(() => D.sensitivity(prob, D.Tsit5(), { sensealg: D.ReverseDiffAdjoint() }), /ReverseDiffAdjoint gives gradients: use gradient\(\)/);
  assert.throws(() => D.ForwardDiffSensitivity({ chunkSize: 0 }), /chunkSize must be a positive whole number/);
  assert.throws(() => D.InterpolatingAdjoint({ checkpointing: 'yes' }), /checkpointing must be true or false/);
  assert.throws(() => D.BacksolveAdjoint({ checkpoint: true }), /unknown option checkpoint/);
  assert.throws(() => D.gradient(prob, D.Tsit5(), { du0: 'yes' }), /du0 must be true or false/);
  assert.throws(() => D.sensitivity(prob, D.Tsit5(), { callback: new D.DiscreteCallback(() => true, () => {}) }), /callbacks are not supported/);
  assert.throws(() => D.sensitivity(prob, D.Tsit5(), { abstol: [1e-8] }), /abstol must be a number or 2 values/);
  assert.throws(() => D.sensitivity(prob, D.Tsit5(), { reltoll: 1e-8 }), /unknown option 'reltoll'/);
  assert.throws(() => D.sensitivity(new D.ODEProblem(D.ode`dx = -x`, [1], [0, 1])), /no parameters; ask for du0/);
  // Per-state tolerances extend to the rows of S.
  const r = D.sensitivity(prob, D.Tsit5(), { abstol: [1e-9, 1e-9], reltol: [1e-9, 1e-9], saveat: [1] });
  assert.is(r.retcode, 'Success');
  assert.is(D.ForwardSensitivity().name, 'ForwardSensitivity');
  assert.is(D.gradient(prob, D.Tsit5(), { sensealg: D.ForwardSensitivity(), saveat: [1] }).retcode, 'Success');
  assert.is(D.memoryInUse(), 0);
});

test('a failed solve: sensitivity returns the retcode, gradient throws GradientSolveError with it', () => {
  const prob = new D.ODEProblem(lv, LV_U0, [0, 10], LV_P);
  const r = D.sensitivity(prob, D.Tsit5(), { maxiters: 5 });
  assert.is(r.retcode, 'MaxIters');
  assert.is(r.S.length, r.u.length);
  let err;
  try { D.gradient(prob, D.Tsit5(), { maxiters: 5 }); } catch (e) { err = e; }
  assert.instance(err, D.GradientSolveError);
  assert.is(err.retcode, 'MaxIters');
  assert.match(err.message, /retcode MaxIters/);
  assert.is(D.memoryInUse(), 0);
});

test.run();
