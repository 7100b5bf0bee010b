// RadauIIA5 (assembly/solvers/radau.ts) and its complex LU (assembly/linalg/lu-complex.ts):
// the observed order at fixed dt, ROBER and Van der Pol against the references, ROBER as a
// DAE with a singular mass matrix, the `ode` model against the JavaScript function, the work
// counters, dense output, events, problems that must end in a retcode, and memory released.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, reference, logLogSlope, roberProb, MILD_T, mildExact, mildModel, mildJs, assertBounces } from './helpers.mjs';

// --- The complex LU, through the engine's raw exports on an instance of its own.
const wasm = readFileSync(new URL('../dist/difflux.wasm', import.meta.url));
const noop = () => 0;
const E = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: new Proxy({}, { get: () => noop }) }).exports;

/** A deterministic generator (LCG) of values in [−1, 1). */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** Factors the complex n×n `a` (interleaved re/im, row-major) and solves for b: { info, x }. */
function complexSolve(a, b, n) {
  const base = (E.heapBase() + 15) & ~15;
  const need = base + 16 * n * n + 16 * n + 4 * n + 64;
  const mem = E.memory;
  if (need > mem.buffer.byteLength) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  const pA = base;
  const pB = pA + 16 * n * n;
  const pPiv = pB + 16 * n;
  const F = new Float64Array(mem.buffer);
  F.set(a, pA >>> 3);
  F.set(b, pB >>> 3);
  const info = E.luFactorComplex(pA, n, pPiv);
  if (info !== 0) return { info, x: null };
  E.luSolveComplex(pA, n, pPiv, pB);
  return { info, x: new Float64Array(mem.buffer).slice(pB >>> 3, (pB >>> 3) + 2 * n) };
}

/** max_i |(A·x − b)_i| for complex interleaved A (n×n), x, b. */
function residual(a, x, b, n) {
  let m = 0;
  for (let i = 0; i < n; i++) {
    let re = -b[2 * i], im = -b[2 * i + 1];
    for (let j = 0; j < n; j++) {
      const ar = a[2 * (i * n + j)], ai = a[2 * (i * n + j) + 1];
      re += ar * x[2 * j] - ai * x[2 * j + 1];
      im += ar * x[2 * j + 1] + ai * x[2 * j];
    }
    m = Math.max(m, Math.hypot(re, im));
  }
  return m;
}

test('complex LU: A·x = b to rounding for sizes 1…40, with pivoting', () => {
  const r = rng(7);
  for (let n = 1; n <= 40; n++) {
    const a = Float64Array.from({ length: 2 * n * n }, r);
    // A tiny (1,1) entry: the factorization must pivot.
    a[0] = 1e-14;
    a[1] = 0;
    const b = Float64Array.from({ length: 2 * n }, r);
    const { info, x } = complexSolve(a, b, n);
    assert.is(info, 0, `n = ${n}`);
    let xmax = 0;
    for (const v of x) xmax = Math.max(xmax, Math.abs(v));
    let amax = 0;
    for (const v of a) amax = Math.max(amax, Math.abs(v));
    const res = residual(a, x, b, n);
    assert.ok(res <= 1e-12 * n * amax * xmax + 1e-13, `n = ${n}: residual ${res}`);
  }
});

