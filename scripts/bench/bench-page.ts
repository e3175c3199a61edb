/**
 * The page the capture benchmarks load (Chrome's capture.ts and Firefox's firefox-capture.ts):
 * `requests` cross-origin fetches at once, every other one with a custom header (preflighted), and
 * `window.__t` set when all have ended. `prelude` runs first.
 */
import type http from 'node:http';

export function benchPageScript(apiOrigin: string, requests: number, prelude = ''): string {
  return `${prelude}
const all = [];
for (let i = 0; i < ${requests}; i++) {
  const u = '${apiOrigin}/r?i=' + i + '&n=' + Math.random();
  all.push(fetch(u, i % 2 ? { headers: { 'x-test': '1' } } : {}).then((r) => r.text()));
}
Promise.all(all).then(() => { window.__t = performance.now(); });`;
}

/** The API those fetches reach: allows any origin and the custom header, caches no preflight. */
export const benchApi: http.RequestListener = (req, res) => {
  res.writeHead(req.method === 'OPTIONS' ? 204 : 200, { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'x-test', 'access-control-max-age': '0' });
  res.end('{"ok":true}');
};
