// The gradient benchmark: time and peak WebAssembly memory of one `gradient` call for each
// sensitivity algorithm, on Lotka–Volterra (4 parameters) and a 50-parameter neural ODE, over
// spans [0, 10], [0, 100] and [0, 1000]. Writes section 8 of bench/RESULTS.md.
//
//   npm run bench:gradients
//   CVODE_O2_PREFIX=/work/sundials-o2 npm run bench:gradients
//                                          adds CVODES built from source with -O2 (see
//                                          bench/gradients/peer.mjs) as the reference
//   node bench/gradients.mjs --dry-run     prints the section and leaves RESULTS.md alone
//   BENCH_RESULTS=/tmp/R.md node bench/gradients.mjs   writes the section into that file instead
//   BENCH_QUICK=1 node bench/gradients.mjs shorter timing, not for RESULTS.md (a dry run unless
//                                          BENCH_RESULTS names another file)
//
// Every case: loss { final: 'sum' } (the sum of the states at t1), gradient with respect to p
// and u0, Tsit5 at reltol = abstol = 1e-8. A mode whose gradient throws is reported as an
// error of its case (the message under the table) and the run goes on.
// Nothing here asserts on time; the expected O(·) behaviour is printed beside the measured
// growth, and the reader compares.
//
// The peer: SUNDIALS CVODES (bench/gradients/cvodes.c, built into bench/gradients/build/ and run
// as a child process that times itself), forward sensitivities and the adjoint method with
// Adams + Newton (dense direct solver, analytic Jacobian), the same models, spans, loss and
// tolerances; rows "CVODES …" in each table, and every difflux row's time relative to the CVODES
// row of its kind (forward or adjoint). Without a C compiler or CVODES the rows say "not
// available" and the rest runs. `--cvodes-bdf` (or BENCH_CVODES_BDF=1) adds the same with BDF,
// `--cvodes-fixedpoint` (or BENCH_CVODES_FIXEDPOINT=1) with Adams and fixed-point iteration;
// `--cvodes-polynomial` (or BENCH_CVODES_POLYNOMIAL=1) adds the Adams adjoint with CVODES's
// polynomial interpolation of the forward solution instead of Hermite.
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import {
  solve, gradient, Tsit5, memoryInUse, ODEProblem,
  ForwardSensitivity, ForwardDiffSensitivity, ReverseDiffAdjoint, BacksolveAdjoint, InterpolatingAdjoint, QuadratureAdjoint,
} from '../dist/node.js';
import { summarize } from './lib/timing.mjs';
import { writeSection } from './lib/results.mjs';
import { lotkaVolterra, net50, problemOf } from './lib/gradient-models.mjs';
import { runCvodes, CVODE_O2_PREFIX } from './gradients/peer.mjs';

const QUICK = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick');
// A quick run never reaches bench/RESULTS.md (only a copy named by BENCH_RESULTS).
const DRY = process.argv.includes('--dry-run') || (QUICK && !process.env.BENCH_RESULTS);
const wallStart = performance.now();
const loadStart = os.loadavg();
const now = () => performance.now();

const TOL = 1e-8;
const BASE_T1 = 10;
const SCALES = [1, 10, 100];
// Timing per case: warm up (≥ 2 calls and ≥ 200 ms), then time single calls until the
// budget is spent, with at least MIN_RUNS calls (3 when a call takes seconds).
const WARM_MS = QUICK ? 30 : 200;
const BUDGET_MS = QUICK ? 150 : 2000;
const MIN_RUNS = QUICK ? 3 : 5;
const MAX_RUNS = 2000;
// The CVODES driver times inside its process with the same budget (warm-up, then at least
// MIN_RUNS calls and BUDGET_MS, at most 4 × BUDGET_MS unless 3 calls take longer).
const PEER_TIMING = { warmSeconds: WARM_MS / 1000, minReps: MIN_RUNS, minSeconds: BUDGET_MS / 1000, maxSeconds: (4 * BUDGET_MS) / 1000 };
// CVODES adjoint: a checkpoint every CVODES_ND steps (the interval of SUNDIALS's own adjoint
// examples, e.g. cvsRoberts_ASAi_dns).
const CVODES_ND = 150;
const CVODES_BDF = process.argv.includes('--cvodes-bdf') || process.env.BENCH_CVODES_BDF === '1';
const CVODES_FIXEDPOINT = process.argv.includes('--cvodes-fixedpoint') || process.env.BENCH_CVODES_FIXEDPOINT === '1';
const CVODES_POLYNOMIAL = process.argv.includes('--cvodes-polynomial') || process.env.BENCH_CVODES_POLYNOMIAL === '1';

