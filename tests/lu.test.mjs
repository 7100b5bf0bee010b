// Dense LU with partial pivoting (assembly/linalg/lu.ts) and its TypeScript wrapper
// (src/linalg/lu.ts): P·A = L·U to rounding for every size 1…130 (odd sizes, the 8-column
// leaves and the recursive splits, the GEMM's 4×4 tiles and its edges), solves with one and
// several right-hand sides against condition-number bounds, the same pivots and factors as
// a plain JavaScript LU, matrices that need pivoting, exactly singular and non-finite
// matrices, leading dimensions larger than n, and engine memory released after every call.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url);
const wasm = readFileSync(new URL('../dist/difflux.wasm', import.meta.url));

// The engine's raw exports, from its own instance (as tests/math.test.mjs does).
const noop = () => 0;
const E = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: new Proxy({}, { get: () => noop }) }).exports;

// The internal TypeScript wrapper is not in the package's API: bundle it here with the
// engine module (its own engine instance) and import the bundle.
const bundle = await esbuild.build({
  stdin: {
    contents: "export { luFactor, luSolve } from './src/linalg/lu.ts'; export { initEngine } from './src/runtime/engine.ts'; export { memoryInUse } from './src/runtime/introspect.ts';",
    resolveDir: root.pathname,
    loader: 'ts',
  },
  bundle: true, write: false, format: 'esm', platform: 'neutral', target: 'es2022', logLevel: 'error',
});
const W = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
await W.initEngine(wasm);

const EPS = 2 ** -52;
const LU_NONFINITE = -1;
const LU_BAD_ARGUMENT = -2;

let seed = 20261129;
const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
const randomMatrix = (rows, cols) => Float64Array.from({ length: rows * cols }, () => 2 * rnd() - 1);

/**
 * Factors with the engine's export: A (n×n row-major) is written with leading dimension lda
 * into a region filled with a guard value, which must come back untouched outside the matrix.
 */
function engineFactor(A, n, lda = n) {
  const base = Math.ceil(E.heapBase() / 16) * 16 + 16;
  const pa = base;
  const pp = pa + 8 * Math.max(1, n * lda) + 16;
  const end = pp + 4 * n + 16;
  if (E.memory.buffer.byteLength < end) E.memory.grow(Math.ceil((end - E.memory.buffer.byteLength) / 65536));
  const M = new Float64Array(E.memory.buffer, pa, n * lda);
  M.fill(-7.25);
  for (let i = 0; i < n; i++) M.set(A.subarray(i * n, i * n + n), i * lda);
  const status = E.luFactor(pa, n, lda, pp);
  const lu = new Float64Array(n * n);
  for (let i = 0; i < n; i++) lu.set(M.subarray(i * lda, i * lda + n), i * n);
  let guardsOk = true;
  for (let i = 0; i < n; i++) for (let j = n; j < lda; j++) if (M[i * lda + j] !== -7.25) guardsOk = false;
  return { status, lu, piv: new Int32Array(E.memory.buffer, pp, n).slice(), guardsOk, pa, pp };
}

/** Solves with the engine's export on factors already in its memory (from engineFactor), B n×nrhs with leading dimension ldb. */
function engineSolve(f, n, lda, B, nrhs, ldb = nrhs) {
  const pb = f.pp + 4 * n + 16 + 16 - ((f.pp + 4 * n + 16) % 16);
  const end = pb + 8 * n * ldb + 16;
  if (E.memory.buffer.byteLength < end) E.memory.grow(Math.ceil((end - E.memory.buffer.byteLength) / 65536));
  const M = new Float64Array(E.memory.buffer, pb, n * ldb);
  M.fill(-3.5);
  for (let i = 0; i < n; i++) M.set(B.subarray(i * nrhs, i * nrhs + nrhs), i * ldb);
  E.luSolve(f.pa, n, lda, f.pp, pb, nrhs, ldb);
  const X = new Float64Array(n * nrhs);
  let guardsOk = true;
  for (let i = 0; i < n; i++) {
    X.set(M.subarray(i * ldb, i * ldb + nrhs), i * nrhs);
    for (let j = nrhs; j < ldb; j++) if (M[i * ldb + j] !== -3.5) guardsOk = false;
  }
  return { X, guardsOk };
}

