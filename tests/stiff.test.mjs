// Rosenbrock methods: convergence order, ROBER against the reference, the `ode` model against the
// JavaScript function, work counters, dense output, events, and problems that must end in a
// retcode rather than NaNs or a hang.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, reference, logLogSlope, roberProb, MILD_T, mildExact, mildModel, mildJs, assertBounces } from './helpers.mjs';

const METHODS = { Rosenbrock23: 2, Rodas4: 4, Rodas5P: 5 };
// Van der Pol (μ = 1000) at t = 3000: LSODA (SciPy odeint, rtol = atol = 1e-12, analytic
// Jacobian); Rodas5P at reltol = abstol = 1e-10 agrees to 2e-7 (see the Van der Pol tests).
const VDP_3000 = [-1.83369804, 0.77592908];
const STAGES = { Rosenbrock23: 3, Rodas4: 6, Rodas5P: 8 };

// --- The mildly stiff problem with a known solution of tests/helpers.mjs (λ = −20).
const T = MILD_T;
const exactAt = mildExact;
const mild = (f) => new D.ODEProblem(f, [0, 1, 0], [0, T], { lam: -20 });

/** Fixed-dt global error at T for N = 10, 20, …; the slope over the three finest errors above 1e-12. */
function measuredOrder(alg, prob) {
  const hs = [], errs = [];
  const exact = exactAt(T);
  for (let N = 10; N <= 2560; N *= 2) {
    const sol = D.solve(prob, alg, { dt: T / N, adaptive: false, saveEverystep: false, dense: false });
    assert.is(sol.retcode, 'Success');
    const e = Math.max(...exact.map((x, i) => Math.abs(sol.u[sol.u.length - 1][i] - x)));
    if (e < 1e-12) break;
    hs.push(T / N);
    errs.push(e);
  }
  assert.ok(hs.length >= 3, `${alg}: too few points above the rounding floor`);
  return logLogSlope(hs.slice(-3), errs.slice(-3));
}

for (const [alg, p] of Object.entries(METHODS)) {
  test(`${alg} converges with order ${p} (fixed dt, exact Jacobian of an ode model)`, () => {
    const slope = measuredOrder(alg, mild(mildModel));
    if (process.env.DIFFLUX_VERBOSE) console.log(alg, slope.toFixed(3));
    assert.ok(slope > p - 0.3 && slope < p + 0.3, `${alg}: measured order ${slope.toFixed(3)}, expected ${p}`);
  });
}

test('Rosenbrock32 converges with order 3 (fixed dt; AD and finite-difference Jacobians)', () => {
  for (const f of [mildModel, mildJs]) {
    const slope = measuredOrder('Rosenbrock32', mild(f));
    if (process.env.DIFFLUX_VERBOSE) console.log('Rosenbrock32', slope.toFixed(3));
    assert.ok(slope > 2.7 && slope < 3.3, `Rosenbrock32: measured order ${slope.toFixed(3)}, expected 3`);
  }
});

test('Rosenbrock32: adaptive solves meet the tolerance, its dense output ends at u_{n+1}; not A-stable (R(∞) ≈ 1.61)', () => {
  for (const f of [mildJs, mildModel]) {
    const sol = D.solve(mild(f), 'Rosenbrock32', { reltol: 1e-6, abstol: 1e-8 });
    assert.is(sol.retcode, 'Success');
    const e = Math.max(...exactAt(T).map((x, i) => Math.abs(sol.u[sol.u.length - 1][i] - x)));
    assert.ok(e < 1e-5, `error ${e}`);
    for (let i = 1; i < sol.t.length; i += 5) assert.equal(Array.from(sol.at(sol.t[i])), Array.from(sol.u[i]));
    let worst = 0;
    for (let i = 0; i + 1 < sol.t.length; i++) {
      const t = 0.5 * (sol.t[i] + sol.t[i + 1]);
      worst = Math.max(worst, ...exactAt(t).map((x, j) => Math.abs(sol.at(t, j) - x)));
    }
    assert.ok(worst < 1e-5, `interpolation error ${worst}`);
  }
  // One step of u' = λu with dt·λ → −∞: Rosenbrock23's u_1 → 0 (L-stable), the order-3
  // formula's → 1.609… (Shampine & Reichelt: it is not A-stable), so Rosenbrock32 is for
  // mildly stiff problems only.
  const step = (alg, z) => D.solve(new D.ODEProblem((du, u) => { du[0] = z * u[0]; }, [1], [0, 1], undefined, { inplace: true }), alg, { dt: 1, adaptive: false }).u[1][0];
  assert.ok(Math.abs(step('Rosenbrock23', -1e8)) < 1e-7);
  assert.ok(Math.abs(step('Rosenbrock32', -1e8) - 1.6095) < 1e-3, String(step('Rosenbrock32', -1e8)));
  assert.ok(Math.abs(step('Rosenbrock32', -10)) < 1);
});