test('complex LU: a known solution of (α + iβ)·I − J, singular and non-finite matrices give codes', () => {
  // (2 + 3i)·I − [[1, 2], [0, 1]] times x = (1 + i, 2 − i) is checked against x computed by hand.
  const a = [1, 3, -2, 0, 0, 0, 1, 3];
  const x = [1, 1, 2, -1];
  const b = [];
  for (let i = 0; i < 2; i++) {
    let re = 0, im = 0;
    for (let j = 0; j < 2; j++) {
      const ar = a[2 * (i * 2 + j)], ai = a[2 * (i * 2 + j) + 1];
      re += ar * x[2 * j] - ai * x[2 * j + 1];
      im += ar * x[2 * j + 1] + ai * x[2 * j];
    }
    b.push(re, im);
  }
  const got = complexSolve(a, b, 2);
  assert.is(got.info, 0);
  got.x.forEach((v, k) => assert.ok(Math.abs(v - x[k]) < 1e-15, `x[${k}] = ${v}`));
  // Row 2 = i·row 1: singular at the second column (status k + 1 = 2).
  const sing = [1, 2, 3, -1, -2, 1, 1, 3];
  assert.is(complexSolve(sing, [1, 0, 0, 0], 2).info, 2);
  // A zero first column: singular at once.
  assert.is(complexSolve([0, 0, 1, 0, 0, 0, 2, 0], [1, 0, 1, 0], 2).info, 1);
  assert.is(complexSolve([1, 0, NaN, 0, 0, 0, 2, 0], [1, 0, 1, 0], 2).info, -1);
});

// --- The mildly stiff problem with a known solution of tests/helpers.mjs (λ = −20).
const T = MILD_T;
const exactAt = mildExact;
const mild = (f) => new D.ODEProblem(f, [0, 1, 0], [0, T], { lam: -20 });
const maxErr = (u, ex) => Math.max(...ex.map((x, i) => Math.abs(u[i] - x)));

/** Fixed-dt global errors at the end for N = 10, 20, …; the slope over the finest three above 1e-13. */
function measuredOrder(prob, exact, N0) {
  const hs = [], errs = [];
  const [t0, t1] = prob.tspan;
  for (let N = N0; N <= 5120; N *= 2) {
    // Tight tolerances make Newton's error negligible against the method's.
    const sol = D.solve(prob, 'RadauIIA5', { dt: (t1 - t0) / N, adaptive: false, saveEverystep: false, dense: false, reltol: 1e-12, abstol: 1e-12 });
    assert.is(sol.retcode, 'Success');
    // N steps (and, when the sum of N steps falls short of t1 by more than rounding's
    // allowance, a last one of that length).
    assert.ok(sol.stats.naccept === N || sol.stats.naccept === N + 1, String(sol.stats.naccept));
    assert.is(sol.t[sol.t.length - 1], t1);
    const e = maxErr(sol.u[sol.u.length - 1], exact);
    if (e < 1e-13) break;
    hs.push((t1 - t0) / N);
    errs.push(e);
  }
  assert.ok(hs.length >= 3, 'too few points above the rounding floor');
  return logLogSlope(hs.slice(-3), errs.slice(-3));
}

test('order 5 at fixed dt: the mild nonlinear problem (ode model and JavaScript f) and a linear system', () => {
  // The JavaScript f from t = 0, where two components are 0: finite differences perturb them on
  // abstol's scale (1e-12·√ε), which f's O(1) terms round away; those entries are taken again
  // with a larger step (jacobian.ts), so Newton keeps its λ entries.
  for (const [prob, exact] of [[mild(mildModel), exactAt(T)], [mild(mildJs), exactAt(T)]]) {
    const slope = measuredOrder(prob, exact, 20);
    if (process.env.DIFFLUX_VERBOSE) console.log('mild', slope.toFixed(3));
    assert.ok(slope > 4.7 && slope < 5.3, `measured order ${slope.toFixed(3)}`);
  }
  // u' = A·u with A = [[−1, 1/2], [3/10, −2]]: u(t) = V·exp(Λt)·V⁻¹·u0 from A's eigenpairs.
  const tr = -3, det = 2 - 0.15;
  const disc = Math.sqrt(tr * tr / 4 - det);
  const l1 = tr / 2 + disc, l2 = tr / 2 - disc;
  // Eigenvectors (1/2, l − (−1)) of the first row: A·v = l·v.
  const v1 = [0.5, l1 + 1], v2 = [0.5, l2 + 1];
  // u0 = (1, 1) = c1·v1 + c2·v2.
  const dv = v1[0] * v2[1] - v2[0] * v1[1];
  const c1 = (1 * v2[1] - v2[0] * 1) / dv, c2 = (v1[0] * 1 - 1 * v1[1]) / dv;
  const t1 = 4;
  const exact = [0, 1].map((i) => c1 * v1[i] * Math.exp(l1 * t1) + c2 * v2[i] * Math.exp(l2 * t1));
  const lin = new D.ODEProblem(D.ode`
    dx = -x + 0.5*y
    dy = 0.3*x - 2*y
  `, [1, 1], [0, t1]);
  const slope = measuredOrder(lin, exact, 4);
  if (process.env.DIFFLUX_VERBOSE) console.log('linear', slope.toFixed(3));
  assert.ok(slope > 4.8 && slope < 5.2, `measured order ${slope.toFixed(3)}`);
});

