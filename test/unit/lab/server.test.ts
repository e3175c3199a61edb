import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../test/lab/server.ts';
import type { Scenario } from '../../../test/lab/scenarios.ts';

const scenarios: Scenario[] = [
  { id: 'dup', title: 'duplicate ACAO', group: 'g', request: { kind: 'fetch', target: 'api1' },
    response: { status: 201, headers: [['Access-Control-Allow-Origin', '{origin}'], ['access-control-allow-origin', '*']], body: 'hi {id}' },
    expect: { corsError: 'MultipleAllowOriginValues', failedParameter: '' } },
  { id: 'redir', title: 'redirect chain', group: 'g', control: true, request: { kind: 'fetch', target: 'api1' },
    redirects: [{ status: 307, to: { target: 'api2', userinfo: 'u:p' }, headers: [['X-Hop', '0']] }, { to: { target: 'app', path: '/end' } }],
    preflight: { status: 204, headers: [['Access-Control-Allow-Methods', 'PUT']] },
    response: {}, expect: { ok: true } },
];

/** One raw HTTP/1.1 exchange, so header lines are seen exactly as sent. */
function raw(origin: string, request: string): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname, () => sock.write(request));
    let data = '';
    sock.on('data', (c) => (data += c.toString('latin1')));
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
}

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ scenarios });
});
afterAll(async () => {
  await lab.close();
});

describe('lab server', () => {
  it('listens on three distinct loopback origins', () => {
    const { app, api1, api2 } = lab.origins;
    expect(new Set([app, api1, api2]).size).toBe(3);
    for (const o of [app, api1, api2]) expect(o).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('writes headers in order, duplicates as separate lines, placeholders applied, nothing CORS of its own', async () => {
    const text = await raw(lab.origins.api1, 'GET /s/dup/?r=1 HTTP/1.1\r\nHost: x\r\nOrigin: http://o.test\r\nConnection: close\r\n\r\n');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('HTTP/1.1 201 Created');
    expect(lines[1]).toBe(`Access-Control-Allow-Origin: ${lab.origins.app}`);
    expect(lines[2]).toBe('access-control-allow-origin: *');
    expect(text.match(/access-control-/gi)).toHaveLength(2);
    expect(text.endsWith('hi dup')).toBe(true);
  });

  it('builds redirect chains (userinfo, other origin, query kept) and answers preflights', async () => {
    const hop0 = await raw(lab.origins.api1, 'GET /s/redir/?r=7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(hop0).toMatch(/^HTTP\/1.1 307 /);
    const host2 = new URL(lab.origins.api2).host;
    expect(hop0).toContain(`X-Hop: 0\r\nLocation: http://u:p@${host2}/s/redir/_h1/?r=7\r\n`);
    const hop1 = await raw(lab.origins.api2, 'GET /s/redir/_h1/?r=7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(hop1).toContain(`Location: ${lab.origins.app}/s/redir/_h2/end?r=7\r\n`);
    const last = await raw(lab.origins.app, 'GET /s/redir/_h2/end?r=7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(last).toMatch(/^HTTP\/1.1 200 OK/);
    const pre = await raw(lab.origins.api2, 'OPTIONS /s/redir/_h1/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(pre).toMatch(/^HTTP\/1.1 204 [^\r]*\r\nAccess-Control-Allow-Methods: PUT\r\n/);
  });

  it('records every request with raw headers, scenario and hop', async () => {
    const seen = lab.requestsFor('redir');
    expect(seen.map((r) => [r.server, r.method, r.hop])).toEqual([
      ['api1', 'GET', 0],
      ['api2', 'GET', 1],
      ['app', 'GET', 2],
      ['api2', 'OPTIONS', 1],
    ]);
    const dup = lab.requestsFor('dup')[0];
    expect(dup?.headers).toContainEqual({ name: 'Origin', value: 'http://o.test' });
  });

  it('serves the lab page with a button per scenario and the page script', async () => {
    const html = await (await fetch(lab.pageUrl)).text();
    expect(html).toContain('id="run-all"');
    for (const s of scenarios) expect(html).toContain(`id="run-${s.id}"`);
    const js = await (await fetch(lab.origins.app + '/lab.js')).text();
    expect(js).toContain('window.corsightLab');
    const list = (await (await fetch(lab.origins.app + '/scenarios.json')).json()) as Array<{ id: string; url: string }>;
    expect(list.map((s) => s.url)).toEqual([`${lab.origins.api1}/s/dup/`, `${lab.origins.api1}/s/redir/`]);
  });

  it('serves the iframe of iframe-fetch, also under the cross-site host name', async () => {
    const port = new URL(lab.origins.app).port;
    for (const origin of [lab.origins.app, `http://localhost:${port}`]) {
      expect(await (await fetch(origin + '/frame.html')).text()).toContain('<script src="/frame.js"></script>');
      const js = await (await fetch(origin + '/frame.js')).text();
      expect(js).toContain('parent.postMessage({ labFrameReady: true }');
      expect(js).toContain('function doFetch(');
    }
  });
});