test('Rosenbrock23 keeps order 2 with finite-difference Jacobians (a JavaScript f; a W-method)', () => {
  const slope = measuredOrder('Rosenbrock23', mild(mildJs));
  assert.ok(slope > 1.7 && slope < 2.3, `measured ${slope.toFixed(3)}`);
});

test('adaptive solves of the mild problem meet the tolerance, with JavaScript f and ode models', () => {
  for (const alg of Object.keys(METHODS)) {
    for (const f of [mildJs, mildModel]) {
      const sol = D.solve(mild(f), alg, { reltol: 1e-6, abstol: 1e-8 });
      assert.is(sol.retcode, 'Success');
      const e = Math.max(...exactAt(T).map((x, i) => Math.abs(sol.u[sol.u.length - 1][i] - x)));
      assert.ok(e < 1e-4, `${alg} ${f === mildJs ? 'js' : 'ode'}: error ${e}`);
    }
  }
});

test('Rosenbrock23 on a very stiff non-autonomous problem: the error estimate stays of order 3 (few steps)', () => {
  // Prothero–Robinson u' = λ(u − sin t) + cos t, λ = −1e5, u = sin t. The estimate's ∂f/∂t
  // term in k3 is dt·d·∂f/∂t; with dt·∂f/∂t it would be O(dt·λ) and force thousands of steps.
  for (const f of [
    (du, u, p, t) => { du[0] = -1e5 * (u[0] - Math.sin(t)) + Math.cos(t); },
    D.ode`du = -1e5*(u - sin(t)) + cos(t)`,
  ]) {
    const sol = D.solve(new D.ODEProblem(f, [0], [0, 3], undefined, typeof f === 'function' ? { inplace: true } : {}), 'Rosenbrock23', { reltol: 1e-3, abstol: 1e-5, saveEverystep: false });
    assert.is(sol.retcode, 'Success');
    assert.ok(sol.stats.naccept + sol.stats.nreject < 200, `${sol.stats.naccept} + ${sol.stats.nreject} steps`);
    assert.ok(Math.abs(sol.u[1][0] - Math.sin(3)) < 1e-3);
  }
});

// --- ROBER (Robertson's chemical kinetics), the classic stiff test.
const rober = reference.rober;
const K = rober.params;

// reltol 1e-6 with abstol 1e-10: y2 lives between 1e-13 and 4e-5 and y3 starts at 0, so no
// abstol keeps every component relative at every time (y2(1e11) ≈ 8e-14, y3(1e-5) ≈ 2e-11).
// The check is the solver's own measure, |u − ref| ≤ 100·(reltol·|ref| + abstol): a relative
// error within 100·reltol wherever |ref| is above abstol/reltol = 1e-4 — y1 and y3 from 1e-4
// on, y1 until 1e9 — and an absolute error within 100·abstol below that.
const RTOL = 1e-6;
const ATOL = 1e-10;
for (const t1 of [1e5, 1e11]) {
  test(`ROBER to t = ${t1.toExponential()}: every method, JavaScript f and ode model, within 100× the tolerance at every reference time`, () => {
    const idx = rober.t.map((t, i) => i).filter((i) => rober.t[i] > 0 && rober.t[i] <= t1);
    const times = idx.map((i) => rober.t[i]);
    for (const alg of Object.keys(METHODS)) {
      for (const kind of ['js', 'ode']) {
        const sol = D.solve(roberProb(kind, t1), alg, { reltol: RTOL, abstol: ATOL, saveat: times });
        assert.is(sol.retcode, 'Success', `${alg} ${kind}`);
        assert.equal(Array.from(sol.t), times);
        idx.forEach((r, k) => {
          for (let j = 0; j < 3; j++) {
            const ref = rober.u[r][j];
            const err = Math.abs(sol.u[k][j] - ref);
            assert.ok(err <= 100 * (RTOL * Math.abs(ref) + ATOL), `${alg} ${kind} t=${times[k]} y${j + 1}: ${sol.u[k][j]} vs ${ref}`);
            if (Math.abs(ref) >= ATOL / RTOL) assert.ok(err / Math.abs(ref) <= 100 * RTOL);
          }
          // y1 + y2 + y3 = 1 is kept: the methods preserve linear invariants up to the
          // Jacobian's rounding (exact with AD, finite differences cost a few digits).
          const s = sol.u[k][0] + sol.u[k][1] + sol.u[k][2];
          assert.ok(Math.abs(s - 1) <= 100 * ATOL, `${alg} ${kind} t=${times[k]}: sum ${s}`);
        });
        assert.is(D.memoryInUse(), 0);
      }
    }
  });
}