test('Prothero–Robinson with λ = −1e4: accurate at every fixed dt (L-stable; stage order 3 at large |λ·dt|)', () => {
  const pr = new D.ODEProblem(D.ode`du = lam*(u - sin(t)) + cos(t)`, [0], [0, 2], { lam: -1e4 });
  const errs = [];
  for (const N of [5, 20, 80, 320]) {
    const sol = D.solve(pr, 'RadauIIA5', { dt: 2 / N, adaptive: false, saveEverystep: false, dense: false, reltol: 1e-12, abstol: 1e-12 });
    assert.is(sol.retcode, 'Success');
    errs.push(Math.abs(sol.u[1][0] - Math.sin(2)));
  }
  // At |λ·dt| ≫ 1 the error falls as dt^3 (the stage order): a factor 4^3 = 64 per row.
  for (let i = 1; i < errs.length; i++) {
    const r = errs[i - 1] / errs[i];
    assert.ok(r > 40 && r < 100, `error ratio ${r} (${errs})`);
  }
  assert.ok(errs[0] < 1e-6, String(errs[0]));
});

// --- ROBER (Robertson's chemical kinetics).
const rober = reference.rober;
const K = rober.params;

// As stiff.test.mjs: |u − ref| ≤ 100·(reltol·|ref| + abstol) at every reference time, and a
// relative error within 100·reltol wherever |ref| ≥ abstol/reltol.
const RTOL = 1e-6;
const ATOL = 1e-10;
function checkRober(sol, idx, what) {
  idx.forEach((r, k) => {
    for (let j = 0; j < 3; j++) {
      const ref = rober.u[r][j];
      const err = Math.abs(sol.u[k][j] - ref);
      assert.ok(err <= 100 * (RTOL * Math.abs(ref) + ATOL), `${what} t=${rober.t[r]} y${j + 1}: ${sol.u[k][j]} vs ${ref}`);
      if (Math.abs(ref) >= ATOL / RTOL) assert.ok(err / Math.abs(ref) <= 100 * RTOL, `${what} t=${rober.t[r]} y${j + 1}: relative ${err / Math.abs(ref)}`);
    }
    const s = sol.u[k][0] + sol.u[k][1] + sol.u[k][2];
    assert.ok(Math.abs(s - 1) <= 100 * ATOL, `${what} t=${rober.t[r]}: sum ${s}`);
  });
}

for (const t1 of [1e5, 1e11]) {
  test(`ROBER to t = ${t1.toExponential()}: JavaScript f and ode model within 100× the tolerance at every reference time`, () => {
    const idx = rober.t.map((t, i) => i).filter((i) => rober.t[i] > 0 && rober.t[i] <= t1);
    const times = idx.map((i) => rober.t[i]);
    for (const kind of ['js', 'ode']) {
      const sol = D.solve(roberProb(kind, t1), 'RadauIIA5', { reltol: RTOL, abstol: ATOL, saveat: times });
      assert.is(sol.retcode, 'Success', kind);
      assert.equal(Array.from(sol.t), times);
      checkRober(sol, idx, kind);
      if (process.env.DIFFLUX_VERBOSE) console.log('ROBER', t1, kind, JSON.stringify(sol.stats));
      // Jacobians are reused: far fewer than steps once the solution is smooth.
      if (t1 === 1e11) assert.ok(sol.stats.njacs < sol.stats.naccept, `${sol.stats.njacs} Jacobians, ${sol.stats.naccept} steps`);
      assert.is(D.memoryInUse(), 0);
    }
  });
}

