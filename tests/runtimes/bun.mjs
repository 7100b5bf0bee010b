// Bun driver: `bun tests/runtimes/bun.mjs [entryUrl]`.
// Same job as node.mjs; kept as its own file so each runtime has an entry point run by that runtime
// alone (Bun resolves and loads the library with its own loader, not Node's).
import { lvCheck } from './lv-check.js';

const difflux = await import(Bun.argv[2] ?? 'difflux');
console.log('LVRESULT ' + JSON.stringify(await lvCheck(difflux)));
