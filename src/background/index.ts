import { applyBadge, badgeFor } from './badge.ts';
import { ExchangeAssembler, type AssemblerSnapshot } from '../capture/assembler.ts';
import { HarStream } from '../capture/har.ts';
import type { RawWebRequestEvent } from '../capture/raw-event.ts';
import { RingBuffer } from '../capture/ring-buffer.ts';
import { registerWakeAnchors, watchLikelyCorsFailures, watchTab } from '../capture/webrequest.ts';
import type { Exchange } from '../engine/types.ts';
import {
  DEVTOOLS_PORT,
  SUBSCRIBE_PORT,
  isOwnExtensionPage,
  parseDevtoolsPortMessage,
  parseRequest,
  parseSubscribeMessage,
  type CorsightRequest,
  type DebugState,
  type ResponseMap,
  type Settings,
  type SubscriptionEvent,
} from '../messages/protocol.ts';
import { countStatuses, type CaptureState } from '../store/report.ts';
import { packString, unpackStored } from '../store/pack.ts';
import { TabLogs, type KeyValueArea } from '../store/tab-log.ts';

/**
 * Service worker: wires the capture sources to the engine and the per-tab logs, and answers the
 * message API (docs/messages.md). Design and measurements: docs/capture.md.
 *
 * Which source feeds a tab:
 * - DevTools open on it: the DevTools page maps its network log to Exchanges and sends them
 *   (devtools/exchanges); it holds a DEVTOOLS_PORT open so the worker knows.
 * - capture/start (DevTools closed): webRequest listeners with extraHeaders filtered to that tab.
 * - otherwise: at most the cheap onErrorOccurred watch (settings.cheapWatch).
 *
 * Worker restarts: the captured-tab set lives in storage.session and the tab-filtered listeners
 * are re-added as soon as it is read; no-op "anchor" listeners registered synchronously below
 * make the events that woke a stopped worker reach them (measured, docs/capture.md). While a
 * tab is captured a keepalive stops Chromium from idling the worker out mid-capture.
 */

// ---- Synchronous top level: everything an event that wakes the worker may need. ----
// An extraHeaders listener taxes every request of every tab even when its filter matches
// nothing, so the anchors stay only when start-up finds a captured tab (removed below).
let removeWakeAnchors: (() => void) | undefined = registerWakeAnchors();

const START = Date.now();
const CAPTURE_KEY = 'capture';
const ASSEMBLER_KEY = 'assembler';
const SETTINGS_KEY = 'settings';
const FLUSH_INTERVAL_MS = 250;
const KEEPALIVE_MS = 20_000;
const MAX_SNAPSHOT = 300;

const session: KeyValueArea = {
  get: (keys) => chrome.storage.session.get(keys) as Promise<Record<string, unknown>>,
  set: (items) => chrome.storage.session.set(items),
  remove: (keys) => chrome.storage.session.remove(keys),
};

const logs = new TabLogs(session);
let logsLoaded = false;
let settings: Settings = { cheapWatch: true, snippetStack: null };
const capturedTabs = new Set<number>();
const tabWatchers = new Map<number, () => void>();
const devtoolsPorts = new Map<number, Set<chrome.runtime.Port>>();
const subscribers = new Map<number, Set<chrome.runtime.Port>>();
const harStreams = new Map<number, HarStream>();
const harEntries = new Map<number, RingBuffer<Record<string, unknown>>>();
/** Raw webRequest events of captured tabs, for tests (debug/raw-events). */
const rawEvents = new RingBuffer<RawWebRequestEvent>(2000);
let stopCheapWatch: (() => void) | undefined;
let keepalive: ReturnType<typeof setInterval> | undefined;

/** Exchanges waiting to be diagnosed and appended (held until the logs are loaded; drained by every write). */
const appendQueue = new Map<number, Exchange[]>();

function onExchange(tabId: number, exchange: Exchange): void {
  // One source per tab: with DevTools open its network log wins over webRequest.
  if (exchange.source === 'webrequest' && devtoolsPorts.has(tabId)) return;
  let list = appendQueue.get(tabId);
  if (!list) appendQueue.set(tabId, (list = []));
  list.push(exchange);
  scheduleFlush(true);
}

function drainAppends(): void {
  if (!logsLoaded) return;
  for (const [tabId, list] of appendQueue) {
    logs.append(tabId, list);
    badgeDirty.add(tabId);
  }
  appendQueue.clear();
}

const assembler = new ExchangeAssembler((exchange, tabId) => onExchange(tabId, exchange));
let assemblerRestored = false;
const earlyEvents: RawWebRequestEvent[] = [];

