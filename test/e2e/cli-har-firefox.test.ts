/**
 * `corsight har` on the HAR that Firefox's own DevTools writes for the lab (no `_initiator`, no
 * `_resourceType`, no `_error`; preflights listed after the request they guard; a CORS-refused
 * response as a plain 200; a request that got no response as status 0). Recorded live when
 * Firefox is installed (test/harness/firefox-har.ts, ~15 s), else the file recorded by
 * scripts/record-firefox-har.ts. The judge is Chromium: the same scenarios run in real Chromium in
 * this test, its verdicts read over CDP.
 *
 * The file shows what Firefox sent, so a verdict can differ from Chromium's only where Firefox's
 * traffic differs from what Chromium sends, or where the file records no reason; each such
 * scenario is listed below with the difference, measured on Firefox 153 ESR.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedById } from '../conformance/expectations.ts';
import { formatVerdict, startRunner } from '../conformance/harness.ts';
import { findFirefox, harEndsAtRedirect, recordFirefoxHar, type FirefoxHar } from '../harness/firefox-har.ts';
import { labScenarioOf } from '../harness/firefox-oracle.ts';
import { SCENARIOS, type LabOrigins } from '../lab/scenarios.ts';
import { startLab } from '../lab/server.ts';
import type { TabReport } from '../../src/store/report.ts';

const root = path.resolve(__dirname, '../..');
const FIXTURE = path.join(root, 'test/fixtures/lab-firefox.har');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-cli-firefox-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Where Firefox's traffic is not Chromium's, or its file cannot say (Firefox 153 ESR). */
const FIREFOX_DIFFERS: Record<string, string> = {
  // Chromium's safelist has the client hints (dpr, width, viewport-width, device-memory, rtt,
  // downlink, ect, save-data); Firefox's has not, so Firefox preflighted and the lab's answer,
  // which allows no header, refused it.
  'safelist-ch-dpr': 'Firefox preflighted a client hint',
  'safelist-ch-width': 'Firefox preflighted a client hint',
  'safelist-ch-viewport-width': 'Firefox preflighted a client hint',
  'safelist-ch-device-memory': 'Firefox preflighted a client hint',
  'safelist-ch-rtt': 'Firefox preflighted a client hint',
  'safelist-ch-downlink': 'Firefox preflighted a client hint',
  'safelist-ch-ect': 'Firefox preflighted a client hint',
  'safelist-ch-save-data': 'Firefox preflighted a client hint',
  'safelist-total-1024': 'Firefox preflighted a client hint',
  // The second request found no entry in Firefox's preflight cache: it sent a second OPTIONS,
  // which the lab answers without CORS headers.
  'preflight-cache-hit': 'Firefox preflighted again where Chromium used its cache',
  'preflight-cache-star-method': 'Firefox preflighted again where Chromium used its cache',
  // After the cross-origin redirect Firefox preflighted the target with the page's Origin (Chromium:
  // `null`), which the lab allows.
  'redirect-after-preflight-second-denied': 'Firefox sent the redirect target\'s preflight with the page\'s Origin',
  // Chromium names the first refused header in its header map's order, which depends on the
  // headers Chromium adds itself (sec-ch-ua...) and Firefox does not send.
  'safelist-order-four': 'the first refused header depends on headers Chromium adds',
  'safelist-xhr-order-four-c-first': 'the first refused header depends on headers Chromium adds',
  'safelist-xhr-order-four-a-first': 'the first refused header depends on headers Chromium adds',
  'redirect-order-after-same-origin-hop': 'the first refused header depends on headers Chromium adds',
  // Refused in the renderer: the file has the request at status 0 and no reason.
  'same-origin-mode-cross': 'no reason in the file',
  'no-cors-redirect-manual': 'no reason in the file',
};

