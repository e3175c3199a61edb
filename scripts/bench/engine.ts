/**
 * Micro-benchmark of diagnose(): median time of one call over a realistic mix of exchanges.
 * Run: npx tsx scripts/bench/engine.ts   (target: under 5 µs per exchange)
 */
import { diagnose } from '../../src/engine/index.ts';
import type { Exchange, HttpHeader } from '../../src/engine/types.ts';

const PAGE = 'https://app.example.com';
const API = 'https://api.example.com/v1/items?page=2';
const h = (name: string, value: string): HttpHeader => ({ name, value });
const browserHeaders = [
  h('Accept', '*/*'), h('Accept-Language', 'en-US,en;q=0.9'), h('User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0'),
  h('Origin', PAGE), h('Sec-Fetch-Mode', 'cors'), h('Sec-Fetch-Site', 'same-site'), h('Referer', `${PAGE}/`),
];
const okResponse = {
  status: 200,
  headers: [
    h('Content-Type', 'application/json'), h('Content-Length', '512'), h('Date', 'Mon, 01 Jan 2026 00:00:00 GMT'),
    h('Access-Control-Allow-Origin', PAGE), h('Vary', 'Origin'), h('Cache-Control', 'no-store'),
  ],
};
const base = {
  initiatorOrigin: PAGE, mode: 'cors', credentials: 'unknown', redirect: 'follow', source: 'webrequest',
} as const;

const mix: Exchange[] = [
  // ok simple GET
  { ...base, method: 'GET', requestHeaders: browserHeaders, hops: [{ url: API, response: okResponse }], preflight: { kind: 'none' }, outcome: { kind: 'completed' } },
  // ok after preflight
  {
    ...base, method: 'PUT', requestHeaders: [...browserHeaders, h('Content-Type', 'application/json'), h('X-Api-Key', 'k')],
    hops: [{ url: API, response: okResponse }],
    preflight: { kind: 'sent', url: API, requestHeaders: [h('Origin', PAGE), h('Access-Control-Request-Method', 'PUT'), h('Access-Control-Request-Headers', 'content-type,x-api-key')],
      response: { status: 204, headers: [h('Access-Control-Allow-Origin', PAGE), h('Access-Control-Allow-Methods', 'GET, PUT'), h('Access-Control-Allow-Headers', 'Content-Type, X-Api-Key'), h('Access-Control-Max-Age', '600')] } },
    outcome: { kind: 'completed' },
  },
  // blocked preflight (method)
  {
    ...base, method: 'DELETE', requestHeaders: browserHeaders, hops: [{ url: API }],
    preflight: { kind: 'sent', url: API, requestHeaders: [h('Origin', PAGE), h('Access-Control-Request-Method', 'DELETE')],
      response: { status: 204, headers: [h('Access-Control-Allow-Origin', PAGE), h('Access-Control-Allow-Methods', 'GET, POST')] } },
    outcome: { kind: 'failed', error: 'net::ERR_FAILED' },
  },
  // mismatch on the actual response
  {
    ...base, method: 'GET', requestHeaders: browserHeaders,
    hops: [{ url: API, response: { status: 200, headers: [h('Content-Type', 'application/json'), h('Access-Control-Allow-Origin', `${PAGE}/`)] } }],
    preflight: { kind: 'none' }, outcome: { kind: 'failed', error: 'net::ERR_FAILED' },
  },
  // missing ACAO on a 500
  {
    ...base, method: 'POST', requestHeaders: [...browserHeaders, h('Content-Type', 'text/plain')],
    hops: [{ url: API, response: { status: 500, headers: [h('Content-Type', 'text/html')] } }],
    preflight: { kind: 'none' }, outcome: { kind: 'failed', error: 'net::ERR_FAILED' },
  },
  // preflight 401 from auth middleware
  {
    ...base, method: 'GET', requestHeaders: [...browserHeaders, h('Authorization', 'Bearer x')], hops: [{ url: API }],
    preflight: { kind: 'sent', url: API, requestHeaders: [h('Origin', PAGE), h('Access-Control-Request-Method', 'GET'), h('Access-Control-Request-Headers', 'authorization')],
      response: { status: 401, headers: [h('WWW-Authenticate', 'Bearer')] } },
    outcome: { kind: 'failed', error: 'net::ERR_FAILED' },
  },
];

const ROUNDS = 21;
const ITER = 20_000;
const samples: number[] = [];
let sink = 0;
for (let r = 0; r < ROUNDS; r++) {
  const t0 = performance.now();
  for (let i = 0; i < ITER; i++) sink += diagnose(mix[i % mix.length]!).explanation.length;
  const t1 = performance.now();
  samples.push(((t1 - t0) * 1000) / ITER);
}
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)]!;
console.log(`diagnose(): median ${median.toFixed(2)} µs per exchange over ${ROUNDS} rounds of ${ITER} (mix of ${mix.length} exchanges; min ${samples[0]!.toFixed(2)} µs, max ${samples[samples.length - 1]!.toFixed(2)} µs) [${sink > 0 ? 'ok' : '-'}]`);