const sameSteps = (a, b) => {
  if (a.t.length !== b.t.length) return false;
  for (let i = 0; i < a.t.length; i++) {
    if (a.t[i] !== b.t[i]) return false;
    for (let j = 0; j < a.u[i].length; j++) if (a.u[i][j] !== b.u[i][j]) return false;
  }
  return true;
};

test('ROBER as an ode model with finite differences takes the same steps as the JavaScript f, bit for bit', () => {
  // The model's f is the JavaScript function's to the bit (+, − and × only), so with the same
  // Jacobian method (autodiff: false) every step is the same. With autodiff (the default) the
  // model's Jacobian is exact, the finite differences' is not: the steps differ by rounding
  // and the step counts stay close (checked below).
  for (const [name, make] of [['Rosenbrock23', D.Rosenbrock23], ['Rodas4', D.Rodas4], ['Rodas5P', D.Rodas5P]]) {
    const a = D.solve(roberProb('ode', 1e11), make({ autodiff: false }), { reltol: 1e-6, abstol: 1e-8 });
    const b = D.solve(roberProb('js', 1e11), name, { reltol: 1e-6, abstol: 1e-8 });
    assert.is(a.retcode, 'Success');
    assert.ok(sameSteps(a, b), name);
    assert.equal(a.stats, b.stats);
    assert.equal(Array.from(a.at(1234.5)), Array.from(b.at(1234.5)));
    const c = D.solve(roberProb('ode', 1e11), name, { reltol: 1e-6, abstol: 1e-8 });
    const steps = (s) => s.stats.naccept + s.stats.nreject;
    assert.ok(Math.abs(steps(c) - steps(b)) <= 0.25 * steps(b), `${name}: ${steps(c)} steps with AD, ${steps(b)} with finite differences`);
    // Forward-mode AD costs no evaluations of f: 2 for the initial step, then the stages.
    assert.ok(c.stats.nf < b.stats.nf, name);
  }
});

// Van der Pol with μ = 1000 in the stiff scaling (the reference's equations) over three
// time units: two fast transitions, where every method rejects steps.
const vdpJs = (du, u) => { du[0] = u[1]; du[1] = 1000 * ((1 - u[0] * u[0]) * u[1] - u[0]); };
const vdpModel = D.ode`
  dx = y
  dy = mu*((1 - x*x)*y - x)
`;

test('work counters: one Jacobian per step start, one W per attempt, one solve per stage; nf counts every call of f', () => {
  for (const [alg, s] of Object.entries(STAGES)) {
    let calls = 0;
    const counted = new D.ODEProblem((du, u, p, t) => { calls++; vdpJs(du, u, p, t); }, [2, 0], [0, 3], undefined, { inplace: true });
    const sol = D.solve(counted, alg, { reltol: 1e-5, abstol: 1e-8 });
    const st = sol.stats;
    assert.is(sol.retcode, 'Success');
    assert.is(st.nf, calls, alg);
    const attempts = st.naccept + st.nreject;
    // Rejections make the counts below tell "per attempt" from "per accepted step".
    assert.ok(st.nreject > 10, `${alg}: ${st.nreject} rejections`);
    // J is computed at each accepted state the integration steps from (a rejected step reuses it).
    assert.is(st.njacs, st.naccept, alg);
    assert.is(st.nw, attempts, alg);
    assert.is(st.nsolve, s * attempts, alg);
    assert.equal([st.nnonliniter, st.nnonlinconvfail], [0, 0]);
    // Two evaluations for the initial step (the first is f(u0)); n + 1 per finite-difference
    // Jacobian (with ∂f/∂t) and up to n retries of columns lost to rounding (jacobian.ts); per
    // attempt Rosenbrock23 takes 2 (the midpoint and the FSAL end), the Rodas methods s − 1; a
    // Rodas step from a new state first evaluates f there.
    const n = 2;
    const expected = alg === 'Rosenbrock23'
      ? 2 + 2 * attempts + (n + 1) * st.njacs
      : 2 + (s - 1) * attempts + (st.naccept - 1) + (n + 1) * st.njacs;
    const retries = st.nf - expected;
    assert.ok(retries >= 1 && retries <= n * st.njacs, `${alg}: ${retries} retried columns`);
    // With the model's AD Jacobian no evaluation goes to the Jacobian.
    const ad = D.solve(new D.ODEProblem(vdpModel, [2, 0], [0, 3], { mu: 1000 }), alg, { reltol: 1e-5, abstol: 1e-8 });
    const a2 = ad.stats.naccept + ad.stats.nreject;
    assert.is(ad.stats.njacs, ad.stats.naccept);
    assert.is(ad.stats.nw, a2);
    assert.is(ad.stats.nf, alg === 'Rosenbrock23' ? 2 + 2 * a2 : 2 + (s - 1) * a2 + (ad.stats.naccept - 1), alg);
    assert.is(D.memoryInUse(), 0);
  }
});