function corsight(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/node.ts'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * A verdict with the run's ports as placeholders (two runs listen on different ports, and a
 * parameter may name a variant of an origin: `HTTP://127.0.0.1:P`, `http://localhost:P`).
 */
function portable(verdict: string, origins: LabOrigins): string {
  let out = verdict;
  for (const [name, origin] of Object.entries(origins)) out = out.replace(new RegExp(`:${new URL(origin).port}(?!\\d)`, 'g'), `:{${name}}`);
  return out;
}

/** The lab's origins in a Firefox HAR: the page is the app; a scenario's first URL names its server. */
function originsOf(har: FirefoxHar['har']): LabOrigins {
  const urls = har.log.entries.map((e) => (e as { request?: { url?: string } }).request?.url ?? '');
  const serverOf = (target: 'api1' | 'api2') => {
    for (const s of SCENARIOS) {
      if (s.request.target !== target || s.request.url) continue;
      const url = urls.find((u) => u.includes(`/s/${s.id}/`));
      if (url) return new URL(url).origin;
    }
    throw new Error(`no ${target} scenario in the HAR`);
  };
  return { app: new URL(har.log.pages?.[0]?.title ?? '').origin, api1: serverOf('api1'), api2: serverOf('api2') };
}


const scenarios = SCENARIOS.filter((s) => !s.lna);
const chromium = new Map<string, string>();

describe('corsight har on a HAR exported by Firefox DevTools', () => {
  beforeAll(async () => {
    const runner = await startRunner(scenarios, { tabs: 4, requestContext: false });
    try {
      for (const r of await runner.run(scenarios)) chromium.set(r.scenario.id, portable(formatVerdict(r.chromium), runner.lab.origins));
    } finally {
      await runner.close();
    }
  }, 240_000);

  it('gives Chromium\'s verdict wherever Firefox sent what Chromium sends', async () => {
    const firefox = findFirefox();
    let recorded: FirefoxHar;
    if (firefox) {
      const lab = await startLab();
      try {
        recorded = await recordFirefoxHar(firefox, lab);
      } finally {
        await lab.close();
      }
    } else {
      recorded = { version: 'recorded file (firefox-esr not on PATH)', har: JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as FirefoxHar['har'], seconds: 0 };
    }
    const file = path.join(dir, 'firefox.har');
    fs.writeFileSync(file, JSON.stringify(recorded.har));
    const origins = originsOf(recorded.har);

    const run = corsight('har', file, '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as TabReport;
    const lastById = new Map<string, TabReport['entries'][number]>();
    for (const e of report.entries) {
      const id = labScenarioOf(e.url);
      if (id) lastById.set(id, e);
    }
    let agree = 0;
    const stale: string[] = [];
    const differs: string[] = [];
    const endsAtRedirects: string[] = [];
    const disagree: string[] = [];
    for (const s of scenarios) {
      const entry = lastById.get(s.id);
      const theirs = chromium.get(s.id);
      if (!entry || theirs === undefined) continue;
      const mine = entry.status === 'blocked' ? portable(formatVerdict({ kind: 'cors', corsError: entry.corsError ?? 'blocked', failedParameter: entry.failedParameter ?? '' }), origins) : 'ok';
      // A failure Chromium names without a CORS code is not the engine's to name (as in conformance).
      if (mine === theirs || (mine === 'ok' && !/^[A-Z]/.test(theirs))) {
        agree++;
        if (s.id in FIREFOX_DIFFERS) stale.push(s.id);
      }
      else if (s.id in FIREFOX_DIFFERS) differs.push(s.id);
      else if (harEndsAtRedirect(recorded.har, s.id)) endsAtRedirects.push(s.id);
      else if (!expectedById.has(s.id)) disagree.push(`${s.id}: chromium ${theirs}, corsight ${mine}`);
    }
    console.log(
      `corsight har (Firefox DevTools HAR, ${recorded.version}${recorded.seconds ? `, recorded in ${recorded.seconds.toFixed(0)} s` : ''}): ` +
        `${lastById.size} scenarios shown, ${agree} agree with Chromium, ${differs.length} where Firefox's traffic or file differs (listed), ` +
        `${endsAtRedirects.length} where the file ends at a redirect with no error (${endsAtRedirects.join(', ')}), ${disagree.length} disagree`,
    );
    // Firefox writes a refused response as a plain 200: no contradiction with its failing headers.
    const mismatched = report.entries.filter((e) => e.findingIds.includes('outcome-mismatch')).length;
    console.log(`corsight har (Firefox DevTools HAR): ${report.entries.filter((e) => e.status === 'blocked').length} blocked, ${mismatched} with outcome-mismatch`);
    expect(mismatched).toBe(0);
    expect(disagree).toEqual([]);
    expect(stale, 'listed as differing, but agree now').toEqual([]);
    // Firefox's file shows nearly the whole lab, and most of it exactly as Chromium decided.
    expect(lastById.size).toBeGreaterThan(scenarios.length * 0.9);
    expect(agree).toBeGreaterThan(lastById.size * 0.9);
  }, 240_000);
});
