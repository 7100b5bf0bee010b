// SDIRK/ESDIRK methods (ImplicitEuler, Trapezoid, TRBDF2, KenCarp4, Kvaerno5): convergence
// order, ROBER and Van der Pol against the references, the `ode` model against the JavaScript
// function, Newton counters, dense output, events, mass matrices (the ROBER DAE), and problems
// that must end in a retcode rather than NaNs or a hang.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, reference, logLogSlope, roberProb, MILD_T, mildExact, mildModel, mildJs, assertBounces } from './helpers.mjs';

const ORDER = { ImplicitEuler: 1, Trapezoid: 2, TRBDF2: 2, KenCarp4: 4, Kvaerno5: 5 };
const ALL = Object.keys(ORDER);
// The L-stable methods with embedded estimates (the ones for tight tolerances).
const EMBEDDED = ['TRBDF2', 'KenCarp4', 'Kvaerno5'];

// --- The mildly stiff problem with a known solution of tests/helpers.mjs (λ = −20).
const T = MILD_T;
const exactAt = mildExact;
const mild = (f) => new D.ODEProblem(f, [0, 1, 0], [0, T], { lam: -20 });
const endError = (sol) => Math.max(...exactAt(T).map((x, i) => Math.abs(sol.u[sol.u.length - 1][i] - x)));

/**
 * Fixed-dt global error at T for N = N0, 2·N0, …; the slope over the three finest errors above
 * 1e-10. The Newton iterations are solved below those errors (reltol = abstol = tol: the
 * iteration stops at a hundredth of the error norm, which leaves a floor near 1e-11).
 */
function measuredOrder(alg, prob, N0 = 40, tol = 1e-12) {
  const hs = [], errs = [];
  for (let N = N0; N <= 5120; N *= 2) {
    const sol = D.solve(prob, alg, { dt: T / N, adaptive: false, saveEverystep: false, dense: false, reltol: tol, abstol: tol });
    assert.is(sol.retcode, 'Success', `${alg} N=${N}`);
    const e = endError(sol);
    if (e < 1e-10) break;
    hs.push(T / N);
    errs.push(e);
  }
  assert.ok(hs.length >= 3, `${alg}: too few points above the rounding floor`);
  return logLogSlope(hs.slice(-3), errs.slice(-3));
}

for (const [alg, p] of Object.entries(ORDER)) {
  test(`${alg} converges with order ${p} (fixed dt, exact Jacobian of an ode model)`, () => {
    const slope = measuredOrder(alg, mild(mildModel), p >= 4 ? 20 : 40);
    if (process.env.DIFFLUX_VERBOSE) console.log(alg, slope.toFixed(3));
    // The stage order of the ESDIRK methods is 2: at dt·λ near 1 (the coarsest steps here)
    // their error is on its way to the stiff regime's order, hence the wider lower margin.
    assert.ok(slope > p - 0.4 && slope < p + 0.3, `${alg}: measured order ${slope.toFixed(3)}, expected ${p}`);
  });
}

test('KenCarp4 keeps order 4 with finite-difference Jacobians (a JavaScript f)', () => {
  // The mild problem from u0 = (0, 1, 0): finite differences perturb the components at 0 on
  // abstol's scale (1e-12·√ε), which f's O(1) terms round away; those entries are taken again
  // with a larger step (jacobian.ts), so the columns keep their λ entries.
  const prob = mild(mildJs);
  const exact = exactAt(T);
  const hs = [], errs = [];
  for (let N = 20; N <= 160; N *= 2) {
    const sol = D.solve(prob, 'KenCarp4', { dt: T / N, adaptive: false, saveEverystep: false, dense: false, reltol: 1e-12, abstol: 1e-12 });
    assert.is(sol.retcode, 'Success', `N=${N}`);
    hs.push(T / N);
    errs.push(Math.max(...exact.map((x, i) => Math.abs(sol.u[1][i] - x))));
  }
  const slope = logLogSlope(hs.slice(0, 3), errs.slice(0, 3));
  if (process.env.DIFFLUX_VERBOSE) console.log(errs, slope);
  assert.ok(slope > 3.6 && slope < 4.3, `measured ${slope.toFixed(3)}`);
});

