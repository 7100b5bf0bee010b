// The stiff-solver benchmark: difflux's Rosenbrock methods beside SUNDIALS CVODE (BDF) and
// SciPy's Radau, BDF and LSODA (bench/stiff/peers.mjs) on ROBER and Van der Pol, one work–
// precision table per problem over reltol 1e-3 … 1e-8, in one run. Appends section 6 to
// bench/RESULTS.md.
//
//   npm run bench:stiff        (BENCH_QUICK=1 for a short run that is not for RESULTS.md)
//   CVODE_O2_PREFIX=/work/sundials-o2 npm run bench:stiff
//                              (also CVODE built from source with -O2, installed there; the
//                              cmake commands are in bench/stiff/peers.mjs)
//
// difflux solves each problem twice per method: with the right-hand side as a JavaScript
// function (Jacobians by forward differences, n + 1 evaluations each) and written with `ode`
// (the whole solve in the engine, Jacobians by forward-mode AD on the tape). Tolerances,
// output times and errors are the peers' (bench/stiff/peers.mjs), so rows compare directly.
import os from 'node:os';
import {
  ode, ODEProblem, solve, Rosenbrock23, Rodas4, Rodas5P, TRBDF2, KenCarp4, Kvaerno5, FBDF, RadauIIA5,
} from '../dist/node.js';
import { runStiffPeers, markdownTable, errors, PROBLEMS, RTOLS, SEED, CVODE_O2_PREFIX } from './stiff/peers.mjs';
import { summarize } from './lib/timing.mjs';
import { writeSection } from './lib/results.mjs';

const quick = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick');
const started = performance.now();

const K = [0.04, 3e7, 1e4];
const roberJs = (du, u) => {
  du[0] = -K[0] * u[0] + K[2] * u[1] * u[2];
  du[1] = K[0] * u[0] - K[1] * u[1] * u[1] - K[2] * u[1] * u[2];
  du[2] = K[1] * u[1] * u[1];
};
const roberModel = ode({ params: ['k1', 'k2', 'k3'] })`
  dy1 = -k1*y1 + k3*y2*y3
  dy2 = k1*y1 - k2*y2^2 - k3*y2*y3
  dy3 = k2*y2^2
`;
const vdpJs = (mu) => (du, u) => { du[0] = u[1]; du[1] = mu * ((1 - u[0] * u[0]) * u[1] - u[0]); };
const vdpModel = ode({ params: ['mu'] })`
  dy1 = y2
  dy2 = mu*((1 - y1^2)*y2 - y1)
`;

/** The problem in difflux's two forms. */
function setups(problemKey) {
  const p = PROBLEMS[problemKey];
  const tf = p.tout[p.tout.length - 1];
  if (p.driver === 'rober') {
    return [
      { jac: 'fd', prob: new ODEProblem(roberJs, [1, 0, 0], [0, tf], undefined, { inplace: true }) },
      { jac: 'AD', prob: new ODEProblem(roberModel, [1, 0, 0], [0, tf], K) },
    ];
  }
  return [
    { jac: 'fd', prob: new ODEProblem(vdpJs(p.mu), [2, 0], [0, tf], undefined, { inplace: true }) },
    { jac: 'AD', prob: new ODEProblem(vdpModel, [2, 0], [0, tf], [p.mu]) },
  ];
}

// Every stiff family, and the default (no algorithm named: Tsit5 or Vern7 switching to a stiff
// method when it detects stiffness).
const methods = [
  ['Rosenbrock23', Rosenbrock23], ['Rodas4', Rodas4], ['Rodas5P', Rodas5P],
  ['TRBDF2', TRBDF2], ['KenCarp4', KenCarp4], ['Kvaerno5', Kvaerno5],
  ['FBDF', FBDF], ['RadauIIA5', RadauIIA5], ['default', () => undefined],
];
const problems = ['rober', 'rober1e11', 'vdp'];
const rtols = quick ? [1e-3, 1e-6] : RTOLS;
const configs = [];
for (const problem of problems) for (const rtol of rtols) configs.push({ problem, rtol, atol: PROBLEMS[problem].atol(rtol) });
configs.push({ ...SEED });

const rows = [];
for (const c of configs) {
  const tout = PROBLEMS[c.problem].tout;
  const opts = { reltol: c.rtol, abstol: c.atol, saveat: tout, dense: false, maxiters: 1e6 };
  for (const { jac, prob } of setups(c.problem)) {
    for (const [name, make] of methods) {
      const alg = make();
      let sol = solve(prob, alg, opts);
      const row = {
        solver: `difflux ${name === 'default' ? sol.alg : name}`, version: '', jac, problem: c.problem, rtol: c.rtol,
        atol: Array.isArray(c.atol) ? c.atol : [c.atol], status: sol.retcode === 'Success' ? 'ok' : 'failed',
        note: sol.retcode === 'Success' ? '' : sol.retcode,
      };
      if (row.status === 'ok') {
        const y = tout.map((tk) => sol.u[sol.t.findIndex((s) => s === tk)]);
        Object.assign(row, errors(c.problem, tout, y));
      } else Object.assign(row, { err: NaN, errAll: NaN });
      // Repeated solves until 0.5 s (0.1 s quick) and at least 5, at most 500.
      const samples = [];
      const budget = quick ? 100 : 500;
      const t0 = performance.now();
      while (samples.length < 5 || (performance.now() - t0 < budget && samples.length < 500)) {
        const a = performance.now();
        sol = solve(prob, alg, opts);
        samples.push(performance.now() - a);
      }
      const s = summarize(samples);
      Object.assign(row, {
        ms: s.median, msP25: s.p25, msP75: s.p75, msCreate: NaN, reps: samples.length,
        nfe: sol.stats.nf, njac: sol.stats.njacs, nsteps: sol.stats.naccept + sol.stats.nreject, nlu: sol.stats.nw,
      });
      rows.push(row);
      console.error(`  ${row.solver} ${jac} ${c.problem} rtol ${c.rtol}: ${s.median.toFixed(3)} ms, err ${row.err?.toExponential(1)}, nf ${row.nfe}, steps ${row.nsteps}`);
    }
  }
}