test('fixed dt: no error estimate (Rosenbrock23 skips its third stage), counters follow', () => {
  const sol = D.solve(mild(mildJs), 'Rosenbrock23', { dt: 0.01, adaptive: false });
  assert.is(sol.retcode, 'Success');
  assert.is(sol.stats.naccept, 200);
  assert.is(sol.stats.nsolve, 2 * 200);
  assert.is(sol.stats.nw, 200);
  assert.is(sol.stats.njacs, 200);
});

// --- Van der Pol in the reference's form y1' = y2, y2' = μ((1 − y1²)y2 − y1), y(0) = (2, 0).
// With τ = √μ·t it is the classic x'' − √μ(1 − x²)x' + x = 0: a relaxation oscillation of
// period ≈ 1.6 in t for any large μ, so t = 3000 is about 1850 periods. References computed
// for these tests: SciPy's Radau (rtol 1e-12, atol 1e-14) to t = 3; to t = 3000 LSODA (SciPy
// odeint, rtol = atol = 1e-12, analytic Jacobian; at 1e-10 it agrees to 2e-5). The value of
// solutions.json's van_der_pol_mu1000 at t = 3000, (1.70617, −0.89281), disagrees with both
// and with every method here at every tolerance (all agree on (−1.8337, 0.7759) to 1e-4): it
// is not used.
const vdpA = D.ode`
  dy1 = y2
  dy2 = mu*((1 - y1*y1)*y2 - y1)
`;
const VDP_REF = {
  '1000@3': [-1.6177098843090922, 0.9995963604491067],
  '1e6@3': [-1.51060693674408, 1.1783800007309866], // = the classic μ = 1000 oscillator at τ = 3000
  '1000@3000': VDP_3000,
};
const vdpErr = (sol, ref) => Math.max(...[0, 1].map((j) => Math.abs(sol.u[sol.u.length - 1][j] - ref[j]) / Math.abs(ref[j])));
const vdpSolve = (mu, t1, alg, rtol, atol) =>
  D.solve(new D.ODEProblem(vdpA, [2, 0], [0, t1], { mu }), alg, { reltol: rtol, abstol: atol, saveEverystep: false, maxiters: 1e7 });

test('Van der Pol μ = 1000 and μ = 1e6 over two relaxation transitions (t ≤ 3): Rodas5P, Rodas4, Rosenbrock23 within 100·reltol', () => {
  for (const [mu, key] of [[1000, '1000@3'], [1e6, '1e6@3']]) {
    for (const alg of ['Rodas5P', 'Rodas4', 'Rosenbrock23']) {
      const rtol = 1e-6;
      const sol = vdpSolve(mu, 3, alg, rtol, 1e-8);
      assert.is(sol.retcode, 'Success', `${alg} μ=${mu}`);
      const e = vdpErr(sol, VDP_REF[key]);
      if (process.env.DIFFLUX_VERBOSE) console.log('VdP', mu, alg, e.toExponential(2), sol.stats.naccept, sol.stats.nreject);
      assert.ok(e <= 100 * rtol, `${alg} μ=${mu}: relative error ${e}`);
    }
  }
  assert.is(D.memoryInUse(), 0);
});

