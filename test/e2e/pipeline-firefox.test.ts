/**
 * The Firefox build in real Firefox (Debian's firefox-esr over WebDriver BiDi), judged by Firefox:
 * the lab corpus runs in a tab the extension captures with webRequest, twice: asked for with
 * capture/start (DevTools closed), and with DevTools open on the tab, where asking for the tab's
 * report starts it (Firefox's DevTools network log misses refused requests: shared/platform.ts).
 * For every scenario the Firefox verdict in the tab's report (read through the test
 * build's bridge) must equal Firefox's own, read from its console ("Cross-Origin Request Blocked:
 * ... (Reason: ...)"), or, when Firefox refused the call with no CORS message, be a refusal
 * without a reason. Skipped, with the reason, when Firefox is not installed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TabReport } from '../../src/store/report.ts';
import { askWorker, findFirefox, FIREFOX_EXTENSION_DIR, launchFirefox, needsFirefox, type LaunchedFirefox } from '../harness/firefox.ts';
import { firefoxVerdictOfRun, watchFirefoxCorsConsole } from '../harness/firefox-oracle.ts';
import { SCENARIOS } from '../lab/scenarios.ts';
import { startLab, type Lab } from '../lab/server.ts';

const FIREFOX = findFirefox();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Scenarios whose Firefox verdict the capture cannot show, with the reason (Firefox 153 ESR). */
const KNOWN: Record<string, string> = {
  'fetch-get-acao-twice':
    'two Access-Control-Allow-Origin lines: Firefox names that CORSMultipleAllowOriginNotAllowed, one line listing two origins CORSAllowOriginNotMatchingOrigin, and its webRequest joins repeated lines into one value with ", ", so the capture cannot tell the two apart',
  'redirect-to-ftp':
    'Firefox\'s webRequest reports the 302 to ftp: and then nothing (no onCompleted, no onErrorOccurred): the request never ends in the capture',
  'redirect-mode-error':
    'Firefox\'s webRequest ends a fetch with redirect: "error" at its 302 as completed (Chromium: an error); which redirect mode the page used needs the request context, which a tab gets when diagnosed before it loads',
};

/** What a verdict looks like on both sides: a reason name, `refused (no reason)`, or `ok`. */
type Seen = string;

function corsightVerdict(entry: TabReport['entries'][number] | undefined): Seen {
  if (!entry) return 'no exchange';
  if (entry.status !== 'blocked') return 'ok';
  return entry.diagnosis.firefoxReason ?? 'refused (no reason)';
}

let lab: Lab | undefined;
let firefox: LaunchedFirefox | undefined;
afterAll(async () => {
  await firefox?.close();
  await lab?.close();
});

async function runFirefoxPipeline(mode: 'webrequest' | 'devtools-open'): Promise<void> {
  lab ??= await startLab({ scenarios: SCENARIOS });
  firefox = await launchFirefox({ executablePath: FIREFOX, extensionDir: FIREFOX_EXTENSION_DIR, ...(mode === 'devtools-open' ? { args: ['--devtools'] } : {}) });
  try {
    // --devtools opens DevTools on the first tab only.
    const page = mode === 'devtools-open' ? (await firefox.browser.pages())[0]! : await firefox.browser.newPage();
    const console_ = watchFirefoxCorsConsole(page);
    await page.goto(lab.pageUrl);
    if (mode === 'webrequest') {
      const { capture } = await askWorker(page, { type: 'capture/start', reload: false });
      expect(capture.webRequest).toBe(true);
    } else {
      // The DevTools page announces itself; the report (as the panel or popup asks it) starts the capture.
      for (let i = 0; i < 50 && !(await askWorker(page, { type: 'debug/state' })).devtoolsTabs.length; i++) await sleep(200);
      const { capture } = await askWorker(page, { type: 'tab/report' });
      expect(capture).toMatchObject({ devtools: true, webRequest: true });
    }
    const runs = (await page.evaluate('window.corsightLab.ready.then(() => window.corsightLab.runAll())')) as Array<{ id: string; url: string; ok: boolean }>;
    expect(runs).toHaveLength(lab.scenarios.length);
    // Every request has ended in the page; the worker's last events may still be on their way.
    let report = await askWorker(page, { type: 'tab/report' });
    for (let i = 0; i < 20; i++) {
      await sleep(250);
      const next = await askWorker(page, { type: 'tab/report' });
      if (next.entries.length === report.entries.length && i > 2) break;
      report = next;
    }
    report = await askWorker(page, { type: 'tab/report' });
    const byUrl = new Map<string, TabReport['entries']>();
    for (const e of report.entries) byUrl.set(e.url, [...(byUrl.get(e.url) ?? []), e]);

    let agree = 0;
    const problems: string[] = [];
    const known: string[] = [];
    for (const run of runs) {
      // Refused with no CORS message: the request's own options (mode, redirect mode).
      const said = firefoxVerdictOfRun(console_.verdicts, run);
      const theirs: Seen = said.seen;
      const entry = byUrl.get(run.url)?.at(-1);
      const sameOrigin = run.url.startsWith(lab.origins.app + '/') && !entry;
      const ours: Seen = sameOrigin ? 'ok' : corsightVerdict(entry);
      const ok = ours === theirs;
      const reason = KNOWN[run.id];
      if (ok && !reason) agree++;
      else if (reason) known.push(`${run.id}: ${ok ? 'AGREES NOW' : `firefox ${theirs}, corsight ${ours}`} (${reason})`);
      else problems.push(`${run.id}: firefox ${theirs}${said.param !== undefined ? `(${said.param})` : ''}, corsight ${ours}${entry?.corsError ? ` [chromium ${entry.corsError}]` : ''}`);
    }
    console.log(`pipeline (firefox, ${mode}): ${firefox.version}, ${runs.length} scenarios, ${console_.verdicts.length} CORS console messages, ${report.entries.length} exchanges`);
    console.log(`pipeline (firefox): ${agree} agree, ${problems.length} disagree (${known.length} known: ${Object.keys(KNOWN).length} listed)`);
    for (const k of known) console.log(`  known ${k}`);
    for (const p of problems) console.log(`  DISAGREE ${p}`);
    // Firefox ends a refused response as a completed 200: that is no contradiction of the headers.
    const mismatched = report.entries.filter((e) => e.findingIds.includes('outcome-mismatch')).map((e) => e.url);
    console.log(`pipeline (firefox, ${mode}): exchanges with outcome-mismatch: ${mismatched.length}`);
    expect(mismatched).toEqual([]);
    expect(console_.unparsed, 'Firefox CORS messages this oracle cannot read').toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await firefox.close();
    firefox = undefined;
  }
}

describe.skipIf(!FIREFOX)(needsFirefox('pipeline (firefox)'), () => {
  it('DevTools closed, capture/start: the Firefox build gives Firefox\'s own verdict for every scenario', () => runFirefoxPipeline('webrequest'), 240_000);
  it('DevTools open: the report starts a webRequest capture, and the verdicts are Firefox\'s again', () => runFirefoxPipeline('devtools-open'), 240_000);
});