test('adaptive solves of the mild problem meet the tolerance, with JavaScript f and ode models', () => {
  for (const alg of ALL) {
    for (const f of [mildJs, mildModel]) {
      const sol = D.solve(mild(f), alg, { reltol: 1e-6, abstol: 1e-8 });
      assert.is(sol.retcode, 'Success');
      const e = endError(sol);
      // Order 1 makes ImplicitEuler's global error the largest (local control, 4000 steps).
      assert.ok(e < (alg === 'ImplicitEuler' ? 1e-3 : 1e-4), `${alg} ${f === mildJs ? 'js' : 'ode'}: error ${e}`);
    }
  }
});

// --- ROBER against the reference.
const rober = reference.rober;
const K = rober.params;

/**
 * The solution at every reference time in (0, t1] within 100× the solver's own measure,
 * |u − ref| ≤ 100·(reltol·|ref| + abstol) — a relative error within 100·reltol wherever |ref|
 * is above abstol/reltol — and y1 + y2 + y3 = 1 within 100·abstol.
 */
function checkRober(sol, t1, rtol, atol, what) {
  const idx = rober.t.map((t, i) => i).filter((i) => rober.t[i] > 0 && rober.t[i] <= t1);
  assert.is(sol.retcode, 'Success', what);
  assert.equal(Array.from(sol.t), idx.map((i) => rober.t[i]));
  idx.forEach((r, k) => {
    for (let j = 0; j < 3; j++) {
      const ref = rober.u[r][j];
      const err = Math.abs(sol.u[k][j] - ref);
      assert.ok(err <= 100 * (rtol * Math.abs(ref) + atol), `${what} t=${sol.t[k]} y${j + 1}: ${sol.u[k][j]} vs ${ref}`);
      if (Math.abs(ref) >= atol / rtol) assert.ok(err / Math.abs(ref) <= 100 * rtol);
    }
    const s = sol.u[k][0] + sol.u[k][1] + sol.u[k][2];
    assert.ok(Math.abs(s - 1) <= 100 * atol, `${what} t=${sol.t[k]}: sum ${s}`);
  });
}
const roberTimes = (t1) => rober.t.filter((t) => t > 0 && t <= t1);

for (const t1 of [1e5, 1e11]) {
  test(`ROBER to t = ${t1.toExponential()}: TRBDF2, KenCarp4, Kvaerno5 at reltol 1e-6 (JavaScript f and ode model) within 100× the tolerance`, () => {
    for (const alg of EMBEDDED) {
      for (const kind of ['js', 'ode']) {
        const sol = D.solve(roberProb(kind, t1), alg, { reltol: 1e-6, abstol: 1e-10, saveat: roberTimes(t1) });
        checkRober(sol, t1, 1e-6, 1e-10, `${alg} ${kind}`);
        assert.ok(sol.stats.nnonliniter > 0);
        assert.is(D.memoryInUse(), 0);
      }
    }
  });
  test(`ROBER to t = ${t1.toExponential()}: ImplicitEuler at reltol 1e-4 within 100× the tolerance`, () => {
    // Order 1: reltol 1e-6 would take 10⁵ steps; the check is the same relative to its tolerance.
    const sol = D.solve(roberProb('ode', t1), 'ImplicitEuler', { reltol: 1e-4, abstol: 1e-8, saveat: roberTimes(t1) });
    checkRober(sol, t1, 1e-4, 1e-8, 'ImplicitEuler');
  });
}

// --- Van der Pol, the reference's equations y1' = y2, y2' = μ((1 − y1²)y2 − y1), y(0) = (2, 0).
// The reference value belongs to μ = 1e6 at t = 2 (Hairer–Wanner's VDPOL with ε = 1e-6, the
// classic μ = 1000 oscillator in time scaled by 1000; see bench/stiff/peers.mjs): with μ = 1000
// the same equations have period ≈ 1.6, and [0, 3000] holds ~1900 relaxation cycles whose
// phase no method at reltol 1e-6 keeps (Rodas5P and these methods agree with each other there,
// near (−1.8337, 0.7759), not with the reference).
const vdpRef = reference.van_der_pol_mu1000.u[0];
const vdpModel = D.ode`
  dy1 = y2
  dy2 = mu*((1 - y1*y1)*y2 - y1)
`;
const vdpJs = (mu) => (du, u) => { du[0] = u[1]; du[1] = mu * ((1 - u[0] * u[0]) * u[1] - u[0]); };

