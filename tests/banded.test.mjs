// Banded LU with partial pivoting (assembly/linalg/banded.ts): solves of random banded systems
// against a dense Gaussian elimination in JavaScript for many (n, kl, ku), systems that need
// interchanges (zero diagonal), the fill-in room, exactly singular and non-finite matrices,
// and impossible sizes.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, reference } from './helpers.mjs';

const wasm = readFileSync(new URL('../dist/difflux.wasm', import.meta.url));
const noop = () => 0;
const imports = new Proxy({}, { get: () => noop });
const E = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: imports }).exports;
const LU_NONFINITE = -1;
const LU_BAD_ARGUMENT = -2;

let seed = 20261129;
const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };

/** A random dense n×n matrix with only the band kl, ku nonzero. */
function bandMatrix(n, kl, ku, diag = 0) {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) A[i * n + j] = 2 * rnd() - 1 + (i === j ? diag : 0);
  return A;
}

/** Room after the engine's static data: band storage, pivots, right-hand side. */
function region(n, ldab) {
  const pa = Math.ceil(E.heapBase() / 64) * 64;
  const pp = pa + 8 * n * ldab + 64;
  const pb = Math.ceil((pp + 4 * n) / 64) * 64;
  const end = pb + 8 * n + 64;
  if (E.memory.buffer.byteLength < end) E.memory.grow(Math.ceil((end - E.memory.buffer.byteLength) / 65536));
  return { pa, pp, pb, F: new Float64Array(E.memory.buffer) };
}

/** Writes A's band into the engine's row-major band storage; the fill-in room gets junk. */
function load(A, n, kl, ku, ldab, r) {
  r.F.fill(NaN, r.pa >>> 3, (r.pa >>> 3) + n * ldab);
  for (let i = 0; i < n; i++) for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) r.F[(r.pa >>> 3) + i * ldab + j - i + kl] = A[i * n + j];
  // The fill-in columns must be cleared by the factorization, not trusted to be zero.
  for (let i = 0; i < n; i++) for (let j = i + ku + 1; j <= Math.min(n - 1, i + ku + kl); j++) r.F[(r.pa >>> 3) + i * ldab + j - i + kl] = 12345;
}

/** Dense Gaussian elimination with partial pivoting in JavaScript: x = A⁻¹b. */
function denseSolve(A, n, b) {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i * n + k]) > Math.abs(M[p * n + k])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) { const t = M[k * n + j]; M[k * n + j] = M[p * n + j]; M[p * n + j] = t; }
      const t = x[k]; x[k] = x[p]; x[p] = t;
    }
    for (let i = k + 1; i < n; i++) {
      const l = M[i * n + k] / M[k * n + k];
      for (let j = k; j < n; j++) M[i * n + j] -= l * M[k * n + j];
      x[i] -= l * x[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= M[i * n + j] * x[j];
    x[i] = s / M[i * n + i];
  }
  return x;
}

function bandedSolve(A, n, kl, ku, b, extraLd = 0) {
  const ldab = 2 * kl + ku + 1 + extraLd;
  const r = region(n, ldab);
  load(A, n, kl, ku, ldab, r);
  const info = E.bandFactor(r.pa, n, kl, ku, ldab, r.pp);
  const F = new Float64Array(E.memory.buffer);
  F.set(b, r.pb >>> 3);
  if (info === 0) E.bandSolve(r.pa, n, kl, ku, ldab, r.pp, r.pb);
  return { info, x: F.slice(r.pb >>> 3, (r.pb >>> 3) + n) };
}

const relErr = (x, y) => {
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) { num = Math.max(num, Math.abs(x[i] - y[i])); den = Math.max(den, Math.abs(y[i])); }
  return num / den;
};

