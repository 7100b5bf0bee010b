// Bun driver: `bun tests/runtimes/bun.mjs [distDirUrl]`.
// Same job as node.mjs; kept as its own file so each runtime has an entry point that is run by
// that runtime alone (Bun resolves and loads dist/index.js with its own loader, not Node's).
import { lvCheck } from './lv-check.js';

const distUrl = new URL(Bun.argv[2] ?? '../../dist/', import.meta.url);
const difflux = await import(new URL('index.js', distUrl).href);
console.log('LVRESULT ' + JSON.stringify(await lvCheck(difflux)));
