// FBDF (variable-order BDF): ROBER and Van der Pol against the references, ROBER as an index-1
// DAE with a singular mass matrix, a 160-state reaction–diffusion system against Rodas5P, the
// observed orders, the `ode` model against the JavaScript function, the dense output, events
// and stops, the work counters, and problems that must end in a retcode.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, reference, logLogSlope, roberJs, roberProb, MILD_T, mildExact, mildModel, assertBounces } from './helpers.mjs';

// --- ROBER (Robertson's chemical kinetics).
const rober = reference.rober;
const K = rober.params;
const roberIdx = (t1) => rober.t.map((t, i) => i).filter((i) => rober.t[i] > 0 && rober.t[i] <= t1);

// As in stiff.test.mjs: |u − ref| ≤ 100·(reltol·|ref| + abstol) at every reference time, a
// relative error within 100·reltol wherever |ref| ≥ abstol/reltol, and y1 + y2 + y3 = 1 kept.
const RTOL = 1e-6;
const ATOL = 1e-10;
function checkRober(sol, idx, what, atol = [ATOL, ATOL, ATOL], conserve = 100 * ATOL) {
  idx.forEach((r, k) => {
    for (let j = 0; j < 3; j++) {
      const ref = rober.u[r][j];
      const err = Math.abs(sol.u[k][j] - ref);
      assert.ok(err <= 100 * (RTOL * Math.abs(ref) + atol[j]), `${what} t=${rober.t[r]} y${j + 1}: ${sol.u[k][j]} vs ${ref}`);
      if (Math.abs(ref) >= atol[j] / RTOL) assert.ok(err / Math.abs(ref) <= 100 * RTOL, `${what} t=${rober.t[r]} y${j + 1}`);
    }
    const s = sol.u[k][0] + sol.u[k][1] + sol.u[k][2];
    assert.ok(Math.abs(s - 1) <= conserve, `${what} t=${rober.t[r]}: sum ${s}`);
  });
}

for (const t1 of [1e5, 1e11]) {
  test(`ROBER to t = ${t1.toExponential()}: JavaScript f and ode model within 100× the tolerance at every reference time`, () => {
    const idx = roberIdx(t1);
    const times = idx.map((i) => rober.t[i]);
    for (const kind of ['js', 'ode']) {
      const sol = D.solve(roberProb(kind, t1), D.FBDF(), { reltol: RTOL, abstol: ATOL, saveat: times });
      assert.is(sol.retcode, 'Success', kind);
      assert.is(sol.alg, 'FBDF');
      assert.equal(Array.from(sol.t), times);
      checkRober(sol, idx, kind);
      if (process.env.DIFFLUX_VERBOSE) console.log(t1, kind, JSON.stringify(sol.stats));
      // Far fewer steps than an order-1 method would need over 16 decades of time, and the
      // Jacobian is reused over many steps.
      assert.ok(sol.stats.naccept < 1000, `${kind}: ${sol.stats.naccept} steps`);
      assert.ok(sol.stats.njacs * 20 < sol.stats.naccept, `${kind}: ${sol.stats.njacs} Jacobians for ${sol.stats.naccept} steps`);
      assert.is(D.memoryInUse(), 0);
    }
  });
}

test('the ode model with finite differences takes the same steps as the JavaScript f, bit for bit; with AD it agrees', () => {
  const a = D.solve(roberProb('ode', 1e11), D.FBDF({ autodiff: false }), { reltol: 1e-6, abstol: 1e-8 });
  const b = D.solve(roberProb('js', 1e11), 'FBDF', { reltol: 1e-6, abstol: 1e-8 });
  assert.is(a.retcode, 'Success');
  assert.equal(a.stats, b.stats);
  assert.equal(Array.from(a.t), Array.from(b.t));
  assert.equal(a.u.map((u) => Array.from(u)), b.u.map((u) => Array.from(u)));
  const c = D.solve(roberProb('ode', 1e11), 'FBDF', { reltol: 1e-6, abstol: 1e-8 });
  assert.is(c.retcode, 'Success');
  const ec = c.u[c.u.length - 1], eb = b.u[b.u.length - 1];
  // The two Jacobians let Newton stop at different points within κ·tolerance (κ = 1/100 of
  // abstol = 1e-8 for y1 ≈ 2e-8 at t = 1e11), which the steps carry to the end.
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(ec[j] - eb[j]) <= 1e-4 * Math.abs(eb[j]) + 0.01 * 1e-8, `y${j + 1}: ${ec[j]} vs ${eb[j]}`);
});

