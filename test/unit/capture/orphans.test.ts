/**
 * Requests restored after a worker restart whose completion event never arrives (a forced stop
 * lost it) are settled from their response headers after ORPHAN_GRACE_MS (docs/capture.md,
 * "Worker restarts"), or emitted as unobserved when no response was seen; nothing else is, and
 * nothing is emitted twice except an unobserved exchange's real one (same id, replaced in the log).
 */
import { describe, expect, it } from 'vitest';
import { ExchangeAssembler, ORPHAN_GRACE_MS, type AssemblerSnapshot } from '../../../src/capture/webrequest/assembler.ts';
import type { RawWebRequestEvent } from '../../../src/capture/webrequest/raw-event.ts';
import { diagnose } from '../../../src/engine/index.ts';
import type { Exchange, HttpHeader } from '../../../src/engine/types.ts';

const PAGE = 'http://app.test:8000';
const API = 'http://api.test:9000';
const T0 = 1_700_000_000_000;
const INFERRED_LINE = "The browser's completion event was missed while Corsight's worker restarted; the outcome was inferred from the response headers.";

function ev(phase: RawWebRequestEvent['phase'], requestId: string, url: string, over: Partial<RawWebRequestEvent> = {}): RawWebRequestEvent {
  return { phase, requestId, tabId: 7, frameId: 0, url, method: 'GET', type: 'xmlhttprequest', initiator: PAGE, timeStamp: T0, ...over };
}

const sendHeaders = (extra: HttpHeader[] = []): HttpHeader[] => [{ name: 'Origin', value: PAGE }, { name: 'Sec-Fetch-Mode', value: 'cors' }, ...extra];
/** A preflight's request headers: Origin, the method it asks for and, when given, the header names. */
const preflightAsks = (method: string, headers?: string): HttpHeader[] => [
  { name: 'Origin', value: PAGE },
  { name: 'Access-Control-Request-Method', value: method },
  ...(headers === undefined ? [] : [{ name: 'Access-Control-Request-Headers', value: headers }]),
];
const allow: HttpHeader[] = [{ name: 'Access-Control-Allow-Origin', value: PAGE }, { name: 'Access-Control-Allow-Headers', value: 'x-test' }];

function collect(): { emitted: Exchange[]; make: () => ExchangeAssembler } {
  const emitted: Exchange[] = [];
  return { emitted, make: () => new ExchangeAssembler((e) => emitted.push(e), diagnose) };
}

/** A worker that saw the request (and maybe its preflight) up to its response headers, then stopped. */
function snapshotBeforeStop(events: RawWebRequestEvent[]): AssemblerSnapshot {
  const { emitted, make } = collect();
  const old = make();
  for (const e of events) old.push(e);
  expect(emitted).toEqual([]);
  return JSON.parse(JSON.stringify(old.snapshot())) as AssemblerSnapshot;
}