test('Van der Pol μ = 1000 to t = 3000 (≈ 1850 periods): Rodas5P and Rodas4 against the reference, Rosenbrock23 stays on the cycle', () => {
  // Each period adds its phase error: the global error at t = 3000 is ~100–250× reltol at
  // reltol 1e-5 (measured 1.2e-3 for Rodas5P, 2.3e-3 for Rodas4), so the bound is 1000·reltol.
  for (const alg of ['Rodas5P', 'Rodas4']) {
    const rtol = 1e-5;
    const sol = vdpSolve(1000, 3000, alg, rtol, 1e-8);
    assert.is(sol.retcode, 'Success', alg);
    const e = vdpErr(sol, VDP_REF['1000@3000']);
    if (process.env.DIFFLUX_VERBOSE) console.log('VdP 3000', alg, e.toExponential(2), sol.stats.naccept, sol.stats.nreject);
    assert.ok(e <= 1000 * rtol, `${alg}: relative error ${e}`);
  }
  // Order 2 needs far tighter tolerances for the phase; at reltol 1e-3 it completes the span
  // on the limit cycle (|y1| ≤ 2, y2 ≈ y1/(1 − y1²) on the slow branches).
  const r23 = vdpSolve(1000, 3000, 'Rosenbrock23', 1e-3, 1e-6);
  assert.is(r23.retcode, 'Success');
  const [y1, y2] = r23.u[1];
  assert.ok(Math.abs(y1) > 1 && Math.abs(y1) <= 2.01 && Math.abs(y2 - y1 / (1 - y1 * y1)) < 0.05 * Math.abs(y2), `${y1}, ${y2}`);
  assert.is(D.memoryInUse(), 0);
});

test('Van der Pol μ = 1e6 to t = 3000 (≈ 1850 transitions, each 1000× faster than for μ = 1000): Rodas5P without failure', () => {
  const sol = vdpSolve(1e6, 3000, 'Rodas5P', 1e-4, 1e-6);
  assert.is(sol.retcode, 'Success');
  const [y1, y2] = sol.u[1];
  assert.ok(Math.abs(y1) > 1 && Math.abs(y1) <= 2.01 && Math.abs(y2 - y1 / (1 - y1 * y1)) < 1e-3 * Math.abs(y2), `${y1}, ${y2}`);
  assert.is(D.memoryInUse(), 0);
});