/** The textbook right-looking LU with partial pivoting (first entry of largest magnitude), row-major. */
function referenceLU(A, n) {
  const a = Float64Array.from(A);
  const piv = new Int32Array(n);
  let status = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > best) { best = Math.abs(a[i * n + k]); p = i; }
    piv[k] = p;
    if (p !== k) for (let j = 0; j < n; j++) { const t = a[k * n + j]; a[k * n + j] = a[p * n + j]; a[p * n + j] = t; }
    const d = a[k * n + k];
    if (d === 0) { if (!status) status = k + 1; continue; }
    for (let i = k + 1; i < n; i++) {
      const l = a[i * n + k] / d;
      a[i * n + k] = l;
      for (let j = k + 1; j < n; j++) a[i * n + j] -= l * a[k * n + j];
    }
  }
  return { lu: a, piv, status };
}

/** P·A: the interchanges applied in order to the rows of A. */
function permuteRows(A, n, cols, piv) {
  const a = Float64Array.from(A);
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) for (let j = 0; j < cols; j++) { const t = a[k * cols + j]; a[k * cols + j] = a[p * cols + j]; a[p * cols + j] = t; }
  }
  return a;
}

/** The largest of |P·A − L·U|ᵢⱼ / (|L|·|U|)ᵢⱼ over entries (0/0 counts as 0): the componentwise backward error. */
function backwardError(A, n, lu, piv) {
  const PA = permuteRows(A, n, n, piv);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, abs = 0;
      for (let k = 0; k <= Math.min(i, j); k++) {
        const l = k === i ? 1 : lu[i * n + k];
        const u = lu[k * n + j];
        s += l * u;
        abs += Math.abs(l * u);
      }
      const r = Math.abs(PA[i * n + j] - s);
      if (r > 0) worst = Math.max(worst, abs > 0 ? r / abs : Infinity);
    }
  }
  return worst;
}

const matVec = (A, n, X, nrhs) => {
  const B = new Float64Array(n * nrhs);
  for (let i = 0; i < n; i++) for (let c = 0; c < nrhs; c++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j] * X[j * nrhs + c];
    B[i * nrhs + c] = s;
  }
  return B;
};
const normInf = (A, rows, cols) => {
  let m = 0;
  for (let i = 0; i < rows; i++) { let s = 0; for (let j = 0; j < cols; j++) s += Math.abs(A[i * cols + j]); m = Math.max(m, s); }
  return m;
};

/** ‖A⁻¹‖∞ from the reference factors (n solves in JavaScript). */
function inverseNorm(ref, n) {
  const inv = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const x = new Float64Array(n);
    x[c] = 1;
    for (let k = 0; k < n; k++) { const p = ref.piv[k]; const t = x[k]; x[k] = x[p]; x[p] = t; }
    for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) x[i] -= ref.lu[i * n + k] * x[k];
    for (let i = n - 1; i >= 0; i--) { for (let k = i + 1; k < n; k++) x[i] -= ref.lu[i * n + k] * x[k]; x[i] /= ref.lu[i * n + i]; }
    for (let i = 0; i < n; i++) inv[i * n + c] = x[i];
  }
  return normInf(inv, n, n);
}

const SIZES = Array.from({ length: 130 }, (_, i) => i + 1);

