/**
 * `corsight check --probe` against real servers built with the policies that trust too much:
 * each finds what its policy trusts, with the right severity, and nothing on a correct server.
 * The verdict per probe is the engine's (the browser's rules), so "trusted" means a page at that
 * origin could read the response in Chromium.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheckCommand } from '../../src/cli/check-run.ts';
import { nodeSend } from '../../src/cli/http.ts';
import { runProbes } from '../../src/cli/probe.ts';
import { PLAIN } from '../../src/cli/render.ts';

const PAGE = 'https://app.example.com';
const HOST = 'app.example.com';

/** Policies as found in the wild: which Origin gets Allow-Origin (and credentials). */
const POLICIES: Record<string, (origin: string) => boolean> = {
  reflect: () => true,
  'starts-with': (o) => o.startsWith(PAGE),
  'ends-with': (o) => o.endsWith(HOST),
  'allows-null': (o) => o === PAGE || o === 'null',
  'scheme-blind': (o) => o.replace(/^https?:/, '') === PAGE.replace(/^https?:/, ''),
  'unescaped-regex': (o) => /^https:\/\/app.example.com$/.test(o),
  'any-subdomain': (o) => o === PAGE || (o.startsWith('https://') && o.endsWith(`.${HOST}`)),
  exact: (o) => o === PAGE,
};

const servers: http.Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

async function serve(policy: (origin: string) => boolean, credentials: boolean): Promise<string> {
  const server = http.createServer((req, res) => {
    const origin = req.headers.origin;
    const headers: Record<string, string> = { vary: 'Origin' };
    if (typeof origin === 'string' && policy(origin)) {
      headers['access-control-allow-origin'] = origin;
      if (credentials) headers['access-control-allow-credentials'] = 'true';
    }
    res.writeHead(req.method === 'OPTIONS' ? 204 : 200, headers);
    res.end(req.method === 'OPTIONS' ? undefined : 'ok');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

describe('corsight check --probe', () => {
  it('finds reflection, prefix, suffix, null, http trust, an unescaped dot and subdomains, and nothing on an exact list', async () => {
    const found: Record<string, string[]> = {};
    for (const [name, policy] of Object.entries(POLICIES)) {
      const url = await serve(policy, true);
      const results = await runProbes({ url, origin: PAGE, method: 'GET', headers: [] }, nodeSend);
      found[name] = results.filter((r) => r.severity === 'high').map((r) => r.kind);
      // Every server here allows credentials with what it trusts: each finding is high.
      expect(results.filter((r) => r.severity === 'medium'), name).toEqual([]);
    }
    console.log(`probe findings: ${JSON.stringify(found)}`);
    expect(found).toEqual({
      reflect: ['unrelated', 'null', 'prefix', 'suffix', 'subdomain', 'unescaped-dot', 'http'],
      'starts-with': ['prefix'],
      // An "ends with the host" check is blind to the scheme too.
      'ends-with': ['suffix', 'subdomain', 'http'],
      'allows-null': ['null'],
      'scheme-blind': ['http'],
      'unescaped-regex': ['unescaped-dot'],
      'any-subdomain': ['subdomain'],
      exact: [],
    });
  }, 60_000);

  it('without credentials the same trust is medium, * is public, and a preflighted request is probed with its preflight', async () => {
    const reflectNoCred = await serve(() => true, false);
    const results = await runProbes({ url: reflectNoCred, origin: PAGE, method: 'PUT', headers: [{ name: 'X-Api-Key', value: 'k' }] }, nodeSend);
    // The server allows no method or header in its preflight: PUT is refused from every origin.
    expect(results.every((r) => r.severity === 'none')).toBe(true);
    const get = await runProbes({ url: reflectNoCred, origin: PAGE, method: 'GET', headers: [] }, nodeSend);
    expect(new Set(get.map((r) => r.severity))).toEqual(new Set(['medium']));

    const star = http.createServer((_req, res) => {
      res.writeHead(200, { 'access-control-allow-origin': '*' });
      res.end('public');
    });
    servers.push(star);
    await new Promise<void>((resolve) => star.listen(0, '127.0.0.1', resolve));
    const publicApi = `http://127.0.0.1:${(star.address() as AddressInfo).port}/`;
    const lines: string[] = [];
    const exit = await runCheckCommand({ command: 'check', url: publicApi, origin: PAGE, method: 'GET', headers: [], credentials: false, format: 'text', probe: true }, nodeSend, { out: (l) => lines.push(l), style: PLAIN });
    expect(exit).toBe(0);
    expect(lines[0]).toMatch(/^Probing sends requests with Origin headers of sites that are not yours/);
    expect(lines.filter((l) => l.includes('public (*, no credentials)')).length).toBe(7);
    expect(lines.at(-1)).toBe('None of the probes was trusted.');
  }, 60_000);
});