// --- Van der Pol. The reference value (key van_der_pol_mu1000) is the solution of these
// equations with mu = 1e6 at t = 2 (Hairer–Wanner's VDPOL, ε = 1e-6: the classic
// x'' − 1000(1 − x²)x' + x = 0 in time scaled by 1000), as bench/stiff/peers.mjs documents;
// with mu = 1e3 the same equations have period ≈ 1.6 and [0, 3000] holds ~1900 cycles.
const vdp = reference.van_der_pol_mu1000;
const vdpJs = (du, u, p) => { du[0] = u[1]; du[1] = p.mu * ((1 - u[0] * u[0]) * u[1] - u[0]); };
const vdpModel = D.ode`
  dy1 = y2
  dy2 = mu*((1 - y1^2)*y2 - y1)
`;

test('Van der Pol (mu = 1e6 to t = 2, the reference): within 100·reltol, JavaScript f and ode model', () => {
  for (const rt of [1e-4, 1e-6, 1e-8]) {
    for (const [kind, f] of [['js', vdpJs], ['ode', vdpModel]]) {
      const prob = new D.ODEProblem(f, vdp.u0, [0, 2], { mu: 1e6 }, kind === 'js' ? { inplace: true } : {});
      const sol = D.solve(prob, 'FBDF', { reltol: rt, abstol: rt * 1e-2, saveEverystep: false });
      assert.is(sol.retcode, 'Success', `${kind} ${rt}`);
      const u = sol.u[sol.u.length - 1];
      const rel = u.map((x, i) => Math.abs(x - vdp.u[0][i]) / Math.abs(vdp.u[0][i]));
      if (process.env.DIFFLUX_VERBOSE) console.log('vdp', kind, rt, rel, JSON.stringify(sol.stats));
      assert.ok(Math.max(...rel) <= 100 * rt, `${kind} reltol ${rt}: relative errors ${rel}`);
      assert.is(D.memoryInUse(), 0);
    }
  }
});

test('Van der Pol with mu = 1e3 on [0, 3000] (~1900 relaxation cycles): the value solvers agree on', () => {
  // y(3000) ≈ (−1.83370, 0.77593), as CVODE and SciPy give it (bench/stiff/peers.mjs); the
  // phase error over 1900 cycles makes this a test of tight-tolerance accuracy far out.
  const sol = D.solve(new D.ODEProblem(vdpModel, vdp.u0, [0, 3000], { mu: 1e3 }), 'FBDF', { reltol: 1e-8, abstol: 1e-10, saveEverystep: false, maxiters: 1e7 });
  assert.is(sol.retcode, 'Success');
  const u = sol.u[sol.u.length - 1];
  assert.ok(Math.abs(u[0] + 1.8337) < 5e-4 && Math.abs(u[1] - 0.77593) < 5e-4, String(u));
  assert.is(D.memoryInUse(), 0);
});

// --- ROBER as an index-1 DAE: M = diag(1, 1, 0), third equation y1 + y2 + y3 − 1 = 0.
const daeJs = (du, u) => {
  du[0] = -K.k1 * u[0] + K.k3 * u[1] * u[2];
  du[1] = K.k1 * u[0] - K.k2 * u[1] * u[1] - K.k3 * u[1] * u[2];
  du[2] = u[0] + u[1] + u[2] - 1;
};
const daeModel = D.ode`
  dy1 = -k1*y1 + k3*y2*y3
  dy2 = k1*y1 - k2*y2*y2 - k3*y2*y3
  dy3 = y1 + y2 + y3 - 1
`;
const MASS = [[1, 0, 0], [0, 1, 0], [0, 0, 0]];

