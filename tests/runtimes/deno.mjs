// Deno driver: `deno run --allow-read --no-prompt tests/runtimes/deno.mjs [distDirUrl]`.
// Same job as node.mjs, written against Deno's own globals (Deno.args) so it needs no Node compat
// layer. --allow-read is required because dist/index.js reads difflux.wasm from a file: URL.
import { lvCheck } from './lv-check.js';

const distUrl = new URL(Deno.args[0] ?? '../../dist/', import.meta.url);
const difflux = await import(new URL('index.js', distUrl).href);
console.log('LVRESULT ' + JSON.stringify(await lvCheck(difflux)));