test('ROBER as a DAE: M = diag(1, 1, 0), 0 = y1 + y2 + y3 − 1, against the reference', () => {
  // The JavaScript f sums the constraint as y1 + y2 + y3 − 1: finite differences perturb y2
  // and y3 (0 at the start) on the scale of abstol, which y1 + y2 + y3 rounds away; those
  // entries are taken again with a larger step (jacobian.ts), so J keeps the algebraic row.
  const dae = (du, u) => {
    du[0] = -K.k1 * u[0] + K.k3 * u[1] * u[2];
    du[1] = K.k1 * u[0] - K.k2 * u[1] * u[1] - K.k3 * u[1] * u[2];
    du[2] = u[0] + u[1] + u[2] - 1;
  };
  const daeModel = D.ode`
    dy1 = -k1*y1 + k3*y2*y3
    dy2 = k1*y1 - k2*y2*y2 - k3*y2*y3
    dy3 = y1 + y2 + y3 - 1
  `;
  const M = [[1, 0, 0], [0, 1, 0], [0, 0, 0]];
  const t1 = 1e5;
  const idx = rober.t.map((t, i) => i).filter((i) => rober.t[i] > 0 && rober.t[i] <= t1);
  const times = idx.map((i) => rober.t[i]);
  for (const [kind, prob] of [
    ['js', new D.ODEProblem(dae, rober.u0, [0, t1], undefined, { inplace: true, massMatrix: M })],
    ['ode', new D.ODEProblem(daeModel, rober.u0, [0, t1], K, { massMatrix: M })],
  ]) {
    const sol = D.solve(prob, 'RadauIIA5', { reltol: RTOL, abstol: ATOL, saveat: times });
    assert.is(sol.retcode, 'Success', kind);
    checkRober(sol, idx, `DAE ${kind}`);
    // The algebraic equation holds at every saved time to Newton's accuracy: to rounding with
    // the exact (AD) Jacobian, whose Newton step solves the linear constraint at once; within
    // ATOL/10 with finite differences (their row of J is exact to ~1e-8).
    const held = kind === 'ode' ? 1e-12 : 0.1 * ATOL;
    for (const u of sol.u) assert.ok(Math.abs(u[0] + u[1] + u[2] - 1) < held, `${kind}: ${u[0] + u[1] + u[2] - 1}`);
    // Dense output between the saved times keeps it too (a collocation polynomial of the constraint).
    const full = D.solve(prob, 'RadauIIA5', { reltol: RTOL, abstol: ATOL });
    for (const t of [3e-4, 0.7, 42, 5e4]) {
      const u = full.at(t);
      assert.ok(Math.abs(u[0] + u[1] + u[2] - 1) < held, `${kind} at ${t}`);
    }
    assert.is(D.memoryInUse(), 0);
  }
  // A mass matrix with a method that cannot take one is refused with a clear message.
  assert.throws(() => D.solve(new D.ODEProblem(dae, rober.u0, [0, 1], undefined, { inplace: true, massMatrix: M }), 'DP5'), /DP5 cannot solve a problem with a mass matrix.*RadauIIA5/);
});

// Van der Pol in the reference's equations, y1' = y2, y2' = μ((1 − y1²)·y2 − y1), y(0) = (2, 0).
// The reference value labelled "mu1000, t = 3000" is this equation's solution with μ = 1e6 at
// t = 2 (Hairer–Wanner's VDPOL with ε = 1e-6, i.e. the classic μ = 1000 oscillator in time
// scaled by 1000; bench/stiff/peers.mjs explains it): with μ = 1e3 the same equation runs
// through ~1900 cycles by t = 3000 and ends far from it.
const vdpRef = reference.van_der_pol_mu1000.u[0];
const vdpJs = (du, u) => { du[0] = u[1]; du[1] = 1e6 * ((1 - u[0] * u[0]) * u[1] - u[0]); };
const vdpModel = D.ode`
  dx = y
  dy = mu*((1 - x*x)*y - x)
`;

