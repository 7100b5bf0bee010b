// Node driver: `node tests/runtimes/node.mjs [distDirUrl]`.
// Imports the default entry (dist/index.js, which loads difflux.wasm beside itself with top-level
// await) and prints the check's result as one `LVRESULT <json>` line for run.mjs to parse.
// An uncaught error exits non-zero with its stack on stderr, which run.mjs reports as the FAIL reason.
import { lvCheck } from './lv-check.js';

const distUrl = new URL(process.argv[2] ?? '../../dist/', import.meta.url);
const difflux = await import(new URL('index.js', distUrl).href);
console.log('LVRESULT ' + JSON.stringify(await lvCheck(difflux)));