test('banded solves agree with dense elimination for many sizes and bandwidths', () => {
  let worst = 0;
  let cases = 0;
  for (const n of [1, 2, 3, 7, 16, 33, 100]) {
    for (const [kl, ku] of [[0, 0], [1, 1], [2, 1], [1, 3], [3, 0], [0, 2], [4, 4], [7, 2]]) {
      if (kl >= n && kl > 0 && n > 1) continue;
      const A = bandMatrix(n, Math.min(kl, n - 1), Math.min(ku, n - 1), 0.5);
      const b = Float64Array.from({ length: n }, () => 2 * rnd() - 1);
      const { info, x } = bandedSolve(A, n, Math.min(kl, n - 1), Math.min(ku, n - 1), b, cases % 3);
      assert.is(info, 0, `n=${n} kl=${kl} ku=${ku}`);
      worst = Math.max(worst, relErr(x, denseSolve(A, n, b)));
      cases++;
    }
  }
  assert.ok(cases > 40);
  assert.ok(worst < 1e-9, `worst relative difference ${worst}`);
});

test('a zero diagonal forces interchanges; the fill-in room is used and the answer is right', () => {
  const n = 60;
  const kl = 2;
  const ku = 1;
  const A = bandMatrix(n, kl, ku);
  for (let i = 0; i < n; i++) A[i * n + i] = 0;
  const xTrue = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += A[i * n + j] * xTrue[j];
  const { info, x } = bandedSolve(A, n, kl, ku, b);
  assert.is(info, 0);
  assert.ok(relErr(x, xTrue) < 1e-8, `error ${relErr(x, xTrue)}`);
});

test('a tridiagonal system (second differences) matches its closed-form solution', () => {
  // −x_{i−1} + 2x_i − x_{i+1} = h² for i = 1..n with x_0 = x_{n+1} = 0: x_i = h²·i(n+1−i)/2.
  const n = 500;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) { A[i * n + i] = 2; if (i) A[i * n + i - 1] = -1; if (i < n - 1) A[i * n + i + 1] = -1; }
  const h = 1 / (n + 1);
  const b = new Float64Array(n).fill(h * h);
  const { info, x } = bandedSolve(A, n, 1, 1, b);
  assert.is(info, 0);
  const exact = Float64Array.from({ length: n }, (_, k) => (h * h * (k + 1) * (n - k)) / 2);
  assert.ok(relErr(x, exact) < 1e-10, `error ${relErr(x, exact)}`);
});

test('an exactly singular banded matrix reports its first zero pivot', () => {
  const n = 10;
  const A = bandMatrix(n, 1, 1, 3);
  for (let j = 0; j < n; j++) A[4 * n + j] = 0; // row 4 is zero: U(4, 4) = 0 at the latest
  const { info } = bandedSolve(A, n, 1, 1, new Float64Array(n));
  assert.ok(info >= 1 && info <= n, `info ${info}`);
  // A nonsingular matrix with the same pattern factors with info 0.
  assert.is(bandedSolve(bandMatrix(n, 1, 1, 3), n, 1, 1, new Float64Array(n)).info, 0);
});

test('non-finite entries give LU_NONFINITE, impossible sizes LU_BAD_ARGUMENT', () => {
  const n = 12;
  const A = bandMatrix(n, 2, 2, 3);
  A[7 * n + 8] = NaN;
  assert.is(bandedSolve(A, n, 2, 2, new Float64Array(n)).info, LU_NONFINITE);
  const B = bandMatrix(n, 2, 2, 3);
  B[3 * n + 1] = Infinity;
  assert.is(bandedSolve(B, n, 2, 2, new Float64Array(n)).info, LU_NONFINITE);
  const r = region(4, 8);
  assert.is(E.bandFactor(r.pa, 4, 2, 2, 6, r.pp), LU_BAD_ARGUMENT); // ldab < 2·kl + ku + 1
  assert.is(E.bandFactor(r.pa, 4, -1, 2, 8, r.pp), LU_BAD_ARGUMENT);
  assert.is(E.bandFactor(r.pa, -1, 1, 1, 8, r.pp), LU_BAD_ARGUMENT);
});