test('Van der Pol (μ = 1e6, t = 2): TRBDF2, KenCarp4, Kvaerno5 within 100·reltol of the reference, JavaScript f and ode model', () => {
  for (const alg of EMBEDDED) {
    for (const prob of [
      new D.ODEProblem(vdpJs(1e6), [2, 0], [0, 2], undefined, { inplace: true }),
      new D.ODEProblem(vdpModel, [2, 0], [0, 2], { mu: 1e6 }),
    ]) {
      const sol = D.solve(prob, alg, { reltol: 1e-6, abstol: 1e-8, saveEverystep: false });
      assert.is(sol.retcode, 'Success', alg);
      const u = sol.u[sol.u.length - 1];
      for (let j = 0; j < 2; j++) {
        const rel = Math.abs(u[j] - vdpRef[j]) / Math.abs(vdpRef[j]);
        assert.ok(rel <= 100 * 1e-6, `${alg} y${j + 1}: relative error ${rel}`);
      }
      // Both fast transitions reject steps and some Newton iterations fail; J is reused.
      assert.ok(sol.stats.nreject > 0 && sol.stats.nnonlinconvfail > 0, `${alg}: ${sol.stats.nreject} rejections, ${sol.stats.nnonlinconvfail} Newton failures`);
      assert.ok(sol.stats.njacs < sol.stats.naccept / 4, `${alg}: ${sol.stats.njacs} Jacobians for ${sol.stats.naccept} steps`);
    }
  }
});

// --- The compiled model against the JavaScript function.
const sameSteps = (a, b) => {
  if (a.t.length !== b.t.length) return false;
  for (let i = 0; i < a.t.length; i++) {
    if (a.t[i] !== b.t[i]) return false;
    for (let j = 0; j < a.u[i].length; j++) if (a.u[i][j] !== b.u[i][j]) return false;
  }
  return true;
};

test('ROBER as an ode model with finite differences takes the same steps as the JavaScript f, bit for bit; with AD it agrees to the tolerance', () => {
  for (const alg of ALL) {
    const opts = { reltol: 1e-5, abstol: 1e-9 };
    const t1 = alg === 'Trapezoid' ? 1 : 1e11; // Trapezoid is not L-stable: ROBER's long run rings
    const a = D.solve(roberProb('ode', t1), D[alg]({ autodiff: false }), opts);
    const b = D.solve(roberProb('js', t1), alg, opts);
    assert.is(a.retcode, 'Success', alg);
    assert.ok(sameSteps(a, b), alg);
    assert.equal(a.stats, b.stats);
    assert.equal(Array.from(a.at(0.75 * t1)), Array.from(b.at(0.75 * t1)));
    const c = D.solve(roberProb('ode', t1), alg, opts);
    assert.is(c.retcode, 'Success');
    const x = c.u[c.u.length - 1], y = b.u[b.u.length - 1];
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(x[j] - y[j]) <= 100 * (1e-5 * Math.abs(y[j]) + 1e-9), `${alg} y${j + 1}: ${x[j]} vs ${y[j]}`);
  }
});

