// bench/RESULTS.md is written by several scripts, each owning numbered sections ("## 3. …").
// Each replaces only its own part, so running one script leaves the others' numbers alone.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

// BENCH_RESULTS=FILE sends the sections to another file (to try a script on a copy).
const path = process.env.BENCH_RESULTS ? resolve(process.env.BENCH_RESULTS) : new URL('../RESULTS.md', import.meta.url);
const read = () => (existsSync(path) ? readFileSync(path, 'utf8') : '');
/** Offsets of the numbered section headings: [{ at, number }]. */
const headings = (text) => [...text.matchAll(/^## (\d+)\. /gm)].map((m) => ({ at: m.index, number: Number(m[1]) }));
const tidy = (s) => s.replace(/\n+$/, '\n');

/** Replaces section `number` (its heading up to the next numbered heading), or puts it in order. */
export function writeSection(number, md) {
  const text = read();
  const hs = headings(text);
  const own = hs.find((h) => h.number === number);
  const after = hs.find((h) => h.number > number);
  const start = own ? own.at : after ? after.at : text.length;
  const end = after ? after.at : text.length;
  const before = tidy(text.slice(0, start));
  const rest = text.slice(end);
  writeFileSync(path, `${before}\n${md.trim()}\n${rest ? `\n${rest}` : ''}`);
}

/** Replaces everything before the first section numbered `from` or above (the file's head). */
export function writeHead(md, from) {
  const text = read();
  const next = headings(text).find((h) => h.number >= from);
  writeFileSync(path, `${tidy(md)}${next ? `\n${text.slice(next.at)}` : ''}`);
}
