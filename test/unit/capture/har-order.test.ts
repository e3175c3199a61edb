/**
 * DevTools may report a failed preflight's HAR entry AFTER the entry of the request it stopped
 * (seen in pipeline runs: preflight-status-308-bare judged ok). HarStream must pair them in
 * either order. Entries and Chromium's verdicts come from the recording
 * (test/fixtures/lab-capture.json), never from the code under test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HarStream } from '../../../src/capture/har/stream.ts';
import { diagnose } from '../../../src/engine/index.ts';
import type { Exchange } from '../../../src/engine/types.ts';

interface Fixture {
  origins: { app: string };
  scenarios: Array<{ id: string; chromium: { ok: boolean; corsError?: string } }>;
  harEntries: Array<{ request: { method: string; url: string } }>;
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/lab-capture.json'), 'utf8')) as Fixture;

const STOPPED_BY_PREFLIGHT = ['preflight-status-308-bare', 'preflight-status-302-cors'];

describe('HAR entries of a request stopped by its preflight, in either order', () => {
  for (const id of STOPPED_BY_PREFLIGHT) {
    const entries = fixture.harEntries.filter((e) => e.request.url.includes(`/s/${id}/`));
    const chromium = fixture.scenarios.find((s) => s.id === id)!.chromium;
    for (const order of ['preflight first', 'request first'] as const) {
      it(`${id}, ${order}: one exchange, Chromium's verdict (${chromium.corsError})`, () => {
        expect(entries.map((e) => e.request.method).sort()).toEqual(['OPTIONS', 'PUT']);
        const preflightFirst = [...entries].sort((a, b) => Number(a.request.method !== 'OPTIONS') - Number(b.request.method !== 'OPTIONS'));
        const sorted = order === 'preflight first' ? preflightFirst : preflightFirst.reverse();
        expect(sorted[0]!.request.method).toBe(order === 'preflight first' ? 'OPTIONS' : 'PUT');
        let now = 0;
        const out: Exchange[] = [];
        const stream = new HarStream((e) => out.push(e), { now: () => now, chainTimeoutMs: 2000 });
        stream.pageOrigin = fixture.origins.app;
        for (const entry of sorted) stream.push(entry);
        now += 10;
        stream.flush();
        expect(out).toHaveLength(1);
        expect(out[0]!.preflight.kind).toBe('sent');
        const d = diagnose(out[0]!);
        expect(chromium.ok).toBe(false);
        expect(d.status).toBe('blocked');
        expect(d.corsError).toBe(chromium.corsError);
        expect(stream.pendingChains).toBe(0);
      });
    }
  }

  it('a request that failed on its own (no preflight ever comes) is still emitted after the chain timeout', () => {
    const put = fixture.harEntries.find((e) => e.request.url.includes('/s/preflight-status-308-bare/') && e.request.method === 'PUT')!;
    let now = 0;
    const out: Exchange[] = [];
    const stream = new HarStream((e) => out.push(e), { now: () => now, chainTimeoutMs: 2000 });
    stream.pageOrigin = fixture.origins.app;
    stream.push(put);
    expect(out).toHaveLength(0);
    now += 2001;
    stream.flush();
    expect(out).toHaveLength(1);
  });
});