test('P·A = L·U to rounding (componentwise, ≤ 2n·ε of |L|·|U|) for every n = 1 … 130', () => {
  for (const n of SIZES) {
    const A = randomMatrix(n, n);
    const f = engineFactor(A, n);
    assert.is(f.status, 0, `n = ${n}: status`);
    for (let k = 0; k < n; k++) assert.ok(f.piv[k] >= k && f.piv[k] < n, `n = ${n}: piv[${k}] = ${f.piv[k]}`);
    const err = backwardError(A, n, f.lu, f.piv);
    assert.ok(err <= 2 * n * EPS, `n = ${n}: backward error ${err.toExponential(2)} > ${(2 * n * EPS).toExponential(2)}`);
    // Partial pivoting: every multiplier has magnitude at most 1.
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.ok(Math.abs(f.lu[i * n + j]) <= 1, `n = ${n}: |L[${i}][${j}]| > 1`);
  }
});

test('the same pivots as a plain JavaScript LU, and the same factors to rounding, for n = 1 … 130', () => {
  for (const n of SIZES) {
    const A = randomMatrix(n, n);
    const f = engineFactor(A, n);
    const ref = referenceLU(A, n);
    assert.equal(Array.from(f.piv), Array.from(ref.piv), `n = ${n}: pivots`);
    let scale = 0, diff = 0;
    for (let i = 0; i < n * n; i++) { scale = Math.max(scale, Math.abs(ref.lu[i])); diff = Math.max(diff, Math.abs(f.lu[i] - ref.lu[i])); }
    assert.ok(diff <= 64 * n * EPS * Math.max(1, scale), `n = ${n}: factors differ by ${diff.toExponential(2)}`);
  }
});

test('a large matrix (n = 600): the GEMM cuts k into blocks and packs B; same pivots and P·A = L·U', () => {
  const n = 600;
  const A = randomMatrix(n, n);
  const f = engineFactor(A, n);
  assert.is(f.status, 0);
  assert.equal(Array.from(f.piv), Array.from(referenceLU(A, n).piv));
  const err = backwardError(A, n, f.lu, f.piv);
  assert.ok(err <= 2 * n * EPS, `backward error ${err.toExponential(2)}`);
});

test('solves: residual ≤ 8n·ε·(‖A‖‖x‖ + ‖b‖) and error ≤ κ(A)·8n·ε, one and several right-hand sides', () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 63, 64, 65, 100, 127, 128, 129, 130]) {
    const A = randomMatrix(n, n);
    const ref = referenceLU(A, n);
    const kappa = normInf(A, n, n) * inverseNorm(ref, n);
    const f = engineFactor(A, n);
    for (const nrhs of [1, 2, 3, 4, 5, 8, 13]) {
      const Xtrue = randomMatrix(n, nrhs);
      const B = matVec(A, n, Xtrue, nrhs);
      const { X } = engineSolve(f, n, n, B, nrhs);
      for (let c = 0; c < nrhs; c++) {
        const col = (M) => Float64Array.from({ length: n }, (_, i) => M[i * nrhs + c]);
        const x = col(X), xt = col(Xtrue), b = col(B);
        const r = matVec(A, n, x, 1).map((v, i) => v - b[i]);
        const bound = 8 * n * EPS * (normInf(A, n, n) * normInf(x, n, 1) + normInf(b, n, 1));
        assert.ok(normInf(r, n, 1) <= bound, `n = ${n}, nrhs = ${nrhs}, column ${c}: residual ${normInf(r, n, 1).toExponential(2)} > ${bound.toExponential(2)}`);
        const err = normInf(x.map((v, i) => v - xt[i]), n, 1) / normInf(xt, n, 1);
        assert.ok(err <= kappa * 8 * n * EPS, `n = ${n}, nrhs = ${nrhs}: error ${err.toExponential(2)} > κ·8nε = ${(kappa * 8 * n * EPS).toExponential(2)}`);
      }
    }
  }
});