describe('assembler: orphans restored after a worker restart', () => {
  it('a restored request with a passing response and no settle event is emitted as completed, inferred', () => {
    const url = `${API}/ok`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '1', url, { requestHeaders: sendHeaders() }),
      ev('headersReceived', '1', url, { statusCode: 200, responseHeaders: allow, timeStamp: T0 + 40 }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0 + 1000);
    expect(a.orphanDeadline).toBe(T0 + 1000 + ORPHAN_GRACE_MS);
    expect(a.settleOrphans(T0 + 1000 + ORPHAN_GRACE_MS)).toBe(1);
    expect(emitted).toHaveLength(1);
    const e = emitted[0]!;
    expect(e.outcome).toEqual({ kind: 'completed' });
    expect(e.outcomeInferred).toBe(true);
    expect(e.durationMs).toBe(40);
    expect(a.pendingCount).toBe(0);
    expect(a.orphanDeadline).toBeUndefined();
    const d = diagnose(e);
    expect(d.status).toBe('ok');
    expect(d.assumptions).toContain(INFERRED_LINE);
  });

  it('a blocked response is emitted as net::ERR_FAILED, with the CORS verdict', () => {
    const url = `${API}/blocked`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '2', url, { requestHeaders: sendHeaders() }),
      ev('headersReceived', '2', url, { statusCode: 200, responseHeaders: [] }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0);
    a.settleOrphans(T0 + ORPHAN_GRACE_MS);
    expect(emitted.map((e) => e.outcome)).toEqual([{ kind: 'failed', error: 'net::ERR_FAILED' }]);
    const d = diagnose(emitted[0]!);
    expect(d.status).toBe('blocked');
    expect(d.corsError).toBe('MissingAllowOriginHeader');
    expect(d.assumptions).toContain(INFERRED_LINE);
  });

  it('a late real settle event for an emitted orphan is ignored, also after another restart', () => {
    const url = `${API}/late`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '3', url, { requestHeaders: sendHeaders() }),
      ev('headersReceived', '3', url, { statusCode: 200, responseHeaders: allow }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0);
    a.settleOrphans(T0 + ORPHAN_GRACE_MS);
    a.push(ev('headersReceived', '3', url, { statusCode: 200, responseHeaders: allow }));
    a.push(ev('completed', '3', url, { statusCode: 200 }));
    expect(emitted).toHaveLength(1);
    expect(a.pendingCount).toBe(0);
    // The next worker still knows it (the snapshot carries the settled orphans).
    const b = make();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())) as AssemblerSnapshot, T0 + 5000);
    b.push(ev('error', '3', url, { error: 'net::ERR_FAILED' }));
    expect(b.orphanDeadline).toBeUndefined();
    expect(emitted).toHaveLength(1);
  });

  it('a restored request without any response is emitted once as unobserved; its late events emit the real exchange under the same id', () => {
    const url = `${API}/slow`;
    const snap = snapshotBeforeStop([ev('beforeSendHeaders', '4', url, { requestHeaders: sendHeaders() })]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0);
    expect(a.settleOrphans(T0 + ORPHAN_GRACE_MS)).toBe(1);
    expect(emitted.map((e) => [e.id, e.outcome.kind])).toEqual([['wr-4', 'unobserved']]);
    const unobserved = diagnose(emitted[0]!);
    expect(unobserved.status).toBe('warning');
    expect(unobserved.corsError).toBeUndefined();
    expect(unobserved.findings.map((f) => f.id)).toEqual(['outcome-unobserved']);
    expect(a.pendingCount).toBe(1);
    // Another restart: the request is an orphan again, but is not emitted a second time.
    const b = make();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())) as AssemblerSnapshot, T0 + 5000);
    expect(b.settleOrphans(T0 + 5000 + ORPHAN_GRACE_MS)).toBe(0);
    expect(emitted).toHaveLength(1);
    // The events come after all (a slow server): the real exchange, same id, observed outcome.
    b.push(ev('headersReceived', '4', url, { statusCode: 200, responseHeaders: [] }));
    b.push(ev('error', '4', url, { error: 'net::ERR_FAILED' }));
    expect(emitted.map((e) => [e.id, e.outcome.kind])).toEqual([['wr-4', 'unobserved'], ['wr-4', 'failed']]);
    expect(emitted[1]!.outcomeInferred).toBeUndefined();
    expect(emitted[1]!.hops[0]!.response?.status).toBe(200);
    // The unobserved exchange emitted first was not changed by the later events.
    expect(emitted[0]!.hops[0]!.response).toBeUndefined();
    expect(diagnose(emitted[1]!).corsError).toBe('MissingAllowOriginHeader');
  });

  it('an unobserved request leaves its preflight to the real exchange', () => {
    const url = `${API}/pf-slow`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '20', url, {
        method: 'OPTIONS',
        requestHeaders: preflightAsks('GET', 'x-test'),
      }),
      ev('headersReceived', '20', url, { method: 'OPTIONS', statusCode: 204, responseHeaders: allow }),
      ev('completed', '20', url, { method: 'OPTIONS', statusCode: 204 }),
      ev('beforeSendHeaders', '21', url, { requestHeaders: sendHeaders([{ name: 'x-test', value: '1' }]) }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0);
    expect(a.settleOrphans(T0 + ORPHAN_GRACE_MS)).toBe(1);
    expect(emitted[0]!.preflight.kind).toBe('sent');
    a.push(ev('headersReceived', '21', url, { statusCode: 200, responseHeaders: allow }));
    a.push(ev('completed', '21', url, { statusCode: 200 }));
    expect(emitted.map((e) => [e.id, e.outcome.kind, e.preflight.kind])).toEqual([
      ['wr-21', 'unobserved', 'sent'],
      ['wr-21', 'completed', 'sent'],
    ]);
    expect(diagnose(emitted[1]!).status).toBe('ok');
  });

  it('a restored request that gets an event after the restore is alive: its real settle event decides', () => {
    const url = `${API}/alive`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '5', url, { requestHeaders: sendHeaders() }),
      ev('headersReceived', '5', url, { statusCode: 200, responseHeaders: [] }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0);
    a.push(ev('completed', '5', url, { statusCode: 200 }));
    expect(a.orphanDeadline).toBeUndefined();
    expect(a.settleOrphans(T0 + ORPHAN_GRACE_MS)).toBe(0);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.outcome).toEqual({ kind: 'completed' });
    expect(emitted[0]!.outcomeInferred).toBeUndefined();
  });

  it('a restored preflight with its refusing answer but not its end: the request it stopped is emitted, failed at the preflight, inferred', () => {
    // Both ends (the OPTIONS's error, then the request's lone error) went to the stopping worker.
    const url = `${API}/pf-refused`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '30', url, {
        method: 'OPTIONS',
        requestHeaders: preflightAsks('GET', 'x-test'),
      }),
      ev('headersReceived', '30', url, { method: 'OPTIONS', statusCode: 204, responseHeaders: [], timeStamp: T0 + 5 }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0 + 100);
    expect(a.orphanDeadline).toBe(T0 + 100 + ORPHAN_GRACE_MS);
    expect(a.settleOrphans(T0 + 100 + ORPHAN_GRACE_MS)).toBe(1);
    expect(emitted).toHaveLength(1);
    expect([emitted[0]!.preflight.kind, emitted[0]!.outcome.kind, emitted[0]!.outcomeInferred]).toEqual(['sent', 'failed', true]);
    expect(diagnose(emitted[0]!).corsError).toBe('PreflightMissingAllowOriginHeader');
    expect(a.pendingCount).toBe(0);
  });

  it('a restored preflight without an answer that hears nothing more: its request is emitted unobserved, then replaced by the real one', () => {
    // Its answer, its end and its request's events went to the stopping worker; or the server is slow.
    const url = `${API}/pf-silent`;
    const allowPut: HttpHeader[] = [...allow, { name: 'Access-Control-Allow-Methods', value: 'PUT' }];
    const snap = snapshotBeforeStop([ev('beforeSendHeaders', '50', url, { method: 'OPTIONS', requestHeaders: preflightAsks('PUT') })]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0 + 100);
    expect(a.orphanDeadline).toBe(T0 + 100 + ORPHAN_GRACE_MS);
    expect(a.settleOrphans(T0 + 100 + ORPHAN_GRACE_MS)).toBe(1);
    expect(emitted.map((e) => [e.id, e.method, e.hops[0]?.url, e.preflight.kind, e.outcome.kind])).toEqual([['wr-pf-50', 'PUT', url, 'sent', 'unobserved']]);
    expect([diagnose(emitted[0]!).status, diagnose(emitted[0]!).corsError]).toEqual(['warning', undefined]);
    // Emitted once: the preflight stays pending, unclaimed.
    expect(a.settleOrphans(T0 + 200 + ORPHAN_GRACE_MS)).toBe(0);
    expect(a.pendingCount).toBe(1);
    // The slow server answers after all, and the request goes: its exchange takes the same id.
    a.push(ev('headersReceived', '50', url, { method: 'OPTIONS', statusCode: 204, responseHeaders: allowPut, timeStamp: T0 + 5000 }));
    a.push(ev('completed', '50', url, { method: 'OPTIONS', statusCode: 204, timeStamp: T0 + 5001 }));
    a.push(ev('beforeSendHeaders', '51', url, { method: 'PUT', requestHeaders: sendHeaders(), timeStamp: T0 + 5002 }));
    a.push(ev('headersReceived', '51', url, { method: 'PUT', statusCode: 200, responseHeaders: allow, timeStamp: T0 + 5010 }));
    a.push(ev('completed', '51', url, { method: 'PUT', statusCode: 200, timeStamp: T0 + 5011 }));
    expect(emitted.map((e) => [e.id, e.outcome.kind])).toEqual([['wr-pf-50', 'unobserved'], ['wr-pf-50', 'completed']]);
    expect(diagnose(emitted[1]!).status).toBe('ok');
    expect(a.pendingCount).toBe(0);
  });

  it('a restored preflight without an answer whose request was seen leaving is that request\'s: one unobserved exchange, not two', () => {
    // Seen in the restart test: the answer and the end of the OPTIONS went to the stopping worker,
    // its request's start reached the journal, and the request came out twice, under two ids.
    const url = `${API}/pf-silent-request-seen`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '70', url, { method: 'OPTIONS', requestHeaders: preflightAsks('PUT') }),
      ev('beforeSendHeaders', '71', url, { method: 'PUT', requestHeaders: sendHeaders(), timeStamp: T0 + 10 }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0 + 100);
    expect(a.settleOrphans(T0 + 100 + ORPHAN_GRACE_MS)).toBe(1);
    expect(emitted.map((e) => [e.id, e.method, e.preflight.kind, e.outcome.kind])).toEqual([['wr-71', 'PUT', 'sent', 'unobserved']]);
    // Its own events come after all: the real exchange takes its id, and claims the preflight.
    a.push(ev('headersReceived', '71', url, { method: 'PUT', statusCode: 200, responseHeaders: allow, timeStamp: T0 + 5010 }));
    a.push(ev('completed', '71', url, { method: 'PUT', statusCode: 200, timeStamp: T0 + 5011 }));
    expect(emitted.map((e) => [e.id, e.outcome.kind, e.preflight.kind])).toEqual([
      ['wr-71', 'unobserved', 'sent'],
      ['wr-71', 'completed', 'sent'],
    ]);
  });

  it('a restored preflight without an answer that hears its answer in the new worker is left to its events', () => {
    const url = `${API}/pf-alive`;
    const snap = snapshotBeforeStop([ev('beforeSendHeaders', '60', url, { method: 'OPTIONS', requestHeaders: preflightAsks('GET', 'x-test') })]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0 + 100);
    a.push(ev('headersReceived', '60', url, { method: 'OPTIONS', statusCode: 204, responseHeaders: allow, timeStamp: T0 + 200 }));
    expect(a.settleOrphans(T0 + 100 + ORPHAN_GRACE_MS)).toBe(0);
    expect(emitted).toEqual([]);
  });

  it('a restored preflight with a passing answer but not its end is settled and left to its request', () => {
    const url = `${API}/pf-passed`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '40', url, {
        method: 'OPTIONS',
        requestHeaders: preflightAsks('GET', 'x-test'),
      }),
      ev('headersReceived', '40', url, { method: 'OPTIONS', statusCode: 204, responseHeaders: allow, timeStamp: T0 + 5 }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0 + 100);
    expect(a.settleOrphans(T0 + 100 + ORPHAN_GRACE_MS)).toBe(0);
    // Its request comes after all: paired with the settled preflight.
    a.push(ev('beforeSendHeaders', '41', url, { requestHeaders: sendHeaders([{ name: 'x-test', value: '1' }]), timeStamp: T0 + 10 }));
    a.push(ev('headersReceived', '41', url, { statusCode: 200, responseHeaders: allow, timeStamp: T0 + 20 }));
    a.push(ev('completed', '41', url, { statusCode: 200, timeStamp: T0 + 21 }));
    expect(emitted.map((e) => [e.id, e.preflight.kind, e.outcome.kind])).toEqual([['wr-41', 'sent', 'completed']]);
  });

  it('an orphan is paired with its preflight, settled or still pending', () => {
    const url = `${API}/pf`;
    const options = (id: string) => [
      ev('beforeSendHeaders', id, url, {
        method: 'OPTIONS',
        requestHeaders: preflightAsks('GET', 'x-test'),
      }),
      ev('headersReceived', id, url, { method: 'OPTIONS', statusCode: 204, responseHeaders: allow }),
    ];
    const snap = snapshotBeforeStop([
      ...options('10'),
      ev('completed', '10', url, { method: 'OPTIONS', statusCode: 204 }),
      ev('beforeSendHeaders', '11', url, { requestHeaders: sendHeaders([{ name: 'x-test', value: '1' }]) }),
      ev('headersReceived', '11', url, { statusCode: 200, responseHeaders: allow }),
      // The second preflight's completion was lost, and so was its request's.
      ...options('12'),
      ev('beforeSendHeaders', '13', url, { requestHeaders: sendHeaders([{ name: 'x-test', value: '1' }]) }),
      ev('headersReceived', '13', url, { statusCode: 200, responseHeaders: allow }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0);
    expect(a.settleOrphans(T0 + ORPHAN_GRACE_MS)).toBe(2);
    expect(emitted.map((e) => [e.id, e.preflight.kind, e.outcome.kind, e.outcomeInferred])).toEqual([
      ['wr-11', 'sent', 'completed', true],
      ['wr-13', 'sent', 'completed', true],
    ]);
    // The pending preflight's late completion only settles the (claimed) preflight.
    a.push(ev('completed', '12', url, { method: 'OPTIONS', statusCode: 204 }));
    expect(emitted).toHaveLength(2);
    expect(a.pendingCount).toBe(0);
    for (const e of emitted) expect(diagnose(e).status).toBe('ok');
  });

  it('a restored failed preflight whose request\'s error event never came is settled as that request, blocked, inferred', () => {
    const url = `${API}/pf-denied`;
    const options = (id: string, allowed: HttpHeader[]) => [
      ev('beforeSendHeaders', id, url, {
        method: 'OPTIONS',
        requestHeaders: preflightAsks('PUT'),
      }),
      ev('headersReceived', id, url, { method: 'OPTIONS', statusCode: 204, responseHeaders: allowed }),
      ev('completed', id, url, { method: 'OPTIONS', statusCode: 204 }),
    ];
    // 30 failed (no ACAO), 31 passed: neither's actual request was seen before the stop.
    const snap = snapshotBeforeStop([...options('30', []), ...options('31', [{ name: 'Access-Control-Allow-Origin', value: PAGE }, { name: 'Access-Control-Allow-Methods', value: 'PUT' }])]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0);
    expect(a.orphanDeadline).toBe(T0 + ORPHAN_GRACE_MS);
    expect(a.settleOrphans(T0 + ORPHAN_GRACE_MS)).toBe(1);
    expect(emitted.map((e) => [e.method, e.hops[0]!.url, e.preflight.kind, e.outcome.kind, e.outcomeInferred])).toEqual([['PUT', url, 'sent', 'failed', true]]);
    expect(diagnose(emitted[0]!).corsError).toBe('PreflightMissingAllowOriginHeader');
    // The passing preflight is still there for its request, which arrives late.
    a.push(ev('beforeSendHeaders', '32', url, { method: 'PUT', requestHeaders: sendHeaders() }));
    a.push(ev('headersReceived', '32', url, { method: 'PUT', statusCode: 200, responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }] }));
    a.push(ev('completed', '32', url, { method: 'PUT', statusCode: 200 }));
    expect(emitted.map((e) => [e.method, e.preflight.kind, diagnose(e).status])).toEqual([['PUT', 'sent', 'blocked'], ['PUT', 'sent', 'ok']]);
  });

  it('a restored failed preflight whose request\'s error event does come is settled once, by that event', () => {
    const url = `${API}/pf-denied2`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '40', url, { method: 'OPTIONS', requestHeaders: preflightAsks('PUT') }),
      ev('headersReceived', '40', url, { method: 'OPTIONS', statusCode: 500, responseHeaders: [] }),
      ev('completed', '40', url, { method: 'OPTIONS', statusCode: 500 }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0);
    a.push(ev('error', '41', url, { method: 'PUT', error: 'net::ERR_FAILED' }));
    expect(a.settleOrphans(T0 + ORPHAN_GRACE_MS)).toBe(0);
    // Chromium checks Access-Control-Allow-Origin before the status (lab: fetch-preflight-404-bare).
    expect(emitted.map((e) => [e.id, e.outcomeInferred, diagnose(e).corsError])).toEqual([['wr-41', undefined, 'PreflightMissingAllowOriginHeader']]);
  });

  it('a failed preflight replayed from the journal (not in the snapshot) is watched too', () => {
    const url = `${API}/pf-journal`;
    const { emitted, make } = collect();
    const a = make();
    // Replayed events of the previous instance, then the watch starts.
    a.push(ev('beforeSendHeaders', '50', url, { method: 'OPTIONS', requestHeaders: preflightAsks('DELETE') }));
    a.push(ev('headersReceived', '50', url, { method: 'OPTIONS', statusCode: 204, responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }] }));
    a.push(ev('completed', '50', url, { method: 'OPTIONS', statusCode: 204 }));
    a.watchPendingAsOrphans(T0);
    expect(a.settleOrphans(T0 + ORPHAN_GRACE_MS)).toBe(1);
    expect(diagnose(emitted[0]!).corsError).toBe('MethodDisallowedByPreflightResponse');
  });

  it('a restored pending preflight pairs normally with an actual request that arrives later', () => {
    const url = `${API}/pf2`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '20', url, {
        method: 'OPTIONS',
        requestHeaders: preflightAsks('GET', 'x-test'),
      }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0);
    // Watched until an event shows it alive here.
    expect(a.orphanDeadline).toBe(T0 + ORPHAN_GRACE_MS);
    a.push(ev('headersReceived', '20', url, { method: 'OPTIONS', statusCode: 204, responseHeaders: allow }));
    a.push(ev('completed', '20', url, { method: 'OPTIONS', statusCode: 204 }));
    a.push(ev('beforeSendHeaders', '21', url, { requestHeaders: sendHeaders([{ name: 'x-test', value: '1' }]) }));
    a.push(ev('headersReceived', '21', url, { statusCode: 200, responseHeaders: allow }));
    a.push(ev('completed', '21', url, { statusCode: 200 }));
    expect(a.settleOrphans(T0 + ORPHAN_GRACE_MS)).toBe(0);
    expect(emitted.map((e) => [e.id, e.preflight.kind, e.outcomeInferred])).toEqual([['wr-21', 'sent', undefined]]);
  });

  it('normal operation (no restore) never has orphans', () => {
    const url = `${API}/normal`;
    const { emitted, make } = collect();
    const a = make();
    a.push(ev('beforeSendHeaders', '30', url, { requestHeaders: sendHeaders() }));
    a.push(ev('headersReceived', '30', url, { statusCode: 200, responseHeaders: allow }));
    a.restore(undefined, T0);
    expect(a.orphanDeadline).toBeUndefined();
    expect(a.settleOrphans(T0 + 60_000)).toBe(0);
    expect(emitted).toEqual([]);
    expect(a.pendingCount).toBe(1);
    // A request already known when a snapshot is merged is not an orphan either.
    a.restore(JSON.parse(JSON.stringify(a.snapshot())) as AssemblerSnapshot, T0);
    expect(a.orphanDeadline).toBeUndefined();
  });

  it('a same-origin orphan is dismissed, not emitted', () => {
    const url = `${PAGE}/same`;
    const snap = snapshotBeforeStop([
      ev('beforeSendHeaders', '40', url, { requestHeaders: sendHeaders() }),
      ev('headersReceived', '40', url, { statusCode: 200, responseHeaders: [] }),
    ]);
    const { emitted, make } = collect();
    const a = make();
    a.restore(snap, T0);
    expect(a.settleOrphans(T0 + ORPHAN_GRACE_MS)).toBe(0);
    expect(emitted).toEqual([]);
    expect(a.pendingCount).toBe(0);
    expect(a.dismissed).toBe(1);
  });

  it('a settle event delivered again after the request was emitted (and persisted) makes no second exchange', () => {
    // The stopped worker handled the completion and persisted the exchange together with its
    // snapshot; Chromium then delivered the same completion to the next worker.
    const url = `${API}/again`;
    const { emitted, make } = collect();
    const old = make();
    const preflighted = sendHeaders([{ name: 'x-test', value: '1' }]);
    const options = { method: 'OPTIONS', requestHeaders: preflightAsks('GET', 'x-test') };
    old.push(ev('beforeSendHeaders', '51', url, options));
    old.push(ev('headersReceived', '51', url, { method: 'OPTIONS', statusCode: 204, responseHeaders: allow }));
    old.push(ev('completed', '51', url, { method: 'OPTIONS', statusCode: 204 }));
    old.push(ev('beforeSendHeaders', '50', url, { requestHeaders: preflighted, timeStamp: T0 + 5 }));
    old.push(ev('headersReceived', '50', url, { statusCode: 200, responseHeaders: allow, timeStamp: T0 + 30 }));
    old.push(ev('completed', '50', url, { statusCode: 200, timeStamp: T0 + 31 }));
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.preflight.kind).toBe('sent');
    const snap = JSON.parse(JSON.stringify(old.snapshot())) as AssemblerSnapshot;
    const next = make();
    next.restore(snap, T0 + 500);
    next.push(ev('completed', '50', url, { statusCode: 200, timeStamp: T0 + 31 }));
    next.push(ev('error', '50', url, { error: 'net::ERR_FAILED', timeStamp: T0 + 31 }));
    expect(emitted).toHaveLength(1);
    expect(next.pendingCount).toBe(0);
    // Without the remembered id the repeated completion would have made a second, unpaired exchange.
    const fresh = make();
    fresh.push(ev('completed', '50', url, { statusCode: 200, timeStamp: T0 + 31 }));
    expect(emitted).toHaveLength(2);
    expect(emitted[1]!.preflight.kind).not.toBe('sent');
  });
});