// --- Counters.
test('work counters: nf counts every call of f; one f per Newton iteration; J is reused (njacs ≤ naccept + nreject)', () => {
  for (const alg of ALL) {
    let calls = 0;
    const n = 2;
    const counted = new D.ODEProblem((du, u, p, t) => { calls++; vdpJs(1000)(du, u, p, t); }, [2, 0], [0, 3], undefined, { inplace: true });
    const sol = D.solve(counted, alg, { reltol: 1e-5, abstol: 1e-8 });
    const st = sol.stats;
    assert.is(sol.retcode, 'Success', alg);
    assert.is(st.nf, calls, alg);
    assert.ok(st.nnonliniter > 0);
    assert.ok(st.njacs >= 1 && st.njacs <= st.naccept + st.nreject, `${alg}: ${st.njacs} Jacobians`);
    // Two evaluations for the initial step (the first is f(u0), u'(t0)); one per Newton
    // iteration; a finite-difference Jacobian takes f at the state and n columns (SDIRK methods
    // never use ∂f/∂t), and
    // retries a column lost to rounding (at u0 = (2, 0): ∂f2/∂u2 from a step of 1e-8·√ε).
    const retries = st.nf - (2 + st.nnonliniter + (n + 1) * st.njacs);
    assert.ok(retries >= 1 && retries <= n * st.njacs, `${alg}: ${retries} retried columns`);
    // One solve per iteration, plus one per smoothed error estimate (TRBDF2, KenCarp4, Kvaerno5).
    if (EMBEDDED.includes(alg)) assert.ok(st.nsolve > st.nnonliniter && st.nsolve <= st.nnonliniter + st.naccept + st.nreject, alg);
    else assert.is(st.nsolve, st.nnonliniter, alg);
    // With the model's AD Jacobian no evaluation goes to the Jacobian.
    const ad = D.solve(new D.ODEProblem(vdpModel, [2, 0], [0, 3], { mu: 1000 }), alg, { reltol: 1e-5, abstol: 1e-8 });
    assert.is(ad.retcode, 'Success');
    assert.is(ad.stats.nf, 2 + ad.stats.nnonliniter, alg);
    assert.ok(ad.stats.njacs <= ad.stats.naccept + ad.stats.nreject);
    assert.is(D.memoryInUse(), 0);
  }
});

test('fixed dt: J is kept across steps, W is refactored only with a new J (dt·γ does not change)', () => {
  const sol = D.solve(mild(mildModel), 'KenCarp4', { dt: 0.01, adaptive: false });
  assert.is(sol.retcode, 'Success');
  assert.is(sol.stats.naccept, 200);
  assert.is(sol.stats.nreject, 0);
  assert.ok(sol.stats.njacs <= 3, `${sol.stats.njacs} Jacobians`);
  // (The last step, shortened by rounding to land on T, has its own dt·γ.)
  assert.ok(sol.stats.nw <= sol.stats.njacs + 1, `${sol.stats.nw} W for ${sol.stats.njacs} J`);
  // Five implicit stages per step, at least one iteration each.
  assert.ok(sol.stats.nnonliniter >= 5 * 200);
});

// --- Dense output.
test('Solution.at: the cubic Hermite interpolant, exact at step ends, third-order accurate inside', () => {
  for (const alg of ALL) {
    const sol = D.solve(mild(mildModel), alg, { reltol: 1e-8, abstol: 1e-10 });
    assert.is(sol.retcode, 'Success');
    for (let i = 1; i < sol.t.length; i += 7) assert.equal(Array.from(sol.at(sol.t[i])), Array.from(sol.u[i]));
    // The interpolant against the solver's own end points: far better than a straight line.
    let worst = 0;
    let worstLinear = 0;
    for (let i = 0; i + 1 < sol.t.length; i++) {
      const th = 0.5;
      const t = sol.t[i] + th * (sol.t[i + 1] - sol.t[i]);
      const ex = exactAt(t);
      const e0 = exactAt(sol.t[i]), e1 = exactAt(sol.t[i + 1]);
      // Measured against the exact solution shifted by the endpoints' global errors.
      worst = Math.max(worst, ...ex.map((x, j) => Math.abs(sol.at(t, j) - x - 0.5 * (sol.u[i][j] - e0[j] + sol.u[i + 1][j] - e1[j]))));
      worstLinear = Math.max(worstLinear, ...ex.map((x, j) => Math.abs(0.5 * (sol.u[i][j] + sol.u[i + 1][j]) - x)));
    }
    if (process.env.DIFFLUX_VERBOSE) console.log(alg, worst, worstLinear);
    assert.ok(worst < worstLinear / 20, `${alg}: ${worst} against ${worstLinear} for linear interpolation`);
  }
  // u' = 3t²: u = t³ is a cubic, which the Hermite interpolant between exact values reproduces.
  const cubic = D.solve(new D.ODEProblem(D.ode`du = 3*t*t`, [0], [0, 2]), 'Kvaerno5', { dt: 0.5, adaptive: false, reltol: 1e-12, abstol: 1e-12 });
  for (const t of [0.2, 1.3, 1.77]) assert.ok(Math.abs(cubic.at(t, 0) - t ** 3) < 1e-12, `at ${t}: ${cubic.at(t, 0)}`);
  assert.is(D.memoryInUse(), 0);
});