/** Checkpoints every time unit, ends included: 0, 1, …, t1. */
const everyUnit = (t1) => Array.from({ length: Math.floor(t1) + 1 }, (_, i) => i);

// Expected behaviour as the span (and with it the number of steps) grows; `mem` selects how
// the expected memory growth is computed from the steps and checkpoints.
const MODES = [
  { label: 'ForwardSensitivity()', make: () => ForwardSensitivity(), expect: 'time per step O(parameters); memory O(1)', mem: 'const', kind: 'forward' },
  { label: 'ForwardDiffSensitivity()', make: () => ForwardDiffSensitivity(), expect: 'time per step O(parameters); memory O(1)', mem: 'const', kind: 'forward' },
  { label: 'ReverseDiffAdjoint()', make: () => ReverseDiffAdjoint(), expect: 'time per step O(1) in parameters; memory O(steps)', mem: 'steps', kind: 'adjoint' },
  { label: 'BacksolveAdjoint({ checkpointing: false })', make: () => BacksolveAdjoint({ checkpointing: false }), expect: 'time per step O(1) in parameters; memory O(1)', mem: 'const', kind: 'adjoint' },
  {
    label: 'BacksolveAdjoint({ checkpoints: 0, 1, …, t1 })',
    make: (t1) => BacksolveAdjoint({ checkpoints: everyUnit(t1) }),
    expect: 'time per step O(1) in parameters; memory O(checkpoints)', mem: 'checkpoints', kind: 'adjoint',
  },
  { label: 'InterpolatingAdjoint()', make: () => InterpolatingAdjoint(), expect: 'time per step O(1) in parameters; memory O(steps)', mem: 'steps', kind: 'adjoint' },
  {
    label: 'InterpolatingAdjoint({ checkpointing: true, checkpoints: 0, 1, …, t1 })',
    make: (t1) => InterpolatingAdjoint({ checkpointing: true, checkpoints: everyUnit(t1) }),
    expect: 'time per step O(1) in parameters; memory O(checkpoints + one interval)', mem: 'checkpoints', kind: 'adjoint',
  },
  { label: 'QuadratureAdjoint()', make: () => QuadratureAdjoint(), expect: 'time per step O(1) in parameters; memory O(steps)', mem: 'steps', kind: 'adjoint' },
  // The same adjoints with the default algorithm (no alg: AutoTsit5(Rosenbrock23) switches to
  // the stiff method where the flow settles), what a user who names no method gets.
  { label: 'ReverseDiffAdjoint(), default algorithm', make: () => ReverseDiffAdjoint(), alg: null, expect: 'time per step O(1) in parameters; memory O(steps)', mem: 'steps', kind: 'adjoint' },
  { label: 'InterpolatingAdjoint(), default algorithm', make: () => InterpolatingAdjoint(), alg: null, expect: 'time per step O(1) in parameters; memory O(steps)', mem: 'steps', kind: 'adjoint' },
  ...['adams', ...(CVODES_BDF ? ['bdf'] : []), ...(CVODES_FIXEDPOINT ? ['adams-fixedpoint'] : [])].flatMap((method) => {
    const name = { adams: 'Adams', bdf: 'BDF', 'adams-fixedpoint': 'Adams, fixed-point iteration' }[method];
    return [
      {
        label: `CVODES forward sensitivities (${name})`, peer: { mode: 'forward', method }, kind: 'forward',
        expect: 'time per step O(parameters); memory O(1)', mem: 'const',
      },
      {
        label: `CVODES adjoint (${name}, Hermite checkpoints every ${CVODES_ND} steps)`, peer: { mode: 'adjoint', method }, kind: 'adjoint',
        expect: `time per step O(1) in parameters; memory O(checkpoints) + one ${CVODES_ND}-step interval`, mem: 'peerCheckpoints',
      },
    ];
  }),
  // With CVODE_O2_PREFIX, the same driver linked with SUNDIALS built from source with -O2
  // (Debian's library is slower: see section 6), as the reference of the last column.
  ...(CVODE_O2_PREFIX ? [
    {
      label: 'CVODES -O2 forward sensitivities (Adams)', peer: { mode: 'forward', method: 'adams', o2: true }, kind: 'forward',
      expect: 'time per step O(parameters); memory O(1)', mem: 'const',
    },
    {
      label: `CVODES -O2 adjoint (Adams, Hermite checkpoints every ${CVODES_ND} steps)`, peer: { mode: 'adjoint', method: 'adams', o2: true }, kind: 'adjoint',
      expect: `time per step O(1) in parameters; memory O(checkpoints) + one ${CVODES_ND}-step interval`, mem: 'peerCheckpoints',
    },
  ] : []),
  ...(CVODES_POLYNOMIAL ? [{
    label: `CVODES adjoint (Adams, polynomial interpolation, checkpoints every ${CVODES_ND} steps)`,
    peer: { mode: 'adjoint', method: 'adams', interp: 'polynomial' }, kind: 'adjoint',
    expect: `time per step O(1) in parameters; memory O(checkpoints) + one ${CVODES_ND}-step interval`, mem: 'peerCheckpoints',
  }] : []),
];
const MODELS = [lotkaVolterra, net50];
/** The CVODES row each difflux mode's time is compared with: the Adams one of its kind (the -O2 build's when there is one). */
const peerOfKind = (kind) => MODES.findIndex((md) => md.peer && md.peer.method === 'adams' && !md.peer.interp && md.kind === kind && !!md.peer.o2 === !!CVODE_O2_PREFIX);
const PEER_NAME = CVODE_O2_PREFIX ? 'CVODES -O2 (Adams)' : 'CVODES (Adams)';

