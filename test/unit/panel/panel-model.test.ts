import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { diagnose, judge } from '../../../src/engine/index.ts';
import type { Exchange } from '../../../src/engine/types.ts';
import { actualCurl, preflightCurl, shellQuote } from '../../../src/panel/curl.ts';
import { askedAllowed, planAsHttp, timeline } from '../../../src/panel/detail-model.ts';
import { exchangesToHar, FileImport, importFile } from '../../../src/panel/exporters.ts';
import { buildReport } from '../../../src/store/report.ts';
import { EMPTY_FILTER, countRows, filterRows, mergeRows, shortenUrl, targetOrigins, toRow, verdictWords } from '../../../src/panel/model.ts';
import { scrollToReveal, visibleRange } from '../../../src/panel/virtual.ts';
import { FAILED, PAGE, URL1, acao, ex, h, preflight, res } from '../engine/helpers.ts';

const headerDenied: Exchange = ex({
  requestHeaders: [h('X-Custom-Header', 'v')],
  hops: [{ url: URL1 }],
  preflight: preflight('GET', ['x-custom-header'], res(204, acao(PAGE))),
  outcome: FAILED,
});
const noAcao = ex({ hops: [{ url: URL1, response: res(200) }], outcome: FAILED });
const fine = ex();
const record = (exchange: Exchange, seq: number) => ({ seq, exchange, verdict: judge(exchange) });

