#!/usr/bin/env node
// Cross-runtime check: the same Lotka–Volterra solve must give bit-identical output in Node, Deno,
// Bun, headless Chromium and Cloudflare workerd.
//
//   node tests/runtimes/run.mjs [--dist=DIR] [--timeout=SECONDS] [runtime ...]
//
// Each runtime has a driver in this folder that loads the built library the way a user of that
// runtime would: the file package.json's "exports" gives it (from dist/, or --dist=DIR for a
// stand-in build), runs lv-check.js and prints one line
// `LVRESULT {retcode, n, nf, hash, backRetcode, backN}`. This script runs all drivers concurrently
// (each in its own process group, with a timeout), then compares every runtime with Node: same
// retcode (Success), same step count, same f-evaluation count, identical SHA-256 of every output
// bit. A runtime that fails to start or to answer is a FAIL with its error, never a skip.
// Output: one `ok`/`FAIL` line per runtime, then exactly one `N passed, N failed` line; exit 1 if
// anything failed. Naming runtimes runs only those (Node always runs: it is the reference).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);

let TIMEOUT_MS = 120_000; // per runtime (--timeout=S); a healthy run takes a few seconds each
const KILL_GRACE_MS = 5_000; // after SIGTERM, time for a driver to close Chromium/workerd itself

// ---- command line ----------------------------------------------------------------------------
let distDir = join(repoRoot, 'dist');
const only = [];
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--dist=')) distDir = resolve(arg.slice('--dist='.length));
  else if (arg.startsWith('--timeout=')) TIMEOUT_MS = Number(arg.slice('--timeout='.length)) * 1000;
  else if (arg === '-h' || arg === '--help') {
    console.log('usage: node tests/runtimes/run.mjs [--dist=DIR] [--timeout=SECONDS] [node|deno|bun|chromium|workerd ...]');
    process.exit(0);
  } else only.push(arg);
}

// ---- which file each runtime loads -------------------------------------------------------------
// Users never name a file: they import 'difflux' and their runtime (or, for browsers and workers,
// their bundler) picks a file from package.json's "exports" by condition. So each runtime is
// tested on the file it would really get. The condition lists are what each one matches, in the
// order the map is read (first listed key in "exports" that matches wins, as in Node's algorithm);
// node/deno/bun were checked against their own import.meta.resolve('difflux').
const CONDITIONS = {
  node: ['node', 'import', 'default'],
  deno: ['deno', 'node', 'import', 'default'],
  bun: ['bun', 'node', 'import', 'default'],
  chromium: ['browser', 'import', 'default'], // as esbuild/Vite/webpack resolve for the browser
  workerd: ['workerd', 'worker', 'browser', 'import', 'default'], // as wrangler resolves
};