test('several right-hand sides at once give each column as a solve with it alone would', () => {
  for (const n of [6, 8, 19, 40, 72]) {
    const A = randomMatrix(n, n);
    const f = engineFactor(A, n);
    const nrhs = 11;
    const B = randomMatrix(n, nrhs);
    const { X } = engineSolve(f, n, n, B, nrhs);
    for (let c = 0; c < nrhs; c++) {
      const b = Float64Array.from({ length: n }, (_, i) => B[i * nrhs + c]);
      const { X: x } = engineSolve(f, n, n, b, 1);
      let d = 0, s = 0;
      for (let i = 0; i < n; i++) { d = Math.max(d, Math.abs(X[i * nrhs + c] - x[i])); s = Math.max(s, Math.abs(x[i])); }
      assert.ok(d <= 1e-12 * Math.max(1, s), `n = ${n}, column ${c}: differs by ${d.toExponential(2)}`);
    }
  }
});

test('leading dimensions larger than n: the same factors, and nothing outside the matrix is touched', () => {
  for (const [n, lda, ldb] of [[5, 7, 4], [8, 9, 3], [13, 16, 5], [37, 40, 7], [64, 67, 2]]) {
    const A = randomMatrix(n, n);
    const nrhs = 2;
    const B = randomMatrix(n, nrhs);
    const wide = engineFactor(A, n, lda);
    assert.ok(wide.guardsOk, `n = ${n}, lda = ${lda}: wrote outside the matrix`);
    const a = engineSolve(wide, n, lda, B, nrhs, ldb);
    assert.ok(a.guardsOk, `n = ${n}, ldb = ${ldb}: wrote outside B`);
    const tight = engineFactor(A, n);
    assert.equal(Array.from(wide.piv), Array.from(tight.piv));
    assert.equal(Array.from(wide.lu), Array.from(tight.lu), `n = ${n}, lda = ${lda}: factors differ`);
    const b = engineSolve(tight, n, n, B, nrhs);
    assert.equal(Array.from(a.X), Array.from(b.X));
    // One right-hand side spread with a stride (ldb > 1) solves like a contiguous one.
    const v = randomMatrix(n, 1);
    const strided = engineSolve(tight, n, n, v, 1, ldb);
    assert.ok(strided.guardsOk, `n = ${n}, one right-hand side, ldb = ${ldb}: wrote between the entries`);
    const x = engineSolve(tight, n, n, v, 1).X;
    for (let i = 0; i < n; i++) assert.ok(Math.abs(strided.X[i] - x[i]) <= 1e-12 * Math.max(1, Math.abs(x[i])), `n = ${n}: strided solve differs at ${i}`);
  }
});

test('a zero on the diagonal needs pivoting: the permutation matrix and a shifted matrix are solved exactly', () => {
  const P = Float64Array.of(0, 1, 0, 0, 0, 1, 1, 0, 0);
  const f = engineFactor(P, 3);
  assert.is(f.status, 0);
  assert.equal(Array.from(f.piv), [2, 2, 2]);
  assert.equal(Array.from(engineSolve(f, 3, 3, Float64Array.of(1, 2, 3), 1).X), [3, 1, 2]);
  // Zero diagonal, larger than a leaf: A[i][i] = 0, A[i][j] = 1/(1 + |i − j|) otherwise.
  for (const n of [9, 20, 33]) {
    const A = Float64Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 0 : 1 / (1 + Math.abs(Math.floor(k / n) - (k % n)))));
    const g = engineFactor(A, n);
    assert.is(g.status, 0);
    assert.ok(g.piv[0] !== 0, 'row 0 cannot be the first pivot');
    assert.equal(Array.from(g.piv), Array.from(referenceLU(A, n).piv));
    assert.ok(backwardError(A, n, g.lu, g.piv) <= 2 * n * EPS);
  }
});