test('Van der Pol (μ = 1e6 on [0, 2], the reference problem) at tight tolerances: the error follows the tolerance', () => {
  for (const [kind, prob] of [
    ['js', new D.ODEProblem(vdpJs, [2, 0], [0, 2], undefined, { inplace: true })],
    ['ode', new D.ODEProblem(vdpModel, [2, 0], [0, 2], { mu: 1e6 })],
  ]) {
    for (const tol of [1e-8, 1e-10, 1e-12]) {
      const sol = D.solve(prob, 'RadauIIA5', { reltol: tol, abstol: tol * 1e-2, saveEverystep: false });
      assert.is(sol.retcode, 'Success');
      const u = sol.u[1];
      const rel = Math.max(...[0, 1].map((j) => Math.abs(u[j] - vdpRef[j]) / Math.abs(vdpRef[j])));
      if (process.env.DIFFLUX_VERBOSE) console.log('VdP', kind, tol, rel, JSON.stringify(sol.stats));
      assert.ok(rel < 10 * tol, `${kind} reltol ${tol}: relative error ${rel}`);
    }
  }
  // Rodas5P at 1e-10 takes several times RadauIIA5's steps for a larger error.
  const prob = new D.ODEProblem(vdpModel, [2, 0], [0, 2], { mu: 1e6 });
  const radau = D.solve(prob, 'RadauIIA5', { reltol: 1e-10, abstol: 1e-12, saveEverystep: false });
  const rodas = D.solve(prob, 'Rodas5P', { reltol: 1e-10, abstol: 1e-12, saveEverystep: false });
  assert.ok(2 * radau.stats.naccept < rodas.stats.naccept, `${radau.stats.naccept} vs ${rodas.stats.naccept} steps`);
  assert.is(D.memoryInUse(), 0);
});

test('Van der Pol as written, μ = 1e3 on [0, 3000] (~1900 relaxation cycles): the value CVODE and SciPy agree on', () => {
  // bench/stiff/peers.mjs: y(3000) ≈ (−1.83370, 0.77593) from the peer solvers (5 digits).
  const sol = D.solve(new D.ODEProblem(vdpModel, [2, 0], [0, 3000], { mu: 1e3 }), 'RadauIIA5', { reltol: 1e-8, abstol: 1e-10, saveEverystep: false, maxiters: 1e7 });
  assert.is(sol.retcode, 'Success');
  const u = sol.u[1];
  if (process.env.DIFFLUX_VERBOSE) console.log('VdP 3000', Array.from(u), JSON.stringify(sol.stats));
  assert.ok(Math.abs(u[0] - -1.8337) < 1e-5 && Math.abs(u[1] - 0.77593) < 1e-5, String(u));
  // Far from the reference value labelled "t = 3000", which belongs to the scaled problem above.
  assert.ok(Math.abs(u[0] - vdpRef[0]) > 1);
});

// --- Models and counters.
const sameSteps = (a, b) => {
  if (a.t.length !== b.t.length) return false;
  for (let i = 0; i < a.t.length; i++) {
    if (a.t[i] !== b.t[i]) return false;
    for (let j = 0; j < a.u[i].length; j++) if (a.u[i][j] !== b.u[i][j]) return false;
  }
  return true;
};