function onRawEvent(event: RawWebRequestEvent): void {
  rawEvents.push(event);
  if (!assemblerRestored) {
    earlyEvents.push(event);
    return;
  }
  assembler.push(event);
  // A request or preflight settled: write soon (a forced worker stop loses what is only in
  // memory). Other events change only the in-flight state: the next batch, or the lazy one.
  if (event.phase === 'completed' || event.phase === 'error') scheduleFlush(true);
  else if (assembler.pendingCount > 0) scheduleFlush(false);
}

// ---- Persistence: one storage batch at a time, never one per event. ----
// Leading edge when something settled ("soon"): the batch goes out at once if no batch is being
// written, and whatever arrives while one is being written goes into the next one, so batches
// stay batches under load and the window a forced stop can lose shrinks to one write. Changes
// that only matter across restarts (in-flight state, counts, meta) wait up to FLUSH_INTERVAL_MS.
let flushTimer: ReturnType<typeof setTimeout> | undefined;
let flushDue = 0;
let flushInFlight = false;
let again: 'none' | 'lazy' | 'soon' = 'none';
let lastFlush = 0;
const badgeDirty = new Set<number>();

function scheduleFlush(soon = false): void {
  if (!logsLoaded) return;
  if (flushInFlight) {
    if (soon) again = 'soon';
    else if (again === 'none') again = 'lazy';
    return;
  }
  const now = Date.now();
  const delay = soon ? 0 : Math.max(0, lastFlush + FLUSH_INTERVAL_MS - now);
  if (flushTimer !== undefined) {
    if (now + delay >= flushDue) return;
    clearTimeout(flushTimer);
  }
  flushDue = now + delay;
  flushTimer = setTimeout(() => void runFlush(), delay);
}

async function runFlush(): Promise<void> {
  flushTimer = undefined;
  flushInFlight = true;
  lastFlush = Date.now();
  try {
    await flushNow();
  } finally {
    flushInFlight = false;
  }
  const next = again;
  again = 'none';
  if (next !== 'none') scheduleFlush(next === 'soon');
}

function assemblerSnapshot(): AssemblerSnapshot {
  const s = assembler.snapshot();
  return {
    requests: s.requests.slice(-MAX_SNAPSHOT),
    preflights: s.preflights.slice(-MAX_SNAPSHOT),
    cache: s.cache.slice(-MAX_SNAPSHOT),
    inferred: (s.inferred ?? []).slice(-MAX_SNAPSHOT),
  };
}

/**
 * Requests restored from the previous worker whose completion event never comes (a forced stop
 * lost it) are settled from their response headers after a grace period (ExchangeAssembler
 * settleOrphans). The timer runs only while such restored requests exist.
 */
function scheduleOrphanCheck(): void {
  const due = assembler.orphanDeadline;
  if (due === undefined) return;
  setTimeout(() => {
    void ready.then(() => {
      if (assembler.settleOrphans(Date.now()) > 0) scheduleFlush(true);
      else scheduleFlush(false);
    });
  }, Math.max(0, due - Date.now()));
}

async function flushNow(): Promise<void> {
  // The exchanges the assembler let go of are written with the in-flight state that no longer
  // holds them: a stop between two batches neither loses nor duplicates them.
  drainAppends();
  const extra: Record<string, unknown> = {};
  if (assembler.dirty) {
    assembler.dirty = false;
    extra[ASSEMBLER_KEY] = packString(assemblerSnapshot());
  }
  try {
    await logs.flush(extra);
  } catch (e) {
    if (extra[ASSEMBLER_KEY]) assembler.dirty = true;
    console.warn('Corsight: storage batch failed', e);
  }
  for (const tabId of badgeDirty) updateBadge(tabId);
  badgeDirty.clear();
}

function updateBadge(tabId: number): void {
  const capture = captureState(tabId);
  void applyBadge(tabId, badgeFor({
    capturing: capture.webRequest || capture.devtools,
    blocked: countStatuses(logs.records(tabId)).blocked,
    likelyCorsFailures: settings.cheapWatch ? logs.likelyFailures(tabId) : 0,
  }));
}

// ---- Capture state ----
function captureState(tabId: number): CaptureState {
  return { devtools: devtoolsPorts.has(tabId), webRequest: capturedTabs.has(tabId), cheapWatch: settings.cheapWatch };
}

/** The tab's capture state changed: tell its subscribers, and switch its badge's meaning. */
function broadcastCapture(tabId: number): void {
  updateBadge(tabId);
  const event: SubscriptionEvent = { type: 'capture', capture: captureState(tabId) };
  for (const port of subscribers.get(tabId) ?? []) port.postMessage(event);
}