// --- Jacobian reuse for the W-methods (maxJacAge). Measured with a JavaScript f (finite-
// difference Jacobians: n + 1 evaluations of f each), Rosenbrock23, abstol = reltol·1e-4 on
// ROBER to 1e11 and abstol = reltol on Van der Pol μ = 1000 over t ∈ [0, 3]:
//   reltol  maxJacAge  ROBER nf / njacs / rejected   VdP nf / njacs / nw / rejected
//   1e-4        1        1496 /  249 /   0           3798 /  698 /  851 / 153
//   1e-4       20        1496 /  249 /   0           3312 /  522 /  872 / 150
//   1e-6        1        7136 / 1189 /   0          17648 / 3460 / 3633 / 173
//   1e-6       20        7224 / 1066 / 225          15429 / 2183 / 4439 / 670
// Reusing J saves Jacobians but a stale J (and ∂f/∂t) costs rejected steps and W
// factorizations, and on ROBER more evaluations of f in all; errors at equal tolerance are
// alike. Rosenbrock32's order-3 solution needs the exact J: reuse made its error 10–70× larger.
// So the default computes J every step (maxJacAge 1, as OrdinaryDiffEq.jl's default for
// Rosenbrock23/32); maxJacAge > 1 turns reuse on.
test('maxJacAge: W-methods reuse J across accepted steps, renewing it after rejections, on large dt changes and at the age limit', () => {
  const counted = () => new D.ODEProblem(vdpJs, [2, 0], [0, 3], undefined, { inplace: true });
  const rtol = 1e-5;
  const plain = D.solve(counted(), 'Rosenbrock23', { reltol: rtol, abstol: rtol });
  const reuse = D.solve(counted(), D.Rosenbrock23({ maxJacAge: 20 }), { reltol: rtol, abstol: rtol });
  for (const sol of [plain, reuse]) {
    assert.is(sol.retcode, 'Success');
    assert.ok(vdpErr(sol, VDP_REF['1000@3']) <= 100 * rtol, String(vdpErr(sol, VDP_REF['1000@3'])));
    const st = sol.stats;
    const attempts = st.naccept + st.nreject;
    assert.is(st.nw, attempts);
    // Finite-difference Jacobians (3 evaluations each with n = 2, and up to 2 retried columns),
    // 2 per attempt, 2 to start.
    const retries = st.nf - (2 + 2 * attempts + 3 * st.njacs);
    assert.ok(retries >= 1 && retries <= 2 * st.njacs, `${retries} retried columns`);
  }
  assert.is(plain.stats.njacs, plain.stats.naccept);
  assert.ok(reuse.stats.njacs < 0.8 * reuse.stats.naccept, `${reuse.stats.njacs} Jacobians for ${reuse.stats.naccept} steps`);
  // Every rejection renews a reused J and at most 20 steps share one.
  assert.ok(reuse.stats.njacs >= reuse.stats.naccept / 20);
  const age2 = D.solve(counted(), D.Rosenbrock23({ maxJacAge: 2 }), { reltol: rtol, abstol: rtol });
  assert.ok(age2.stats.njacs >= age2.stats.naccept / 2 && age2.stats.njacs < age2.stats.naccept);
  // The measured trade-off on ROBER that makes "no reuse" the default.
  const rober1 = D.solve(roberProb('js', 1e11), 'Rosenbrock23', { reltol: 1e-6, abstol: 1e-10 });
  const rober20 = D.solve(roberProb('js', 1e11), D.Rosenbrock23({ maxJacAge: 20 }), { reltol: 1e-6, abstol: 1e-10 });
  // Reuse saves Jacobians (and the evaluations of their columns: about as many as its extra
  // attempts cost) but takes more steps, rejections and factorizations.
  const [a, b] = [rober1.stats, rober20.stats];
  assert.ok(b.njacs < a.njacs && b.naccept > a.naccept && b.nreject > a.nreject && b.nw > a.nw, JSON.stringify([a, b]));
  assert.ok(Math.abs(b.nf - a.nf) < 0.1 * a.nf, JSON.stringify([a, b]));
  // Never with a fixed dt or a mass matrix; Rodas methods are not W-methods.
  const fixed = D.solve(mild(mildJs), D.Rosenbrock23({ maxJacAge: 20 }), { dt: 0.01, adaptive: false });
  assert.is(fixed.stats.njacs, 200);
  const dae = D.solve(new D.ODEProblem(D.ode`
    dx = -x + y
    dy = y - sin(t)
  `, [1, 0], [0, 2], {}, { massMatrix: [[1, 0], [0, 0]] }), D.Rosenbrock23({ maxJacAge: 20 }), { reltol: 1e-6 });
  assert.is(dae.retcode, 'Success');
  assert.is(dae.stats.njacs, dae.stats.naccept);
  assert.throws(() => D.Rodas4({ maxJacAge: 5 }), /Rodas4: unknown option 'maxJacAge' \(known: autodiff\); Rodas4 is not a W-method/);
  assert.throws(() => D.Rosenbrock23({ maxJacAge: 0 }), /maxJacAge must be an integer ≥ 1, got 0/);
  assert.is(D.Rosenbrock23({ maxJacAge: 1 }), D.Rosenbrock23());
  assert.is(D.memoryInUse(), 0);
});

// --- Dense output.
test('Solution.at uses each method’s own interpolant: accurate inside steps, exact at their ends', () => {
  for (const alg of Object.keys(METHODS)) {
    const sol = D.solve(mild(mildModel), alg, { reltol: 1e-8, abstol: 1e-10 });
    assert.is(sol.retcode, 'Success');
    // Step ends read back the saved states.
    for (let i = 1; i < sol.t.length; i += 7) assert.equal(Array.from(sol.at(sol.t[i])), Array.from(sol.u[i]));
    // Inside steps: within the interpolants' accuracy, and far better than a straight line
    // between the saved states (which the check would otherwise not tell apart).
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
    if (process.env.DIFFLUX_VERBOSE) console.log(alg, worst, worstLinear);
    if (alg === 'Rosenbrock23') {
      // Order 2: its global error, not the interpolation, dominates at every point.
      assert.ok(worst < 1e-6, `${alg}: interpolation error ${worst}`);
    } else {
      assert.ok(worst < 1e-8, `${alg}: interpolation error ${worst}`);
      assert.ok(worst < worstLinear / 100, `${alg}: ${worst} against ${worstLinear} for linear interpolation`);
    }
    // u' = t, u = t²/2: every method and its interpolant are exact on a quadratic (a straight
    // line between the saved states is not).
    const q = D.solve(new D.ODEProblem(D.ode`du = t`, [0], [0, 4]), alg, { dt: 0.5, adaptive: false });
    for (const t of [0.2, 1.3, 2.77, 3.9]) assert.ok(Math.abs(q.at(t, 0) - (t * t) / 2) < 1e-13, `${alg} at ${t}: ${q.at(t, 0)}`);
  }
  assert.is(D.memoryInUse(), 0);
});