test('an ode model takes the JavaScript function’s steps bit for bit with finite differences, and close ones with AD', () => {
  const a = D.solve(roberProb('ode', 1e11), D.RadauIIA5({ autodiff: false }), { reltol: 1e-6, abstol: 1e-8 });
  const b = D.solve(roberProb('js', 1e11), 'RadauIIA5', { reltol: 1e-6, abstol: 1e-8 });
  assert.is(a.retcode, 'Success');
  assert.ok(sameSteps(a, b));
  assert.equal(a.stats, b.stats);
  assert.equal(Array.from(a.at(1234.5)), Array.from(b.at(1234.5)));
  const c = D.solve(roberProb('ode', 1e11), 'RadauIIA5', { reltol: 1e-6, abstol: 1e-8 });
  const steps = (s) => s.stats.naccept + s.stats.nreject;
  assert.ok(Math.abs(steps(c) - steps(b)) <= 0.25 * steps(b), `${steps(c)} steps with AD, ${steps(b)} with finite differences`);
  // AD Jacobians cost no evaluations of f.
  assert.ok(c.stats.nf < b.stats.nf);
  const end = c.u[c.u.length - 1], endB = b.u[b.u.length - 1];
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(end[j] - endB[j]) <= 1e-6 * Math.abs(endB[j]) + 1e-12);
});

test('work counters: 3 f per Newton iteration, one real and one complex solve per iteration, one per error estimate', () => {
  let calls = 0;
  const vdp3 = (du, u) => { calls++; du[0] = u[1]; du[1] = 1000 * ((1 - u[0] * u[0]) * u[1] - u[0]); };
  const sol = D.solve(new D.ODEProblem(vdp3, [2, 0], [0, 3], undefined, { inplace: true }), 'RadauIIA5', { reltol: 1e-5, abstol: 1e-8 });
  const st = sol.stats;
  assert.is(sol.retcode, 'Success');
  assert.is(st.nf, calls);
  assert.ok(st.nreject > 0 && st.nnonliniter > st.naccept, JSON.stringify(st));
  // Every converged attempt estimates its error with one solve; the first step and those
  // after a rejection may refine it once, with one more f and one more solve each.
  const converged = st.naccept + st.nreject;
  const refined = st.nsolve - 2 * st.nnonliniter - converged;
  assert.ok(refined >= 0 && refined <= st.nreject + 1, `refined ${refined}`);
  // f: 2 for the initial step, 3 per Newton iteration, n per finite-difference Jacobian (its
  // columns: RadauIIA5 never uses ∂f/∂t)
  // and up to n retries of columns lost to rounding, f(u_n) at each new accepted state but the
  // last, and the refinements.
  const n = 2;
  const retries = st.nf - (2 + 3 * st.nnonliniter + n * st.njacs + (st.naccept - 1) + refined);
  assert.ok(retries >= 1 && retries <= n * st.njacs, `${retries} retried columns`);
  // E1 and E2 are refactored only when dt or J changes; J only when Newton contracted slowly.
  assert.ok(st.nw <= converged + st.nnonlinconvfail + 1);
  assert.ok(st.njacs < st.nw, JSON.stringify(st));
  assert.is(D.memoryInUse(), 0);
});

// --- Dense output, saveat, stops, events.
test('Solution.at: the collocation polynomial, accurate inside steps and exact on a cubic', () => {
  const sol = D.solve(mild(mildModel), 'RadauIIA5', { reltol: 1e-8, abstol: 1e-10 });
  assert.is(sol.retcode, 'Success');
  for (let i = 1; i < sol.t.length; i += 3) assert.equal(Array.from(sol.at(sol.t[i])), Array.from(sol.u[i]));
  let worst = 0, worstLinear = 0;
  for (let i = 0; i + 1 < sol.t.length; i++) {
    for (const th of [0.25, 0.5, 0.8]) {
      const t = sol.t[i] + th * (sol.t[i + 1] - sol.t[i]);
      const ex = exactAt(t);
      worst = Math.max(worst, ...ex.map((x, j) => Math.abs(sol.at(t, j) - x)));
      worstLinear = Math.max(worstLinear, ...ex.map((x, j) => Math.abs((1 - th) * sol.u[i][j] + th * sol.u[i + 1][j] - x)));
    }
  }
  if (process.env.DIFFLUX_VERBOSE) console.log('dense', worst, worstLinear);
  assert.ok(worst < 1e-7, `interpolation error ${worst}`);
  assert.ok(worst < worstLinear / 100, `${worst} against ${worstLinear} for linear interpolation`);
  // u' = t²: u = t³/3 is a cubic, which the collocation polynomial (degree 3) reproduces.
  const q = D.solve(new D.ODEProblem(D.ode`du = t*t`, [0], [0, 4]), 'RadauIIA5', { dt: 0.5, adaptive: false });
  for (const t of [0.2, 1.3, 2.77, 3.9]) assert.ok(Math.abs(q.at(t, 0) - (t * t * t) / 3) < 1e-12, `at ${t}: ${q.at(t, 0)}`);
  // saveat values are the dense output's, with the same steps.
  const times = [0.123, 0.5, 1.01, 1.777];
  const sa = D.solve(mild(mildModel), 'RadauIIA5', { reltol: 1e-8, abstol: 1e-10, saveat: times });
  assert.equal(sa.stats, sol.stats);
  times.forEach((t, k) => assert.equal(Array.from(sa.u[k]), Array.from(sol.at(t))));
});

