// Builds dist/: the engine (.wasm, AssemblyScript), one ESM bundle per entry (esbuild),
// and the type declarations (tsc). Every test and demo run starts with this.
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

mkdirSync(join(root, 'dist'), { recursive: true });
run(bin('asc'), ['--config', 'asconfig.json']);

const entries = { index: 'src/entries/default.ts', node: 'src/entries/node.ts', edge: 'src/entries/edge.ts' };
for (const [out, entry] of Object.entries(entries)) {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: `dist/${out}.js`,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['./difflux.wasm', 'node:fs'],
    logLevel: 'warning',
  });
}

run(bin('tsc'), ['-p', 'tsconfig.json']);
const types = `export * from './types/src/api.js';\nexport declare function init(source?: WebAssembly.Module | URL | string | ArrayBuffer | ArrayBufferView | Response): Promise<void>;\n`;
writeFileSync(join(root, 'dist/index.d.ts'), types);
writeFileSync(join(root, 'dist/package.json'), '{ "type": "module" }\n');
if (!existsSync(join(root, 'dist/difflux.wasm'))) throw new Error('build: dist/difflux.wasm missing');
console.log('build: dist/ ready');
