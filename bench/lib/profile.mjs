// CPU profile of the small problem: runs bench/profile-lv.mjs under `node --cpu-prof`, then
// lists the functions with the most self time. WebAssembly functions appear in V8 profiles
// as wasm-function[i]; their names come from a debug build of the same engine, compiled to
// a temporary folder (dist/ is not touched) and used only when every function body has the
// same size as in dist/difflux.wasm.
//
// CLI: node bench/lib/profile.mjs <file.cpuprofile> [top]   (summarizes an existing profile)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Imported-function count, code-body sizes and (if present) the name section of a wasm binary. */
export function parseWasm(buf) {
  let p = 8;
  let nImports = 0;
  const sizes = [];
  const names = {};
  const leb = () => {
    let r = 0, s = 0, b;
    do { b = buf[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80);
    return r >>> 0;
  };
  const limits = () => { const fl = leb(); leb(); if (fl & 1) leb(); };
  while (p < buf.length) {
    const id = buf[p++];
    const len = leb();
    const end = p + len;
    if (id === 2) {
      const n = leb();
      for (let i = 0; i < n; i++) {
        p += leb(); p += leb();
        const kind = buf[p++];
        if (kind === 0) { leb(); nImports++; } else if (kind === 1) { p++; limits(); } else if (kind === 2) limits(); else if (kind === 3) p += 2; else if (kind === 4) { p++; leb(); }
      }
    } else if (id === 10) {
      const n = leb();
      for (let i = 0; i < n; i++) { const l = leb(); sizes.push(l); p += l; }
    } else if (id === 0) {
      const nl = leb();
      const nm = Buffer.from(buf.subarray(p, p + nl)).toString();
      p += nl;
      if (nm === 'name') {
        while (p < end) {
          const sid = buf[p++];
          const sl = leb();
          const se = p + sl;
          if (sid === 1) {
            const c = leb();
            for (let i = 0; i < c; i++) { const idx = leb(); const l = leb(); names[idx] = Buffer.from(buf.subarray(p, p + l)).toString(); p += l; }
          }
          p = se;
        }
      }
    }
    p = end;
  }
  return { nImports, sizes, names };
}

/** index → name for dist/difflux.wasm, or null when the debug build does not line up. */
export function wasmFunctionNames() {
  const dir = mkdtempSync(join(tmpdir(), 'difflux-names-'));
  try {
    const out = join(dir, 'debug.wasm');
    execFileSync(join(root, 'node_modules/.bin/asc'), ['--config', 'asconfig.json', '--debug', '--outFile', out], { cwd: root, stdio: 'pipe' });
    const a = parseWasm(readFileSync(join(root, 'dist/difflux.wasm')));
    const b = parseWasm(readFileSync(out));
    if (a.nImports !== b.nImports || a.sizes.length !== b.sizes.length || a.sizes.some((s, i) => s !== b.sizes[i])) return null;
    return b.names;
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Top functions by self time: [{ pct, ms, name, where }]. */
export function summarizeProfile(file, top = 12, wasmNames = null) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const cf = byId.get(prof.samples[i]).callFrame;
    let name = cf.functionName || '(anonymous)';
    const m = /^wasm-function\[(\d+)\]$/.exec(name);
    if (m && wasmNames?.[m[1]]) name = `wasm ${wasmNames[m[1]].replace(/^assembly\//, '')}`;
    const where = cf.url && !cf.url.startsWith('wasm') ? `${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}` : '';
    const key = `${name}\u0000${where}`;
    self.set(key, (self.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => {
    const [name, where] = k.split('\u0000');
    return { pct: (100 * v) / total, ms: v / 1000, name, where };
  });
}

/** Profiles `seconds` of Tsit5 Lotka–Volterra solves at `tol`; returns { rows, solvesLine, named }. */
export function profileSmallProblem(tol, seconds, top = 12) {
  const dir = mkdtempSync(join(tmpdir(), 'difflux-prof-'));
  try {
    const stdout = execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, join(root, 'bench/profile-lv.mjs'), String(tol), String(seconds)], { cwd: root, encoding: 'utf8' });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    const names = wasmFunctionNames();
    const all = summarizeProfile(join(dir, file), Infinity, names);
    return { rows: all.slice(0, top), all, solvesLine: stdout.trim(), named: !!names };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = summarizeProfile(process.argv[2], Number(process.argv[3] ?? 25), wasmFunctionNames());
  for (const r of rows) console.log(`${r.pct.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}  ${r.where}`);
}