const peerRows = await runStiffPeers({ quick, problems });
const all = [...rows, ...peerRows];

// With CVODE_O2_PREFIX, the fastest rows of CVODE linked with the system's library and of CVODE
// built from source with -O2 are shown separately.
const withO2 = all.some((r) => r.solver === 'CVODE -O2');

/** Per problem and tolerance: difflux's fastest row against CVODE's and SciPy's fastest. */
function summary() {
  const out = [];
  const fastest = (sel) => sel.filter((r) => r.status === 'ok' && Number.isFinite(r.ms)).sort((a, b) => a.ms - b.ms)[0];
  const same = (a, b) => a.problem === b.problem && a.rtol === b.rtol && a.atol.length === b.atol.length && a.atol.every((x, i) => x === b.atol[i]);
  for (const c of configs) {
    const sel = all.filter((r) => same(r, { ...c, atol: Array.isArray(c.atol) ? c.atol : [c.atol] }));
    const d = fastest(sel.filter((r) => r.solver.startsWith('difflux')));
    const cv = fastest(sel.filter((r) => r.solver === 'CVODE'));
    const cvO2 = fastest(sel.filter((r) => r.solver === 'CVODE -O2'));
    const sp = fastest(sel.filter((r) => r.solver.startsWith('SciPy')));
    if (!d) continue;
    const fmt = (r) => `${r.solver} (${r.jac}) ${r.ms.toFixed(3)} ms, error ${r.err.toExponential(1)}`;
    const cvCell = (r) => (r ? `${fmt(r)}: ${(r.ms / d.ms).toFixed(2)}×` : '—');
    out.push(`| ${PROBLEMS[c.problem].label} | ${c.rtol.toExponential(0)} | ${fmt(d)} | ${cvCell(cv)} | ${withO2 ? `${cvCell(cvO2)} | ` : ''}${sp ? `${fmt(sp)}: ${(sp.ms / d.ms).toFixed(1)}×` : '—'} |`);
  }
  return out;
}

const md = [
  '',
  '## 6. Stiff problems',
  '',
  `Written by \`bench/stiff.mjs\` (\`npm run bench:stiff\`), ${new Date().toISOString()}${quick ? ' — **quick run, do not quote**' : ''}, on ${os.cpus()[0]?.model?.trim()} (${os.cpus().length} cores), in ${((performance.now() - started) / 1000).toFixed(0)} s. ` +
    'difflux: the Rosenbrock methods Rosenbrock23, Rodas4, Rodas5P; the SDIRK methods TRBDF2, KenCarp4, Kvaerno5; FBDF; RadauIIA5; and the default algorithm (no algorithm named: Tsit5 or Vern7 switching to a stiff method), each with the right-hand side as a JavaScript function (Jacobian by forward differences, "fd") and written with `ode` (Jacobian by forward-mode AD on the tape, "AD"); time = median of repeated `solve` calls in this process. ' +
    'Peers: SUNDIALS CVODE (BDF, dense linear solver; Debian\'s library) through a C driver and SciPy `solve_ivp` (Radau, BDF, LSODA), each timed in its own process (bench/stiff/peers.mjs). ' +
    (withO2 ? `"CVODE -O2": the same driver linked with SUNDIALS built from source with -O2 (Release, static, no -march=native; CVODE_O2_PREFIX=${CVODE_O2_PREFIX}). ` : '') +
    'ROBER atol = rtol·(1e-4, 1e-10, 1e-2) per component, plus the [0, 1e11] example at rtol 1e-6, atol 1e-8; Van der Pol atol = rtol·1e-2. Errors are relative to ../shared/reference (max over components; "all t" over every reference time). ' +
    'The Van der Pol reference value belongs to the μ = 1e6 form on [0, 2] (the classic μ = 1e3 oscillator in scaled time), which is what is solved here.',
  '',
  `Fastest difflux row against the fastest CVODE${withO2 ? ' (Debian\'s library), CVODE -O2 (built from source)' : ''} and SciPy rows at the same tolerances (the errors differ; read them beside the times):`,
  '',
  `| problem | rtol | difflux | CVODE${withO2 ? ' (Debian)' : ''}: its time / difflux's | ${withO2 ? 'CVODE -O2 (source): its time / difflux\'s | ' : ''}SciPy: its time / difflux's |`,
  `| --- | --- | --- | --- | ${withO2 ? '--- | ' : ''}--- |`,
  ...summary(),
  '',
  markdownTable(all),
  '',
];
writeSection(6, md.join('\n'));
console.log(md.slice(0, 16).join('\n'));
console.log('wrote section 6 of bench/RESULTS.md');
