// Deno driver: `deno run --allow-read --no-prompt tests/runtimes/deno.mjs [entryUrl]`.
// Same job as node.mjs, written against Deno's own globals (Deno.args) so it needs no Node compat
// layer. --allow-read is required because the default entry reads difflux.wasm from a file: URL.
import { lvCheck } from './lv-check.js';

const difflux = await import(Deno.args[0] ?? 'difflux');
console.log('LVRESULT ' + JSON.stringify(await lvCheck(difflux)));