test('saveat values come from the dense output (no extra steps) and equal Solution.at', () => {
  for (const alg of ALL) {
    const full = D.solve(mild(mildModel), alg, { reltol: 1e-6, abstol: 1e-8 });
    const times = [0.123, 0.5, 1.01, 1.777];
    const sa = D.solve(mild(mildModel), alg, { reltol: 1e-6, abstol: 1e-8, saveat: times });
    assert.equal(sa.stats, full.stats);
    times.forEach((t, k) => assert.equal(Array.from(sa.u[k]), Array.from(full.at(t))));
  }
});

test('tstops are stepped to exactly; backward integration works', () => {
  const sol = D.solve(mild(mildJs), 'KenCarp4', { tstops: [0.3, 1.1], reltol: 1e-6 });
  assert.ok(sol.t.includes(0.3) && sol.t.includes(1.1));
  for (const alg of ALL) {
    const back = D.solve(new D.ODEProblem((du, u) => { du[0] = -u[0] * u[0]; }, [1 / 3], [2, 0], undefined, { inplace: true }), alg, { reltol: 1e-8, abstol: 1e-10 });
    assert.is(back.retcode, 'Success');
    assert.ok(Math.abs(back.u[back.u.length - 1][0] - 1) < (alg === 'ImplicitEuler' ? 1e-3 : 1e-5), `${alg}: ${back.u[back.u.length - 1][0]}`);
  }
});

// --- Events.
test('a ContinuousCallback: bounce times of a falling ball', () => {
  for (const alg of ['Trapezoid', ...EMBEDDED]) assertBounces(alg);
});

test('a DiscreteCallback that changes u restarts from the new state; terminate stops', () => {
  for (const alg of ALL) {
    const cb = new D.DiscreteCallback((u, t) => t === 1, (integ) => { integ.u[0] *= 2; });
    const prob = new D.ODEProblem((du, u) => { du[0] = -u[0]; }, [1], [0, 2], undefined, { inplace: true });
    const sol = D.solve(prob, alg, { callback: cb, tstops: [1], reltol: 1e-8, abstol: 1e-10 });
    assert.is(sol.retcode, 'Success');
    const end = sol.u[sol.u.length - 1][0];
    assert.ok(Math.abs(end - 2 * Math.exp(-2)) < (ORDER[alg] <= 2 ? 1e-4 : 1e-6), `${alg}: ${end}`);
    const stop = new D.DiscreteCallback((u, t) => t >= 0.5, () => {}, { terminate: true });
    const ended = D.solve(prob, alg, { callback: stop });
    assert.is(ended.retcode, 'Terminated');
    assert.ok(ended.t[ended.t.length - 1] >= 0.5 && ended.t[ended.t.length - 1] < 2);
  }
});

// --- Mass matrices.
test('mass matrix: the ROBER DAE (M = diag(1, 1, 0), y1 + y2 + y3 = 1) to 1e5 and 1e11 against the reference', () => {
  const dae = D.ode`
    dy1 = -k1*y1 + k3*y2*y3
    dy2 = k1*y1 - k2*y2*y2 - k3*y2*y3
    dy3 = y1 + y2 + y3 - 1
  `;
  const M = [[1, 0, 0], [0, 1, 0], [0, 0, 0]];
  for (const t1 of [1e5, 1e11]) {
    for (const alg of EMBEDDED) {
      const sol = D.solve(new D.ODEProblem(dae, rober.u0, [0, t1], K, { massMatrix: M }), alg, { reltol: 1e-6, abstol: 1e-10, saveat: roberTimes(t1) });
      checkRober(sol, t1, 1e-6, 1e-10, `${alg} DAE`);
    }
    const ie = D.solve(new D.ODEProblem(dae, rober.u0, [0, t1], K, { massMatrix: M }), 'ImplicitEuler', { reltol: 1e-4, abstol: 1e-8, saveat: roberTimes(t1) });
    checkRober(ie, t1, 1e-4, 1e-8, 'ImplicitEuler DAE');
  }
  assert.is(D.memoryInUse(), 0);
});

