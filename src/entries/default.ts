/**
 * Default entry (browsers, Deno, Bun): fetches difflux.wasm from beside this file and
 * instantiates it before the module finishes loading, so `solve` works right after import.
 * A page's Content-Security-Policy must allow 'wasm-unsafe-eval'.
 */
import { initEngine, type EngineSource } from '../runtime/engine.js';

await initEngine(new URL('./difflux.wasm', import.meta.url));

/** Already done on import; kept so code written for other entries runs unchanged. */
export async function init(_source?: EngineSource): Promise<void> {}
export * from '../api.js';
