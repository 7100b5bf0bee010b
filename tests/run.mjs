// Runs every suite — the uvu suites in Node, then the same solve in every runtime — and ends
// with one line "N passed, N failed" summed over all of them. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let passed = 0;
let failed = 0;

function runNode(args, label) {
  const r = spawnSync(process.execPath, args, { cwd: join(here, '..'), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 600_000 });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  return { out, status: r.status, label };
}

for (const file of readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort()) {
  const { out, status } = runNode([join(here, file)], file);
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
  if (!Number.isFinite(total) || !Number.isFinite(ok)) {
    failed += 1;
    console.log(`FAIL ${file}: the suite did not finish (exit ${status})\n${out}`);
    continue;
  }
  const bad = total - ok - skipped;
  passed += ok;
  failed += bad;
  console.log(`${bad ? 'FAIL' : 'ok  '} ${file.padEnd(24)} ${ok}/${total}`);
  if (bad || status !== 0) {
    console.log(out.split('\n').filter((l) => !/^\s*$/.test(l)).join('\n'));
    if (!bad) failed += 1;
  }
}

// The same Lotka–Volterra solve in Node, Deno, Bun, Chromium and workerd, compared bit for bit.
{
  const { out, status } = runNode([join(here, 'runtimes', 'run.mjs')], 'runtimes');
  process.stdout.write(out.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n'));
  const m = /(\d+) passed, (\d+) failed\s*$/m.exec(out);
  if (!m) {
    failed += 1;
    console.log(`FAIL runtimes: no result (exit ${status})`);
  } else {
    passed += Number(m[1]);
    failed += Number(m[2]);
    if (status !== 0 && Number(m[2]) === 0) failed += 1;
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