describe('shellQuote', () => {
  const hostile = [`it's`, '$(touch /tmp/x)', '`id`', 'a\nb', 'tab\there', 'back\\slash', '"dq"', '; rm -rf ~', '\u0001ctl', 'ünïcode ✓', ''];
  it('round-trips every value through a real shell unchanged', () => {
    // One shell for all values (eleven spawns took over 5 s on a loaded 2-core machine), each
    // printed NUL-terminated: no value holds a NUL.
    const out = execFileSync('bash', ['-c', `printf '%s\\0' ${hostile.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(hostile);
  });
  it('uses plain single quotes for printable text', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe('cURL', () => {
  it('writes the preflight with Origin and the Access-Control-Request-* headers', () => {
    const c = preflightCurl(headerDenied);
    expect(c).toContain(`curl --url '${URL1}' -i -X 'OPTIONS'`);
    expect(c).toContain(`-H 'Origin: ${PAGE}'`);
    expect(c).toContain(`-H 'Access-Control-Request-Method: GET'`);
    expect(c).toContain(`-H 'Access-Control-Request-Headers: x-custom-header'`);
  });
  it('builds the preflight the browser would send when none was captured', () => {
    const c = preflightCurl(ex({ method: 'PUT', requestHeaders: [h('Content-Type', 'application/json')] }));
    expect(c).toContain(`-H 'Access-Control-Request-Method: PUT'`);
    expect(c).toContain(`-H 'Access-Control-Request-Headers: content-type'`);
  });
  it('adds the real Origin to a provisional actual request and drops pseudo-headers', () => {
    const c = actualCurl(ex({ method: 'DELETE', requestHeaders: [h(':authority', 'x'), h('X-A', "o'k")] }));
    expect(c).toContain(`-X 'DELETE'`);
    expect(c).toContain(`-H 'Origin: ${PAGE}'`);
    expect(c).toContain(`-H 'X-A: o'\\''k'`);
    expect(c).not.toContain(':authority');
  });
  it('passes the URL with --url, so a captured URL starting with "-" is never an option', () => {
    const c = actualCurl(ex({ hops: [{ url: '-o/tmp/x' }] }));
    expect(c.split('\n')[0]).toMatch(/^curl --url '-o\/tmp\/x' -i/);
  });
});

describe('list model', () => {
  const rows = [record(fine, 1), record(noAcao, 2), record(headerDenied, 3)].map(toRow);
  it('says the verdict in a few words', () => {
    expect(rows.map((r) => r.verdict)).toEqual(['Allowed', 'No Access-Control-Allow-Origin', 'Header not allowed: x-custom-header']);
    expect(verdictWords(diagnose(fine))).toBe('Allowed');
  });
  it('filters by status, text and target origin', () => {
    expect(filterRows(rows, EMPTY_FILTER)).toHaveLength(3);
    expect(filterRows(rows, { ...EMPTY_FILTER, status: 'blocked' }).map((r) => r.seq)).toEqual([2, 3]);
    expect(filterRows(rows, { ...EMPTY_FILTER, text: 'HEADER NOT' }).map((r) => r.seq)).toEqual([3]);
    expect(filterRows(rows, { ...EMPTY_FILTER, target: 'https://elsewhere.example' })).toHaveLength(0);
    expect(countRows(rows)).toEqual({ all: 3, blocked: 2, warning: 0, ok: 1 });
    expect(targetOrigins(rows)).toEqual([{ origin: 'https://api.example.com', count: 3, blocked: 2 }]);
  });
  it('shortens long URLs in the middle and hides the query', () => {
    expect(shortenUrl('https://api.example.com/v1/items?token=secret')).toBe('api.example.com/v1/items?…');
    const long = shortenUrl(`https://api.example.com/${'a'.repeat(200)}/end`, 40);
    expect(long).toHaveLength(40);
    expect(long.endsWith('/end')).toBe(true);
  });
});

describe('detail model', () => {
  it('pairs what the page asked with what the preflight allowed, marking the mismatch', () => {
    const d = diagnose(headerDenied);
    const rows = askedAllowed(headerDenied, d);
    const bad = rows.filter((r) => !r.ok);
    expect(bad.map((r) => [r.key, r.stage, r.asked])).toEqual([['access-control-allow-headers', 'preflight', 'x-custom-header']]);
    expect(bad[0]?.needed).toContain('x-custom-header');
  });
  it('marks the failing step of the timeline', () => {
    const steps = timeline(headerDenied, diagnose(headerDenied));
    expect(steps.map((s) => [s.kind, s.failed])).toEqual([
      ['preflight', true],
      ['not-sent', false],
    ]);
    const simple = timeline(noAcao, diagnose(noAcao));
    expect(simple.map((s) => [s.kind, s.result, s.failed])).toEqual([['hop', '200', true]]);
  });
  it('spells the plan as plain HTTP per response', () => {
    const plan = diagnose(headerDenied).fixPlan;
    expect(plan).toBeDefined();
    const text = planAsHttp(plan!);
    expect(text).toContain('# Preflight response (OPTIONS)');
    expect(text).toMatch(/Access-Control-Allow-Headers: x-custom-header/i);
  });
});

describe('windowing', () => {
  it('renders only the rows in view plus a margin', () => {
    expect(visibleRange(0, 210, 21, 10_000, 5)).toEqual({ start: 0, end: 16 });
    expect(visibleRange(21_000, 210, 21, 10_000, 5)).toEqual({ start: 995, end: 1016 });
    expect(visibleRange(999_999, 210, 21, 100, 5)).toEqual({ start: 94, end: 100 });
    expect(visibleRange(0, 210, 21, 0)).toEqual({ start: 0, end: 0 });
  });
  it('scrolls just enough to reveal a row', () => {
    expect(scrollToReveal(0, 100, 210, 21)).toBe(0);
    expect(scrollToReveal(20, 0, 210, 21)).toBe(21 * 21 - 210);
    expect(scrollToReveal(5, 0, 210, 21)).toBe(0);
  });
});

describe('export and import', () => {
  it('exports a HAR that imports back to the same verdicts', () => {
    const at = (e: Exchange, path: string): Exchange => {
      const url = `${URL1}/${path}`;
      return { ...e, hops: e.hops.map((hop) => ({ ...hop, url })), preflight: e.preflight.kind === 'sent' ? { ...e.preflight, url } : e.preflight };
    };
    const exchanges = [at(fine, 'a'), at(noAcao, 'b'), at(headerDenied, 'c')].map((e, i) => ({ ...e, startedAt: 1000 + i }));
    const har = exchangesToHar(exchanges);
    const back = importFile(JSON.stringify(har));
    expect(back.records.map((r) => r.verdict.status)).toEqual(['ok', 'blocked', 'blocked']);
    expect(back.records.map((r) => r.verdict.corsError)).toEqual([undefined, 'MissingAllowOriginHeader', 'HeaderDisallowedByPreflightResponse']);
  });
  it('reads a file in chunks of any size, keeps the first `limit` exchanges of the file, ordered by start time, and counts the rest', () => {
    const at = (e: Exchange, path: string, startedAt: number): Exchange => ({ ...e, startedAt, hops: e.hops.map((hop) => ({ ...hop, url: `${URL1}/${path}` })), preflight: e.preflight.kind === 'sent' ? { ...e.preflight, url: `${URL1}/${path}` } : e.preflight });
    const text = JSON.stringify(exchangesToHar([at(noAcao, 'b', 2000), at(fine, 'a', 1000), at(headerDenied, 'c', 3000)]));
    for (const size of [1, 7, 4096]) {
      const file = new FileImport({ limit: 2 });
      for (let i = 0; i < text.length; i += size) file.push(text.slice(i, i + size));
      const result = file.end();
      expect(result.records.map((r) => [r.seq, r.verdict.status])).toEqual([[1, 'ok'], [2, 'blocked']]);
      expect(result.dropped).toBe(1);
    }
  });
  it('builds the JSON report and reads it back', () => {
    const report = buildReport([record(fine, 1), record(noAcao, 2)], { tabId: 7, url: 'https://app.example.com/', now: new Date(0) }, diagnose);
    expect(report).toMatchObject({ format: 'corsight-report', version: 1, tab: { id: 7 }, counts: { ok: 1, blocked: 1, warning: 0 } });
    expect(importFile(JSON.stringify(report)).records.map((r) => r.verdict.status)).toEqual(['ok', 'blocked']);
  });
  it('reads a hostile report: malformed exchanges are skipped or cleaned, and every view model renders', () => {
    const report = buildReport([record(fine, 1), record(noAcao, 2)], { tabId: 7, url: 'https://app.example.com/', now: new Date(0) }, diagnose);
    const good = report.entries[1]!.exchange;
    const hostile = [
      { exchange: { ...good, hops: 3 } },
      { exchange: { ...good, hops: [{ url: 7 }] } },
      { exchange: null },
      { exchange: { ...good, requestHeaders: [{ name: 1, value: 2 }, null, { name: 'X-A', value: { toString: 1 } }], mode: 'constructor',
        preflight: { kind: 'sent', url: URL1, requestHeaders: 'x', response: { status: '204', headers: null } },
        hops: [{ url: URL1, response: { status: 200, headers: [{ name: 'Access-Control-Allow-Origin', value: ['x'] }] }, preflight: 'x' }],
        outcome: { kind: 'failed', error: 42 }, initiator: { stack: [null, { url: 5 }] } } },
    ];
    const back = importFile(JSON.stringify({ ...report, entries: [...report.entries, ...hostile] }));
    expect(back.skipped).toBe(3);
    expect(back.records).toHaveLength(3);
    const cleaned = back.records[2]!.exchange;
    expect(cleaned.requestHeaders).toEqual([{ name: 'X-A', value: '' }]);
    expect(cleaned.mode).toBe('unknown');
    expect(cleaned.preflight).toEqual({ kind: 'sent', url: URL1, requestHeaders: [] });
    for (const r of back.records) expect(() => timeline(r.exchange, diagnose(r.exchange))).not.toThrow();
    // An entry that is not an object is not a readable file: one line that names it.
    expect(() => importFile(JSON.stringify({ ...report, entries: [...report.entries, 'not an entry'] }))).toThrow(/^Entry 3 \(entries\[2\]\) is a string, not an object/);
  });
  it('refuses what is not a HAR', () => {
    expect(() => importFile('not json')).toThrow(/^Not JSON: the file starts with 'n'/);
    expect(() => importFile('{"hello":1}')).toThrow(/Not a HAR/);
  });
});

describe('mergeRows', () => {
  const rows = (pairs: Array<[number, Exchange]>) => pairs.map(([seq, e]) => toRow(record(e, seq)));
  it('appends new seqs and replaces a row whose seq is already listed, in place', () => {
    const prev = rows([[1, fine], [2, ex({ hops: [{ url: URL1 }], outcome: { kind: 'unobserved' } })], [3, fine]]);
    const next = mergeRows(prev, rows([[2, noAcao], [4, fine]]), 10);
    expect(next.map((r) => [r.seq, r.status])).toEqual([[1, 'ok'], [2, 'blocked'], [3, 'ok'], [4, 'ok']]);
    // The earlier list is not modified.
    expect(prev.map((r) => r.status)).toEqual(['ok', 'warning', 'ok']);
  });
  it('keeps the newest rows when over the bound', () => {
    const next = mergeRows(rows([[1, fine], [2, fine]]), rows([[3, fine], [4, noAcao]]), 3);
    expect(next.map((r) => r.seq)).toEqual([2, 3, 4]);
  });
});