test('saveat values come from the dense output (no extra steps) and equal Solution.at', () => {
  for (const alg of Object.keys(METHODS)) {
    const full = D.solve(mild(mildModel), alg, { reltol: 1e-6, abstol: 1e-8 });
    const times = [0.123, 0.5, 1.01, 1.777];
    const sa = D.solve(mild(mildModel), alg, { reltol: 1e-6, abstol: 1e-8, saveat: times });
    assert.equal(sa.stats, full.stats);
    times.forEach((t, k) => assert.equal(Array.from(sa.u[k]), Array.from(full.at(t))));
  }
});

test('tstops are stepped to exactly; backward integration works', () => {
  const sol = D.solve(mild(mildJs), 'Rodas4', { tstops: [0.3, 1.1], reltol: 1e-6 });
  assert.ok(sol.t.includes(0.3) && sol.t.includes(1.1));
  // Backward from T to 0 on the non-stiff direction of b' = −b² alone.
  const back = D.solve(new D.ODEProblem((du, u) => { du[0] = -u[0] * u[0]; }, [1 / 3], [2, 0], undefined, { inplace: true }), 'Rodas5P', { reltol: 1e-8, abstol: 1e-10 });
  assert.is(back.retcode, 'Success');
  assert.ok(Math.abs(back.u[back.u.length - 1][0] - 1) < 1e-6, String(back.u[back.u.length - 1][0]));
});

// --- Events.
test('a ContinuousCallback with Rosenbrock methods: bounce times of a falling ball', () => {
  for (const alg of Object.keys(METHODS)) assertBounces(alg);
});

test('a DiscreteCallback that changes u restarts from the new state (f(u_n) and J anew); terminate stops', () => {
  // u' = −u, doubled at the stop t = 1: u(2) = 2·e^(−2).
  for (const alg of Object.keys(METHODS)) {
    const cb = new D.DiscreteCallback((u, t) => t === 1, (integ) => { integ.u[0] *= 2; });
    const prob = new D.ODEProblem((du, u) => { du[0] = -u[0]; }, [1], [0, 2], undefined, { inplace: true });
    const sol = D.solve(prob, alg, { callback: cb, tstops: [1], reltol: 1e-8, abstol: 1e-10 });
    assert.is(sol.retcode, 'Success');
    const end = sol.u[sol.u.length - 1][0];
    assert.ok(Math.abs(end - 2 * Math.exp(-2)) < 1e-6, `${alg}: ${end}`);
    const stop = new D.DiscreteCallback((u, t) => t >= 0.5, () => {}, { terminate: true });
    const ended = D.solve(prob, alg, { callback: stop });
    assert.is(ended.retcode, 'Terminated');
    assert.ok(ended.t[ended.t.length - 1] >= 0.5 && ended.t[ended.t.length - 1] < 2);
  }
});

// --- Problems that must end in a retcode.
test('blow-up in finite time ends with DtLessThanMin, not NaNs or a hang', () => {
  for (const alg of Object.keys(METHODS)) {
    const sol = D.solve(new D.ODEProblem((du, u) => { du[0] = u[0] * u[0]; }, [1], [0, 2], undefined, { inplace: true }), alg);
    assert.is(sol.retcode, 'DtLessThanMin', alg);
    // Near the pole at t = 1 (an L-stable method may land just past it, on the other branch).
    assert.ok(Math.abs(sol.t[sol.t.length - 1] - 1) < 0.01, `${alg}: stopped at ${sol.t[sol.t.length - 1]}`);
    for (const u of sol.u) assert.ok(Number.isFinite(u[0]));
    assert.is(D.memoryInUse(), 0);
  }
});