test('mass matrix: a nonsingular M gives the ODE u\' = M⁻¹f', () => {
  // 2u' = −2u, 2v' = −4v: u = e^(−t), v = e^(−2t); u'(0) = M⁻¹f starts the first stage.
  const prob = new D.ODEProblem((du, u) => { du[0] = -2 * u[0]; du[1] = -4 * u[1]; }, [1, 1], [0, 1], undefined, { inplace: true, massMatrix: [[2, 0], [0, 2]] });
  for (const alg of EMBEDDED) {
    const s = D.solve(prob, alg, { reltol: 1e-8, abstol: 1e-10 });
    assert.is(s.retcode, 'Success');
    const u = s.u[s.u.length - 1];
    assert.ok(Math.abs(u[0] - Math.exp(-1)) < 1e-6 && Math.abs(u[1] - Math.exp(-2)) < 1e-6, `${alg}: ${u}`);
    // Dense output at t = 0.5 uses u' = M⁻¹f, not f.
    assert.ok(Math.abs(s.at(0.5, 0) - Math.exp(-0.5)) < 1e-6, `${alg}: ${s.at(0.5, 0)}`);
  }
  assert.throws(() => D.solve(prob, 'Tsit5'), /cannot solve a problem with a mass matrix/);
});

// --- Problems that must end in a retcode.
test('a right-hand side turning NaN: the Newton iterations fail, dt halves, ConvergenceFailure; no NaNs saved, memory released', () => {
  for (const alg of ALL) {
    const sol = D.solve(new D.ODEProblem((du, u, p, t) => { du[0] = t > 0.5 ? NaN : -u[0]; }, [1], [0, 1], undefined, { inplace: true }), alg);
    assert.is(sol.retcode, 'ConvergenceFailure', alg);
    assert.ok(sol.stats.nnonlinconvfail > 10, `${alg}: ${sol.stats.nnonlinconvfail}`);
    assert.ok(Math.abs(sol.t[sol.t.length - 1] - 0.5) < 1e-6);
    assert.ok(sol.u.every((u) => Number.isFinite(u[0])));
    assert.is(D.memoryInUse(), 0);
  }
});

test('fixed dt with a Newton failure is ConvergenceFailure at once; blow-up ends near the pole', () => {
  // u' = −1e6·u³ from u = 1 with dt = 0.5: the iteration from the explicit predictor diverges.
  const stiffCubic = new D.ODEProblem(D.ode`du = -1e6*u*u*u`, [1], [0, 1]);
  for (const alg of ALL) {
    const fixed = D.solve(stiffCubic, alg, { dt: 0.5, adaptive: false });
    assert.is(fixed.retcode, 'ConvergenceFailure', alg);
    assert.is(fixed.stats.naccept, 0);
    assert.ok(fixed.stats.nnonlinconvfail >= 1);
    const adaptive = D.solve(stiffCubic, alg, { reltol: 1e-4 });
    assert.is(adaptive.retcode, 'Success', alg);
    const blow = D.solve(new D.ODEProblem((du, u) => { du[0] = u[0] * u[0]; }, [1], [0, 2], undefined, { inplace: true }), alg);
    assert.ok(blow.retcode === 'DtLessThanMin' || blow.retcode === 'ConvergenceFailure', `${alg}: ${blow.retcode}`);
    assert.ok(Math.abs(blow.t[blow.t.length - 1] - 1) < 0.05, `${alg}: stopped at ${blow.t[blow.t.length - 1]}`);
    assert.is(D.memoryInUse(), 0);
  }
});