/** Node's conditional-exports lookup for a target: string, array of fallbacks, or condition map. */
function resolveTarget(target, conditions) {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const found = resolveTarget(t, conditions);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (target && typeof target === 'object') {
    for (const [key, value] of Object.entries(target)) {
      if (!conditions.includes(key)) continue;
      const found = resolveTarget(value, conditions);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The file (absolute path) `import 'difflux'` gives a runtime, moved into distDir if --dist is set. */
function entryFor(runtime, pkg) {
  const { exports } = pkg;
  const root =
    exports && typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'))
      ? exports['.']
      : exports;
  const target = resolveTarget(root, CONDITIONS[runtime]) ?? pkg.module ?? pkg.main;
  if (typeof target !== 'string') throw new Error(`package.json exports nothing for ${runtime}`);
  const inDist = relative(join(repoRoot, 'dist'), join(repoRoot, target));
  if (inDist.startsWith('..')) throw new Error(`${runtime}'s entry ${target} is outside dist/`);
  return join(distDir, inDist);
}

const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'));
const arg = (runtime) => {
  try {
    return pathToFileURL(entryFor(runtime, pkg)).href;
  } catch (err) {
    return { error: err.message };
  }
};

// ---- the runtimes -----------------------------------------------------------------------------
// Each driver takes the entry's file: URL as its one argument. Deno gets read access to exactly
// the repo and dist/: that the library needs nothing more is part of what is checked.
const RUNTIMES = [
  { name: 'node', cmd: process.execPath, args: [join(here, 'node.mjs')] },
  { name: 'deno', cmd: bin('deno'), args: ['run', '--no-prompt', `--allow-read=${repoRoot},${distDir}`, join(here, 'deno.mjs')] },
  { name: 'bun', cmd: bin('bun'), args: [join(here, 'bun.mjs')] },
  { name: 'chromium', cmd: process.execPath, args: [join(here, 'chromium.mjs')] },
  { name: 'workerd', cmd: process.execPath, args: [join(here, 'workerd.mjs')] },
].map((r) => ({ ...r, entry: arg(r.name) }));
const unknown = only.filter((n) => !RUNTIMES.some((r) => r.name === n));
if (unknown.length) {
  console.error(`unknown runtime(s): ${unknown.join(', ')} (known: ${RUNTIMES.map((r) => r.name).join(', ')})`);
  process.exit(2);
}
const selected = RUNTIMES.filter((r) => r.name === 'node' || only.length === 0 || only.includes(r.name));

// ---- running one driver -----------------------------------------------------------------------
const running = new Map(); // child process -> promise of its 'close', so Ctrl-C can stop them

/** Kill a driver's whole process group (the driver plus Chromium/workerd it started). */
function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** Spawn a driver and resolve to { result } or { error, details }, never rejecting. */
function runDriver({ cmd, args, entry }, env) {
  return new Promise((done) => {
    if (typeof entry !== 'string') return done({ error: entry.error, seconds: 0 });
    args = [...args, entry];
    const started = Date.now();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      // detached: a new process group, so a timeout can take down everything the driver started.
      child = spawn(cmd, args, { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      return done({ error: `cannot start ${cmd}: ${err.message}`, seconds: 0 });
    }
    running.set(child, new Promise((ok) => child.once('close', ok)));
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS).unref();
    }, TIMEOUT_MS);

    let settled = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      running.delete(child);
      // Anything the driver left behind in its group (it should not) goes with it.
      killGroup(child, 'SIGKILL');
      done({ ...outcome, seconds: (Date.now() - started) / 1000 });
    };

    child.once('error', (err) => finish({ error: `cannot start ${cmd}: ${err.message}` }));
    child.once('close', (code, signal) => {
      const err = stripAnsi(stderr).trim();
      const line = stdout.split('\n').find((l) => l.startsWith('LVRESULT '));
      if (timedOut) return finish({ error: `timed out after ${TIMEOUT_MS / 1000} s`, details: err });
      if (code !== 0 || !line) {
        const status = signal ? `killed by ${signal}` : `exit code ${code}`;
        return finish({ error: `${headline(err) ?? 'no result printed'} (${status})`, details: err });
      }
      try {
        finish({ result: JSON.parse(line.slice('LVRESULT '.length)) });
      } catch (e) {
        finish({ error: `unreadable result line: ${e.message}`, details: line });
      }
    });
  });
}

/** The most telling line of an error output: the first `SomethingError: ...` line, else the last line. */
function headline(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return undefined;
  // Covers Node/Bun/Playwright (`TypeError: …`), Deno (`error: Uncaught …`) and Bun (`error: …`).
  const errorLine = lines.find((l) => /^(error:|uncaught\b)/i.test(l) || /^\w*Error( \[\w+\])?:/.test(l));
  return errorLine ?? lines[lines.length - 1];
}

// ---- comparing --------------------------------------------------------------------------------
function validate(result) {
  if (!result || typeof result !== 'object') return 'result is not an object';
  if (result.retcode !== 'Success') return `retcode ${result.retcode}`;
  if (result.backRetcode !== 'Success') return `backward solve retcode ${result.backRetcode}`;
  for (const key of ['n', 'nf', 'backN']) {
    if (!Number.isInteger(result[key]) || result[key] <= 0) return `${key} is ${result[key]}`;
  }
  if (!/^[0-9a-f]{64}$/.test(result.hash ?? '')) return `hash is ${result.hash}`;
  return undefined;
}