test('exactly singular matrices: status k+1 for the first zero pivot, in every kernel', () => {
  // Two rows equal up to a power of two: U[1][1] = 4 − 0.5·8 = 0 exactly.
  assert.is(engineFactor(Float64Array.of(1, 2, 2, 4), 2).status, 2);
  assert.is(engineFactor(Float64Array.of(0, 0, 0, 0), 2).status, 1);
  assert.is(engineFactor(Float64Array.of(0), 1).status, 1);
  // A zero column j stays zero through the elimination: the first zero pivot is at j. Sizes
  // and columns reach the 8-column kernel (n ≥ 8) and the narrower one (n = 5, the last
  // leaf of n = 20 and of n = 45).
  for (const [n, j] of [[5, 0], [5, 3], [5, 4], [20, 0], [20, 3], [20, 7], [20, 9], [20, 17], [20, 19], [45, 30], [45, 42], [130, 64]]) {
    const A = randomMatrix(n, n);
    for (let i = 0; i < n; i++) A[i * n + j] = 0;
    const f = engineFactor(A, n);
    assert.is(f.status, j + 1, `n = ${n}, zero column ${j}`);
    // The factorization is completed all the same, and still reproduces P·A.
    assert.ok(backwardError(A, n, f.lu, f.piv) <= 2 * n * EPS, `n = ${n}, zero column ${j}: factors`);
    assert.equal(Array.from(f.piv), Array.from(referenceLU(A, n).piv));
  }
  // Two zero columns: the first one counts.
  const A = randomMatrix(30, 30);
  for (let i = 0; i < 30; i++) { A[i * 30 + 12] = 0; A[i * 30 + 25] = 0; }
  assert.is(engineFactor(A, 30).status, 13);
});

test('a subnormal pivot: the multipliers are divided by it (its reciprocal would overflow)', () => {
  const t = 2 ** -1030; // subnormal: 1/t = 2^1030 overflows
  const f = engineFactor(Float64Array.of(t, 1, t / 2, 1), 2);
  assert.is(f.status, 0);
  assert.is(f.lu[2], 0.5);
  for (const n of [8, 16, 21]) {
    // The first column is subnormal and (in this scale) the largest entry is on row 3.
    const A = randomMatrix(n, n);
    for (let i = 0; i < n; i++) A[i * n] = (i === 3 ? 1 : 0.5 * rnd()) * 1e-310;
    const g = engineFactor(A, n);
    assert.is(g.status, 0);
    assert.is(g.piv[0], 3);
    for (let i = 1; i < n; i++) assert.ok(Number.isFinite(g.lu[i * n]) && Math.abs(g.lu[i * n]) <= 1, `n = ${n}: L[${i}][0] = ${g.lu[i * n]}`);
    assert.equal(Array.from(g.piv), Array.from(referenceLU(A, n).piv));
  }
});

test('non-finite input or overflow: a distinct status, never a silent NaN; bad sizes are refused', () => {
  for (const [n, pos, v] of [[1, 0, NaN], [3, 4, Infinity], [8, 63, -Infinity], [20, 0, NaN], [20, 210, NaN], [70, 4899, Infinity]]) {
    const A = randomMatrix(n, n);
    A[pos] = v;
    assert.is(engineFactor(A, n).status, LU_NONFINITE, `n = ${n}, entry ${pos} = ${v}`);
  }
  // Finite input whose U overflows: 1e308 − (−1)·1e308.
  assert.is(engineFactor(Float64Array.of(1, 1e308, -1, 1e308), 2).status, LU_NONFINITE);
  // Non-finite wins over singular.
  assert.is(engineFactor(Float64Array.of(0, NaN, 0, 1), 2).status, LU_NONFINITE);
  assert.is(E.luFactor(0, -1, 1, 0), LU_BAD_ARGUMENT);
  assert.is(E.luFactor(0, 4, 3, 0), LU_BAD_ARGUMENT);
  assert.is(E.luFactor(0, 0, 1, 0), 0);
});

