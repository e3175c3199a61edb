/**
 * The preflight of a redirect target (Hop.preflight), from the events Chromium 156 really
 * produced (test/fixtures/lab-capture.json) for the lab's fetch PUT redirected 307 from api1 to
 * api2: Chromium preflights api2 again with `Origin: null`. In `redirect-after-preflight` that
 * second preflight passes; in `redirect-after-preflight-second-denied` it allows the page origin
 * but not `null`, so the PUT to api2 is never sent. Both capture mappers must attach the second
 * OPTIONS to hops[1] (not to a new exchange, not as the first URL's preflight) and reach the
 * verdict Chromium recorded in the fixture.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExchangeAssembler, type AssemblerSnapshot } from '../../../src/capture/webrequest/assembler.ts';
import { headerValue } from '../../../src/capture/request-facts.ts';
import { harToExchanges } from '../../../src/capture/har/file.ts';
import type { RawWebRequestEvent } from '../../../src/capture/webrequest/raw-event.ts';
import { diagnose } from '../../../src/engine/index.ts';
import type { Exchange, HttpHeader } from '../../../src/engine/types.ts';
import { streamHar } from './har-replay.ts';

interface RecordedScenario {
  id: string;
  url: string;
  chromium: { ok: boolean; corsError?: string; failedParameter?: string };
}
interface HarEntryShape {
  request: { method: string; url: string; headers: HttpHeader[] };
  response: { status: number; headers: HttpHeader[] };
}
interface Fixture {
  origins: { app: string };
  scenarios: RecordedScenario[];
  webRequestEvents: RawWebRequestEvent[];
  harEntries: HarEntryShape[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/lab-capture.json'), 'utf8')) as Fixture;
const PAGE = fixture.origins.app;

/** Chromium's verdict as recorded (never computed by the code under test). */
function chromiumVerdict(s: RecordedScenario): string {
  return s.chromium.ok ? 'ok' : `${s.chromium.corsError ?? 'blocked'}(${s.chromium.failedParameter ?? ''})`;
}
function engineVerdict(e: Exchange): string {
  const d = diagnose(e);
  return d.status === 'blocked' ? `${d.corsError ?? 'blocked'}(${d.failedParameter ?? ''})` : 'ok';
}

function recorded(id: string) {
  const scenario = fixture.scenarios.find((s) => s.id === id);
  if (!scenario) throw new Error(`${id} is not in the fixture`);
  const marker = `/s/${id}/`;
  const events = fixture.webRequestEvents.filter((e) => e.url.includes(marker));
  const entries = fixture.harEntries.filter((e) => e.request.url.includes(marker));
  // The redirect target, and the answer Chromium got to its OPTIONS, straight from the recording.
  const targetOptions = entries.find((e) => e.request.method === 'OPTIONS' && e.request.url !== scenario.url);
  if (!targetOptions) throw new Error(`${id}: no preflight of the redirect target recorded`);
  const targetOptionsEvent = events.find((e) => e.method === 'OPTIONS' && e.phase === 'headersReceived' && e.url !== scenario.url);
  return { scenario, events, entries, targetUrl: targetOptions.request.url, targetOptions, targetOptionsEvent };
}

type Recorded = ReturnType<typeof recorded>;

/** The webRequest events through one assembler, or through two with a worker restart at `restartAfter`. */
function assemble(events: readonly RawWebRequestEvent[], restartAfter?: (e: RawWebRequestEvent) => boolean): { exchanges: Exchange[]; left: AssemblerSnapshot } {
  const exchanges: Exchange[] = [];
  let assembler = new ExchangeAssembler((e) => exchanges.push(e), diagnose);
  for (const event of events) {
    assembler.push(event);
    if (restartAfter?.(event)) {
      const snapshot = JSON.parse(JSON.stringify(assembler.snapshot())) as AssemblerSnapshot;
      assembler = new ExchangeAssembler((e) => exchanges.push(e), diagnose);
      assembler.restore(snapshot, event.timeStamp);
      restartAfter = undefined;
    }
  }
  return { exchanges, left: assembler.snapshot() };
}

/** HAR entries as the DevTools page receives them (finish order), 5 ms apart. */

const forScenario = (exchanges: readonly Exchange[], r: Recorded) =>
  exchanges.filter((e) => e.hops.some((h) => h.url === r.scenario.url || h.url === r.targetUrl));

