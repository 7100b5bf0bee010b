/**
 * Edge entry (Cloudflare workerd and other isolates that forbid compiling WebAssembly at run
 * time): the .wasm is imported as a module — the bundler or the worker config provides a
 * WebAssembly.Module — and instantiated synchronously. Nothing is compiled, nothing eval'd.
 */
import wasmModule from './difflux.wasm';
import { initEngineSync, type EngineSource } from '../runtime/engine.js';

initEngineSync(wasmModule);

/** Already done on import; kept so code written for other entries runs unchanged. */
export async function init(_source?: EngineSource): Promise<void> {}
export * from '../api.js';