// --- Solves with a banded jacPrototype.

// The 1-D Brusselator by the method of lines (Hairer–Wanner II, §IV.10), N points, states
// interleaved (u_i, v_i): J has 2 subdiagonals and 2 superdiagonals.
function brusselator(N) {
  const c = ((N + 1) * (N + 1)) / 50;
  const f = (du, y) => {
    for (let i = 0; i < N; i++) {
      const u = y[2 * i], v = y[2 * i + 1];
      const ul = i > 0 ? y[2 * i - 2] : 1, ur = i < N - 1 ? y[2 * i + 2] : 1;
      const vl = i > 0 ? y[2 * i - 1] : 3, vr = i < N - 1 ? y[2 * i + 3] : 3;
      du[2 * i] = 1 + u * u * v - 4 * u + c * (ul - 2 * u + ur);
      du[2 * i + 1] = 3 * u - u * u * v + c * (vl - 2 * v + vr);
    }
  };
  const u0 = [];
  for (let i = 0; i < N; i++) u0.push(1 + Math.sin((2 * Math.PI * (i + 1)) / (N + 1)), 3);
  // The same equations as an `ode` model, one line per state.
  const name = (k) => (k % 2 ? `v${(k - 1) / 2}` : `u${k / 2}`);
  const lines = [];
  for (let i = 0; i < N; i++) {
    const ul = i > 0 ? `u${i - 1}` : '1', ur = i < N - 1 ? `u${i + 1}` : '1';
    const vl = i > 0 ? `v${i - 1}` : '3', vr = i < N - 1 ? `v${i + 1}` : '3';
    lines.push(`du${i} = 1 + u${i}*u${i}*v${i} - 4*u${i} + c*(${ul} - 2*u${i} + ${ur})`);
    lines.push(`dv${i} = 3*u${i} - u${i}*u${i}*v${i} + c*(${vl} - 2*v${i} + ${vr})`);
  }
  // States in the model's order are the order of the lines (u0, v0, u1, v1, …).
  const src = lines.join('\n');
  const model = D.ode({ params: ['c'] })(Object.assign([src], { raw: [src] }));
  assert.equal(model.states.slice(0, 4), [0, 1, 2, 3].map(name));
  return { f, u0, model, c };
}

const relDiff = (a, b) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1e-6 + Math.abs(b[i])));
  return m;
};

test('banded and dense Jacobians give the same solution; a banded J costs a few evaluations per column group, not n + 1', () => {
  const N = 40;
  const n = 2 * N;
  const { f, u0 } = brusselator(N);
  let calls = 0;
  const counted = (du, y) => { calls++; f(du, y); };
  const opts = { reltol: 1e-7, abstol: 1e-9, saveat: [2, 10] };
  const dense = new D.ODEProblem(counted, u0, [0, 10], undefined, { inplace: true });
  const banded = new D.ODEProblem(counted, u0, [0, 10], undefined, { inplace: true, jacPrototype: { lower: 2, upper: 2 } });
  assert.equal({ ...banded.bandwidth }, { lower: 2, upper: 2 });
  let sameSteps = 0;
  for (const alg of ['Rosenbrock23', 'Rodas5P', 'KenCarp4', 'FBDF']) {
    calls = 0;
    const a = D.solve(dense, alg, opts);
    calls = 0;
    const b = D.solve(banded, alg, opts);
    assert.is(calls, b.stats.nf, `${alg}: nf counts every call`);
    assert.is(a.retcode, 'Success');
    assert.is(b.retcode, 'Success');
    // J's values are the same (each row sees one perturbed column per group): the solves
    // differ only by the LU's rounding.
    for (let k = 0; k < 2; k++) assert.ok(relDiff(b.u[k], a.u[k]) < 1e-6, `${alg}: ${relDiff(b.u[k], a.u[k])}`);
    // With the same steps, the only difference in work is each Jacobian's: at least n + 1
    // evaluations dense, at most 2·(2 + 2 + 1) column groups (each may retry entries lost to
    // rounding) + 1 banded.
    if (a.stats.naccept === b.stats.naccept && a.stats.nreject === b.stats.nreject && a.stats.njacs === b.stats.njacs) {
      sameSteps++;
      assert.ok(a.stats.nf - b.stats.nf >= a.stats.njacs * (n + 1 - 11), `${alg}: nf ${a.stats.nf} dense, ${b.stats.nf} banded, ${a.stats.njacs} Jacobians`);
    }
  }
  if (process.env.DIFFLUX_VERBOSE) console.log("same steps", sameSteps);
  assert.ok(sameSteps >= 2, `only ${sameSteps} methods took the same steps banded and dense`);
  assert.is(D.memoryInUse(), 0);
});

