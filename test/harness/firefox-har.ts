/**
 * The HAR that Firefox's own DevTools writes for the lab (scripts/record-firefox-har.ts, and
 * test/e2e/cli-har-firefox.test.ts when Firefox is installed).
 *
 * Firefox exports a HAR by itself when DevTools is open and `devtools.netmonitor.har.
 * enableAutoExportToFile` is set: its netmonitor collects from a top-level navigation and writes
 * the file once that page has loaded (HarAutomation). So Firefox (headless, `--devtools`) starts on
 * a local page that navigates to the lab's `/?autorun`, which runs every scenario before its load
 * event. No automation protocol is involved: this is the file "Save All As HAR" gives a user.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Lab } from '../lab/server.ts';
import { findProgram } from './tools.ts';

export interface FirefoxHar {
  /** `Mozilla Firefox 153.8.0esr` */
  version: string;
  har: { log: { pages?: Array<{ title?: string }>; entries: unknown[] } };
  seconds: number;
}

/** Firefox on PATH (Debian: firefox-esr), or undefined. */
export function findFirefox(): string | undefined {
  return findProgram('firefox-esr') ?? findProgram('firefox');
}

export async function recordFirefoxHar(
  firefox: string,
  lab: Lab,
  options: { timeoutMs?: number; onProgress?: (text: string) => void } = {},
): Promise<FirefoxHar> {
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const version = (await promisify(execFile)(firefox, ['--version'], { encoding: 'utf8' })).stdout.trim();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-firefox-har-'));
  const profile = path.join(work, 'profile');
  const harDir = path.join(work, 'har');
  fs.mkdirSync(profile);
  fs.mkdirSync(harDir);
  const prefs: Record<string, string | boolean> = {
    'devtools.netmonitor.har.enableAutoExportToFile': true,
    'devtools.netmonitor.har.defaultLogDir': harDir,
    'devtools.netmonitor.har.defaultFileName': 'lab',
    // Headers are what Corsight reads; bodies would only make the file larger.
    'devtools.netmonitor.har.includeResponseBodies': false,
    'devtools.toolbox.selectedTool': 'netmonitor',
    'browser.shell.checkDefaultBrowser': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingPolicy.firstRun': false,
    'browser.aboutwelcome.enabled': false,
  };
  fs.writeFileSync(
    path.join(profile, 'user.js'),
    Object.entries(prefs)
      .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`)
      .join('\n'),
  );
  // The toolbox needs a moment to open; the export covers the navigation that follows. (Firefox
  // does not run a `data:` start page's navigation; a local page it does.)
  const startPage = `<!doctype html><script>setTimeout(() => { location.href = ${JSON.stringify(lab.pageUrl + '?autorun')}; }, 4000)</script>`;
  const startServer = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(startPage));
  await new Promise<void>((resolve) => startServer.listen(0, '127.0.0.1', resolve));
  const start = `http://127.0.0.1:${(startServer.address() as AddressInfo).port}/`;
  const child = spawn(firefox, ['--headless', '--devtools', '--no-remote', '--profile', profile, start], { stdio: 'ignore' });
  const started = Date.now();
  try {
    const file = await waitForExport(harDir, started, timeoutMs, () => {
      const ids = new Set(lab.requests.map((r) => r.scenarioId).filter(Boolean));
      options.onProgress?.(`${((Date.now() - started) / 1000).toFixed(0)} s: ${lab.requests.length} requests, ${ids.size} scenarios reached`);
    });
    const har = JSON.parse(fs.readFileSync(file, 'utf8')) as FirefoxHar['har'];
    return { version, har, seconds: (Date.now() - started) / 1000 };
  } finally {
    child.kill('SIGTERM');
    startServer.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The exported file, once Firefox has finished writing it (its size stops changing). */
async function waitForExport(dir: string, started: number, timeoutMs: number, progress: () => void): Promise<string> {
  let last = -1;
  while (Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 1000));
    progress();
    const name = fs.readdirSync(dir).find((n) => n.endsWith('.har'));
    if (!name) continue;
    const size = fs.statSync(path.join(dir, name)).size;
    if (size > 0 && size === last) return path.join(dir, name);
    last = size;
  }
  throw new Error(`Firefox wrote no HAR in ${(timeoutMs / 1000).toFixed(0)} s (does its DevTools open in headless mode?)`);
}

/**
 * Whether Firefox's HAR ends a lab scenario's request at a redirect response (its last entry for
 * the scenario's URLs is a 3xx, no error field): Firefox refused to follow it, or the page asked
 * not to, and the file does not say which (measured: which requests end so varies by recording).
 */
export function harEndsAtRedirect(har: FirefoxHar['har'], id: string): boolean {
  const own = har.log.entries.filter((e) => {
    const request = (e as { request?: { url?: string; method?: string } }).request;
    return request?.method !== 'OPTIONS' && (request?.url ?? '').includes(`/s/${id}/`);
  });
  const status = (own.at(-1) as { response?: { status?: number } } | undefined)?.response?.status ?? 0;
  return status >= 300 && status < 400;
}
