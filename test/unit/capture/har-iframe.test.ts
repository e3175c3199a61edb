/**
 * A cross-site iframe in the DevTools network log (test/fixtures/cross-site-iframe-har.json:
 * what Chromium 156's DevTools wrote for the lab's cross-site-iframe-acao-ok and
 * cross-site-iframe-acao-page, next to Chromium's verdicts). The iframe's document is a
 * cross-origin navigation, not a CORS request: no exchange for it. The frame's fetches are made by
 * the frame's origin, not the top page's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { harToExchanges } from '../../../src/capture/har/file.ts';
import { diagnose } from '../../../src/engine/index.ts';
import type { Exchange } from '../../../src/engine/types.ts';
import { streamHar } from './har-replay.ts';

interface Fixture {
  origins: { app: string };
  scenarios: Array<{ id: string; chromium: { ok: boolean; corsError?: string; failedParameter?: string } }>;
  harEntries: Array<{ _resourceType: string; request: { url: string } }>;
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/cross-site-iframe-har.json'), 'utf8')) as Fixture;
const frameOrigin = new URL(fixture.harEntries.find((e) => e._resourceType === 'document')!.request.url).origin;

function checkAgainstChromium(out: Exchange[]): void {
  expect(out.map((e) => e.hops[0]?.url.replace(/\/\?.*/, '').split('/s/')[1])).toEqual(fixture.scenarios.map((s) => s.id));
  for (const [i, s] of fixture.scenarios.entries()) {
    const exchange = out[i]!;
    expect(exchange.initiatorOrigin).toBe(frameOrigin);
    const d = diagnose(exchange);
    if (s.chromium.ok) expect(d.status, s.id).not.toBe('blocked');
    else expect({ corsError: d.corsError, failedParameter: d.failedParameter }, s.id).toEqual({ corsError: s.chromium.corsError, failedParameter: s.chromium.failedParameter });
  }
}

describe('HAR of a cross-site iframe', () => {
  it('records the frame document as a cross-origin navigation (the fixture is what it claims)', () => {
    expect(frameOrigin).not.toBe(fixture.origins.app);
    expect(fixture.harEntries.map((e) => e._resourceType)).toEqual(['document', 'script', 'fetch', 'document', 'script', 'fetch']);
  });

  it('live stream: one exchange per fetch, none for the navigations, judged like Chromium', () => {
    const { exchanges, skipped } = streamHar(fixture.harEntries, fixture.origins.app);
    checkAgainstChromium(exchanges);
    // The frame documents are skipped; the frame scripts are same-origin to the frame (Referer).
    expect(skipped).toBe(4);
  });

  it('exported HAR file: the same', () => {
    const { exchanges, skipped } = harToExchanges({ log: { entries: fixture.harEntries } }, { pageOrigin: fixture.origins.app });
    checkAgainstChromium(exchanges);
    expect(skipped).toBe(4);
  });
});