// ───────────────────────── formatting ─────────────────────────
const sig = (x, d = 3) => (x >= 10 ** d ? x.toFixed(0) : x.toPrecision(d));
const fmtMs = (x) => sig(x);
function fmtBytes(b) {
  if (!Number.isFinite(b)) return '—';
  if (b < 1024) return `${b} B`;
  if (b < 1024 ** 2) return `${sig(b / 1024)} KiB`;
  return `${sig(b / 1024 ** 2)} MiB`;
}
const fmtGrowth = (x) => (Number.isFinite(x) ? `×${x >= 10 ? x.toFixed(0) : x.toFixed(1)}` : '—');
const e1 = (x) => (Number.isFinite(x) ? x.toExponential(1) : String(x));
function table(head, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

const flat = (g) => [...g.dp, ...(g.du0 ?? [])];

/**
 * Largest componentwise relative difference of a from ref (dp and du0 together, flat), each
 * component relative to max(|ref_i|, 1e-3·max|ref|) so that components near zero do not
 * dominate.
 */
function relDiff(a, ref) {
  if (a.length !== ref.length) return NaN;
  const scale = ref.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - ref[i]) / Math.max(Math.abs(ref[i]), 1e-3 * scale);
    if (!(d <= m)) m = d; // NaN propagates
  }
  return m;
}