for (const t1 of [1e5, 1e11]) {
  test(`ROBER DAE (singular mass matrix) to t = ${t1.toExponential()} against the ROBER reference`, () => {
    const idx = roberIdx(t1);
    const times = idx.map((i) => rober.t[i]);
    // The ode model's Jacobian is exact (AD): the constraint holds to rounding.
    const m = D.solve(new D.ODEProblem(daeModel, rober.u0, [0, t1], K, { massMatrix: MASS }), 'FBDF', { reltol: RTOL, abstol: ATOL, saveat: times });
    assert.is(m.retcode, 'Success');
    checkRober(m, idx, 'ode', undefined, 1e-14);
    // A JavaScript f takes finite differences: the constraint's entries that a step of
    // abstol·√ε loses to rounding are taken again with a larger step (jacobian.ts).
    const j = D.solve(new D.ODEProblem(daeJs, rober.u0, [0, t1], undefined, { inplace: true, massMatrix: MASS }), 'FBDF', { reltol: RTOL, abstol: ATOL, saveat: times });
    assert.is(j.retcode, 'Success');
    checkRober(j, idx, 'js', undefined, 10 * ATOL);
    assert.ok(m.stats.nnonliniter > 0 && m.stats.nnonliniter === m.stats.nsolve);
    assert.is(D.memoryInUse(), 0);
  });
}

test('a mass matrix that is not the identity scales u′: M = 2I gives u′ = f/2', () => {
  const prob = new D.ODEProblem((du, u) => { du[0] = -u[0]; du[1] = -2 * u[1]; }, [1, 1], [0, 2], undefined, { inplace: true, massMatrix: [[2, 0], [0, 2]] });
  const sol = D.solve(prob, 'FBDF', { reltol: 1e-8, abstol: 1e-10, saveEverystep: false });
  assert.is(sol.retcode, 'Success');
  const u = sol.u[1];
  assert.ok(Math.abs(u[0] - Math.exp(-1)) < 1e-6 && Math.abs(u[1] - Math.exp(-2)) < 1e-6, String(u));
  // Explicit methods refuse it, naming methods that take it.
  assert.throws(() => D.solve(prob, 'Tsit5'), /Tsit5 cannot solve a problem with a mass matrix.*FBDF/);
});

// --- A larger stiff system: the 1-D Brusselator by the method of lines (Hairer–Wanner II,
// §IV.10, BRUSS), N = 80 points, 160 states, against a Rodas5P solve at reltol 1e-11.
const NB = 80;
const alphaB = 1 / 50;
const cB = alphaB * (NB + 1) * (NB + 1);
const bruss = (du, y) => {
  for (let i = 0; i < NB; i++) {
    const u = y[2 * i], v = y[2 * i + 1];
    const ul = i > 0 ? y[2 * i - 2] : 1, ur = i < NB - 1 ? y[2 * i + 2] : 1;
    const vl = i > 0 ? y[2 * i - 1] : 3, vr = i < NB - 1 ? y[2 * i + 3] : 3;
    du[2 * i] = 1 + u * u * v - 4 * u + cB * (ul - 2 * u + ur);
    du[2 * i + 1] = 3 * u - u * u * v + cB * (vl - 2 * v + vr);
  }
};
const brussU0 = [];
for (let i = 0; i < NB; i++) brussU0.push(1 + Math.sin((2 * Math.PI * (i + 1)) / (NB + 1)), 3);

test('Brusselator, 160 states: FBDF against a tight Rodas5P solve', () => {
  const prob = new D.ODEProblem(bruss, brussU0, [0, 10], undefined, { inplace: true });
  const times = [1, 2.5, 5, 7.5, 10];
  const ref = D.solve(prob, 'Rodas5P', { reltol: 1e-11, abstol: 1e-11, saveat: times });
  assert.is(ref.retcode, 'Success');
  for (const rt of [1e-4, 1e-6]) {
    const sol = D.solve(prob, 'FBDF', { reltol: rt, abstol: rt, saveat: times });
    assert.is(sol.retcode, 'Success');
    let worst = 0;
    sol.u.forEach((u, k) => u.forEach((x, i) => { worst = Math.max(worst, Math.abs(x - ref.u[k][i]) / (rt + rt * Math.abs(ref.u[k][i]))); }));
    if (process.env.DIFFLUX_VERBOSE) console.log('bruss', rt, worst, JSON.stringify(sol.stats));
    assert.ok(worst <= 100, `reltol ${rt}: error ${worst}× the tolerance`);
    // One Jacobian (160 + 1 evaluations of f) serves many steps.
    assert.ok(sol.stats.njacs <= 5, `${sol.stats.njacs} Jacobians`);
  }
  assert.is(D.memoryInUse(), 0);
});