function startWatching(tabId: number): void {
  if (tabWatchers.has(tabId)) return;
  tabWatchers.set(tabId, watchTab(tabId, onRawEvent));
  if (keepalive === undefined) {
    // Any extension API call resets Chromium's 30 s idle timer: the worker is not idled out
    // while the user has asked to capture a tab (forced stops are covered by the anchors).
    keepalive = setInterval(() => void chrome.runtime.getPlatformInfo().catch(() => undefined), KEEPALIVE_MS);
  }
}

function stopWatching(tabId: number): void {
  tabWatchers.get(tabId)?.();
  tabWatchers.delete(tabId);
  if (tabWatchers.size === 0) {
    if (keepalive !== undefined) clearInterval(keepalive);
    keepalive = undefined;
    removeWakeAnchors?.();
    removeWakeAnchors = undefined;
  }
}

async function persistCaptureSet(): Promise<void> {
  await chrome.storage.session.set({ [CAPTURE_KEY]: [...capturedTabs] });
}

function applyCheapWatch(): void {
  if (settings.cheapWatch && !stopCheapWatch) {
    stopCheapWatch = watchLikelyCorsFailures((tabId) => {
      if (capturedTabs.has(tabId) || devtoolsPorts.has(tabId) || !logsLoaded) return;
      logs.countLikelyFailure(tabId);
      badgeDirty.add(tabId);
      scheduleFlush();
    });
  } else if (!settings.cheapWatch && stopCheapWatch) {
    stopCheapWatch();
    stopCheapWatch = undefined;
  }
}

// ---- Start-up: read what the previous worker instance left, re-register, load the logs. ----
const ready: Promise<void> = (async () => {
  const first = await chrome.storage.session.get([CAPTURE_KEY, ASSEMBLER_KEY]);
  const tabs = Array.isArray(first[CAPTURE_KEY]) ? (first[CAPTURE_KEY] as number[]) : [];
  for (const tabId of tabs) {
    capturedTabs.add(tabId);
    startWatching(tabId);
  }
  if (capturedTabs.size === 0) {
    removeWakeAnchors?.();
    removeWakeAnchors = undefined;
  }
  assembler.restore(unpackStored(first[ASSEMBLER_KEY]) as AssemblerSnapshot | undefined, Date.now());
  assemblerRestored = true;
  for (const event of earlyEvents.splice(0)) assembler.push(event);
  scheduleOrphanCheck();
  const local = await chrome.storage.local.get(SETTINGS_KEY);
  const saved = local[SETTINGS_KEY] as Partial<Settings> | undefined;
  if (saved) settings = { ...settings, ...saved };
  applyCheapWatch();
  await logs.load();
  logsLoaded = true;
  drainAppends();
  scheduleFlush(true);
  for (const tabId of logs.tabIds()) updateBadge(tabId);
})().catch((e) => {
  console.error('Corsight: start-up failed', e);
  assemblerRestored = true;
  logsLoaded = true;
});

// ---- Tabs: navigation clears the log (unless preserve log), closing deletes it. ----
chrome.tabs.onUpdated.addListener((tabId, changeInfo, tab) => {
  if (changeInfo.status !== 'loading') return;
  void ready.then(() => {
    if (!logs.has(tabId)) return;
    if (!logs.preserveLog(tabId)) logs.clear(tabId);
    logs.setUrl(tabId, tab.url ?? null);
    badgeDirty.add(tabId);
    scheduleFlush();
  });
});

chrome.tabs.onRemoved.addListener((tabId) => {
  void ready.then(async () => {
    if (capturedTabs.delete(tabId)) {
      stopWatching(tabId);
      await persistCaptureSet();
    }
    harStreams.delete(tabId);
    harEntries.delete(tabId);
    assembler.forgetTab(tabId);
    logs.delete(tabId);
    scheduleFlush();
  });
});

// ---- Message API ----
const extensionOrigin = chrome.runtime.getURL('').replace(/\/$/, '');

async function tabUrl(tabId: number): Promise<string | null> {
  try {
    return (await chrome.tabs.get(tabId)).url ?? null;
  } catch {
    return null;
  }
}