test('TypeScript wrapper: factors and solves like the engine, row-major in and out', () => {
  for (const n of [1, 3, 8, 17, 50]) {
    const A = randomMatrix(n, n);
    const f = W.luFactor(A, n);
    const e = engineFactor(A, n);
    assert.is(f.status, 0);
    assert.is(f.singular, false);
    assert.equal(Array.from(f.piv), Array.from(e.piv));
    assert.equal(Array.from(f.lu), Array.from(e.lu));
    const nrhs = 3;
    const B = randomMatrix(n, nrhs);
    assert.equal(Array.from(W.luSolve(f, B, nrhs)), Array.from(engineSolve(e, n, n, B, nrhs).X));
    const b = Array.from({ length: n }, rnd);
    const x = W.luSolve(f, b);
    const r = matVec(A, n, x, 1).map((v, i) => v - b[i]);
    assert.ok(normInf(r, n, 1) <= 8 * n * EPS * (normInf(A, n, n) * normInf(x, n, 1) + normInf(b, n, 1)));
  }
  // A plain array works as well as a Float64Array.
  assert.equal(Array.from(W.luSolve(W.luFactor([2, 0, 0, 4], 2), [2, 2])), [1, 0.5]);
  assert.equal(Array.from(W.luFactor([], 0).lu), []);
});

test('TypeScript wrapper: a singular matrix is a status, and solving with it is an error', () => {
  const f = W.luFactor([1, 2, 2, 4], 2);
  assert.is(f.status, 2);
  assert.is(f.singular, true);
  assert.throws(() => W.luSolve(f, [1, 1]), /singular \(U\[1\]\[1\] is 0\)/);
  assert.is(W.memoryInUse(), 0);
});

test('TypeScript wrapper: clear errors for wrong sizes, NaN and overflow, and memory released every time', () => {
  const before = W.memoryInUse();
  assert.is(before, 0);
  assert.throws(() => W.luFactor([1, 2, 3], 2), /the matrix has 3 entries, expected 2·2 = 4/);
  assert.throws(() => W.luFactor([1], -1), /size must be an integer ≥ 0, got -1/);
  assert.throws(() => W.luFactor([1], 1.5), /size must be an integer ≥ 0, got 1.5/);
  assert.throws(() => W.luFactor(null, 1), /must be an array of numbers/);
  assert.throws(() => W.luFactor([1, 2, 3, NaN], 2), /the matrix\[1\]\[1\] \(entry 3\) is NaN/);
  assert.throws(() => W.luFactor([1, Infinity, 3, 4], 2), /the matrix\[0\]\[1\] \(entry 1\) is Infinity/);
  assert.throws(() => W.luFactor([1, 1e308, -1, 1e308], 2), /overflowed/);
  const f = W.luFactor([4, 1, 2, 3], 2);
  assert.throws(() => W.luSolve(f, [1, 2, 3]), /right-hand side has 3 entries, expected 2·1 = 2/);
  assert.throws(() => W.luSolve(f, [1, 2, 3], 2), /right-hand side has 3 entries, expected 2·2 = 4/);
  assert.throws(() => W.luSolve(f, [1, 2], 0), /right-hand sides must be an integer ≥ 1, got 0/);
  assert.throws(() => W.luSolve(f, [1, NaN]), /right-hand side\[1\]\[0\] \(entry 1\) is NaN/);
  assert.throws(() => W.luSolve({ ...f, piv: Int32Array.of(5, 1) }, [1, 2]), /piv\[0\] is 5/);
  assert.is(W.memoryInUse(), 0);
  // Many factorizations and solves of every size leave the arena where it was.
  for (let i = 0; i < 300; i++) {
    const n = 1 + (i % 40);
    const g = W.luFactor(randomMatrix(n, n), n);
    W.luSolve(g, randomMatrix(n, 2), 2);
    try { W.luFactor(new Float64Array(n * n).fill(NaN), n); } catch { /* expected */ }
  }
  assert.is(W.memoryInUse(), 0);
});

test.run();