/** What every source must show for these scenarios: one exchange, both preflights in place, Chromium's verdict. */
function expectHopPreflight(exchanges: readonly Exchange[], r: Recorded): void {
  const mine = forScenario(exchanges, r);
  expect(mine.map((e) => e.hops.map((h) => h.url))).toEqual([[r.scenario.url, r.targetUrl]]);
  const exchange = mine[0]!;
  // The first URL's preflight stays Exchange.preflight, sent with the page's origin.
  expect(exchange.preflight.kind).toBe('sent');
  if (exchange.preflight.kind !== 'sent') return;
  expect(exchange.preflight.url).toBe(r.scenario.url);
  expect(headerValue(exchange.preflight.requestHeaders, 'origin')).toBe(PAGE);
  // The redirect target's own OPTIONS (Origin: null after the cross-origin 307) is hops[1]'s.
  expect(exchange.hops[0]!.preflight).toBeUndefined();
  const hopPreflight = exchange.hops[1]!.preflight;
  expect(hopPreflight?.kind).toBe('sent');
  if (hopPreflight?.kind !== 'sent') return;
  expect(hopPreflight.url).toBe(r.targetUrl);
  expect(headerValue(hopPreflight.requestHeaders, 'origin')).toBe('null');
  expect(headerValue(hopPreflight.requestHeaders, 'access-control-request-method')).toBe(exchange.method);
  expect(hopPreflight.response?.status).toBe(r.targetOptions.response.status);
  expect(headerValue(hopPreflight.response?.headers, 'access-control-allow-origin')).toBe(
    headerValue(r.targetOptions.response.headers, 'access-control-allow-origin'),
  );
  expect(engineVerdict(exchange)).toBe(chromiumVerdict(r.scenario));
}

const SCENARIOS = [
  // The control: the second preflight answers ACAO *, the PUT reaches api2.
  { id: 'redirect-after-preflight', targetSent: true },
  // The second preflight answers ACAO = page origin, not null: the PUT to api2 is never sent.
  { id: 'redirect-after-preflight-second-denied', targetSent: false },
] as const;

describe('Hop.preflight from recorded webRequest events (ExchangeAssembler)', () => {
  const variants: Array<{ name: string; run: (r: Recorded) => { exchanges: Exchange[]; left: AssemblerSnapshot } }> = [
    { name: 'the scenario\'s events', run: (r) => assemble(r.events) },
    { name: 'the whole recorded stream (every lab scenario)', run: () => assemble(fixture.webRequestEvents) },
    {
      name: 'a worker restart between the redirect response and the second preflight',
      run: (r) => assemble(r.events, (e) => e.phase === 'headersReceived' && e.method !== 'OPTIONS' && e.statusCode === 307),
    },
    {
      name: 'a worker restart after the second preflight settled',
      run: (r) => assemble(r.events, (e) => e.phase === 'completed' && e.method === 'OPTIONS' && e.url === r.targetUrl),
    },
  ];
  for (const { id, targetSent } of SCENARIOS) {
    for (const variant of variants) {
      it(`${id}: ${variant.name}`, () => {
        const r = recorded(id);
        expect(r.events.some((e) => e.method !== 'OPTIONS' && e.phase === 'beforeSendHeaders' && e.url === r.targetUrl)).toBe(targetSent);
        expect(r.targetOptionsEvent?.statusCode).toBe(r.targetOptions.response.status);
        const { exchanges, left } = variant.run(r);
        expectHopPreflight(exchanges, r);
        // Both OPTIONS were claimed: none is left waiting for an actual request of its own.
        expect(left.preflights.filter((p) => p.url === r.scenario.url || p.url === r.targetUrl)).toEqual([]);
      });
    }
  }
});

describe('Hop.preflight from recorded DevTools HAR entries (HarStream)', () => {
  const variants: Array<{ name: string; run: (r: Recorded) => Exchange[] }> = [
    { name: 'the scenario\'s entries, live', run: (r) => streamHar(r.entries, PAGE).exchanges },
    { name: 'the whole recorded log, live', run: () => streamHar(fixture.harEntries, PAGE).exchanges },
    // An exported file: harToExchanges feeds every preflight before the actual requests.
    { name: 'a HAR file', run: (r) => harToExchanges({ log: { entries: r.entries } }, { pageOrigin: PAGE }).exchanges },
  ];
  for (const { id, targetSent } of SCENARIOS) {
    for (const variant of variants) {
      it(`${id}: ${variant.name}`, () => {
        const r = recorded(id);
        // The redirect target's entry: a response when it was sent, else status 0 and no Origin.
        const target = r.entries.find((e) => e.request.method !== 'OPTIONS' && e.request.url === r.targetUrl);
        expect(target && target.response.status > 0).toBe(targetSent);
        expectHopPreflight(variant.run(r), r);
      });
    }
  }
});
