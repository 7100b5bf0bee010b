// Node driver: `node tests/runtimes/node.mjs [entryUrl]`.
// Imports difflux the way a Node user does (run.mjs passes the file package.json's "exports" gives
// Node; run alone, the package's own name is imported, which Node resolves through "exports" too),
// runs the check and prints its result as one `LVRESULT <json>` line for run.mjs to parse. An
// uncaught error exits non-zero with its stack on stderr, which run.mjs reports as the FAIL reason.
import { lvCheck } from './lv-check.js';

const difflux = await import(process.argv[2] ?? 'difflux');
console.log('LVRESULT ' + JSON.stringify(await lvCheck(difflux)));
