/**
 * The engine benchmark's exchanges and timing loop, shared by the Node run and the page bundle
 * that times the same loop inside Chromium (scripts/bench/engine.ts). Not a benchmark itself.
 */
import type { Exchange, HttpHeader, Verdict } from '../../src/engine/types.ts';

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

/** Six exchanges: two that pass (one preflighted), four refused at different checks. */
export const ENGINE_MIX: readonly Exchange[] = [
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

/** Rounds run before the measured ones, so that V8 has optimized the engine's functions. */
const WARM_ROUNDS = 3;

/** Exchanges parsed per batch: the worker receives them a few at a time, never 10,000 alive at once. */
const BATCH = 200;

/**
 * Microseconds per call of `engineEntry` (judge() or diagnose()), one figure per round. Each round
 * judges fresh copies of the mix, parsed from JSON as the worker receives exchanges in messages,
 * in batches of BATCH made before the clock runs for them, so no call reuses an object an earlier
 * one warmed. The first WARM_ROUNDS rounds warm the JIT and are not returned: with one, the
 * figures moved by half from run to run on a busy 2-core machine (optimizing still under way).
 */
export function timeEngine(engineEntry: (exchange: Exchange) => Verdict, rounds: number, perRound: number): number[] {
  const texts = ENGINE_MIX.map((exchange) => JSON.stringify(exchange));
  const samples: number[] = [];
  let sink = 0;
  for (let round = 0; round < WARM_ROUNDS + rounds; round++) {
    let elapsed = 0;
    for (let done = 0; done < perRound; done += BATCH) {
      const batch: Exchange[] = [];
      for (let i = done; i < done + BATCH; i++) batch.push(JSON.parse(texts[i % texts.length]!) as Exchange);
      const t0 = performance.now();
      for (const exchange of batch) sink += engineEntry(exchange).headline.length;
      elapsed += performance.now() - t0;
    }
    if (round >= WARM_ROUNDS) samples.push((elapsed * 1000) / perRound);
  }
  // Every verdict has a headline: a zero sum would mean the loop measured nothing.
  if (sink === 0) throw new Error('the engine returned no headline: the benchmark measured nothing');
  return samples;
}
