// Tiny static HTTP server for the Chromium driver (Node only; never imported by a browser).
//
// Why not file:// pages: Chromium refuses ES module imports and fetch() from file:// origins, and
// WebAssembly.compileStreaming needs a real `application/wasm` response. So we serve from
// 127.0.0.1 on a port the OS picks (listen(0): no race with other processes, no fixed port).

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // required by compileStreaming/instantiateStreaming
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

// The page the check runs in. Its Content-Security-Policy is the strictest one difflux is meant to
// work under (see runtimes.md: browsers need 'wasm-unsafe-eval' for any WASM compile): scripts and
// fetches from our own origin only, no 'unsafe-eval'. A library that slipped an eval/new Function
// into the browser path would fail here rather than on a user's page.
export const BLANK_PATH = '/__runtimes__/blank.html';
const BLANK_HTML = '<!doctype html><meta charset="utf-8"><title>difflux runtime check</title>\n';
const BLANK_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

/**
 * Serve `mounts` ({ '/url/prefix/': '/abs/dir', ... }; longest prefix wins) on 127.0.0.1.
 * Resolves to { origin, close() }.
 */
export async function startStaticServer(mounts) {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix, resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);

  const server = createServer(async (req, res) => {
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
      res.end(body);
    };
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
      // Chromium asks for a favicon on every page; answer it so no 404 clutters failure logs.
      if (path === '/favicon.ico') return send(204, 'image/x-icon', '');
      if (path === BLANK_PATH) {
        return send(200, CONTENT_TYPES['.html'], BLANK_HTML, { 'content-security-policy': BLANK_CSP });
      }
      const mount = table.find(([prefix]) => path.startsWith(prefix));
      if (!mount) return send(404, 'text/plain', 'not found');
      const [prefix, dir] = mount;
      const file = resolve(dir, '.' + sep + path.slice(prefix.length));
      // Refuse anything that escapes the mounted directory (../ tricks).
      if (file !== dir && !file.startsWith(dir + sep)) return send(403, 'text/plain', 'forbidden');
      if (!(await stat(file)).isFile()) return send(404, 'text/plain', 'not found');
      const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
      send(200, type, await readFile(file));
    } catch (err) {
      send(err?.code === 'ENOENT' ? 404 : 500, 'text/plain', String(err?.message ?? err));
    }
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.(); // keep-alive sockets would otherwise hold close() open
        server.close(() => ok());
      }),
  };
}