// --- The mildly stiff problem with a known solution of tests/helpers.mjs (λ = −20).
const T = MILD_T;
const exactAt = mildExact;
const mild = () => new D.ODEProblem(mildModel, [0, 1, 0], [0, T], { lam: -20 });
const endError = (sol) => Math.max(...exactAt(T).map((x, i) => Math.abs(sol.u[sol.u.length - 1][i] - x)));

test('fixed dt: BDF1 is of order 1, BDF2 of order 2 (the start is BDF1, so no more than 2 above)', () => {
  for (const k of [1, 2, 5]) {
    const hs = [], errs = [];
    for (let N = 80; N <= 1280; N *= 2) {
      const sol = D.solve(mild(), D.FBDF({ maxOrder: k }), { dt: T / N, adaptive: false, saveEverystep: false, dense: false });
      assert.is(sol.retcode, 'Success');
      // N steps (one more when rounding leaves a sliver before the end).
      assert.ok(sol.stats.naccept === N || sol.stats.naccept === N + 1);
      hs.push(T / N);
      errs.push(endError(sol));
    }
    const slope = logLogSlope(hs, errs);
    const p = Math.min(k, 2);
    assert.ok(Math.abs(slope - p) < 0.1, `maxOrder ${k}: measured ${slope.toFixed(3)}, expected ${p}`);
  }
});

test('adaptive: with maxOrder k the error falls like N^−k to N^−(k+1) in the number of steps N', () => {
  // The step-size control keeps each step's error near the tolerance: the global error goes
  // like N^−k where errors add up and like N^−(k+1) where the stiff problem damps them.
  const slopes = [];
  for (let k = 1; k <= 5; k++) {
    const ns = [], errs = [];
    for (const tol of [1e-7, 1e-8, 1e-9, 1e-10]) {
      const sol = D.solve(mild(), D.FBDF({ maxOrder: k }), { reltol: tol, abstol: tol, saveEverystep: false, dense: false });
      assert.is(sol.retcode, 'Success');
      ns.push(sol.stats.naccept);
      errs.push(endError(sol));
    }
    const s = -logLogSlope(ns, errs);
    if (process.env.DIFFLUX_VERBOSE) console.log('order', k, s, ns, errs);
    assert.ok(s > k - 0.3 && s < k + 1.3, `maxOrder ${k}: slope ${s.toFixed(3)}`);
    slopes.push(s);
  }
  for (let k = 1; k < 5; k++) assert.ok(slopes[k] > slopes[k - 1] + 0.5, `slopes ${slopes}`);
});

// --- Dense output.
test('Solution.at between steps agrees with the ROBER reference; exact at step ends; saveat equals at', () => {
  const sol = D.solve(roberProb('ode', 1e11), 'FBDF', { reltol: RTOL, abstol: ATOL });
  assert.is(sol.retcode, 'Success');
  const idx = roberIdx(1e11);
  let inside = 0;
  for (const r of idx) {
    const t = rober.t[r];
    if (!sol.t.includes(t)) inside++;
    const u = sol.at(t);
    for (let j = 0; j < 3; j++) {
      const ref = rober.u[r][j];
      assert.ok(Math.abs(u[j] - ref) <= 100 * (RTOL * Math.abs(ref) + ATOL), `t=${t} y${j + 1}: ${u[j]} vs ${ref}`);
    }
  }
  assert.ok(inside >= idx.length - 1, `${inside} of ${idx.length} reference times fall inside steps`);
  for (let i = 1; i < sol.t.length; i += 13) assert.equal(Array.from(sol.at(sol.t[i])), Array.from(sol.u[i]));
  const times = [0.0123, 3.3, 4.4e4, 7.7e8];
  const sa = D.solve(roberProb('ode', 1e11), 'FBDF', { reltol: RTOL, abstol: ATOL, saveat: times });
  assert.equal(sa.stats, sol.stats);
  times.forEach((t, k) => assert.equal(Array.from(sa.u[k]), Array.from(sol.at(t))));
  assert.is(D.memoryInUse(), 0);
});