// The finite-difference reference: central differences of the loss in each parameter and
// u0 entry, step 1e-5·max(|x|, 1), each side a solve at reltol = abstol = 1e-12. On these
// problems steps 1e-5 and 1e-6 give the same differences from ForwardSensitivity to a digit
// or two; 1e-4 is too coarse at t1 = 1000 (truncation error).
const FD_TOL = 1e-12;
const FD_HREL = 1e-5;
function fdGradient(m, t1) {
  const np = m.model.paramVector(m.params()).length;
  const x0 = [...m.model.paramVector(m.params()), ...m.u0];
  const loss = (x) => {
    const sol = solve(new ODEProblem(m.model, x.slice(np), [0, t1], x.slice(0, np)), Tsit5(), { reltol: FD_TOL, abstol: FD_TOL, saveat: [t1], maxiters: 1e7 });
    if (sol.retcode !== 'Success') return NaN;
    return sol.u[sol.u.length - 1].reduce((a, b) => a + b, 0);
  };
  return x0.map((x, j) => {
    const h = FD_HREL * Math.max(Math.abs(x), 1);
    const xp = x0.slice(); xp[j] += h;
    const xm = x0.slice(); xm[j] -= h;
    return (loss(xp) - loss(xm)) / (2 * h);
  });
}

/**
 * One mode on one problem: the first call's gradient and peak, then the timed calls. Any
 * throw (the sensealg's constructor included) becomes the case's status.
 */
function runCase(prob, makeSensealg, alg = Tsit5()) {
  const out = { status: 'ok' };
  try {
    const opts = { reltol: TOL, abstol: TOL, loss: { final: 'sum' }, sensealg: makeSensealg() };
    // alg null: gradient's default algorithm (automatic switching).
    const call = () => gradient(prob, alg ?? undefined, opts);
    out.first = call();
    out.peakBytes = out.first.peakBytes;
    const peaks = new Set([out.peakBytes]);
    const w0 = now();
    for (let calls = 1; calls < 2 || (now() - w0 < WARM_MS && calls < 50); calls++) peaks.add(call().peakBytes);
    const samples = [];
    const s0 = now();
    while (samples.length < MIN_RUNS || (now() - s0 < BUDGET_MS && samples.length < MAX_RUNS)) {
      const a = now();
      const g = call();
      samples.push(now() - a);
      peaks.add(g.peakBytes);
      if (samples.length >= 3 && now() - s0 > 4 * BUDGET_MS) break;
    }
    out.stats = summarize(samples);
    out.peakVaried = peaks.size > 1 ? [Math.min(...peaks), Math.max(...peaks)] : undefined;
  } catch (e) {
    out.status = 'error';
    out.error = e instanceof Error ? e.message : String(e);
  }
  out.leaked = memoryInUse();
  return out;
}

// ───────────────────────── measurements ─────────────────────────
const cpuModel = os.cpus()[0]?.model?.trim() ?? 'unknown';
const nproc = sh('nproc', []) || String(os.availableParallelism?.() ?? os.cpus().length);
const gitHead = sh('git', ['rev-parse', '--short', 'HEAD']);
const gitDirty = sh('git', ['status', '--porcelain', '--', 'src', 'assembly', 'bench']) ? ' (with uncommitted changes)' : '';
console.error(`gradient bench — ${new Date().toISOString()} — ${cpuModel}, ${nproc} cores, node ${process.version}${QUICK ? ' — quick' : ''}`);