test('tstops are stepped to exactly; backward integration; a bouncing ball’s event times', () => {
  const sol = D.solve(mild(mildJs), 'RadauIIA5', { tstops: [0.3, 1.1], reltol: 1e-6 });
  assert.ok(sol.t.includes(0.3) && sol.t.includes(1.1));
  assert.ok(maxErr(sol.u[sol.u.length - 1], exactAt(T)) < 1e-5);
  const back = D.solve(new D.ODEProblem((du, u) => { du[0] = -u[0] * u[0]; }, [1 / 3], [2, 0], undefined, { inplace: true }), 'RadauIIA5', { reltol: 1e-8, abstol: 1e-10 });
  assert.is(back.retcode, 'Success');
  assert.ok(Math.abs(back.u[back.u.length - 1][0] - 1) < 1e-7, String(back.u[back.u.length - 1][0]));

  assertBounces('RadauIIA5');
  // A DiscreteCallback doubling u at t = 1 (u' = −u): u(2) = 2·e^(−2); terminate stops.
  const dbl = new D.DiscreteCallback((u, t) => t === 1, (integ) => { integ.u[0] *= 2; });
  const decay = new D.ODEProblem((du, u) => { du[0] = -u[0]; }, [1], [0, 2], undefined, { inplace: true });
  const d = D.solve(decay, 'RadauIIA5', { callback: dbl, tstops: [1], reltol: 1e-8, abstol: 1e-10 });
  assert.ok(Math.abs(d.u[d.u.length - 1][0] - 2 * Math.exp(-2)) < 1e-7, String(d.u[d.u.length - 1][0]));
  const stop = new D.DiscreteCallback((u, t) => t >= 0.5, () => {}, { terminate: true });
  assert.is(D.solve(decay, 'RadauIIA5', { callback: stop }).retcode, 'Terminated');
  assert.is(D.memoryInUse(), 0);
});

// --- Problems that must end in a retcode.
test('Newton failure at a fixed dt is ConvergenceFailure; a blow-up ends adaptive solves without NaNs', () => {
  // u' = u² from 1 has its pole at t = 1; one step of dt = 2 has no nearby collocation solution.
  const pole = new D.ODEProblem((du, u) => { du[0] = u[0] * u[0]; }, [1], [0, 2], undefined, { inplace: true });
  const fixed = D.solve(pole, 'RadauIIA5', { dt: 2, adaptive: false });
  assert.is(fixed.retcode, 'ConvergenceFailure');
  assert.is(fixed.stats.naccept, 0);
  assert.ok(fixed.stats.nnonlinconvfail >= 1);
  assert.is(D.memoryInUse(), 0);
  const adaptive = D.solve(pole, 'RadauIIA5');
  assert.ok(['DtLessThanMin', 'ConvergenceFailure'].includes(adaptive.retcode), adaptive.retcode);
  assert.ok(Math.abs(adaptive.t[adaptive.t.length - 1] - 1) < 0.01, `stopped at ${adaptive.t[adaptive.t.length - 1]}`);
  for (const u of adaptive.u) assert.ok(Number.isFinite(u[0]));
  assert.is(D.memoryInUse(), 0);
});