test('the interpolant inside steps: accurate on a smooth problem, far better than a straight line', () => {
  const sol = D.solve(mild(), 'FBDF', { reltol: 1e-8, abstol: 1e-10 });
  assert.is(sol.retcode, 'Success');
  let worst = 0;
  let worstLinear = 0;
  for (let i = 0; i + 1 < sol.t.length; i++) {
    for (const th of [0.25, 0.5, 0.8]) {
      const t = sol.t[i] + th * (sol.t[i + 1] - sol.t[i]);
      const ex = exactAt(t);
      worst = Math.max(worst, ...ex.map((x, j) => Math.abs(sol.at(t, j) - x)));
      worstLinear = Math.max(worstLinear, ...ex.map((x, j) => Math.abs((1 - th) * sol.u[i][j] + th * sol.u[i + 1][j] - x)));
    }
  }
  if (process.env.DIFFLUX_VERBOSE) console.log('interp', worst, worstLinear);
  assert.ok(worst < 1e-6, `interpolation error ${worst}`);
  assert.ok(worst < worstLinear / 100, `${worst} against ${worstLinear} for linear interpolation`);
  // At a fixed dt the interpolant of a BDF2 step is the quadratic through the last three
  // states (steps 3 on; the first two are BDF1): checked against Lagrange's form.
  const q = D.solve(new D.ODEProblem(D.ode`du = cos(3*t)*u`, [1], [0, 4]), D.FBDF({ maxOrder: 2 }), { dt: 0.25, adaptive: false });
  assert.is(q.retcode, 'Success');
  let worstQ = 0;
  for (let i = 2; i + 1 < q.t.length; i++) {
    const [t0, t1, t2] = [q.t[i - 1], q.t[i], q.t[i + 1]];
    const [u0, u1, u2] = [q.u[i - 1][0], q.u[i][0], q.u[i + 1][0]];
    for (const th of [0.1, 0.5, 0.9]) {
      const t = t1 + th * (t2 - t1);
      const lag = (u0 * (t - t1) * (t - t2)) / ((t0 - t1) * (t0 - t2)) + (u1 * (t - t0) * (t - t2)) / ((t1 - t0) * (t1 - t2)) + (u2 * (t - t0) * (t - t1)) / ((t2 - t0) * (t2 - t1));
      worstQ = Math.max(worstQ, Math.abs(q.at(t, 0) - lag));
    }
  }
  assert.ok(worstQ < 1e-13, `BDF2 interpolant against the quadratic through the last states: ${worstQ}`);
});

// --- Stops, direction, events.
test('tstops are stepped to exactly, also at a fixed dt (which resumes after the stop); backward integration works', () => {
  const sol = D.solve(mild(), 'FBDF', { tstops: [0.3, 1.1], reltol: 1e-6 });
  assert.is(sol.retcode, 'Success');
  assert.ok(sol.t.includes(0.3) && sol.t.includes(1.1));
  assert.ok(endError(sol) < 1e-4);
  const fixed = D.solve(mild(), 'FBDF', { tstops: [0.3], dt: 0.25, adaptive: false });
  assert.is(fixed.retcode, 'Success');
  assert.equal(Array.from(fixed.t), [0, 0.25, 0.3, 0.55, 0.8, 1.05, 1.3, 1.55, 1.8, 2]);
  const back = D.solve(new D.ODEProblem((du, u) => { du[0] = -u[0] * u[0]; }, [1 / 3], [2, 0], undefined, { inplace: true }), 'FBDF', { reltol: 1e-8, abstol: 1e-10 });
  assert.is(back.retcode, 'Success');
  assert.ok(Math.abs(back.u[back.u.length - 1][0] - 1) < 1e-6, String(back.u[back.u.length - 1][0]));
});

test('a ContinuousCallback: bounce times of a falling ball', () => {
  assertBounces('FBDF');
});

