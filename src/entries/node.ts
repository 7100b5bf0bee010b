/**
 * Node entry: reads difflux.wasm from beside this file with node:fs (Node 20 cannot fetch
 * a file: URL) and instantiates it before the module finishes loading.
 */
import { initEngine, type EngineSource } from '../runtime/engine.js';

declare const process: { getBuiltinModule?(id: string): unknown };

async function readWasm(url: URL): Promise<Uint8Array> {
  const fs = process.getBuiltinModule?.('node:fs') as { promises: { readFile(u: URL): Promise<Uint8Array> } } | undefined;
  if (!fs) throw new Error('difflux: this Node is too old (needs process.getBuiltinModule, Node ≥ 20.16)');
  return fs.promises.readFile(url);
}

await initEngine(await readWasm(new URL('./difflux.wasm', import.meta.url)));

/** Already done on import; kept so code written for other entries runs unchanged. */
export async function init(_source?: EngineSource): Promise<void> {}
export * from '../api.js';