const results = [];
for (const m of MODELS) {
  const perModel = { model: m, spans: [] };
  for (const s of SCALES) {
    const t1 = BASE_T1 * s;
    const prob = problemOf(m, t1);
    // The plain forward solve the loss reads (same algorithm, tolerances and save points).
    const sol = solve(prob, Tsit5(), { reltol: TOL, abstol: TOL, saveat: [t1] });
    const fd = fdGradient(m, t1);
    const span = { scale: s, t1, steps: sol.stats.naccept, retcode: sol.retcode, checkpoints: everyUnit(t1).length, cases: [] };
    let ref;
    for (const mode of MODES) {
      const c = mode.peer
        ? runCvodes(m, mode.peer.mode, t1, { method: mode.peer.method, interp: mode.peer.interp, rtol: TOL, atol: TOL, nd: CVODES_ND, timing: PEER_TIMING, prefix: mode.peer.o2 ? CVODE_O2_PREFIX : null })
        : runCase(prob, () => mode.make(t1), mode.alg);
      if (mode.label.startsWith('ForwardSensitivity') && c.status === 'ok') ref = c.first;
      c.relDiff = c.status === 'ok' && ref ? relDiff(flat(c.first), flat(ref)) : NaN;
      c.fdDiff = c.status === 'ok' ? relDiff(flat(c.first), fd) : NaN;
      span.cases.push(c);
      const counted = c.counters
        ? `, CVODES steps ${c.counters.nsteps}${c.counters.nstepsB ? ` forward + ${c.counters.nstepsB} backward, ${c.counters.ncheck} checkpoints` : ''}`
        : '';
      const what = c.status === 'ok'
        ? `${fmtMs(c.stats.median)} ms (${c.stats.n} runs), peak ${fmtBytes(c.peakBytes)}, rel. diff ${e1(c.relDiff)} (FD ${e1(c.fdDiff)})${counted}`
        : c.status === 'n/a' ? `not available${c.error ? ` (${c.error})` : ''}` : `error: ${c.error}`;
      console.error(`  ${m.label} t1 = ${t1} (${span.steps} steps) ${mode.label}: ${what}${c.leaked ? `, leaked ${c.leaked} B` : ''}`);
    }
    perModel.spans.push(span);
  }
  results.push(perModel);
}

// ───────────────────────── the section ─────────────────────────
const [lo, , hi] = SCALES;
const growth = (a, b) => (a > 0 && b >= 0 ? b / a : NaN);

function expectedMemoryGrowth(mode, spans, k) {
  const first = spans[0];
  const last = spans[spans.length - 1];
  if (mode.mem === 'const') return '≈ ×1';
  if (mode.mem === 'peerCheckpoints') {
    const n = spans.map((s) => s.cases[k].counters?.ncheck);
    const g = fmtGrowth(growth(n[0], n[n.length - 1]));
    return n.every((x) => x > 0) ? `×1 … ${g} (interval ×1, CVODES checkpoints ${n.join(', ')}: ${g})` : '—';
  }
  if (mode.mem === 'steps') return `≈ ${fmtGrowth(growth(first.steps, last.steps))} (steps)`;
  return `×1 … ${fmtGrowth(growth(first.checkpoints, last.checkpoints))} (interval ×1, checkpoints ${fmtGrowth(growth(first.checkpoints, last.checkpoints))})`;
}

/** Each span's median time over that of the CVODES (Adams) row of the mode's kind. */
function ratioToPeer(mode, k, spans) {
  const j = peerOfKind(mode.kind);
  if (j < 0) return '—';
  if (j === k) return `reference (${mode.kind})`;
  const r = spans.map((s) => {
    const [c, p] = [s.cases[k], s.cases[j]];
    return c.status === 'ok' && p.status === 'ok' ? growth(p.stats.median, c.stats.median) : NaN;
  });
  return r.some(Number.isFinite) ? r.map((x) => (Number.isFinite(x) ? `${sig(x, 2)}×` : '—')).join(' / ') : '—';
}