test('an ode model with a banded jacPrototype: column groups by forward-mode AD agree with the dense AD solve', () => {
  const N = 30;
  const { model, u0, c } = brusselator(N);
  const opts = { reltol: 1e-8, abstol: 1e-10, saveat: [1, 5] };
  const dense = D.solve(new D.ODEProblem(model, u0, [0, 5], [c]), 'Rodas5P', opts);
  const banded = D.solve(new D.ODEProblem(model, u0, [0, 5], [c], { jacPrototype: { lower: 2, upper: 2 } }), 'Rodas5P', opts);
  assert.is(banded.retcode, 'Success');
  assert.is(banded.stats.njacs, dense.stats.njacs);
  // AD Jacobians are exact in both: the same steps, the solutions equal to rounding.
  assert.is(banded.stats.naccept, dense.stats.naccept);
  for (let k = 0; k < 2; k++) assert.ok(relDiff(banded.u[k], dense.u[k]) < 1e-9, String(relDiff(banded.u[k], dense.u[k])));
  assert.is(D.memoryInUse(), 0);
});

test('20 000 states with a tridiagonal J: FBDF and KenCarp4 solve the heat equation (dense would need 3.2 GB), against its exact mode', () => {
  // u_t = u_xx on (0, 1), u = 0 at both ends, u(x, 0) = sin(πx): the semi-discrete solution is
  // sin(πx_i)·exp(λt) with λ = −(4/h²)·sin²(πh/2), exactly.
  const n = 20000;
  const h = 1 / (n + 1);
  const r = 1 / (h * h);
  const heat = (du, u) => {
    du[0] = r * (-2 * u[0] + u[1]);
    for (let i = 1; i < n - 1; i++) du[i] = r * (u[i - 1] - 2 * u[i] + u[i + 1]);
    du[n - 1] = r * (u[n - 2] - 2 * u[n - 1]);
  };
  const u0 = Float64Array.from({ length: n }, (_, i) => Math.sin(Math.PI * (i + 1) * h));
  const lam = -4 * r * Math.sin((Math.PI * h) / 2) ** 2;
  const tf = 0.1;
  const prob = new D.ODEProblem(heat, u0, [0, tf], undefined, { inplace: true, jacPrototype: { lower: 1, upper: 1 } });
  for (const alg of ['FBDF', 'KenCarp4']) {
    const sol = D.solve(prob, alg, { reltol: 1e-6, abstol: 1e-9, saveEverystep: false });
    assert.is(sol.retcode, 'Success', alg);
    const decay = Math.exp(lam * tf);
    let err = 0;
    const u = sol.u[1];
    for (let i = 0; i < n; i += 97) err = Math.max(err, Math.abs(u[i] - u0[i] * decay));
    assert.ok(err < 1e-4 * decay, `${alg}: error ${err} against ${decay}`);
  }
  const dense = new D.ODEProblem(heat, u0, [0, tf], undefined, { inplace: true });
  assert.throws(() => D.solve(dense, 'FBDF'), /factors a dense n×n matrix each step \(give a banded jacPrototype when J is banded\); with 20000 states/);
  assert.is(D.memoryInUse(), 0);
});