test('a DiscreteCallback that changes u restarts the history; terminate stops', () => {
  const cb = new D.DiscreteCallback((u, t) => t === 1, (integ) => { integ.u[0] *= 2; });
  const prob = new D.ODEProblem((du, u) => { du[0] = -u[0]; }, [1], [0, 2], undefined, { inplace: true });
  const sol = D.solve(prob, 'FBDF', { callback: cb, tstops: [1], reltol: 1e-8, abstol: 1e-10 });
  assert.is(sol.retcode, 'Success');
  const end = sol.u[sol.u.length - 1][0];
  assert.ok(Math.abs(end - 2 * Math.exp(-2)) < 1e-6, String(end));
  const stop = new D.DiscreteCallback((u, t) => t >= 0.5, () => {}, { terminate: true });
  const ended = D.solve(prob, 'FBDF', { callback: stop });
  assert.is(ended.retcode, 'Terminated');
  assert.ok(ended.t[ended.t.length - 1] >= 0.5 && ended.t[ended.t.length - 1] < 2);
  assert.is(D.memoryInUse(), 0);
});

// --- Counters.
test('work counters: one linear solve per Newton iteration, Jacobians reused, nf counts every call', () => {
  let calls = 0;
  const f = (du, u) => { calls++; roberJs(du, u); };
  const sol = D.solve(new D.ODEProblem(f, rober.u0, [0, 1e5], undefined, { inplace: true }), 'FBDF', { reltol: 1e-6, abstol: 1e-10 });
  assert.is(sol.retcode, 'Success');
  const s = sol.stats;
  assert.is(s.nf, calls);
  assert.is(s.nsolve, s.nnonliniter);
  // Each Newton iteration evaluates f once; each finite-difference Jacobian takes n more
  // (its columns: FBDF never uses ∂f/∂t), up to n retries of columns lost to rounding, and
  // f(t_n, u_n) for all but the first; the start takes 2 (dt estimate).
  const retries = s.nf - (s.nnonliniter + s.njacs * 4 - 1 + 2);
  assert.ok(retries >= 0 && retries <= 3 * s.njacs, `${retries} retried columns`);
  assert.ok(s.nnonliniter >= s.naccept + s.nreject - s.nnonlinconvfail);
  assert.ok(s.nw < s.naccept, `${s.nw} factorizations for ${s.naccept} steps`);
  assert.ok(s.njacs >= 1 && s.njacs * 20 < s.naccept);
});

// --- Problems that must end in a retcode.
test('blow-up in finite time ends with DtLessThanMin, not NaNs or a hang', () => {
  const sol = D.solve(new D.ODEProblem((du, u) => { du[0] = u[0] * u[0]; }, [1], [0, 2], undefined, { inplace: true }), 'FBDF');
  assert.is(sol.retcode, 'DtLessThanMin');
  assert.ok(Math.abs(sol.t[sol.t.length - 1] - 1) < 0.01, `stopped at ${sol.t[sol.t.length - 1]}`);
  for (const u of sol.u) assert.ok(Number.isFinite(u[0]));
  assert.is(D.memoryInUse(), 0);
});

test('f turning NaN ends with a retcode; a non-finite Jacobian is Unstable', () => {
  const sol = D.solve(new D.ODEProblem((du, u, p, t) => { du[0] = t > 0.5 ? NaN : -u[0]; }, [1], [0, 1], undefined, { inplace: true }), 'FBDF');
  assert.ok(sol.retcode === 'DtLessThanMin' || sol.retcode === 'Unstable', sol.retcode);
  assert.ok(sol.u.every((u) => Number.isFinite(u[0])));
  assert.ok(sol.stats.nnonlinconvfail > 0);
  const root = D.solve(new D.ODEProblem(D.ode`dx = sqrt(x)`, [0], [0, 1]), 'FBDF');
  assert.is(root.retcode, 'Unstable');
  assert.is(D.memoryInUse(), 0);
});