test('f turning NaN, a non-finite Jacobian, maxiters and dtmin give retcodes; a throwing f frees memory', () => {
  const nan = D.solve(new D.ODEProblem((du, u, p, t) => { du[0] = t > 0.5 ? NaN : -u[0]; }, [1], [0, 1], undefined, { inplace: true }), 'RadauIIA5');
  assert.ok(['ConvergenceFailure', 'DtLessThanMin', 'Unstable'].includes(nan.retcode), nan.retcode);
  assert.ok(nan.u.every((u) => Number.isFinite(u[0])));
  assert.is(D.solve(new D.ODEProblem(D.ode`dx = sqrt(x)`, [0], [0, 1]), 'RadauIIA5').retcode, 'Unstable');
  const p = roberProb('js', 1e11);
  assert.is(D.solve(p, 'RadauIIA5', { maxiters: 10 }).retcode, 'MaxIters');
  assert.is(D.solve(p, 'RadauIIA5', { dtmin: 1 }).retcode, 'DtLessThanMin');
  const boom = new D.ODEProblem((du, u, q, t) => { if (t > 0.1) throw new Error('boom'); du[0] = -u[0]; }, [1], [0, 1], undefined, { inplace: true });
  assert.throws(() => D.solve(boom, 'RadauIIA5'), /boom/);
  assert.is(D.memoryInUse(), 0);
});

test('a singular Newton matrix: Unstable at a fixed dt, a smaller dt when adaptive', () => {
  // u' = λu with λ·dt = γ (an eigenvalue of A⁻¹): E1 = γ/dt − λ = 0. The engine forms E1 as
  // 1 − (dt/γ)·λ: λ is the float next to γ for which (1/γ)·λ rounds to exactly 1.
  const g = 1 / 3.63783425274449573221;
  const near = new Float64Array([3.63783425274449573221]);
  const bits = new BigInt64Array(near.buffer);
  let lam = NaN;
  for (let d = -4n; d <= 4n && Number.isNaN(lam); d++) {
    const x = new Float64Array(new BigInt64Array([bits[0] + d]).buffer)[0];
    if (1 - g * x === 0) lam = x;
  }
  assert.ok(Number.isFinite(lam));
  const prob = new D.ODEProblem(D.ode`du = lam*u`, [1], [0, 1], { lam });
  const fixed = D.solve(prob, 'RadauIIA5', { dt: 1, adaptive: false });
  assert.is(fixed.retcode, 'Unstable');
  assert.is(fixed.stats.naccept, 0);
  const adaptive = D.solve(prob, 'RadauIIA5', { dt: 1, reltol: 1e-8, abstol: 1e-10 });
  assert.is(adaptive.retcode, 'Success');
  assert.ok(adaptive.stats.nw > 1);
  assert.ok(Math.abs(adaptive.u[adaptive.u.length - 1][0] / Math.exp(lam) - 1) < 1e-6);
  assert.is(D.memoryInUse(), 0);
});

// --- API.
test('constructor, name and options', () => {
  const p = roberProb('js', 1e3);
  const byName = D.solve(p, 'RadauIIA5');
  const byObject = D.solve(p, D.RadauIIA5());
  assert.ok(sameSteps(byName, byObject));
  assert.is(byName.alg, 'RadauIIA5');
  assert.is(D.RadauIIA5({ autodiff: true }), D.RadauIIA5());
  assert.is.not(D.RadauIIA5({ autodiff: false }), D.RadauIIA5());
  assert.throws(() => D.RadauIIA5({ autodif: false }), /RadauIIA5: unknown option 'autodif'/);
  assert.throws(() => D.RadauIIA5({ autodiff: 'yes' }), /autodiff must be true or false/);
  assert.throws(() => D.solve(p, D.RadauIIA5), /pass the algorithm called/);
  assert.ok(D.algorithmNames.includes('RadauIIA5'));
});

test.run();