function compare(result, reference) {
  const diffs = [];
  for (const key of ['n', 'nf', 'backN']) {
    if (result[key] !== reference[key]) diffs.push(`${key}=${result[key]} (node ${reference[key]})`);
  }
  if (result.hash !== reference.hash) diffs.push(`hash ${short(result.hash)} (node ${short(reference.hash)})`);
  return diffs.length ? `differs from node: ${diffs.join(', ')}` : undefined;
}

const short = (hash) => `${hash.slice(0, 12)}…`;

// ---- main -------------------------------------------------------------------------------------
// Every driver's temp files (Chromium profile, workerd bundle, runtimes' own scratch) go under one
// directory that is removed at the end whatever happened.
const scratch = await mkdtemp(join(tmpdir(), 'difflux-runtimes-'));
const env = {
  ...process.env,
  TMPDIR: scratch,
  NO_COLOR: '1', // plain error text in FAIL reasons (Deno colours by default)
  DENO_NO_UPDATE_CHECK: '1', // no network here: do not let Deno try
};

// Retries: a Chromium that is still exiting may be writing into its profile while we delete it.
const removeScratch = () =>
  rm(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }).catch((err) =>
    console.error(`warning: could not remove ${scratch}: ${err.message}`),
  );

// Interrupted (Ctrl-C, or a CI runner's SIGTERM): SIGTERM every driver so it can close its Chromium or
// workerd and delete its files, give them KILL_GRACE_MS, SIGKILL whatever is left, clean up, exit.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    interrupted = true;
    console.error(`${signal}: stopping ${running.size} runtime(s)…`);
    for (const child of running.keys()) killGroup(child, 'SIGTERM');
    const grace = new Promise((ok) => setTimeout(ok, KILL_GRACE_MS).unref());
    await Promise.race([Promise.all(running.values()), grace]);
    for (const child of running.keys()) killGroup(child, 'SIGKILL');
    await removeScratch();
    process.exit(130);
  });
}

if (!existsSync(distDir)) console.error(`note: ${distDir} does not exist; build first (npm run build)`);

const started = Date.now();
const outcomes = await Promise.all(selected.map((runtime) => runDriver(runtime, env)));
if (interrupted) await new Promise(() => {}); // the signal handler reports and exits
await removeScratch();

const byName = Object.fromEntries(selected.map((r, i) => [r.name, outcomes[i]]));
const nodeOutcome = byName.node;
const nodeProblem = nodeOutcome.result ? validate(nodeOutcome.result) : nodeOutcome.error;
const reference = nodeProblem ? undefined : nodeOutcome.result;

let passed = 0;
let failed = 0;
const width = Math.max(...selected.map((r) => r.name.length));
for (const { name, entry } of selected) {
  const { result, error, details, seconds } = byName[name];
  const label = name.padEnd(width);
  let problem = error ?? validate(result);
  if (!problem && name !== 'node') problem = reference ? compare(result, reference) : 'node failed: nothing to compare with';
  // Which file the runtime loaded (relative to the repo when inside it) and how long it took.
  const file = typeof entry === 'string' ? fileURLToPath(entry) : undefined;
  const shown = file && !relative(repoRoot, file).startsWith('..') ? relative(repoRoot, file) : file;
  const time = `(${shown ? `${shown}, ` : ''}${seconds.toFixed(1)} s)`;
  if (problem) {
    failed++;
    console.log(`FAIL ${label}  ${problem} ${time}`);
    // The driver's own output, trimmed, right under its line: enough to see why without a rerun.
    // Node's internal stack frames say nothing about the library: drop them.
    const lines = (details ?? '').split('\n').filter((l) => l.trim() && !/^\s*at .*node:internal\//.test(l));
    for (const l of lines.slice(0, 20)) console.log(`       | ${l}`);
    if (lines.length > 20) console.log(`       | … ${lines.length - 20} more lines`);
  } else {
    passed++;
    console.log(`ok   ${label}  n=${result.n} nf=${result.nf} back n=${result.backN} hash=${short(result.hash)} ${time}`);
  }
}
console.error(`(${((Date.now() - started) / 1000).toFixed(1)} s in all, dist: ${distDir})`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
