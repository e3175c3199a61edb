/**
 * `corsight check` against the lab's real servers: for every plain fetch scenario (cors mode,
 * followed redirects, no cache or preflight-cache tricks, headers set by the page), what a
 * browser at the lab page's origin would send is sent, and the verdict must be Chromium's (the
 * scenario's `expect`, which test/e2e/conformance.test.ts checks against Chromium's own report).
 * No browser here: the point is that the command does what the browser does.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/cli/check-command.ts';
import { nodeSend } from '../../src/cli/http.ts';
import { engineVerdict, formatVerdict } from '../conformance/harness.ts';
import { SCENARIOS, resolvedExpect, scenarioUrl, type Scenario } from '../lab/scenarios.ts';
import { startLab, type Lab } from '../lab/server.ts';

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.close();
});

/** A scenario a command line can reproduce: a cors-mode fetch with no page-side features. */
function checkable(s: Scenario): boolean {
  const r = s.request;
  return r.kind === 'fetch' && (r.mode ?? 'cors') === 'cors' && (r.redirect ?? 'follow') === 'follow' && !r.cache && !r.again && !r.url && !r.targetAddressSpace && !s.lna && !r.readHeader && !s.conditional && r.target !== 'app';
}

describe('corsight check', () => {
  it("gives Chromium's verdict for every plain fetch scenario of the lab, redirect chains included", async () => {
    lab = await startLab();
    const l = lab;
    const scenarios = SCENARIOS.filter(checkable);
    let agree = 0;
    const disagree: string[] = [];
    let redirected = 0;
    for (const s of scenarios) {
      const e = resolvedExpect(s, l.origins);
      const chromium = 'ok' in e ? 'ok' : 'corsError' in e ? formatVerdict({ kind: 'cors', corsError: e.corsError, failedParameter: e.failedParameter }) : 'net';
      const url = `${scenarioUrl(s, l.origins)}${scenarioUrl(s, l.origins).includes('?') ? '&' : '?'}r=check-${s.id}`;
      const { diagnosis, exchange } = await runCheck(
        { url, origin: l.origins.app, method: s.request.method ?? 'GET', headers: (s.request.headers ?? []).map(([name, value]) => ({ name, value })), credentials: s.request.credentials === 'include', ...(s.request.body !== undefined ? { body: s.request.body } : {}) },
        nodeSend,
      );
      if (exchange.hops.length > 1) redirected++;
      const mine = formatVerdict(engineVerdict(diagnosis));
      // A plain network failure in Chromium (no CORS code) is not asked of the engine.
      if (mine === chromium || (chromium === 'net' && mine !== 'ok')) agree++;
      else disagree.push(`${s.id}: chromium ${chromium}, corsight check ${mine}`);
    }
    console.log(`corsight check: ${scenarios.length} lab scenarios (${redirected} redirected): ${agree} agree, ${disagree.length} disagree`);
    for (const d of disagree) console.log(`  DISAGREE ${d}`);
    expect(disagree).toEqual([]);
    expect(redirected).toBeGreaterThan(10);
  }, 120_000);

  it('as a command: the verdict, exit 1 when blocked, 0 when it passes, 2 with one line when the server is not there', async () => {
    const l = (lab ??= await startLab());
    const root = path.resolve(__dirname, '../..');
    // Asynchronous: the lab's servers run in this process and must answer meanwhile.
    const corsight = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/node.ts'), 'check', ...args], { cwd: root, encoding: 'utf8' }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
        });
      });
    const blocked = await corsight(`${l.origins.api1}/s/fetch-custom-header-denied/?r=cli`, '--origin', l.origins.app, '-H', 'X-Custom-Header: 1', '--stack', 'nginx');
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/^BLOCKED GET /);
    expect(blocked.stdout).toContain('HeaderDisallowedByPreflightResponse (x-custom-header)');
    expect(blocked.stdout).toContain('Access-Control-Request-Headers: x-custom-header');
    expect(blocked.stdout).toMatch(/nginx \(/);
    const ok = await corsight(`${l.origins.api1}/s/fetch-get-acao-ok/?r=cli`, '--origin', l.origins.app);
    expect([ok.code, ok.stdout.split('\n')[0]]).toEqual([0, `OK GET ${l.origins.api1}/s/fetch-get-acao-ok/?r=cli`]);
    // A port nothing listens on: the lab's own port after it closed would race; port 9 (discard) is not served here.
    const refused = await corsight('http://127.0.0.1:9/x', '--origin', l.origins.app);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe('corsight: connection refused by 127.0.0.1:9: is the server running?');
    const usage = await corsight('ftp://example.com/x', '--origin', l.origins.app);
    expect([usage.code, usage.stderr.trim()]).toEqual([2, 'corsight: "ftp://example.com/x": only http and https URLs can be checked']);
  }, 60_000);
});
