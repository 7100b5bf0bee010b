// Banded LU with partial pivoting (P·A = L·U) of random banded n×n matrices: the engine's
// bandFactor (assembly/linalg/banded.ts) against its dense recursive LU on the same matrix
// (n ≤ 1000) and LAPACK's dgbtrf from OpenBLAS on one thread through SciPy
// (bench/lib/band_openblas.py, timed inside Python). Timed in batches, interleaved round by
// round, medians reported. Writes section 7 of bench/RESULTS.md.
//
//   BENCH_QUICK=1   fewer rounds (not for RESULTS.md)
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import os from 'node:os';
import { writeSection } from './lib/results.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CASES = [[100, 1, 1], [1000, 1, 1], [10000, 1, 1], [1000, 2, 2], [10000, 2, 2], [1000, 5, 5], [10000, 5, 5]];
const DENSE_MAX = 1000;
const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 5 : 21;
const BATCH_MS = 15;
const median = (a) => { const s = a.slice().sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const noop = () => 0;
const E = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(root, 'dist/difflux.wasm'))), { env: new Proxy({}, { get: () => noop }) }).exports;
const nmax = Math.max(...CASES.map((c) => c[0]));
const pa = Math.ceil(E.heapBase() / 64) * 64;
const pd = pa + 8 * nmax * 16 + 64; // band storage: at most 2·5 + 5 + 1 = 16 per row
const pp = pd + 8 * DENSE_MAX * DENSE_MAX + 64;
const end = pp + 4 * nmax + 64;
if (E.memory.buffer.byteLength < end) E.memory.grow(Math.ceil((end - E.memory.buffer.byteLength) / 65536));
const F = new Float64Array(E.memory.buffer);

let py = null;
let pyInfo = '';
const pyLines = [];
let pyWaiter = null;
const nextLine = () => (pyLines.length ? Promise.resolve(pyLines.shift()) : new Promise((resolve) => { pyWaiter = resolve; }));
try {
  py = spawn('python3', [join(root, 'bench/lib/band_openblas.py')], { env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => py.on('exit', () => resolve(null)));
  py.on('error', () => {});
  createInterface({ input: py.stdout }).on('line', (l) => { if (pyWaiter) { const w = pyWaiter; pyWaiter = null; w(l); } else pyLines.push(l); });
  pyInfo = await Promise.race([nextLine(), exited]);
  if (pyInfo == null) py = null;
} catch { py = null; }
if (!py) console.log('LAPACK: python3 with SciPy is not available; its column stays empty');
async function lapack(n, kl, ku, reps) {
  py.stdin.write(`${n} ${kl} ${ku} ${reps} ${n + kl}\n`);
  return Number(await nextLine()) * 1e6;
}

let seed = 20261129;
const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };

function calibrate(f) {
  for (let w = 0; w < 3; w++) f();
  for (let r = 1; ; r *= 4) {
    const t0 = performance.now();
    for (let q = 0; q < r; q++) f();
    const dt = performance.now() - t0;
    if (dt > BATCH_MS / 4 || r > 1e6) return Math.max(1, Math.round((r * BATCH_MS) / Math.max(dt, 1e-3)));
  }
}

const cases = [];
for (const [n, kl, ku] of CASES) {
  const ldab = 2 * kl + ku + 1;
  const band = new Float64Array(n * ldab);
  const dense = n <= DENSE_MAX ? new Float64Array(n * n) : null;
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
      const v = 2 * rnd() - 1;
      band[i * ldab + j - i + kl] = v;
      if (dense) dense[i * n + j] = v;
    }
  }
  const fns = { band: () => { F.set(band, pa >>> 3); return E.bandFactor(pa, n, kl, ku, ldab, pp); } };
  if (dense) fns.dense = () => { F.set(dense, pd >>> 3); return E.luFactor(pd, n, n, pp); };
  for (const f of Object.values(fns)) if (f() !== 0) throw new Error(`bench: n = ${n}: a random banded matrix came out singular`);
  const reps = Object.fromEntries(Object.entries(fns).map(([k, f]) => [k, calibrate(f)]));
  if (py) {
    await lapack(n, kl, ku, 1);
    reps.lapack = Math.max(1, Math.round((BATCH_MS * 1000) / (await lapack(n, kl, ku, 3))));
  }
  cases.push({ n, kl, ku, fns, reps, times: { band: [], dense: [], lapack: [] }, ratio: [] });
}
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) {
    for (const [k, f] of Object.entries(c.fns)) {
      const m = c.reps[k];
      const t0 = performance.now();
      for (let q = 0; q < m; q++) f();
      c.times[k].push(((performance.now() - t0) * 1000) / m);
    }
    if (py) {
      c.times.lapack.push(await lapack(c.n, c.kl, c.ku, c.reps.lapack));
      c.ratio.push(c.times.band.at(-1) / c.times.lapack.at(-1));
    }
  }
  if (!QUICK) process.stdout.write(`\rround ${r + 1}/${ROUNDS}`);
}
if (!QUICK) process.stdout.write('\n');
if (py) py.stdin.end();

const fmt = (x) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x < 1000 ? x.toFixed(1) : x.toFixed(0)) : '—');
const rows = cases.map((c) => {
  const m = (k) => (c.times[k].length ? median(c.times[k]) : NaN);
  return { n: c.n, kl: c.kl, ku: c.ku, band: m('band'), dense: m('dense'), lapack: m('lapack'), ratio: c.ratio.length ? median(c.ratio) : NaN };
});
for (const r of rows) console.log(`n = ${r.n}, kl = ${r.kl}, ku = ${r.ku}: banded ${fmt(r.band)} µs, dense ${fmt(r.dense)} µs, LAPACK dgbtrf ${fmt(r.lapack)} µs → banded / dgbtrf ${fmt(r.ratio)}`);
const load = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
const md = [
  '',
  '## 7. Banded LU',
  '',
  `Written by \`bench/banded.mjs\`, ${new Date().toISOString()}; Node ${process.version}; ${py ? pyInfo : 'LAPACK not available'}; load average ${load}. LU with partial pivoting of a random banded n×n matrix (kl subdiagonals, ku superdiagonals, entries uniform in [−1, 1]), each call including the copy of the matrix into place. Medians over ${ROUNDS} interleaved rounds of batches of about ${BATCH_MS} ms; the ratio is the median of the per-round ratios. LAPACK's dgbtrf is timed inside Python on column-major band storage, one thread, and includes SciPy's per-call cost (about 1–2 µs).`,
  '',
  '| n | kl | ku | difflux banded, µs | difflux dense, µs | dense / banded | LAPACK dgbtrf, µs | banded / dgbtrf |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.n} | ${r.kl} | ${r.ku} | ${fmt(r.band)} | ${fmt(r.dense)} | ${Number.isFinite(r.dense) ? `${(r.dense / r.band).toFixed(0)}×` : '—'} | ${fmt(r.lapack)} | ${Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '—'} |`),
  '',
];
writeSection(7, md.join('\n'));
console.log('wrote section 7 of bench/RESULTS.md');