/** One sentence on the CVODES rows' own step counts, per span. */
function peerSteps(spans) {
  const parts = MODES.flatMap((mode, k) => {
    if (!mode.peer) return [];
    const cs = spans.map((s) => s.cases[k]);
    if (!cs.some((c) => c.counters)) return [];
    const one = (c, s) => (!c.counters ? '—'
      : c.counters.nstepsB
        ? `${c.counters.nsteps} + ${c.counters.nstepsB} (checkpoints: ${c.counters.ncheck}) on [0, ${s.t1}]`
        : `${c.counters.nsteps} on [0, ${s.t1}]`);
    return [`${mode.label}: ${cs.map((c, i) => one(c, spans[i])).join(', ')}`];
  });
  return parts.length ? `CVODES steps (adjoint: forward + backward): ${parts.join('; ')}.` : '';
}

function modelTable({ model, spans }) {
  const first = spans[0];
  const last = spans[spans.length - 1];
  const stepsGrowth = growth(first.steps, last.steps);
  const head = [
    'sensealg', 'expected',
    ...spans.map((s) => `time ×${s.scale} (ms)`), `time growth ×${hi}/×${lo} (steps: ${fmtGrowth(stepsGrowth)})`, `µs per step ×${hi}`,
    ...spans.map((s) => `peak ×${s.scale}`), `peak growth ×${hi}/×${lo}`, 'expected peak growth',
    `rel. diff vs ForwardSensitivity (${spans.map((s) => `×${s.scale}`).join(' / ')})`,
    `rel. diff vs finite differences (${spans.map((s) => `×${s.scale}`).join(' / ')})`,
    `time / ${PEER_NAME} time of the same kind (${spans.map((s) => `×${s.scale}`).join(' / ')})`,
  ];
  const rows = MODES.map((mode, k) => {
    const cs = spans.map((s) => s.cases[k]);
    const expected = [mode.label, mode.expect];
    // A peer that could not be built gets one cell saying so.
    if (cs.every((c) => c.status === 'n/a')) {
      return [...expected, `not available: ${cs[0].error}`, ...head.slice(3).map(() => '')];
    }
    const cell = (c, f) => (c.status === 'ok' ? f(c) : c.status === 'n/a' ? 'not available' : 'error (below)');
    const ends = [cs[0], cs[cs.length - 1]];
    const endsOk = ends.every((c) => c.status === 'ok');
    const series = (key) => (cs.some((c) => c.status === 'ok') ? cs.map((c) => (c.status === 'ok' ? e1(c[key]) : '—')).join(' / ') : '—');
    return [
      ...expected,
      ...cs.map((c) => cell(c, (x) => `**${fmtMs(x.stats.median)}** (${fmtMs(x.stats.p25)}–${fmtMs(x.stats.p75)})`)),
      endsOk ? fmtGrowth(growth(ends[0].stats.median, ends[1].stats.median)) : '—',
      ends[1].status === 'ok' ? sig((1000 * ends[1].stats.median) / last.steps) : '—',
      ...cs.map((c) => cell(c, (x) => `${fmtBytes(x.peakBytes)}${x.peakVaried ? ` (varied ${fmtBytes(x.peakVaried[0])}–${fmtBytes(x.peakVaried[1])})` : ''}${x.leaked ? `, leaked ${x.leaked} B` : ''}`)),
      endsOk ? fmtGrowth(growth(ends[0].peakBytes, ends[1].peakBytes)) : '—',
      expectedMemoryGrowth(mode, spans, k),
      k === 0 ? 'reference' : series('relDiff'),
      series('fdDiff'),
      ratioToPeer(mode, k, spans),
    ];
  });
  const failures = MODES.flatMap((mode, k) => spans.flatMap((s) => {
    const c = s.cases[k];
    return c.status === 'error' ? [`- ${mode.label} at t1 = ${s.t1}: ${c.error}`] : [];
  }));
  const runs = spans.flatMap((s) => s.cases.filter((c) => c.status === 'ok').map((c) => c.stats.n));
  return [
    `### ${model.label}`,
    '',
    `${model.description}. Forward steps of the plain solve (Tsit5, the same tolerances and save point): ` +
      `${spans.map((s) => `${s.steps} on [0, ${s.t1}]${s.retcode === 'Success' ? '' : ` (${s.retcode})`}`).join(', ')}. ` +
      `Timed calls per case: ${runs.length ? `${Math.min(...runs)}–${Math.max(...runs)}` : '—'}. ${peerSteps(spans)}`.trimEnd(),
    '',
    table(head, rows),
    ...(failures.length ? ['', 'Errors:', '', ...failures] : []),
  ].join('\n');
}

