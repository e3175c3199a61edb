/**
 * Conformance with Firefox as the judge (`npm run conformance -- --browser firefox`): every lab
 * scenario Firefox can run, twice in real Firefox ESR on the same lab servers. Once with its
 * DevTools open, exporting the HAR Firefox's own network monitor writes (test/harness/
 * firefox-har.ts): the engine's input, read by the same importer as `corsight har`. Once over
 * WebDriver BiDi, reading Firefox's verdicts from its console (test/harness/firefox-oracle.ts).
 * Corsight's Firefox verdict (engine/firefox.ts on diagnose()) must equal Firefox's own.
 */
import { HarFileImport } from '../../src/capture/har/import.ts';
import { diagnose } from '../../src/engine/diagnose.ts';
import { firefoxVerdict } from '../../src/engine/firefox.ts';
import { isRedirectStatus } from '../../src/engine/fetch.ts';
import { FAILED_WITHOUT_REASON } from '../../src/engine/replay.ts';
import type { Exchange } from '../../src/engine/types.ts';
import { findFirefox, launchFirefox } from '../harness/firefox.ts';
import { recordFirefoxHar } from '../harness/firefox-har.ts';
import { firefoxVerdictOf, watchFirefoxCorsConsole } from '../harness/firefox-oracle.ts';
import type { Scenario } from '../lab/scenarios.ts';
import { startLab } from '../lab/server.ts';

/**
 * Where the engine, given Firefox's own HAR, cannot give Firefox's verdict, with the reason. Each
 * is explained in docs/conformance.md ("Firefox").
 */
export const FIREFOX_EXPECTED: Readonly<Record<string, string>> = {
  'scheme-ftp': 'Firefox refuses a fetch of an ftp: URL before the network and its HAR has no entry for it',
};

/**
 * What Firefox's HAR cannot say, read from the file itself (not listed per scenario; how often
 * varies between recordings): a request it ends at a redirect response with no error (Firefox
 * refused to follow it, or the page asked not to), and one at status 0 with no error field.
 */
function fileCannotTell(exchange: Exchange | undefined): string | undefined {
  if (!exchange) return undefined;
  if (exchange.outcome.kind === 'failed' && exchange.outcome.error === FAILED_WITHOUT_REASON) return 'the file records status 0 and no reason';
  const last = exchange.hops.at(-1)?.response;
  if (exchange.outcome.kind === 'completed' && last && isRedirectStatus(last.status)) return `the file ends at the ${last.status} redirect with no error`;
  return undefined;
}

/**
 * Firefox's console messages about a dedicated worker's requests do not reach WebDriver BiDi's
 * log of the page (measured, Firefox 153 ESR): a worker request refused with no message seen has
 * no Firefox verdict to compare with.
 */
const CONSOLE_UNSEEN_KINDS: ReadonlySet<string> = new Set(['worker-fetch']);

/** A verdict as both sides state it: a Firefox reason name, `refused (no reason)`, or `ok`. */
export type FirefoxSeen = string;

export interface FirefoxCase {
  id: string;
  firefox: FirefoxSeen;
  /** The value Firefox's message names, when it names one. */
  firefoxParam?: string;
  corsight: FirefoxSeen;
  agree: boolean;
  /** Firefox refused it but its message did not reach the oracle (CONSOLE_UNSEEN_KINDS): not judged. */
  unjudged?: true;
  /** What the file does not show (fileCannotTell), when the verdicts differ because of it. */
  fileCannotTell?: string;
  /** Why a disagreement is accepted (FIREFOX_EXPECTED). */
  expected?: string;
  exchange?: Exchange;
}

export interface FirefoxConformance {
  version: string;
  cases: FirefoxCase[];
  /** Firefox's messages this oracle could not read (must be none). */
  unparsed: string[];
  seconds: { har: number; console: number };
}

function scenarioOf(url: string): string | undefined {
  return /\/s\/([A-Za-z0-9_.-]+)/.exec(url)?.[1];
}

function corsightSeen(exchange: Exchange | undefined): FirefoxSeen {
  if (!exchange) return 'no exchange';
  const verdict = firefoxVerdict(exchange, diagnose(exchange));
  if (verdict.kind === 'refused') return verdict.reason;
  if (verdict.kind === 'refused-without-reason') return 'refused (no reason)';
  if (verdict.kind === 'chromium-only') return `chromium-only ${verdict.corsError}`;
  return 'ok';
}

export async function runFirefoxConformance(scenarios: readonly Scenario[], options: { onProgress?: (text: string) => void } = {}): Promise<FirefoxConformance> {
  const executable = findFirefox();
  if (!executable) throw new Error('Firefox is not installed: apt-get install firefox-esr (npm run install:servers installs it).');
  const lab = await startLab({ scenarios });
  try {
    // 1. The engine's input: the HAR Firefox's DevTools write for the whole lab.
    const recorded = await recordFirefoxHar(executable, lab, { onProgress: options.onProgress });
    const lastById = new Map<string, Exchange>();
    const importer = new HarFileImport((exchange) => {
      const id = scenarioOf(exchange.hops[0]?.url ?? '');
      if (id) lastById.set(id, exchange);
    });
    importer.push(JSON.stringify(recorded.har));
    importer.end();

    // 2. The judge: Firefox's console over WebDriver BiDi, the same scenarios in a tab.
    const t0 = Date.now();
    const firefox = await launchFirefox({ executablePath: executable });
    let runs: Array<{ id: string; url: string; ok: boolean }>;
    let seen: ReturnType<typeof watchFirefoxCorsConsole>;
    try {
      const page = await firefox.browser.newPage();
      seen = watchFirefoxCorsConsole(page);
      await page.goto(lab.pageUrl);
      runs = (await page.evaluate('window.corsightLab.ready.then(() => window.corsightLab.runAll())')) as typeof runs;
      // Console messages may trail the page's result by a moment.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await firefox.close();
    }
    const consoleSeconds = (Date.now() - t0) / 1000;

    const kindOf = new Map(scenarios.map((s) => [s.id, s.request.kind]));
    const cases: FirefoxCase[] = runs.map((run) => {
      const said = firefoxVerdictOf(seen.verdicts.filter((v) => scenarioOf(v.url) === run.id));
      const unjudged = said.reason === 'ok' && !run.ok && CONSOLE_UNSEEN_KINDS.has(kindOf.get(run.id) ?? '');
      const firefoxSeen: FirefoxSeen = said.reason !== 'ok' ? said.reason : run.ok ? 'ok' : unjudged ? 'refused (message not seen)' : 'refused (no reason)';
      const exchange = lastById.get(run.id);
      // A same-origin request is no exchange (CORS does not apply): Corsight says nothing, Firefox allows it.
      const corsight = exchange ? corsightSeen(exchange) : 'no exchange';
      const agree = !unjudged && (corsight === firefoxSeen || (corsight === 'no exchange' && firefoxSeen === 'ok'));
      const expected = FIREFOX_EXPECTED[run.id];
      return {
        id: run.id,
        firefox: firefoxSeen,
        ...(said.param !== undefined ? { firefoxParam: said.param } : {}),
        corsight,
        agree,
        ...(unjudged ? { unjudged: true as const } : {}),
        ...(!agree && fileCannotTell(exchange) ? { fileCannotTell: fileCannotTell(exchange) } : {}),
        ...(expected ? { expected } : {}),
        ...(exchange ? { exchange } : {}),
      };
    });
    return { version: recorded.version, cases, unparsed: seen.unparsed, seconds: { har: recorded.seconds, console: consoleSeconds } };
  } finally {
    await lab.close();
  }
}
