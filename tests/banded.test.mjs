// Banded LU with partial pivoting (assembly/linalg/banded.ts): solves of random banded systems
// against a dense Gaussian elimination in JavaScript for many (n, kl, ku), systems that need
// interchanges (zero diagonal), the fill-in room, exactly singular and non-finite matrices,
// and impossible sizes.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

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

test.run();