/** What the CVODES rows are, how they are measured, and how the ratio column reads. */
function peerParagraph() {
  const version = results.flatMap((r) => r.spans.flatMap((s) => s.cases.map((c) => c.counters?.version))).find(Boolean);
  const unavailable = results.flatMap((r) => r.spans.flatMap((s) => s.cases.filter((c) => c.status === 'n/a' && c.error)))[0];
  return [
    `The peer: SUNDIALS CVODES${version ? ` ${version}` : ''} (Debian's libsundials-dev, linked as shared libraries${CVODE_O2_PREFIX ? `; rows "CVODES -O2": the same driver linked with the static libraries of SUNDIALS built from source with -O2 and -DNDEBUG, ${CVODE_O2_PREFIX}, as section 6 builds CVODE` : ''}), driven by \`bench/gradients/cvodes.c\`, on the same models written by hand in C ` +
      '(f, ∂f/∂u and ∂f/∂p; `bench/gradients/check-models.mjs` checks them against difflux\'s automatic derivatives) with the very same parameter values (passed on stdin), the same loss and tolerances. ' +
      'The CVODES rows use Adams–Moulton (CV_ADAMS) with Newton iteration and the dense direct linear solver with the analytic Jacobian' +
      `${CVODES_BDF ? ' (the BDF rows: CV_BDF, otherwise the same)' : ''}` +
      `${CVODES_FIXEDPOINT ? ' (the "fixed-point iteration" rows: CV_ADAMS with SUNNonlinSol_FixedPoint, no acceleration, for the state, the staggered sensitivities and the backward problem: no Jacobian, no linear solver)' : ''}` +
      ', a stop time at t1 (as difflux\'s solve ends on t1). ' +
      (CVODES_POLYNOMIAL ? 'The "polynomial interpolation" row: the same adjoint with CV_POLYNOMIAL instead of CV_HERMITE (the forward solution between stored steps from the Adams interpolating polynomial of each step instead of a cubic Hermite one). ' : '') +
      'Forward sensitivities: CVodeSensInit with an analytic sensitivity right-hand side (all columns in one call), CV_STAGGERED, one column per parameter and per u0 entry (S(0) = [0 | I]), ' +
      'the sensitivities in the error test at the state\'s tolerances (CVodeSensSStolerances, errconS = true), Newton for the sensitivity corrector too; dL/dx = Σ_i S_i(t1). ' +
      `Adjoint: CVodeAdjInit with Hermite interpolation and a checkpoint every ${CVODES_ND} steps (the one at t0 included in the counts), CVodeF, then CVodeB for λ' = −(∂f/∂u)ᵀλ from λ(t1) = 1 with the quadrature ` +
      'μ = ∫ λᵀ ∂f/∂p dt (CVodeQuadInitB, in the error test), both at the forward tolerances, Adams + Newton + dense with the analytic Jacobian; dL/dp = μ, dL/du0 = λ(0). ' +
      'Time: one gradient from nothing (context, vectors, solver memory, linear solvers, the integrations, freeing everything), wall time by clock_gettime inside the C process ' +
      '(process start-up outside), warm-up and budget as for difflux, median (25–75 %). ' +
      'Peak: the C heap\'s high-water mark during one call above what was in use before it (malloc/calloc/realloc/free interposed, counting malloc_usable_size; glibc only, "—" elsewhere), ' +
      'the analogue of difflux\'s arena peak (it counts the solver\'s own allocations, not the stack or the shared libraries\' code). ' +
      'µs per step for the CVODES rows is still over the Tsit5 steps of the plain solve, so the column compares times; their own steps are listed under each table. ' +
      `Last column: each row's median time over the median time of the ${PEER_NAME} row of its kind at the same span, ` +
      'forward sensitivities against ForwardSensitivity and ForwardDiffSensitivity, the adjoint against every other difflux mode ' +
      '(ReverseDiffAdjoint, a discrete adjoint, included); below 1× difflux is faster.' +
      (unavailable ? ` CVODES was not available in this run: ${unavailable.error}.` : ''),
  ].join('');
}