test('the default algorithm with a banded jacPrototype: Tsit5, then FBDF on band storage', () => {
  const N = 100;
  const { f, u0 } = brusselator(N);
  const prob = new D.ODEProblem(f, u0, [0, 10], undefined, { inplace: true, jacPrototype: { lower: 2, upper: 2 } });
  const ref = D.solve(new D.ODEProblem(f, u0, [0, 10], undefined, { inplace: true }), 'Rodas5P', { reltol: 1e-10, abstol: 1e-10, saveat: [10] });
  const sol = D.solve(prob, undefined, { reltol: 1e-5, abstol: 1e-7, saveat: [10] });
  assert.is(sol.retcode, 'Success');
  assert.is(sol.alg, 'AutoTsit5(FBDF)');
  assert.ok(sol.stats.nswitch >= 1);
  assert.ok(relDiff(sol.u[0], ref.u[0]) < 1e-3, String(relDiff(sol.u[0], ref.u[0])));
  assert.is(D.memoryInUse(), 0);
});

test('a diagonal mass matrix inside the band: the DAE form of a banded problem', () => {
  // The heat equation on 200 points with its last value held by an algebraic equation
  // u_{n−1} = 0 (a zero row of M): the same answer as the ODE with that value fixed.
  const n = 200;
  const h = 1 / (n + 1);
  const r = 1 / (h * h);
  const heat = (du, u) => {
    du[0] = r * (-2 * u[0] + u[1]);
    for (let i = 1; i < n - 1; i++) du[i] = r * (u[i - 1] - 2 * u[i] + u[i + 1]);
    du[n - 1] = u[n - 1];
  };
  const M = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j && i < n - 1 ? 1 : 0)));
  const u0 = Float64Array.from({ length: n }, (_, i) => (i < n - 1 ? Math.sin((Math.PI * (i + 1)) / n) : 0));
  const opts = { reltol: 1e-8, abstol: 1e-10, saveEverystep: false };
  const dae = (bw) => new D.ODEProblem(heat, u0, [0, 0.05], undefined, { inplace: true, massMatrix: M, jacPrototype: bw });
  for (const alg of ['Rodas5P', 'FBDF']) {
    const a = D.solve(dae(undefined), alg, opts);
    const b = D.solve(dae({ lower: 1, upper: 1 }), alg, opts);
    assert.is(b.retcode, 'Success', alg);
    assert.ok(relDiff(b.u[1], a.u[1]) < 1e-7, `${alg}: ${relDiff(b.u[1], a.u[1])}`);
    assert.is(b.u[1][n - 1], 0);
  }
  assert.throws(() => new D.ODEProblem(heat, u0, [0, 1], undefined, { massMatrix: M.map((row, i) => row.map((x, j) => (i === 0 && j === 5 ? 1 : x))), jacPrototype: { lower: 1, upper: 1 } }), /massMatrix\[0\]\[5\] lies outside the band of jacPrototype \(lower 1, upper 1\)/);
  assert.is(D.memoryInUse(), 0);
});