test('a singular W: Unstable at a fixed dt, a rejection and a smaller dt when adaptive; a non-finite J is Unstable', () => {
  // u' = λu with dt·γ·λ = 1: W = 1 − dt·γ·λ = 0 (ImplicitEuler, γ = 1, dt = 0.5, λ = 2).
  const prob = new D.ODEProblem(D.ode`du = lam*u`, [1], [0, 3], { lam: 2 });
  const fixed = D.solve(prob, 'ImplicitEuler', { dt: 0.5, adaptive: false });
  assert.is(fixed.retcode, 'Unstable');
  assert.is(fixed.stats.naccept, 0);
  // TRBDF2 (γ = 1 − √2/2) with dt·γ·λ = 1: the first attempt meets a singular W and halves dt.
  const g = 1 - Math.SQRT2 / 2;
  const dt = 1 / (2 * g);
  assert.is(dt * g * 2, 1);
  const adaptive = D.solve(prob, 'TRBDF2', { dt, reltol: 1e-6 });
  assert.is(adaptive.retcode, 'Success');
  assert.ok(adaptive.stats.nreject >= 1);
  assert.is(adaptive.stats.nnonlinconvfail, 0);
  assert.ok(Math.abs(adaptive.u[adaptive.u.length - 1][0] / Math.exp(6) - 1) < 1e-3);
  for (const alg of ALL) {
    assert.is(D.solve(new D.ODEProblem(D.ode`dx = sqrt(x)`, [0], [0, 1]), alg).retcode, 'Unstable', alg);
  }
  assert.is(D.memoryInUse(), 0);
});

test('maxiters and dtmin give their retcodes; a throwing f propagates its error and frees memory', () => {
  const p = roberProb('js', 1e11);
  assert.is(D.solve(p, 'Kvaerno5', { maxiters: 10 }).retcode, 'MaxIters');
  // dt = dtmin = 1 at ROBER's start: the iteration fails, and halving dt goes below dtmin.
  const short = D.solve(p, 'TRBDF2', { dtmin: 1 });
  assert.is(short.retcode, 'ConvergenceFailure');
  assert.is(short.stats.naccept, 0);
  const boom = new D.ODEProblem((du, u, q, t) => { if (t > 0.1) throw new Error('boom'); du[0] = -u[0]; }, [1], [0, 1], undefined, { inplace: true });
  for (const alg of ALL) {
    assert.throws(() => D.solve(boom, alg), /boom/);
    assert.is(D.memoryInUse(), 0);
  }
});

// --- API.
test('constructors, names and options', () => {
  const p = roberProb('js', 1e3);
  for (const alg of ALL) {
    const byName = D.solve(p, alg);
    const byObject = D.solve(p, D[alg]());
    assert.ok(sameSteps(byName, byObject));
    assert.is(byName.alg, alg);
    assert.is(D[alg]({ autodiff: true }), D[alg]());
    assert.is(D[alg]().kind, 'sdirk');
    assert.ok(D.algorithmNames.includes(alg));
  }
  assert.throws(() => D.KenCarp4({ autodif: false }), /unknown option 'autodif'/);
  assert.throws(() => D.Kvaerno5({ autodiff: 'no' }), /autodiff must be true or false/);
  assert.throws(() => D.TRBDF2(3), /options must be an object/);
  assert.throws(() => D.solve(p, D.TRBDF2), /pass the algorithm called/);
  assert.throws(() => D.solve(p, 'Kvaerno4'), /unknown algorithm 'Kvaerno4'/);
});

test('SDIRK methods on a non-stiff problem agree with a tight Vern9 solve', () => {
  const lv = (du, u, p) => { du[0] = p[0] * u[0] - p[1] * u[0] * u[1]; du[1] = -p[2] * u[1] + p[3] * u[0] * u[1]; };
  const prob = new D.ODEProblem(lv, [1, 1], [0, 10], [1.5, 1, 3, 1], { inplace: true });
  const ref = D.solve(prob, 'Vern9', { reltol: 1e-12, abstol: 1e-12, saveEverystep: false });
  for (const alg of ALL) {
    const tol = alg === 'ImplicitEuler' ? 1e-6 : 1e-8;
    const sol = D.solve(prob, alg, { reltol: tol, abstol: tol, saveEverystep: false });
    const e = Math.max(...[0, 1].map((j) => Math.abs(sol.u[1][j] - ref.u[1][j])));
    assert.ok(e < (alg === 'ImplicitEuler' ? 5e-2 : 1e-4), `${alg}: ${e}`);
  }
});

test.run();