test('f turning NaN ends with a retcode; a non-finite Jacobian is Unstable', () => {
  for (const alg of Object.keys(METHODS)) {
    const sol = D.solve(new D.ODEProblem((du, u, p, t) => { du[0] = t > 0.5 ? NaN : -u[0]; }, [1], [0, 1], undefined, { inplace: true }), alg);
    assert.ok(sol.retcode === 'DtLessThanMin' || sol.retcode === 'Unstable', `${alg}: ${sol.retcode}`);
    assert.ok(sol.u.every((u) => Number.isFinite(u[0])));
    // √x at x = 0: ∂f/∂x = ∞ from the model's AD.
    const root = D.solve(new D.ODEProblem(D.ode`dx = sqrt(x)`, [0], [0, 1]), alg);
    assert.is(root.retcode, 'Unstable', alg);
    assert.is(D.memoryInUse(), 0);
  }
});

test('a singular W: Unstable at a fixed dt, a rejection and a smaller dt when adaptive', () => {
  // u' = λu with dt·γ·λ = 1 exactly: W = 1 − dt·γ·λ = 0.
  const gamma = 1 / (2 + Math.SQRT2);
  const lam = 1 / gamma;
  assert.is(gamma * lam, 1);
  const prob = new D.ODEProblem(D.ode`du = lam*u`, [1], [0, 3], { lam });
  const fixed = D.solve(prob, 'Rosenbrock23', { dt: 1, adaptive: false });
  assert.is(fixed.retcode, 'Unstable');
  assert.is(fixed.stats.naccept, 0);
  const adaptive = D.solve(prob, 'Rosenbrock23', { dt: 1, reltol: 1e-6 });
  assert.is(adaptive.retcode, 'Success');
  assert.ok(adaptive.stats.nreject >= 1);
  assert.ok(Math.abs(adaptive.u[adaptive.u.length - 1][0] / Math.exp(3 * lam) - 1) < 1e-3);
  assert.is(D.memoryInUse(), 0);
});

test('maxiters and dtmin give their retcodes', () => {
  const p = roberProb('js', 1e11);
  assert.is(D.solve(p, 'Rodas5P', { maxiters: 10 }).retcode, 'MaxIters');
  assert.is(D.solve(p, 'Rosenbrock23', { dtmin: 1 }).retcode, 'DtLessThanMin');
  assert.is(D.memoryInUse(), 0);
});

test('a throwing f propagates its error and frees memory', () => {
  const p = new D.ODEProblem((du, u, q, t) => { if (t > 0.1) throw new Error('boom'); du[0] = -u[0]; }, [1], [0, 1], undefined, { inplace: true });
  for (const alg of Object.keys(METHODS)) {
    assert.throws(() => D.solve(p, alg), /boom/);
    assert.is(D.memoryInUse(), 0);
  }
});

// --- API.
test('constructors, names and options', () => {
  const p = roberProb('js', 1e3);
  for (const alg of Object.keys(METHODS)) {
    const byName = D.solve(p, alg);
    const byObject = D.solve(p, D[alg]());
    assert.ok(sameSteps(byName, byObject));
    assert.is(byName.alg, alg);
    assert.is(D[alg]({ autodiff: true }), D[alg]());
  }
  assert.throws(() => D.Rodas4({ autodif: false }), /unknown option 'autodif'/);
  assert.throws(() => D.Rodas4({ autodiff: 1 }), /autodiff must be true or false/);
  assert.throws(() => D.solve(p, D.Rosenbrock23), /pass the algorithm called/);
  assert.throws(() => D.solve(p, 'Rosenbrock34'), /unknown algorithm 'Rosenbrock34'/);
  assert.is(D.solve(p, 'Rosenbrock32').alg, 'Rosenbrock32');
  assert.ok(D.algorithmNames.includes('Rosenbrock23'));
});

test('Rosenbrock methods on a non-stiff problem agree with a tight Vern9 solve', () => {
  const lv = (du, u, p) => { du[0] = p[0] * u[0] - p[1] * u[0] * u[1]; du[1] = -p[2] * u[1] + p[3] * u[0] * u[1]; };
  const prob = new D.ODEProblem(lv, [1, 1], [0, 10], [1.5, 1, 3, 1], { inplace: true });
  const ref = D.solve(prob, 'Vern9', { reltol: 1e-12, abstol: 1e-12, saveEverystep: false });
  for (const alg of Object.keys(METHODS)) {
    const sol = D.solve(prob, alg, { reltol: 1e-7, abstol: 1e-9, saveEverystep: false });
    const e = Math.max(...[0, 1].map((j) => Math.abs(sol.u[1][j] - ref.u[1][j])));
    assert.ok(e < 1e-4, `${alg}: ${e}`);
  }
});

test.run();
