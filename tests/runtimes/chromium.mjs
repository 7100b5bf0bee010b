// Chromium driver (a Node script): `node tests/runtimes/chromium.mjs [entryUrl]`.
//
// Serves the repository root on 127.0.0.1, with the entry's folder (dist/ by default) at /dist/,
// opens a page in headless Debian Chromium through playwright-core, imports the entry
// (dist/index.js by default) and lv-check.js *inside the page* (so the browser's own module
// loader, fetch and WebAssembly streaming compile are exercised, under a strict CSP that allows
// only 'wasm-unsafe-eval'), and prints the result as one `LVRESULT <json>` line. Chromium and the
// server are always shut down and the profile directory removed, also when run.mjs stops us with
// SIGTERM on a timeout.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BLANK_PATH, startStaticServer } from './static-server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Flags from shared/reference/runtimes.md: headless without a sandbox (we run as root in a
// container) and with every background network feature off (there is no network here).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const entryFile = fileURLToPath(new URL(process.argv[2] ?? '../../dist/index.js', import.meta.url));
const entryPath = `/dist/${basename(entryFile)}`; // what the page imports

let context, server, profileDir;
async function cleanup() {
  // Each step is independent: a failure closing one must not leak the others.
  await context?.close().catch(() => {});
  await server?.close().catch(() => {});
  if (profileDir) await rm(profileDir, { recursive: true, force: true }).catch(() => {});
}
// run.mjs sends SIGTERM on a timeout (SIGINT: Ctrl-C when run by hand): clean up, then exit.
for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]]) {
  process.once(signal, () => cleanup().finally(() => process.exit(code)));
}

try {
  server = await startStaticServer({ '/': repoRoot, '/dist/': dirname(entryFile) });
  // A fresh profile per run: no state (caches, service workers) carried between runs.
  profileDir = await mkdtemp(join(tmpdir(), 'difflux-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    // Debian's chromium always starts crashpad, which writes to $XDG_CONFIG_HOME/chromium; point
    // that (and the cache) into the throwaway profile so a run leaves nothing behind in $HOME.
    env: { ...process.env, XDG_CONFIG_HOME: join(profileDir, 'xdg-config'), XDG_CACHE_HOME: join(profileDir, 'xdg-cache') },
  });
  const page = context.pages()[0] ?? (await context.newPage());

  // Errors that happen outside the awaited promise (e.g. a failing module fetch, a CSP violation)
  // only show up on the console; keep them to explain a failure.
  const pageLog = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') pageLog.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => pageLog.push(`pageerror: ${err.message}`));

  const response = await page.goto(server.origin + BLANK_PATH);
  if (!response?.ok()) throw new Error(`could not load the test page: HTTP ${response?.status()}`);

  let result;
  try {
    result = await page.evaluate(async (entry) => {
      // Runs in the page: plain dynamic imports through the page's module loader.
      const difflux = await import(entry);
      const { lvCheck } = await import('/tests/runtimes/lv-check.js');
      return lvCheck(difflux);
    }, entryPath);
  } catch (err) {
    const log = pageLog.length ? `\n${pageLog.join('\n')}` : '';
    throw new Error(`${err.message.split('\n')[0]}${log}`);
  }
  console.log('LVRESULT ' + JSON.stringify(result));
} catch (err) {
  console.error(err?.stack ?? String(err));
  process.exitCode = 1;
} finally {
  await cleanup();
}
