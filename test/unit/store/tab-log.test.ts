import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../src/engine/types.ts';
import { diagnose, judge } from '../../../src/engine/diagnose.ts';
import { TabLogs, type DiagnosedExchange, type KeyValueArea } from '../../../src/store/tab-log.ts';

/** The worker's diagnosis step, as the pipeline runs it before the store. */
const diagnosed = (exchanges: Exchange[]): DiagnosedExchange[] => exchanges.map((exchange) => ({ exchange, verdict: judge(exchange) }));
/** The engine as the worker passes it to the logs. */
const ENGINE = { judge, diagnose };

function memoryArea(): KeyValueArea & { data: Map<string, unknown>; sets: number } {
  const data = new Map<string, unknown>();
  const area = {
    data,
    sets: 0,
    get: async (keys: string[] | null) => Object.fromEntries([...data].filter(([k]) => keys === null || keys.includes(k)).map(([k, v]) => [k, structuredClone(v)])),
    set: async (items: Record<string, unknown>) => {
      area.sets++;
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    remove: async (keys: string[]) => {
      for (const k of keys) data.delete(k);
    },
  };
  return area;
}

const ex = (i: number, blocked = false): Exchange => ({
  initiatorOrigin: 'https://app.example',
  method: 'GET',
  requestHeaders: [{ name: 'Origin', value: 'https://app.example' }],
  mode: 'cors',
  credentials: 'omit',
  redirect: 'follow',
  hops: [{ url: `https://api.example/r?i=${i}`, response: { status: 200, headers: blocked ? [] : [{ name: 'Access-Control-Allow-Origin', value: '*' }] } }],
  preflight: { kind: 'none' },
  outcome: blocked ? { kind: 'failed', error: 'net::ERR_FAILED' } : { kind: 'completed' },
});

const capture = { devtools: false, webRequest: true, cheapWatch: true };

/** A string no packing can shorten much (distinct per seed). */
const noise = (n: number, seed: number) => `${seed}:` + Array.from({ length: n }, (_, k) => String.fromCharCode(97 + ((k * 7 + seed * 13 + ((k * k) % 11)) % 26))).join('');

describe('TabLogs', () => {
  it('is bounded, counts dropped, persists in batches and reloads after a restart', async () => {
    const area = memoryArea();
    const logs = new TabLogs(area, ENGINE, 250);
    for (let i = 0; i < 1000; i += 100) logs.append(7, diagnosed(Array.from({ length: 100 }, (_, j) => ex(i + j, (i + j) % 10 === 0))));
    await logs.flush();
    expect(area.sets).toBe(1);
    const r = logs.report(7, capture);
    expect(r.entries).toHaveLength(250);
    expect(r.dropped).toBe(750);
    expect(r.entries[0]?.url).toBe('https://api.example/r?i=750');
    expect(r.counts.blocked).toBe(25);
    // Chunks below the oldest kept record are gone from storage.
    expect([...area.data.keys()].filter((k) => k.startsWith('t:7:c:')).length).toBeLessThanOrEqual(4);

    const again = new TabLogs(area, ENGINE, 250);
    await again.load();
    const r2 = again.report(7, capture);
    expect(r2.entries.map((e) => e.seq)).toEqual(r.entries.map((e) => e.seq));
    expect(r2.dropped).toBe(750);
    expect(r2.entries[0]?.diagnosis.status).toBe(r.entries[0]?.diagnosis.status);
    again.append(7, diagnosed([ex(1000)]));
    expect(again.report(7, capture).entries.at(-1)?.seq).toBe(1001);
  });

  it('keeps the verdict only, and a report explains each record as diagnose() does', () => {
    const logs = new TabLogs(memoryArea(), ENGINE, 250);
    const [kept] = logs.append(7, diagnosed([ex(1, true)]));
    expect(kept?.verdict).not.toHaveProperty('explanation');
    expect(kept?.verdict).not.toHaveProperty('fixPlan');
    const entry = logs.report(7, capture).entries[0];
    expect(entry?.diagnosis).toEqual(diagnose(ex(1, true)));
    expect(entry?.diagnosis.explanation.length).toBeGreaterThan(0);
    expect(entry?.diagnosis.fixPlan?.policy.allowOrigins).toEqual(['https://app.example']);
  });

  it('replaces an unobserved record by the real exchange with its id, also after a reload; nothing else', async () => {
    const area = memoryArea();
    const logs = new TabLogs(area, ENGINE, 250);
    const events: Array<{ type: string; seqs?: number[] }> = [];
    logs.subscribe((e) => events.push(e.type === 'records' ? { type: e.type, seqs: e.records.map((r) => r.seq) } : { type: e.type }));
    const unobserved: Exchange = { ...ex(1), id: 'wr-1', hops: [{ url: 'https://api.example/r?i=1' }], outcome: { kind: 'unobserved' } };
    logs.append(7, diagnosed([{ ...ex(0), id: 'wr-0' }, unobserved, { ...ex(2), id: 'wr-2' }]));
    expect(logs.report(7, capture).entries[1]?.diagnosis.findings.map((f) => f.id)).toEqual(['outcome-unobserved']);
    await logs.flush();

    // The worker restarts: the reloaded log still knows which record may be replaced.
    const again = new TabLogs(area, ENGINE, 250);
    await again.load();
    again.subscribe((e) => events.push(e.type === 'records' ? { type: e.type, seqs: e.records.map((r) => r.seq) } : { type: e.type }));
    again.append(7, diagnosed([{ ...ex(1, true), id: 'wr-1' }, { ...ex(3), id: 'wr-0' }]));
    const r = again.report(7, capture);
    // wr-1 replaced in place (same seq 2); wr-0 was observed, so its id coming again appends.
    expect(r.entries.map((e) => [e.seq, e.exchange.id, e.diagnosis.status])).toEqual([
      [1, 'wr-0', 'ok'],
      [2, 'wr-1', 'blocked'],
      [3, 'wr-2', 'ok'],
      [4, 'wr-0', 'ok'],
    ]);
    expect(events.at(-1)).toEqual({ type: 'records', seqs: [2, 4] });
    // A second exchange with the same id is appended: only an unobserved record is replaced.
    again.append(7, diagnosed([{ ...ex(1), id: 'wr-1' }]));
    expect(again.report(7, capture).entries).toHaveLength(5);
    await again.flush();
    const third = new TabLogs(area, ENGINE, 250);
    await third.load();
    expect(third.report(7, capture).entries.map((e) => e.diagnosis.status)).toEqual(['ok', 'blocked', 'ok', 'ok', 'ok']);
  });

  it('clears, preserves, deletes', async () => {
    const area = memoryArea();
    const logs = new TabLogs(area, ENGINE);
    logs.append(1, diagnosed([ex(1), ex(2)]));
    logs.countLikelyFailure(1, 3);
    logs.setPreserveLog(1, true);
    await logs.flush();
    logs.clear(1);
    await logs.flush();
    const r = logs.report(1, capture);
    expect(r.entries).toEqual([]);
    expect(r.likelyCorsFailures).toBe(0);
    expect(r.preserveLog).toBe(true);
    logs.delete(1);
    await logs.flush();
    expect([...area.data.keys()].filter((k) => k.startsWith('t:1:'))).toEqual([]);
  });
});

describe('packed storage', () => {
  it('round-trips an exchange exactly (header order, case, duplicates, shared lists)', async () => {
    const { packString, unpackStored } = await import('../../../src/store/pack.ts');
    const headers = [
      { name: 'X-B', value: '1' },
      { name: 'x-a', value: '2' },
      { name: 'X-B', value: '3' },
    ];
    const e: Exchange = { ...ex(1), requestHeaders: headers, hops: [{ url: 'https://api.example/r', requestHeaders: headers, response: { status: 200, headers: [] } }] };
    const back = unpackStored(packString([[1, e]])) as Array<[number, Exchange]>;
    expect(back).toEqual([[1, e]]);
    expect(unpackStored([[1, e]])).toEqual([[1, e]]);
  });

  it('packs a growing chunk item by item into exactly what packing it whole gives', async () => {
    const { GrowingListPacker, packString, unpackStored } = await import('../../../src/store/pack.ts');
    const shared = [{ name: 'Vary', value: 'Origin' }];
    const items: Array<[number, Exchange]> = [1, 2, 3, 4].map((i) => [i, { ...ex(i, i % 2 === 0), requestHeaders: shared, hops: [{ url: `https://api.example/r?i=${i}`, requestHeaders: shared }] }]);
    const packer = new GrowingListPacker();
    for (const [n, item] of items.entries()) {
      packer.append(item);
      // After each append, as a checkpoint would write it.
      expect(packer.toString()).toBe(packString(items.slice(0, n + 1)));
    }
    expect(unpackStored(packer.toString())).toEqual(items);
  });

  it('writes the chunk filling up between checkpoints, and a replaced record, as they are now', async () => {
    const area = memoryArea();
    const logs = new TabLogs(area, ENGINE);
    logs.append(1, diagnosed([ex(1), ex(2)]));
    await logs.flush();
    logs.append(1, diagnosed([ex(3)]));
    await logs.flush();
    // A record replaced in place (the real exchange for one whose outcome was not observed).
    const unobserved: Exchange = { ...ex(4), id: 'r4', outcome: { kind: 'unobserved' } };
    logs.append(1, diagnosed([unobserved, ex(5)]));
    await logs.flush();
    const real: Exchange = { ...ex(4, true), id: 'r4' };
    logs.append(1, diagnosed([real]));
    await logs.flush();
    const reloaded = new TabLogs(area, ENGINE);
    await reloaded.load();
    const urls = reloaded.report(1, capture).entries.map((e) => [e.seq, e.url, e.status]);
    expect(urls).toEqual([
      [1, 'https://api.example/r?i=1', 'ok'],
      [2, 'https://api.example/r?i=2', 'ok'],
      [3, 'https://api.example/r?i=3', 'ok'],
      [4, 'https://api.example/r?i=4', 'blocked'],
      [5, 'https://api.example/r?i=5', 'ok'],
    ]);
  });

  it('a tab whose records are huge drops its own oldest within its byte budget, never another tab\'s', async () => {
    const logs = new TabLogs(memoryArea(), ENGINE, 2000, 200_000);
    logs.append(1, diagnosed(Array.from({ length: 50 }, (_, i) => ex(i))));
    const big = (i: number): Exchange => ({ ...ex(1000 + i), hops: [{ url: `https://api.example/big?i=${i}`, response: { status: 200, headers: [{ name: 'X-Big', value: 'x'.repeat(30_000) }] } }] });
    for (let i = 0; i < 20; i++) logs.append(2, diagnosed([big(i)]));
    expect(logs.report(1, capture).entries).toHaveLength(50);
    const r2 = logs.report(2, capture);
    expect(logs.bytes(2)).toBeLessThanOrEqual(200_000);
    expect(r2.entries.length).toBeGreaterThan(0);
    expect(r2.entries.length + r2.dropped).toBe(20);
    expect(r2.entries.at(-1)?.url).toBe('https://api.example/big?i=19');
  });

  it('under quota pressure the tab taking the most bytes pays, not the one with the most records', async () => {
    const area = memoryArea();
    const set = area.set;
    area.set = async (items) => {
      const size = JSON.stringify(Object.fromEntries([...area.data, ...Object.entries(items)])).length;
      if (size > 400_000) throw new Error('Session storage quota bytes exceeded. Values were not stored.');
      await set(items);
    };
    const logs = new TabLogs(area, ENGINE, 2000, 10_000_000);
    logs.append(1, diagnosed(Array.from({ length: 300 }, (_, i) => ex(i))));
    const big = (i: number): Exchange => ({ ...ex(1000 + i), hops: [{ url: `https://api.example/big?i=${i}`, response: { status: 200, headers: [{ name: 'X-Big', value: noise(20_000, i) }] } }] });
    logs.append(2, diagnosed(Array.from({ length: 30 }, (_, i) => big(i))));
    await logs.flush();
    expect(logs.quotaErrors).toBeGreaterThan(0);
    expect(logs.report(1, capture).dropped).toBe(0);
    expect(logs.report(2, capture).dropped).toBeGreaterThan(0);
  });

  it('sheds the oldest chunks when the area is full and counts them as dropped', async () => {
    const area = memoryArea();
    const set = area.set;
    area.set = async (items) => {
      const size = JSON.stringify(Object.fromEntries([...area.data, ...Object.entries(items)])).length;
      if (size > 60_000) throw new Error('Session storage quota bytes exceeded. Values were not stored.');
      await set(items);
    };
    const logs = new TabLogs(area, ENGINE, 2000);
    for (let i = 0; i < 1000; i += 100) logs.append(3, diagnosed(Array.from({ length: 100 }, (_, j) => ex(i + j))));
    await logs.flush();
    const r = logs.report(3, capture);
    expect(logs.quotaErrors).toBeGreaterThan(0);
    expect(r.entries.length + r.dropped).toBe(1000);
    expect(r.entries.at(-1)?.url).toBe('https://api.example/r?i=999');
    const again = new TabLogs(area, ENGINE, 2000);
    await again.load();
    expect(again.report(3, capture).entries.map((x) => x.seq)).toEqual(r.entries.map((x) => x.seq));
  });
});
