/**
 * `corsight har` on a large HAR, in-process: entries stream through in bounded memory (the peak
 * is printed, not asserted), every exchange is judged, exit code 1 when something is blocked.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { runHar } from '../../../src/cli/har-command.ts';
import { PLAIN } from '../../../src/cli/render.ts';

const PAGE = 'https://app.example.com';

/** One DevTools-shaped entry: a GET to the API, allowed (even) or without Allow-Origin (odd). */
function entry(i: number): string {
  const url = `https://api.example.com/items/${i}?page=${i % 7}`;
  const allowed = i % 2 === 0;
  return JSON.stringify({
    startedDateTime: new Date(1_700_000_000_000 + i).toISOString(),
    time: 12,
    request: { method: 'GET', url, httpVersion: 'HTTP/1.1', headers: [{ name: 'Origin', value: PAGE }, { name: 'Accept', value: '*/*' }, { name: 'X-Padding', value: 'x'.repeat(2000) }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: {
      status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1',
      headers: allowed ? [{ name: 'Access-Control-Allow-Origin', value: PAGE }, { name: 'Content-Type', value: 'application/json' }] : [{ name: 'Content-Type', value: 'application/json' }],
      cookies: [], content: { size: 2, mimeType: 'application/json' }, redirectURL: '', headersSize: -1, bodySize: 2,
      ...(allowed ? {} : { _error: 'net::ERR_FAILED' }),
    },
    cache: {}, timings: { send: 0, wait: 10, receive: 2 }, _resourceType: 'fetch',
  });
}

/** The file as a stream of ~64 KB chunks, never built whole. */
async function* harChunks(count: number): AsyncGenerator<string> {
  let buffer = '{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],"entries":[';
  for (let i = 0; i < count; i++) {
    buffer += (i > 0 ? ',' : '') + entry(i);
    if (buffer.length > 64 * 1024) {
      yield buffer;
      buffer = '';
    }
  }
  yield `${buffer}]}}`;
}

describe('corsight har on a large file', () => {
  it('streams 80,000 entries (~200 MB) in bounded memory and judges each', async () => {
    const count = 80_000;
    const lines: string[] = [];
    // What stays reachable, not what awaits collection: a full GC before each sample.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    let peak = 0;
    let samples = 0;
    const base = process.memoryUsage().heapUsed;
    let bytes = 0;
    const exit = await runHar(
      { command: 'har', file: 'big.har', format: 'text', onlyBlocked: true },
      {
        chunks: (async function* () {
          for await (const chunk of harChunks(count)) {
            bytes += Buffer.byteLength(chunk);
            yield chunk;
          }
        })(),
        out: (line) => {
          // Keep the summary and count the blocked headlines only: the test must not hold the output.
          if (line.startsWith('BLOCKED') || /cross-origin requests/.test(line)) lines.push(line.startsWith('BLOCKED') ? 'B' : line);
        },
        err: (line) => lines.push(`ERR ${line}`),
        progress: () => {
          if (samples++ % 8 !== 0) return;
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        },
        style: PLAIN,
      },
    );
    console.log(`corsight har in-process: ${count} entries, ${(bytes / 1024 / 1024).toFixed(1)} MB fed; heap still reachable after a full GC, peak over ${Math.ceil(samples / 8)} samples: ${(peak / 1024 / 1024).toFixed(1)} MB above the start`);
    expect(exit).toBe(1);
    expect(lines.filter((l) => l === 'B')).toHaveLength(count / 2);
    expect(lines.at(-1)).toBe(`${count} cross-origin requests: ${count / 2} blocked, 0 with warnings, ${count / 2} ok (0 same-origin or not HTTP, skipped)`);
  }, 120_000);
});

describe('corsight har: what no single request shows', () => {
  it('prints a server that named two asking origins with credentials after the requests, and as a GitHub warning', async () => {
    const answered = (origin: string, i: number) => ({
      startedDateTime: new Date(1_700_000_000_000 + i).toISOString(),
      time: 5,
      _resourceType: 'fetch',
      request: { method: 'GET', url: `https://api.example.net/me?i=${i}`, headers: [{ name: 'Origin', value: origin }, { name: 'Cookie', value: 'sid=1' }] },
      response: { status: 200, headers: [{ name: 'Access-Control-Allow-Origin', value: origin }, { name: 'Access-Control-Allow-Credentials', value: 'true' }, { name: 'Vary', value: 'Origin' }] },
    });
    const text = JSON.stringify({ log: { entries: [answered('https://app.example.com', 1), answered('https://evil.example', 2)] } });
    const run = async (format: 'text' | 'github') => {
      const out: string[] = [];
      const exit = await runHar({ command: 'har', file: 'two.har', format, onlyBlocked: false }, { chunks: (async function* () { yield text; })(), out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`), style: PLAIN });
      return { exit, out: out.join('\n') };
    };
    const plain = await run('text');
    expect(plain.exit).toBe(0);
    expect(plain.out).toContain('WARNING across requests: echoes-origins-with-credentials');
    expect(plain.out.replace(/\s+/g, ' ')).toContain('corsight check https://api.example.net/ --origin https://app.example.com --probe');
    expect(plain.out.trimEnd().split('\n').at(-1)).toMatch(/^2 cross-origin requests: 0 blocked/);
    const github = await run('github');
    expect(github.out).toMatch(/^::warning file=two\.har,title=CORS echoes-origins-with-credentials::https:\/\/api\.example\.net let 2 different origins/m);
  });
});
