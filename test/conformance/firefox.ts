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
import { FAILED_WITHOUT_REASON } from '../../src/engine/replay.ts';
import type { Exchange } from '../../src/engine/types.ts';
import { findFirefox, launchFirefox } from '../harness/firefox.ts';
import { harEndsAtRedirect, recordFirefoxHar, type FirefoxHar } from '../harness/firefox-har.ts';
import { firefoxVerdictOfRun, labScenarioOf, watchFirefoxCorsConsole } from '../harness/firefox-oracle.ts';
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
 * What Firefox's HAR cannot say, read from the file and the scenario (not listed per scenario;
 * how often varies between recordings): a request it ends at a redirect response with no error
 * (Firefox refused to follow it, or the page asked not to), one at status 0 with no error field,
 * and a repeated request whose preflight one run's cache answered and the other's did not.
 */
function fileCannotTell(har: FirefoxHar['har'], scenario: Scenario | undefined, exchange: Exchange | undefined): string | undefined {
  if (!scenario) return undefined;
  if (harEndsAtRedirect(har, scenario.id)) return 'the file ends at its redirect response with no error';
  // The file and the console come from two runs of Firefox, each with its own preflight cache:
  // whether a repeated request was preflighted again differs between runs (measured).
  if (scenario.request.again) return 'a repeated request: whether the run\'s preflight cache answered it differs between the recorded run and the judged one';
  if (exchange?.outcome.kind === 'failed' && exchange.outcome.error === FAILED_WITHOUT_REASON) return 'the file records status 0 and no reason';
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
      const id = labScenarioOf(exchange.hops[0]?.url ?? '');
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

    const byId = new Map(scenarios.map((s) => [s.id, s]));
    const cases: FirefoxCase[] = runs.map((run) => {
      const said = firefoxVerdictOfRun(seen.verdicts, run);
      const unjudged = said.silent && CONSOLE_UNSEEN_KINDS.has(byId.get(run.id)?.request.kind ?? '');
      const firefoxSeen: FirefoxSeen = unjudged ? 'refused (message not seen)' : said.seen;
      const exchange = lastById.get(run.id);
      // A same-origin request is no exchange (CORS does not apply): Corsight says nothing, Firefox allows it.
      const corsight = exchange ? corsightSeen(exchange) : 'no exchange';
      const agree = !unjudged && (corsight === firefoxSeen || (corsight === 'no exchange' && firefoxSeen === 'ok'));
      const expected = FIREFOX_EXPECTED[run.id];
      const cannotTell = agree ? undefined : fileCannotTell(recorded.har, byId.get(run.id), exchange);
      return {
        id: run.id,
        firefox: firefoxSeen,
        ...(said.param !== undefined ? { firefoxParam: said.param } : {}),
        corsight,
        agree,
        ...(unjudged ? { unjudged: true as const } : {}),
        ...(cannotTell ? { fileCannotTell: cannotTell } : {}),
        ...(expected ? { expected } : {}),
        ...(exchange ? { exchange } : {}),
      };
    });
    return { version: recorded.version, cases, unparsed: seen.unparsed, seconds: { har: recorded.seconds, console: consoleSeconds } };
  } finally {
    await lab.close();
  }
}