test('banded finite differences recover entries lost to rounding: 20 ROBER DAEs side by side, abstol 1e-10', () => {
  // Each block's algebraic row y1 + y2 + y3 − 1 loses ∂/∂y3 at y3 = 0 with the small step; the
  // retry takes it again, else W is singular and the solve fails.
  const m = 20;
  const n = 3 * m;
  const f = (du, u) => {
    for (let c = 0; c < m; c++) {
      const [a, b, d] = [u[3 * c], u[3 * c + 1], u[3 * c + 2]];
      du[3 * c] = -0.04 * a + 1e4 * b * d;
      du[3 * c + 1] = 0.04 * a - 3e7 * b * b - 1e4 * b * d;
      du[3 * c + 2] = a + b + d - 1;
    }
  };
  const M = new Float64Array(n * n);
  for (let c = 0; c < m; c++) { M[(3 * c) * n + 3 * c] = 1; M[(3 * c + 1) * n + 3 * c + 1] = 1; }
  const u0 = new Float64Array(n);
  for (let c = 0; c < m; c++) u0[3 * c] = 1;
  const ref = reference.rober;
  const k = ref.t.indexOf(1e5);
  for (const alg of ['Rodas5P', 'FBDF', 'KenCarp4']) {
    const prob = new D.ODEProblem(f, u0, [0, 1e5], undefined, { inplace: true, massMatrix: M, jacPrototype: { lower: 2, upper: 2 } });
    const sol = D.solve(prob, alg, { reltol: 1e-6, abstol: 1e-10, saveEverystep: false });
    assert.is(sol.retcode, 'Success', alg);
    const y = sol.u[1];
    for (let c = 0; c < m; c += 7) {
      for (let i = 0; i < 3; i++) {
        const r = ref.u[k][i];
        assert.ok(Math.abs(y[3 * c + i] - r) <= 100 * (1e-6 * Math.abs(r) + 1e-10), `${alg}: y${i + 1} = ${y[3 * c + i]}, reference ${r}`);
      }
    }
  }
  assert.is(D.memoryInUse(), 0);
});

test('jacPrototype: a pattern gives its band; bad values, RadauIIA5 and a user jac are refused clearly', () => {
  const f = (du, u) => { for (let i = 0; i < 6; i++) du[i] = -u[i] + (i > 0 ? u[i - 1] : 0); };
  const pattern = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => i - j === 1 || i === j || j - i === 3));
  assert.equal({ ...new D.ODEProblem(f, new Float64Array(6).fill(1), [0, 1], undefined, { inplace: true, jacPrototype: pattern }).bandwidth }, { lower: 1, upper: 3 });
  const mk = (jacPrototype, extra = {}) => new D.ODEProblem(f, new Float64Array(6).fill(1), [0, 1], undefined, { inplace: true, jacPrototype, ...extra });
  assert.throws(() => mk({ lower: -1, upper: 1 }), /jacPrototype.lower must be a whole number from 0 to 5 \(the state has 6 values\), got -1/);
  assert.throws(() => mk({ lower: 1, upper: 6 }), /jacPrototype.upper must be a whole number from 0 to 5/);
  assert.throws(() => mk({ lower: 1.5, upper: 1 }), /jacPrototype.lower/);
  assert.throws(() => mk([[1, 0], [0, 1]]), /jacPrototype must have 6 rows \(the state has 6 values\), got 2/);
  assert.throws(() => mk(pattern.map((r, i) => (i === 2 ? r.slice(1) : r))), /jacPrototype row 2 must have 6 entries, got 5/);
  assert.throws(() => mk('band'), /jacPrototype must be \{ lower, upper \} or an 6×6 pattern, got string/);
  assert.throws(() => mk({ lower: 1, upper: 0 }, { jac: () => {} }), /jac and a banded jacPrototype cannot be combined/);
  const prob = mk({ lower: 1, upper: 0 });
  assert.throws(() => D.solve(prob, 'RadauIIA5'), /RadauIIA5 does not take a banded jacPrototype yet/);
  // Explicit methods ignore the prototype; a band as wide as the matrix is solved densely.
  assert.is(D.solve(prob, 'Tsit5').retcode, 'Success');
  const wide = mk({ lower: 5, upper: 5 });
  const a = D.solve(wide, 'Rodas5P', { reltol: 1e-8 });
  const b = D.solve(mk(undefined), 'Rodas5P', { reltol: 1e-8 });
  assert.equal(Array.from(a.u.at(-1)), Array.from(b.u.at(-1)));
  assert.is(D.memoryInUse(), 0);
});

test.run();
