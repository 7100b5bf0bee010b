// The peer side of the stiff-solver benchmark: SUNDIALS CVODE (BDF, dense direct linear solver,
// bench/stiff/cvode.c) and SciPy's solve_ivp Radau, BDF and LSODA (bench/stiff/scipy_peer.py)
// on ROBER and Van der Pol (classic mu = 1000), over reltol 1e-3 … 1e-8, as a work–precision table.
//
//   node bench/stiff/peers.mjs [--quick] [--vdp3000] [--json FILE]     (or BENCH_QUICK=1)
//
// `runStiffPeers({ quick })` returns the rows, so that a benchmark of difflux's own stiff
// solvers can put them in one table with its own (`markdownTable`, `errors` and `PROBLEMS`
// are exported for that).
//
// Tolerances (atol as a function of rtol):
//   ROBER: per component atol = rtol · (1e-4, 1e-10, 1e-2), the ratios of SUNDIALS's own
//          cvRoberts_dns example (rtol 1e-4, atol 1e-8, 1e-14, 1e-6); y2 stays below 4e-5 and
//          needs the small one. Plus the seed's example: [0, 1e11] at rtol 1e-6, scalar atol 1e-8.
//   Van der Pol: atol = rtol · 1e-2.
// Van der Pol: the shared reference value (key van_der_pol_mu1000, labelled t = 3000) is the
// solution of y1' = y2, y2' = mu((1 − y1²) y2 − y1), y(0) = (2, 0) with mu = 1e6 at t = 2
// (Hairer–Wanner's VDPOL, ε = 1e-6; the classic x'' − 1000(1 − x²)x' + x = 0 in time scaled by
// 1000), to 1e-13 here with Radau. With mu = 1e3 the same equation has a period ≈ 1.6, so
// [0, 3000] holds ~1900 relaxation cycles; solvers agree on y(3000) ≈ (−1.83370, 0.77593), far
// from that value. Problem `vdp` is the one the reference belongs to; `vdp3000` (mu = 1e3,
// [0, 3000], opt-in, no error column) is the literal one and takes seconds per CVODE solve and
// minutes per SciPy solve.
// Errors, against ../shared/reference/solutions.json:
//   err     max over components of |y_i − ref_i| / |ref_i| at the final time;
//   errAll  (ROBER) the same, maxed over every reference time in (0, tf] (the drivers output
//           there: CVode with CV_NORMAL per time, solve_ivp through t_eval). At loose
//           tolerances it is y3 at t ≤ 1e-3 (1.6e-11 at t = 1e-5, below its atol) that sets it.
// Time: median wall time of one solve (ms), pooled over rounds; each driver times in its own
// process (clock_gettime for CVODE, time.perf_counter for SciPy), so process start-up, Python's
// import and compilation are outside it. CVODE has two times: `ms` = CVodeReInit + solve on an
// integrator built once, `msCreate` = build everything, solve, free. Configurations slower
// than `repeatBelowMs` per solve are run in the first round only; a SciPy solve longer than
// `timeout` seconds is stopped and the tighter tolerances of that series are skipped.
//
// CVODE built from source with -O2: with the environment variable CVODE_O2_PREFIX set to a
// SUNDIALS install prefix (include/ and lib/ with static libraries), the same cvode.c is also
// compiled against it (bench/stiff/build/cvode-o2) and run as a second CVODE solver, "CVODE -O2
// (SUNDIALS x.y.z from source)", beside the one linked with the system's (Debian's
// libsundials-dev) library, with the same tolerances and timing, alternating with it per
// configuration. Without the variable nothing changes.
//
//   CVODE_O2_PREFIX=/work/sundials-o2 npm run bench:stiff
//   CVODE_O2_PREFIX=/work/sundials-o2 node bench/stiff/peers.mjs --quick
//
// Such an install (outside the repository; only CVODE, serial N_Vector, dense SUNMatrix and
// SUNLinearSolver, Release -O2 without -march=native), from a SUNDIALS source tree (e.g. the
// v6.4.1 tag, the version of Debian's package; seconds on two cores):
//
//   git clone --depth 1 --branch v6.4.1 https://github.com/LLNL/sundials sundials-src
//   cmake -S sundials-src -B sundials-build -DCMAKE_BUILD_TYPE=Release \
//     -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_INSTALL_PREFIX=/work/sundials-o2 \
//     -DCMAKE_INSTALL_LIBDIR=lib -DBUILD_STATIC_LIBS=ON -DBUILD_SHARED_LIBS=OFF \
//     -DBUILD_CVODE=ON -DBUILD_ARKODE=OFF -DBUILD_CVODES=OFF -DBUILD_IDA=OFF -DBUILD_IDAS=OFF \
//     -DBUILD_KINSOL=OFF -DBUILD_FORTRAN_MODULE_INTERFACE=OFF -DEXAMPLES_ENABLE_C=OFF \
//     -DEXAMPLES_ENABLE_CXX=OFF -DEXAMPLES_INSTALL=OFF -DSUNDIALS_TEST_UNITTESTS=OFF \
//     -DBUILD_BENCHMARKS=OFF -DENABLE_MPI=OFF -DENABLE_OPENMP=OFF -DENABLE_PTHREAD=OFF \
//     -DENABLE_LAPACK=OFF
//   cmake --build sundials-build -j 2 --target install
//
// (cmake builds every serial N_Vector, SUNMatrix and SUNLinearSolver module regardless; the
// driver links only the CVODE, serial, dense and generic (SUNDIALS 6) or core (7) libraries.)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from '../lib/timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cSource = join(here, 'cvode.c');
const buildDir = join(here, 'build');
const cBinary = join(buildDir, 'cvode');
const cBinaryO2 = join(buildDir, 'cvode-o2');
const pyDriver = join(here, 'scipy_peer.py');
const PYTHON = process.env.PYTHON || 'python3';