test('Newton divergence at a fixed dt is ConvergenceFailure; adaptive, it shrinks the step', () => {
  // u' = −u³ from u = 10 with dt = 1: the implicit Euler equation u + u³ = 10 from the
  // predictor 10 sends the simplified Newton iteration (J frozen at u = 10) away.
  const prob = new D.ODEProblem(D.ode`du = -u^3`, [10], [0, 3]);
  const fixed = D.solve(prob, 'FBDF', { dt: 1, adaptive: false });
  assert.is(fixed.retcode, 'ConvergenceFailure');
  assert.ok(fixed.stats.nnonlinconvfail >= 1);
  assert.ok(fixed.u.every((u) => Number.isFinite(u[0])));
  const adaptive = D.solve(prob, 'FBDF', { dt: 1, reltol: 1e-6, abstol: 1e-8 });
  assert.is(adaptive.retcode, 'Success');
  // u = 10/√(1 + 200t)
  const u3 = 10 / Math.sqrt(1 + 200 * 3);
  assert.ok(Math.abs(adaptive.u[adaptive.u.length - 1][0] / u3 - 1) < 1e-4, String(adaptive.u[adaptive.u.length - 1][0]));
  assert.is(D.memoryInUse(), 0);
});

test('a singular W: Unstable at a fixed dt, a rejection and a smaller dt when adaptive', () => {
  // u' = u with dt = 1: W = 1 − dt·1/γ_1·λ = 0 for BDF1.
  const prob = new D.ODEProblem(D.ode`du = u`, [1], [0, 3]);
  const fixed = D.solve(prob, 'FBDF', { dt: 1, adaptive: false });
  assert.is(fixed.retcode, 'Unstable');
  assert.is(fixed.stats.naccept, 0);
  const adaptive = D.solve(prob, 'FBDF', { dt: 1, reltol: 1e-6 });
  assert.is(adaptive.retcode, 'Success');
  assert.ok(adaptive.stats.nreject >= 1);
  assert.ok(Math.abs(adaptive.u[adaptive.u.length - 1][0] / Math.exp(3) - 1) < 1e-3);
  assert.is(D.memoryInUse(), 0);
});

test('maxiters and dtmin give their retcodes; a throwing f propagates its error and frees memory', () => {
  const p = roberProb('js', 1e11);
  assert.is(D.solve(p, 'FBDF', { maxiters: 10 }).retcode, 'MaxIters');
  assert.is(D.solve(p, 'FBDF', { dtmin: 1 }).retcode, 'DtLessThanMin');
  const bad = new D.ODEProblem((du, u, q, t) => { if (t > 0.1) throw new Error('boom'); du[0] = -u[0]; }, [1], [0, 1], undefined, { inplace: true });
  assert.throws(() => D.solve(bad, 'FBDF'), /boom/);
  assert.is(D.memoryInUse(), 0);
});

// --- API.
test('constructor, name and options; bad options give clear errors', () => {
  const p = roberProb('js', 1e3);
  const byName = D.solve(p, 'FBDF');
  const byObject = D.solve(p, D.FBDF());
  assert.equal(byName.stats, byObject.stats);
  assert.is(byName.alg, 'FBDF');
  assert.is(D.FBDF({ autodiff: true, maxOrder: 5 }), D.FBDF());
  assert.is(D.FBDF({ maxOrder: 3 }).maxOrder, 3);
  assert.ok(D.algorithmNames.includes('FBDF'));
  assert.throws(() => D.FBDF({ maxOrder: 6 }), /maxOrder must be an integer from 1 to 5, got 6/);
  assert.throws(() => D.FBDF({ maxOrder: 0 }), /maxOrder must be an integer from 1 to 5, got 0/);
  assert.throws(() => D.FBDF({ maxOrder: 2.5 }), /maxOrder must be an integer from 1 to 5, got 2.5/);
  assert.throws(() => D.FBDF({ maxOrder: '3' }), /maxOrder must be an integer from 1 to 5/);
  assert.throws(() => D.FBDF({ maxorder: 3 }), /unknown option 'maxorder' \(known: autodiff, maxOrder\)/);
  assert.throws(() => D.FBDF({ autodiff: 1 }), /autodiff must be true or false/);
  assert.throws(() => D.FBDF(3), /options must be an object/);
  assert.throws(() => D.solve(p, D.FBDF), /pass the algorithm called/);
  // Lower orders take more steps on the same problem.
  const low = D.solve(p, D.FBDF({ maxOrder: 1 }), { reltol: 1e-6, abstol: 1e-10 });
  const high = D.solve(p, D.FBDF(), { reltol: 1e-6, abstol: 1e-10 });
  assert.ok(low.stats.naccept > 2 * high.stats.naccept, `${low.stats.naccept} vs ${high.stats.naccept}`);
});

test.run();