const loadEnd = os.loadavg();
const seconds = (performance.now() - wallStart) / 1000;
const md = [
  '## 8. Gradients through solves',
  '',
  `Written by \`bench/gradients.mjs\` (\`${CVODE_O2_PREFIX ? `CVODE_O2_PREFIX=${CVODE_O2_PREFIX} ` : ''}npm run bench:gradients\`), ${new Date().toISOString()}${QUICK ? ' — **quick run, do not quote**' : ''}, ` +
    `on ${cpuModel}, ${nproc} cores (\`nproc\`), Node ${process.version}, difflux at commit ${gitHead || 'unknown'}${gitDirty}, in ${seconds.toFixed(0)} s. ` +
    `Load average at start ${loadStart.map((x) => x.toFixed(2)).join(' / ')}, at end ${loadEnd.map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min); the machine is shared, so timings carry noise.`,
  '',
  'Each case is one `gradient(prob, Tsit5(), { reltol: 1e-8, abstol: 1e-8, loss: { final: \'sum\' }, sensealg })` call (rows marked "default algorithm": `gradient(prob, undefined, …)`, automatic switching between Tsit5 and Rosenbrock23): the loss is the sum of the states at t1 ' +
    '(the solve saves only t1), and the gradient is taken with respect to p and u0. Spans [0, 10], [0, 100], [0, 1000] (×1, ×10, ×100). ' +
    `Time: the median (25–75 % range in parentheses) of single calls after a warm-up (≥ 2 calls and ≥ ${WARM_MS} ms), timed for about ${(BUDGET_MS / 1000).toFixed(1)} s and at least ${MIN_RUNS} calls per case. ` +
    'Peak: `peakBytes` of the GradientResult, the WebAssembly arena\'s high-water mark above what was in use before the call (deterministic; taken from the first call and checked on every later one). ' +
    'µs per step: the ×100 time over the plain solve\'s steps (the forward modes\' cost per step is expected to grow with the parameters: 4 against 50). ' +
    'Rel. diff: the largest |g_i − r_i| / max(|r_i|, 10⁻³·max_j |r_j|) over the components of dp and du0, against r = ForwardSensitivity\'s gradient at the same span ' +
    `(both are numerical gradients at tolerance 1e-8, so a difference includes the error of each), and against r = central finite differences of the loss (step ${FD_HREL.toExponential()}·max(|x|, 1), solves at reltol = abstol = ${FD_TOL.toExponential()}). ` +
    '"not available": the peer could not be built here. ' +
    '"expected": the O(·) behaviour the mode is designed to show as the span (so the number of steps) grows; every mode\'s time is expected to grow with the steps. ' +
    'Expected peak growth from the steps counted above (O(steps)) or the checkpoints (every time unit: ' +
    `${results[0].spans.map((s) => s.checkpoints).join(', ')} of them). With this final-time loss the default checkpoints (the loss\'s saved times) would be t1 alone, so the checkpointed rows name theirs.`,
  '',
  peerParagraph(),
  '',
  ...results.flatMap((r) => [modelTable(r), '']),
].join('\n');

if (DRY) {
  console.log(md);
  console.error('dry run: bench/RESULTS.md left alone');
} else {
  writeSection(8, md);
  console.log(md);
  console.error(`wrote section 8 of ${process.env.BENCH_RESULTS ?? 'bench/RESULTS.md'}`);
}