export const RTOLS = [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8];

const reference = JSON.parse(
  readFileSync(new URL('../../../shared/reference/solutions.json', import.meta.url), 'utf8'),
);
const roberRef = reference.rober;
const vdpRef = reference.van_der_pol_mu1000;
const roberTimes = (tf) => roberRef.t.filter((t) => t > 0 && t <= tf);
const roberAtol = (rtol) => [rtol * 1e-4, rtol * 1e-10, rtol * 1e-2];

/**
 * The benchmark problems: driver name (and mu), output times (last = final time), atol(rtol),
 * reference (null: none).
 */
export const PROBLEMS = {
  rober: {
    label: 'ROBER [0, 1e5]', driver: 'rober', tout: roberTimes(1e5), atol: roberAtol,
    ref: { t: roberRef.t, u: roberRef.u },
  },
  rober1e11: {
    label: 'ROBER [0, 1e11]', driver: 'rober', tout: roberTimes(1e11), atol: roberAtol,
    ref: { t: roberRef.t, u: roberRef.u },
  },
  vdp: {
    label: "Van der Pol, y2' = μ((1−y1²)y2 − y1), μ = 1e6 (ε = 1e-6; classic μ = 1e3, scaled), [0, 2]",
    driver: 'vdp', mu: 1e6, tout: [2], atol: (rtol) => rtol * 1e-2,
    ref: { t: [2], u: vdpRef.u },
  },
  vdp3000: {
    label: "Van der Pol, y2' = μ((1−y1²)y2 − y1), μ = 1e3, [0, 3000] (no reference)",
    driver: 'vdp', mu: 1e3, tout: [3000], atol: (rtol) => rtol * 1e-2, ref: null,
  },
};

/** The seed's example, run beside the grid. */
export const SEED = { problem: 'rober1e11', rtol: 1e-6, atol: 1e-8 };

const SCIPY_METHODS = ['Radau', 'BDF', 'LSODA'];

/**
 * Errors of a solution given at the problem's output times `t` (states `y[k]`):
 * err at the final time, errAll over all output times (relative, max over components).
 */
export function errors(problemKey, t, y) {
  const { ref } = PROBLEMS[problemKey];
  if (!ref) return { err: NaN, errAll: NaN };
  let err = NaN;
  let errAll = 0;
  t.forEach((tk, k) => {
    const j = ref.t.findIndex((r) => Math.abs(r - tk) <= 1e-12 * Math.abs(r));
    if (j < 0) throw new Error(`no reference at t = ${tk}`);
    let e = 0;
    ref.u[j].forEach((r, i) => { e = Math.max(e, Math.abs(y[k][i] - r) / Math.abs(r)); });
    errAll = Math.max(errAll, e); // NaN stays NaN
    if (k === t.length - 1) err = e;
  });
  return { err, errAll };
}

/** The -O2 source build's install prefix (CVODE_O2_PREFIX), or null. */
export const CVODE_O2_PREFIX = process.env.CVODE_O2_PREFIX || null;

