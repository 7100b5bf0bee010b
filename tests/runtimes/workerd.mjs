// workerd driver (a Node script): `node tests/runtimes/workerd.mjs [entryUrl]` (default dist/edge.js).
//
// workerd cannot load the default entry: there `import.meta.url` is undefined, compiling WASM from
// bytes inside a request is refused ("Wasm code generation disallowed by embedder"), and at the
// top level an async compile never settles (workerd then fails with "Top-level await in module is
// unsettled"). The supported way in is to declare the .wasm as a module in the worker's config,
// which an `import` then yields as a `WebAssembly.Module`. So this driver:
//   1. copies the *.js and *.wasm files beside the entry (dist/) into a temp dir and writes a capnp
//      config that embeds them as modules named `dist/<file>` (workerd resolves an import relative
//      to the importing module's name, so edge.js's `import ... from './difflux.wasm'` finds the
//      module `dist/difflux.wasm`), plus lv-check.js and a small worker that imports the entry
//      and answers any request with the check's JSON result;
//   2. runs `workerd serve` on 127.0.0.1:<free port>, polls until it answers, prints the result as
//      one `LVRESULT <json>` line;
//   3. always kills workerd and removes the temp dir (also on SIGTERM from run.mjs's timeout).

import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKERD = fileURLToPath(new URL('../../node_modules/.bin/workerd', import.meta.url));
const LV_CHECK = fileURLToPath(new URL('./lv-check.js', import.meta.url));
const entryFile = fileURLToPath(new URL(process.argv[2] ?? '../../dist/edge.js', import.meta.url));
const distDir = dirname(entryFile);
// Fixed, so results never depend on which workerd release is installed; must not be later than
// the installed binary's own date (workerd refuses future dates).
const COMPATIBILITY_DATE = '2025-06-01';
const STARTUP_TIMEOUT_MS = 60_000;

// The worker under test. It imports the edge entry exactly as an application bundle would.
const WORKER_SOURCE = `\
import * as difflux from './dist/${basename(entryFile)}';
import { lvCheck } from './lv-check.js';

export default {
  async fetch() {
    try {
      return Response.json(await lvCheck(difflux));
    } catch (err) {
      return new Response(String(err?.stack ?? err), { status: 500 });
    }
  },
};
`;

function capnpString(s) {
  return JSON.stringify(s); // capnp text strings use the same escapes as JSON for what we emit
}

function configFor(port, modules) {
  const moduleLines = modules
    .map(({ name, kind, file }) => `    (name = ${capnpString(name)}, ${kind} = embed ${capnpString(file)}),`)
    .join('\n');
  return `\
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .lvWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const lvWorker :Workerd.Worker = (
  modules = [
${moduleLines}
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`;
}

/** Ask the OS for a free loopback port. (Released before workerd binds it: a tiny race we accept.) */
function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Start `workerd serve configPath` (kept in `child` for cleanup) and poll `url` until it answers.
 * Connection refused means "not listening yet"; an early exit (bad config, a module that fails to
 * load or evaluate, a port already taken) is reported with workerd's own output.
 */
async function serveAndFetch(configPath, url) {
  let text = '';
  const output = () => text.trim();
  child = spawn(WORKERD, ['serve', configPath], { cwd: dirname(configPath), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (text += d));
  child.stderr.on('data', (d) => (text += d));
  const exited = new Promise((ok, fail) => {
    child.once('error', fail); // could not spawn at all
    child.once('exit', (code, signal) => ok({ code, signal }));
  });
  exited.catch(() => {}); // observed in the loop below

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const ended = await Promise.race([exited, sleep(0).then(() => null)]);
    if (ended) throw new Error(`workerd exited (${ended.code ?? ended.signal}) before answering: ${output()}`);
    if (Date.now() > deadline) throw new Error(`workerd did not answer within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`);
    try {
      return { response: await fetch(url), output };
    } catch {
      await sleep(100);
    }
  }
}

let child, workDir;
async function cleanup() {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((ok) => child.once('exit', ok));
    child.kill('SIGTERM');
    // workerd normally stops at once; do not let a stuck one outlive us.
    const patience = new Promise((ok) => setTimeout(ok, 3000, false).unref()); // unref: don't hold us up
    if ((await Promise.race([exited.then(() => true), patience])) === false) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  if (workDir) await rm(workDir, { recursive: true, force: true }).catch(() => {});
}
// run.mjs sends SIGTERM on a timeout (SIGINT: Ctrl-C when run by hand): clean up, then exit.
for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]]) {
  process.once(signal, () => cleanup().finally(() => process.exit(code)));
}

try {
  workDir = await mkdtemp(join(tmpdir(), 'difflux-workerd-'));

  // Bundle: the worker, the check, and every .js/.wasm file of dist/ (not only edge.js, in case the
  // bundler emitted shared chunks that edge.js imports). workerd only evaluates modules that are
  // imported, so the default entry's presence is harmless.
  const modules = [
    { name: 'worker.js', kind: 'esModule', file: 'worker.js' },
    { name: 'lv-check.js', kind: 'esModule', file: 'lv-check.js' },
  ];
  await writeFile(join(workDir, 'worker.js'), WORKER_SOURCE);
  await copyFile(LV_CHECK, join(workDir, 'lv-check.js'));
  await mkdir(join(workDir, 'dist'));
  const distFiles = (await readdir(distDir)).filter((f) => f.endsWith('.js') || f.endsWith('.wasm'));
  if (!distFiles.includes(basename(entryFile))) throw new Error(`no ${basename(entryFile)} in ${distDir}`);
  for (const file of distFiles.sort()) {
    await copyFile(join(distDir, file), join(workDir, 'dist', file));
    const kind = extname(file) === '.wasm' ? 'wasm' : 'esModule';
    modules.push({ name: `dist/${file}`, kind, file: `dist/${file}` });
  }

  // A free port can be taken between our probe and workerd's bind(); then simply try another.
  let response, output;
  for (let attempt = 1; !response; attempt++) {
    const port = await freePort();
    const configPath = join(workDir, 'config.capnp');
    await writeFile(configPath, configFor(port, modules));
    try {
      ({ response, output } = await serveAndFetch(configPath, `http://127.0.0.1:${port}/`));
    } catch (err) {
      if (attempt < 3 && /Address already in use/.test(err.message)) continue;
      throw err;
    }
  }
  const body = await response.text();
  if (!response.ok) {
    throw new Error(`worker answered HTTP ${response.status}: ${body.trim()}${output() ? `\n${output()}` : ''}`);
  }
  console.log('LVRESULT ' + JSON.stringify(JSON.parse(body)));
} catch (err) {
  console.error(err?.stack ?? String(err));
  process.exitCode = 1;
} finally {
  await cleanup();
}