async function handle(request: CorsightRequest): Promise<ResponseMap[keyof ResponseMap]> {
  switch (request.type) {
    case 'tab/report':
      await ready;
      drainAppends();
      return logs.report(request.tabId, captureState(request.tabId), await tabUrl(request.tabId));
    case 'tab/clear':
      await ready;
      drainAppends();
      logs.clear(request.tabId);
      badgeDirty.add(request.tabId);
      scheduleFlush();
      return { cleared: true };
    case 'tab/preserve-log':
      await ready;
      logs.setPreserveLog(request.tabId, request.preserve);
      scheduleFlush();
      return { preserveLog: request.preserve };
    case 'capture/start': {
      await ready;
      capturedTabs.add(request.tabId);
      await persistCaptureSet();
      startWatching(request.tabId);
      broadcastCapture(request.tabId);
      if (request.reload) await chrome.tabs.reload(request.tabId).catch(() => undefined);
      return { capture: captureState(request.tabId) };
    }
    case 'capture/stop': {
      await ready;
      capturedTabs.delete(request.tabId);
      stopWatching(request.tabId);
      await persistCaptureSet();
      broadcastCapture(request.tabId);
      return { capture: captureState(request.tabId) };
    }
    case 'settings/get':
      await ready;
      return settings;
    case 'settings/set':
      await ready;
      settings = { ...settings, ...request.patch };
      await chrome.storage.local.set({ [SETTINGS_KEY]: settings });
      applyCheapWatch();
      for (const tabId of logs.tabIds()) updateBadge(tabId);
      return settings;
    case 'devtools/exchanges':
      for (const exchange of request.exchanges) onExchange(request.tabId, { ...exchange, source: 'devtools' });
      return { accepted: request.exchanges.length };
    case 'devtools/har-entries': {
      let ring = harEntries.get(request.tabId);
      if (!ring) harEntries.set(request.tabId, (ring = new RingBuffer(2000)));
      let stream = harStreams.get(request.tabId);
      if (!stream) {
        const tabId = request.tabId;
        harStreams.set(tabId, (stream = new HarStream((e) => onExchange(tabId, e), { source: 'devtools', idPrefix: 'har' })));
      }
      for (const entry of request.entries) {
        ring.push(entry);
        stream.push(entry);
      }
      return { accepted: request.entries.length };
    }
    case 'debug/har-entries':
      return { entries: harEntries.get(request.tabId)?.toArray() ?? [] };
    case 'debug/raw-events': {
      const all = rawEvents.toArray();
      const events = request.tabId === undefined ? all : all.filter((e) => e.tabId === request.tabId);
      return { events, dropped: rawEvents.dropped };
    }
    case 'debug/state': {
      const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      const state: DebugState = {
        startedAt: START,
        capturedTabs: [...capturedTabs],
        devtoolsTabs: [...devtoolsPorts.keys()],
        pending: assembler.pendingCount,
        flushes: logs.flushes,
      };
      if (memory) state.heapUsed = memory.usedJSHeapSize;
      return state;
    }
  }
}

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  if (!isOwnExtensionPage(sender, chrome.runtime.id, extensionOrigin)) return undefined;
  const request = parseRequest(message);
  // Not ours (or malformed): let other listeners answer.
  if (!request) return undefined;
  handle(request).then(sendResponse, (e: unknown) => sendResponse({ error: String(e) }));
  return true;
});

// ---- Ports: live subscriptions and DevTools presence ----
function addToSet<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFromSet<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

logs.subscribe((event) => {
  const ports = subscribers.get(event.tabId);
  if (!ports?.size) return;
  let message: SubscriptionEvent | undefined;
  if (event.type === 'records') message = { type: 'records', records: event.records, dropped: event.dropped };
  else if (event.type === 'reset') message = { type: 'snapshot', report: logs.report(event.tabId, captureState(event.tabId)) };
  if (message) for (const port of ports) port.postMessage(message);
});

chrome.runtime.onConnect.addListener((port) => {
  if (!port.sender || !isOwnExtensionPage(port.sender, chrome.runtime.id, extensionOrigin)) {
    port.disconnect();
    return;
  }
  if (port.name === SUBSCRIBE_PORT) {
    let tabId: number | undefined;
    port.onMessage.addListener((message: unknown) => {
      const m = parseSubscribeMessage(message);
      if (!m) return;
      if (tabId !== undefined) removeFromSet(subscribers, tabId, port);
      const id = m.tabId;
      tabId = id;
      void ready.then(async () => {
        drainAppends();
        addToSet(subscribers, id, port);
        port.postMessage({ type: 'snapshot', report: logs.report(id, captureState(id), await tabUrl(id)) } satisfies SubscriptionEvent);
      });
    });
    port.onDisconnect.addListener(() => {
      if (tabId !== undefined) removeFromSet(subscribers, tabId, port);
    });
  } else if (port.name === DEVTOOLS_PORT) {
    let tabId: number | undefined;
    port.onMessage.addListener((message: unknown) => {
      const m = parseDevtoolsPortMessage(message);
      if (!m || tabId !== undefined) return;
      tabId = m.tabId;
      addToSet(devtoolsPorts, m.tabId, port);
      broadcastCapture(m.tabId);
    });
    port.onDisconnect.addListener(() => {
      if (tabId === undefined) return;
      removeFromSet(devtoolsPorts, tabId, port);
      broadcastCapture(tabId);
    });
  } else port.disconnect();
});