/** The static libraries the driver needs from an install prefix, in link order; throws if missing. */
function prefixLibs(prefix) {
  const libDir = ['lib', 'lib64'].map((d) => join(prefix, d)).find((d) => existsSync(join(d, 'libsundials_cvode.a')));
  if (!libDir) throw new Error(`no lib/libsundials_cvode.a under ${prefix}`);
  const required = ['cvode', 'sunlinsoldense', 'sunmatrixdense', 'nvecserial'].map((n) => join(libDir, `libsundials_${n}.a`));
  const optional = ['generic', 'core'].map((n) => join(libDir, `libsundials_${n}.a`)).filter((f) => existsSync(f));
  return [...required, ...optional];
}

/**
 * Compiles cvode.c into bench/stiff/build/ unless the binary is newer (than cvode.c and, for a
 * prefix, its CVODE library); returns an error or null. Without `prefix`: bench/stiff/build/cvode
 * against the system's shared libraries; with it: bench/stiff/build/cvode-o2 against the static
 * libraries of that install.
 */
export function buildCvode(prefix = null) {
  const binary = prefix ? cBinaryO2 : cBinary;
  const cc = process.env.CC || 'cc';
  let args;
  try {
    const libs = prefix ? prefixLibs(prefix) : null;
    const newest = Math.max(statSync(cSource).mtimeMs, ...(libs ? libs.map((f) => statSync(f).mtimeMs) : []));
    if (existsSync(binary) && statSync(binary).mtimeMs > newest) return null;
    args = prefix
      ? ['-O2', '-I', join(prefix, 'include'), '-o', binary, cSource, ...libs, '-lm']
      : ['-O2', '-o', binary, cSource, '-lsundials_cvode', '-lsundials_nvecserial',
        '-lsundials_sunmatrixdense', '-lsundials_sunlinsoldense', '-lm'];
  } catch (e) {
    return String(e.message);
  }
  mkdirSync(buildDir, { recursive: true });
  try {
    execFileSync(cc, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    return null;
  } catch (e) {
    return `${cc} failed: ${String(e.stderr || e.message).trim().split('\n').slice(0, 3).join(' ')}`;
  }
}

/** Runs a command, feeding `input`, calling onLine for each stdout line; resolves to its exit code. */
function runLines(cmd, args, input, onLine) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) onLine(line);
      }
    });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (buf.trim()) onLine(buf.trim());
      resolve({ code, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

const fmtList = (v) => (Array.isArray(v) ? v : [v]).map((x) => String(x)).join(',');
const key = (c) => `${c.solver}|${c.jac}|${c.problem}|${c.rtol}|${fmtList(c.atol)}`;

/**
 * Runs every peer over the grid and returns one row per (solver, Jacobian, problem, rtol, atol):
 * { solver, version, jac, problem, rtol, atol[], status, err, errAll, ms, msP25, msP75, msCreate,
 *   reps, nfe, njac, nsteps, nlu, note }. status is 'ok', 'failed', 'timeout', 'skipped' or
 * 'unavailable'. Progress goes to `log`.
 */
export async function runStiffPeers({
  quick = false,
  problems = ['rober', 'rober1e11', 'vdp'],
  rtols = quick ? [1e-3, 1e-6] : RTOLS,
  seed = true,
  rounds = quick ? 1 : 3,
  repeatBelowMs = 2000,
  timeout = quick ? 5 : 30,
  log = (...a) => console.error(...a),
} = {}) {
  const configs = [];
  for (const problem of problems) {
    for (const rtol of rtols) configs.push({ problem, rtol, atol: PROBLEMS[problem].atol(rtol) });
  }
  if (seed && problems.includes(SEED.problem)) configs.push({ ...SEED });
  const cTiming = quick ? { minReps: 3, minSeconds: 0.1, maxSeconds: 1 } : { minReps: 5, minSeconds: 0.5, maxSeconds: 5 };
  const pyTiming = quick ? { minReps: 1, minSeconds: 0.2, maxSeconds: 2 } : { minReps: 3, minSeconds: 1, maxSeconds: 10 };

  const rows = new Map(); // key -> row, samples pooled over rounds
  const record = (c, res) => {
    const k = key(c);
    const row = rows.get(k) ?? {
      solver: c.solver, version: res.version ?? '', jac: c.jac, problem: c.problem, rtol: c.rtol,
      atol: Array.isArray(c.atol) ? c.atol : [c.atol], samples: [], samplesCreate: [], notes: new Set(),
    };
    rows.set(k, row);
    if (res.unavailable) { row.status = 'unavailable'; row.notes.add(res.unavailable); return row; }
    if (res.skipped) { row.status = 'skipped'; row.notes.add(res.skipped); return row; }
    if (res.timeout) { row.status = 'timeout'; row.notes.add(`stopped after ${res.limitS} s`); return row; }
    const failed = (res.flag !== undefined && res.flag !== 0) || (res.status !== undefined && res.status !== 0);
    row.status = failed ? 'failed' : 'ok';
    if (failed) row.notes.add(res.message ?? `flag ${res.flag}`);
    if (res.reinitMatchesFresh === false) row.notes.add('CVodeReInit solve differs from a fresh one');
    Object.assign(row, errors(c.problem, res.t, res.y));
    Object.assign(row, {
      nfe: res.nfe, njac: res.njac ?? res.njev, nsteps: res.nsteps, nlu: res.nlu ?? res.nlinsetups,
    });
    if (res.solveMs) row.samples.push(...res.solveMs.samples);
    if (res.createSolveMs) row.samplesCreate.push(...res.createSolveMs.samples);
    return row;
  };
  const medianOf = (k) => {
    const r = rows.get(k);
    return r && r.samples.length ? summarize(r.samples).median : NaN;
  };

  // ── CVODE: the system's library and, with CVODE_O2_PREFIX, the -O2 source build ──
  const cvodes = [{ solver: 'CVODE', binary: cBinary, error: buildCvode(), version: (v) => v }];
  if (CVODE_O2_PREFIX) {
    cvodes.push({
      solver: 'CVODE -O2', binary: cBinaryO2, error: buildCvode(CVODE_O2_PREFIX),
      version: (v) => `(SUNDIALS ${v} from source)`,
    });
  }
  for (const cv of cvodes) if (cv.error) log(`${cv.solver} unavailable: ${cv.error}`);
  // ── SciPy ──
  let scipyError = null;
  try {
    execFileSync(PYTHON, ['-c', 'import scipy.integrate'], { stdio: 'ignore' });
  } catch {
    scipyError = `${PYTHON} with scipy not found`;
    log(`SciPy unavailable: ${scipyError}`);
  }

  for (let round = 1; round <= rounds; round++) {
    log(`round ${round}/${rounds}`);
    for (const cfg of configs) {
      for (const jac of ['analytic', 'dq']) for (const cv of cvodes) {
        const c = { ...cfg, solver: cv.solver, jac };
        const k = key(c);
        if (cv.error) { if (round === 1) record(c, { unavailable: cv.error }); continue; }
        const prev = rows.get(k);
        if (prev && (prev.status !== 'ok' || !(medianOf(k) < repeatBelowMs))) continue;
        const { driver, mu, tout } = PROBLEMS[c.problem];
        const args = [driver === 'vdp' ? `vdp:${mu}` : driver, String(c.rtol), fmtList(c.atol), jac, String(cTiming.minReps),
          String(cTiming.minSeconds), String(cTiming.maxSeconds), tout.join(',')];
        let res;
        try {
          res = JSON.parse(execFileSync(cv.binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }));
          res.version = cv.version(res.version);
        } catch (e) {
          res = { flag: -1, message: String(e.stderr || e.message).trim().split('\n')[0], t: [], y: [] };
        }
        const row = record(c, res);
        log(`  ${cv.solver} ${jac} ${c.problem} rtol ${c.rtol}: ${fmtMs(medianOf(k))} ms, err ${e2(row.err)}`);
      }
    }

    if (scipyError) {
      if (round === 1) {
        for (const cfg of configs) for (const method of SCIPY_METHODS) for (const jac of ['analytic', 'fd']) {
          record({ ...cfg, solver: `SciPy ${method}`, jac }, { unavailable: scipyError });
        }
      }
      continue;
    }
    const jobs = [];
    const jobConfigs = [];
    for (const method of SCIPY_METHODS) {
      for (const jac of ['analytic', 'fd']) {
        for (const cfg of configs) {
          const c = { ...cfg, solver: `SciPy ${method}`, jac };
          const k = key(c);
          const prev = rows.get(k);
          if (prev && (prev.status !== 'ok' || !(medianOf(k) < repeatBelowMs))) continue;
          jobs.push({
            problem: PROBLEMS[c.problem].driver, mu: PROBLEMS[c.problem].mu, rtol: c.rtol, atol: c.atol, method, jac: jac === 'analytic',
            tout: PROBLEMS[c.problem].tout, timeout, ...pyTiming,
          });
          jobConfigs.push(c);
        }
      }
    }
    let next = 0;
    const { code, stderr } = await runLines(PYTHON, [pyDriver], JSON.stringify(jobs), (line) => {
      const c = jobConfigs[next++];
      const row = record(c, JSON.parse(line));
      const k = key(c);
      log(`  ${c.solver} ${c.jac} ${c.problem} rtol ${c.rtol}: ${row.status === 'ok' ? `${fmtMs(medianOf(k))} ms, err ${e2(row.err)}` : row.status}`);
    });
    if (code !== 0) log(`scipy_peer.py exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  }

  return [...rows.values()].map((r) => {
    const s = r.samples.length ? summarize(r.samples) : null;
    const sc = r.samplesCreate.length ? summarize(r.samplesCreate) : null;
    return {
      solver: r.solver, version: r.version, jac: r.jac, problem: r.problem, rtol: r.rtol, atol: r.atol,
      status: r.status, err: r.err ?? NaN, errAll: r.errAll ?? NaN,
      ms: s ? s.median : NaN, msP25: s ? s.p25 : NaN, msP75: s ? s.p75 : NaN,
      msCreate: sc ? sc.median : NaN, reps: r.samples.length,
      nfe: r.nfe, njac: r.njac, nsteps: r.nsteps, nlu: r.nlu, note: [...r.notes].join('; '),
    };
  });
}

// ───────────────────────── formatting ─────────────────────────
const e2 = (x) => (Number.isFinite(x) ? x.toExponential(1) : x === undefined ? '' : String(x));
function fmtMs(x) {
  if (!Number.isFinite(x)) return '—';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}
const jacName = { analytic: 'analytic', dq: 'internal DQ', fd: 'finite diff.' };

/** One markdown table per problem: rows sorted by solver, Jacobian, then loosest tolerance first. */
export function markdownTable(rows) {
  const order = (r) => [r.solver.startsWith('CVODE') ? 0 : r.solver.startsWith('SciPy') ? 2 : 1, r.solver, r.jac];
  const cmp = (a, b) => {
    const oa = order(a), ob = order(b);
    for (let i = 0; i < oa.length; i++) if (oa[i] !== ob[i]) return oa[i] < ob[i] ? -1 : 1;
    return b.rtol - a.rtol || b.atol[0] - a.atol[0];
  };
  const out = [];
  for (const [pk, p] of Object.entries(PROBLEMS)) {
    const sel = rows.filter((r) => r.problem === pk).sort(cmp);
    if (!sel.length) continue;
    const many = p.tout.length > 1;
    const noRef = (r) => (p.ref ? '' : 'n/a');
    const head = ['solver', 'Jacobian', 'rtol', 'atol', 'error at tf', ...(many ? ['max error, all t'] : []),
      'time (ms, median)', 'p25–p75', 'create+solve (ms)', 'nfe', 'njac', 'n', 'note'];
    out.push(`### ${p.label}`, '', `| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
    for (const r of sel) {
      const ok = r.status === 'ok' || r.status === 'failed';
      out.push(`| ${[
        `${r.solver}${r.version ? ` ${r.version}` : ''}`, jacName[r.jac] ?? r.jac, r.rtol.toExponential(0),
        r.atol.map((a) => a.toExponential(0)).join(', '),
        ok ? noRef(r) || e2(r.err) : r.status, ...(many ? [ok ? e2(r.errAll) : ''] : []),
        fmtMs(r.ms), Number.isFinite(r.msP25) ? `${fmtMs(r.msP25)}–${fmtMs(r.msP75)}` : '',
        fmtMs(r.msCreate), r.nfe ?? '', r.njac ?? '', r.reps || '',
        [r.status === 'failed' ? 'FAILED' : '', r.note].filter(Boolean).join(' '),
      ].join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

// ───────────────────────── standalone ─────────────────────────
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const jsonAt = argv.indexOf('--json');
  const started = performance.now();
  const problems = ['rober', 'rober1e11', 'vdp', ...(argv.includes('--vdp3000') ? ['vdp3000'] : [])];
  const rows = await runStiffPeers({ quick, problems });
  console.log(markdownTable(rows));
  console.log(`Peers run ${quick ? '(quick) ' : ''}in ${((performance.now() - started) / 1000).toFixed(0)} s. ` +
    'ROBER atol = rtol·(1e-4, 1e-10, 1e-2) per component (plus the seed example, [0, 1e11] at ' +
    'rtol 1e-6, atol 1e-8); Van der Pol atol = rtol·1e-2. Errors are relative, max over components ' +
    '(over all t: at loose tolerances set by y3 at t ≤ 1e-3, where y3 is below its atol). ' +
    'CVODE: time = CVodeReInit + solve; create+solve also builds and frees the integrator.' +
    (CVODE_O2_PREFIX ? ` CVODE: the system's library; CVODE -O2: SUNDIALS built from source with -O2 (${CVODE_O2_PREFIX}).` : ''));
  if (jsonAt >= 0 && argv[jsonAt + 1]) writeFileSync(argv[jsonAt + 1], JSON.stringify(rows, null, 1));
}
