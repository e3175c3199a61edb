import { TabBadges } from './badge.ts';
import { ExchangeAssembler } from '../capture/webrequest/assembler.ts';
import { HarStream } from '../capture/har/stream.ts';
import type { RawWebRequestEvent } from '../capture/webrequest/raw-event.ts';
import { RingBuffer } from './ring-buffer.ts';
import { watchLikelyCorsFailures } from '../capture/webrequest/listeners.ts';
import { diagnose, judge } from '../engine/diagnose.ts';
import { mergeFixPlans } from '../engine/plan.ts';
import type { Exchange } from '../engine/types.ts';
import {
  DEVTOOLS_PORT,
  SUBSCRIBE_PORT,
  isOwnExtensionPage,
  parseDevtoolsPortMessage,
  type DevtoolsPortCommand,
  pageRequestsMessage,
  parseRequest,
  parseSubscribeMessage,
  route,
  type RequestHandlers,
  type DebugState,
  type Settings,
  type SubscriptionEvent,
} from '../messages/protocol.ts';
import { BatchSequence } from '../capture/devtools/batches.ts';
import { JournalWriter } from '../store/journal.ts';
import { countStatuses, type CaptureState } from '../store/report.ts';
import { TabLogs, type KeyValueArea } from '../store/tab-log.ts';
import { CaptureControl } from './capture-control.ts';
import { WorkerKeepalive } from './keepalive.ts';
import { Checkpointer } from './checkpoint.ts';
import { CheckpointScheduler, type CheckpointPace } from './checkpoint-scheduler.ts';
import { DevtoolsLink } from './devtools-link.ts';
import { DiagnosisPipeline } from './pipeline.ts';
import { Subscribers } from './subscribers.ts';
import { CAPTURE_KEY, recover, storedCapturedTabs } from './recovery.ts';
import { TRIAL_DEFAULT_MS, Trials, type SessionRulesApi } from './trials.ts';
import { overlayTrial } from '../trial/overlay.ts';
import { forStorage, redactHeaders } from '../store/redact.ts';
import { trialTarget, type TrialTarget } from '../trial/rules.ts';
import { PageRequestLog, mayPrecedeItsPageCall, splitCalls } from '../capture/page-context.ts';
import { readPagePermissions, readPageRequests } from '../context/page-request.ts';
import { PageContextInjector, chromeInjection } from './page-context.ts';
import { bridgedRequest, registerTestBridge } from './test-bridge.ts';
import { diagnoseThroughDevtoolsNetwork, webRequestCompletionShowsCors } from '../shared/platform.ts';

/**
 * Service worker: registers the listeners and wires the parts (docs/architecture.md). Capture
 * sources -> DiagnosisPipeline (the engine's judge()) -> TabLogs; checkpoints and the journal make it
 * survive forced stops; the message API goes through a typed router (docs/messages.md).
 * Design and measurements: docs/capture.md.
 *
 * Which source feeds a tab:
 * - DevTools open on it: the DevTools page holds a DEVTOOLS_PORT open so the worker knows; it
 *   listens to its network log only once the worker sends `activate` (the tab is to be
 *   diagnosed), then maps it to Exchanges and sends them in numbered batches (devtools/exchanges)
 *   that it keeps until a checkpoint holds them.
 * - capture/start (DevTools closed): webRequest listeners with extraHeaders filtered to that tab
 *   (CaptureControl, which also keeps the worker alive and bridges worker restarts).
 * - otherwise: at most the cheap onErrorOccurred watch (settings.cheapWatch).
 */

// ---- Synchronous top level: the start-up capture listeners must exist before any event. ----
/** One keepalive ping for every part that needs the worker up (a captured tab, a trial). */
const keepalive = new WorkerKeepalive(() => void chrome.runtime.getPlatformInfo().catch(() => undefined), 20_000);
const capture = new CaptureControl((event) => onCaptureEvent(event), {
  keepalive,
  // The start-up listeners stay this long after the tab listeners are added: an event Chromium
  // dispatched to them just before the swap is still delivered to them, not dropped.
  startupOverlapMs: 250,
  maxStartupEvents: 5000,
});

const START = Date.now();
const SETTINGS_KEY = 'settings';
const FLUSH_INTERVAL_MS = 250;
/**
 * The checkpoint pace while the only changes are ones their source keeps until a checkpoint
 * confirms them (a DevTools page's numbered batches); badges follow at this pace then.
 */
const DURABLE_SOURCE_FLUSH_MS = 1000;
/** At most one batch this often even when asked for soon: each batch costs the browser's UI thread. */
const MIN_BATCH_GAP_MS = 100;
/** How long a report waits for an activated DevTools page's backlog. */
const DEVTOOLS_BACKLOG_WAIT_MS = 3000;

const session: KeyValueArea = {
  get: (keys) => chrome.storage.session.get(keys) as Promise<Record<string, unknown>>,
  set: (items) => chrome.storage.session.set(items),
  remove: (keys) => chrome.storage.session.remove(keys),
};

const logs = new TabLogs(session, { judge, diagnose });
let settings: Settings = { cheapWatch: true, snippetStack: null, keepSecrets: false, pageContext: true };
/** The DevTools pages open on tabs, and whether they listen (they start idle: see src/devtools). */
const devtools = new DevtoolsLink<chrome.runtime.Port>(DEVTOOLS_BACKLOG_WAIT_MS);
const subscribers = new Subscribers<chrome.runtime.Port>();
const harStreams = new Map<number, HarStream>();
/** The HAR entries as the DevTools page forwarded them, per tab: kept in the test build only. */
const harEntries = new Map<number, RingBuffer<Record<string, unknown>>>();
const NOT_IN_RELEASE = 'this message answers in the test build only (vite build --mode test): the release build keeps no raw capture';
let stopCheapWatch: (() => void) | undefined;
/** "Try this fix": session rules per tab (src/background/trials.ts); a change shows in the badge and the pages. */
const trials = new Trials(
  chrome.declarativeNetRequest as unknown as SessionRulesApi,
  (tabId) => broadcastCapture(tabId),
  keepalive,
);
const badges = new TabBadges((tabId) => ({
  capturing: capture.has(tabId) || devtools.isOpen(tabId),
  blocked: countStatuses(logs.records(tabId)).blocked,
  likelyCorsFailures: settings.cheapWatch ? logs.likelyFailures(tabId) : 0,
  trialOrigins: trials.state(tabId)?.origins,
}));

/** The request context: the diagnosed tabs' calls (src/context), joined to their exchanges before judging. */
const pageRequests = new PageRequestLog(300);
const pageContext = new PageContextInjector(chromeInjection);
let callOnlyCount = 0;

/** The tabs being diagnosed: captured through webRequest, or their DevTools page listening. */
function diagnosedTabs(): number[] {
  return [...new Set([...capture.tabs(), ...devtools.activeTabs()])];
}

/** Hooks the diagnosed tabs' pages (and only those) when the setting is on. */
function updatePageContext(): void {
  const throughDevtools = new Set(diagnoseThroughDevtoolsNetwork() ? devtools.activeTabs() : []);
  pageContext.setEnabled(settings.pageContext, diagnosedTabs(), throughDevtools);
}

/**
 * How long an exchange of a hooked tab waits for its page's call (pipeline.ts): the call is sent
 * when the page makes it, so it is late only when the machine is busy; a worker's request, which
 * has none, appears this much later.
 */
const PAGE_CALL_WAIT_MS = 2000;

const pipeline = new DiagnosisPipeline(
  judge,
  (tabId, diagnosed) => {
    logs.append(tabId, diagnosed);
    badges.markDirty(tabId);
  },
  (tabId, exchange) => {
    if (!settings.pageContext) return { exchange };
    const joined = pageRequests.withCall(tabId, exchange);
    if (joined) return { exchange: joined };
    // A request that started before this worker instance (replayed, or settled as an orphan) had
    // its call sent to the instance before: no call is coming here.
    const callMayCome = exchange.startedAt === undefined || exchange.startedAt >= START;
    return callMayCome && pageContext.isHooked(tabId) && mayPrecedeItsPageCall(exchange) ? { waitFor: 'page-call' } : { exchange };
  },
  PAGE_CALL_WAIT_MS,
  (until) => drainAt(until),
);

/** One timer for the end of the first hold: the drain judges what waited, the checkpoint stores it. */
let holdTimer: ReturnType<typeof setTimeout> | undefined;
let holdDue = Infinity;
function drainAt(until: number): void {
  if (holdTimer !== undefined) {
    if (holdDue <= until) return;
    clearTimeout(holdTimer);
  }
  holdDue = until;
  holdTimer = setTimeout(() => {
    holdTimer = undefined;
    holdDue = Infinity;
    scheduleFlush('soon');
  }, Math.max(0, until - Date.now()));
}
/** The last DevTools batch taken per tab (written with each checkpoint). */
const devtoolsBatches = new BatchSequence();

/**
 * `toJournal`: write the exchange to the journal too. Not for webRequest exchanges (rebuilt from
 * their journaled events), a DevTools page's numbered batches (the page resends what no
 * checkpoint confirmed) or exchanges replayed from the journal.
 */
function onExchange(tabId: number, exchange: Exchange, toJournal: boolean): void {
  // One source per tab: with DevTools open its network log wins over webRequest (not in Firefox:
  // there webRequest is the source, diagnoseOpenTab).
  if (exchange.source === 'webrequest' && devtools.isOpen(tabId) && diagnoseThroughDevtoolsNetwork()) return;
  // Private by default: credential values go before anything is stored; their presence stays.
  exchange = forStorage(exchange, settings.keepSecrets);
  // During a trial the capture shows the server's headers, Chromium checked the trial's: overlay them.
  const trial = trials.targets(tabId);
  if (trial) exchange = overlayTrial(exchange, trial);
  pipeline.push(tabId, exchange);
  if (toJournal) journal.append({ exchange: [tabId, exchange] });
  // A DevTools page's batch stays in the page until a checkpoint confirms it: no hurry to write.
  scheduleFlush(exchange.source === 'devtools' && !toJournal ? 'relaxed' : 'lazy');
  drainSoonForFollowers(tabId);
}

/**
 * A tab the panel or popup follows gets its new rows within LIVE_DRAIN_MS instead of at the next
 * checkpoint (FLUSH_INTERVAL_MS): a drain diagnoses and appends in memory and posts the records;
 * storage is written by the checkpoint as before. Tabs nobody follows pay nothing more.
 */
const LIVE_DRAIN_MS = 30;
let liveDrain: ReturnType<typeof setTimeout> | undefined;
function drainSoonForFollowers(tabId: number): void {
  if (liveDrain !== undefined || !subscribers.has(tabId) || !pipeline.logsOpen) return;
  liveDrain = setTimeout(() => {
    liveDrain = undefined;
    pipeline.drain();
  }, LIVE_DRAIN_MS);
}

const assembler = new ExchangeAssembler((exchange, tabId) => onExchange(tabId, exchange, false), judge, webRequestCompletionShowsCors());

/** A raw webRequest event as the worker keeps and journals it: credential values per the setting. */
function eventForStorage(event: RawWebRequestEvent): RawWebRequestEvent {
  if (settings.keepSecrets) return event;
  const requestHeaders = event.requestHeaders && redactHeaders(event.requestHeaders);
  const responseHeaders = event.responseHeaders && redactHeaders(event.responseHeaders);
  if (requestHeaders === event.requestHeaders && responseHeaders === event.responseHeaders) return event;
  const out = { ...event };
  if (requestHeaders) out.requestHeaders = requestHeaders;
  if (responseHeaders) out.responseHeaders = responseHeaders;
  return out;
}

/** Every webRequest event of a captured tab, once the assembler holds the restored state. */
function onCaptureEvent(raw: RawWebRequestEvent): void {
  // The raw events are journaled: their credential values go first (unless kept).
  const event = eventForStorage(raw);
  assembler.push(event);
  journal.append({ event });
  scheduleFlush();
}

// ---- Journal: what changed since the last checkpoint, written soon, small. ----
// A forced worker stop loses whatever is only in memory. Each event (and each exchange that
// did not come from events: DevTools) is appended to the journal (src/store/journal.ts),
// written as a small key: one write in flight, at most one per JOURNAL_MIN_GAP_MS, what
// arrives meanwhile goes into the next one. Every checkpoint makes the journal keys of older
// generations obsolete; start-up replays the keys of the stored generation onto the stored
// snapshot. Measured: writing the log chunk and the snapshot at each settle instead cost a
// captured page ~15% against bare listeners (docs/capture.md, "Cost").
/** Journal writes start at most this often: group commit even under moderate traffic. */
const JOURNAL_MIN_GAP_MS = 10;
const journal = new JournalWriter(START, (key, value) => chrome.storage.session.set({ [key]: value }), JOURNAL_MIN_GAP_MS);

// ---- Checkpoints: one storage batch at a time, never one per event. ----
// At most one every FLUSH_INTERVAL_MS while things change (the journal covers the time
// between), "soon" (at most every MIN_BATCH_GAP_MS) only at start-up and after orphans were
// settled; one batch in flight at a time, what arrives meanwhile goes into the next one.
const checkpointer = new Checkpointer({
  journal,
  assembler,
  devtoolsBatches,
  drainPipeline: () => {
    pipeline.drain();
    return pipeline.queued();
  },
  writeLogs: (extra) => logs.flush(extra),
  removeKeys: (keys) => chrome.storage.session.remove(keys),
  confirmBatch: (tabId, batch) => {
    const message: DevtoolsPortCommand = { type: 'persisted', page: batch.page, upTo: batch.n };
    devtools.post(tabId, message);
  },
});
const checkpoints = new CheckpointScheduler(
  async () => {
    await checkpointer.write();
    badges.updateDirty();
  },
  FLUSH_INTERVAL_MS,
  MIN_BATCH_GAP_MS,
  DURABLE_SOURCE_FLUSH_MS,
);

function scheduleFlush(pace: CheckpointPace = 'lazy'): void {
  if (pipeline.logsOpen) checkpoints.schedule(pace);
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
      if (assembler.settleOrphans(Date.now()) > 0) scheduleFlush('soon');
      else scheduleFlush();
    });
  }, Math.max(0, due - Date.now()));
}

// ---- Capture state ----
function captureState(tabId: number): CaptureState {
  const state: CaptureState = { devtools: devtools.isOpen(tabId), webRequest: capture.has(tabId), cheapWatch: settings.cheapWatch };
  const trial = trials.state(tabId);
  if (trial) state.trial = trial;
  return state;
}

/** The tab's capture state changed: tell its subscribers, and switch its badge's meaning. */
function broadcastCapture(tabId: number): void {
  badges.update(tabId);
  subscribers.post(tabId, { type: 'capture', capture: captureState(tabId) });
}

async function persistCaptureSet(): Promise<void> {
  await chrome.storage.session.set({ [CAPTURE_KEY]: capture.tabs() });
}

function applyCheapWatch(): void {
  if (settings.cheapWatch && !stopCheapWatch) {
    stopCheapWatch = watchLikelyCorsFailures((tabId) => {
      // DevTools open but not listening yet: this failure is worth diagnosing, start now.
      if (devtools.isOpen(tabId)) void diagnoseOpenTab(tabId);
      if (capture.has(tabId) || devtools.isOpen(tabId) || !pipeline.logsOpen) return;
      logs.countLikelyFailure(tabId);
      badges.markDirty(tabId);
      scheduleFlush();
    });
  } else if (!settings.cheapWatch && stopCheapWatch) {
    stopCheapWatch();
    stopCheapWatch = undefined;
  }
}

// ---- Start-up: read what the previous worker instance left, re-register, load the logs. ----
void registerTestBridge().catch((e: unknown) => console.error('Corsight test bridge:', e));

const ready: Promise<void> = (async () => {
  // One read of everything: the capture set, the checkpoint, the journal and the logs.
  // A new worker knows no trial: rules an earlier instance left would edit responses unseen.
  void trials.removeUnknownRules().catch((e: unknown) => console.error('Corsight: could not remove stale trial rules', e));
  const first = await chrome.storage.session.get(null);
  capture.adoptStoredTabs(storedCapturedTabs(first));
  // What the previous instance checkpointed and journaled after it, in order, before anything new.
  const recovered = recover(first, assembler, devtoolsBatches, Date.now());
  journal.adopt(recovered.journalKeys, recovered.checkpointGen);
  checkpointer.adoptStoredHeld(recovered.heldStored);
  for (const [tabId, exchange] of recovered.replayedExchanges) onExchange(tabId, exchange, false);
  capture.release();
  const local = await chrome.storage.local.get(SETTINGS_KEY);
  const saved = local[SETTINGS_KEY] as Partial<Settings> | undefined;
  if (saved) settings = { ...settings, ...saved };
  applyCheapWatch();
  updatePageContext();
  await logs.load(first);
  pipeline.openLogs();
  pipeline.drain();
  scheduleFlush('soon');
  scheduleOrphanCheck();
  for (const tabId of logs.tabIds()) badges.update(tabId);
})().catch((e) => {
  console.error('Corsight: start-up failed', e);
  capture.giveUpStoredTabs();
  pipeline.openLogs();
});

// ---- Tabs: navigation clears the log (unless preserve log), closing deletes it. ----
chrome.tabs.onUpdated.addListener((tabId, changeInfo, tab) => {
  // A trial stays on its page's host: navigating elsewhere ends it.
  if (changeInfo.url !== undefined) trials.navigated(tabId, changeInfo.url);
  if (changeInfo.status === undefined) return;
  // Chromium resets a tab's own badge when it navigates: apply ours again.
  badges.forget(tabId);
  if (changeInfo.status !== 'loading') {
    if (logs.has(tabId)) badges.update(tabId);
    return;
  }
  void ready.then(() => {
    if (!logs.has(tabId)) return;
    if (!logs.preserveLog(tabId)) logs.clear(tabId);
    logs.setUrl(tabId, tab.url ?? null);
    badges.markDirty(tabId);
    scheduleFlush();
  });
});

chrome.tabs.onRemoved.addListener((tabId) => {
  void trials.end(tabId);
  void ready.then(async () => {
    if (capture.stop(tabId)) await persistCaptureSet();
    harStreams.delete(tabId);
    harEntries.delete(tabId);
    devtoolsBatches.forgetTab(tabId);
    checkpointer.batchesDirty = true;
    badges.forget(tabId);
    assembler.forgetTab(tabId);
    pageRequests.forgetTab(tabId);
    pipeline.forgetTab(tabId);
    updatePageContext();
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

async function startCapture(tabId: number): Promise<void> {
  capture.start(tabId);
  updatePageContext();
  await persistCaptureSet();
  broadcastCapture(tabId);
}

async function stopCapture(tabId: number): Promise<void> {
  capture.stop(tabId);
  updatePageContext();
  await persistCaptureSet();
  broadcastCapture(tabId);
}

/** Tabs captured with webRequest because DevTools is open on them (Firefox): stopped when it closes. */
const capturedForDevtools = new Set<number>();

/**
 * The tab is to be diagnosed (its panel or popup looks at it, the cheap watch saw a failure,
 * "preserve log" is on) and DevTools may be open on it: Chrome listens to its DevTools network
 * log; Firefox, whose network log misses refused requests, captures it with webRequest while
 * DevTools stays open (shared/platform.ts).
 */
async function diagnoseOpenTab(tabId: number): Promise<void> {
  if (diagnoseThroughDevtoolsNetwork()) return devtools.activate(tabId);
  if (!devtools.isOpen(tabId) || capture.has(tabId)) return;
  capturedForDevtools.add(tabId);
  await startCapture(tabId);
}

/** The CORS panel's page; with `?tab=N` it follows tab N outside DevTools (panel/source-extension.ts). */
const PANEL_PAGE = 'src/panel/index.html';

/** The message API: one handler per request type, each typed by its response (protocol.ts). */
const handlers: RequestHandlers = {
  'tab/report': async (request) => {
    await ready;
    await diagnoseOpenTab(request.tabId);
    pipeline.drain();
    return logs.report(request.tabId, captureState(request.tabId), await tabUrl(request.tabId));
  },
  'tab/clear': async (request) => {
    await ready;
    pipeline.drain();
    // What still waits for its page's call came before the clear too.
    pipeline.forgetTab(request.tabId);
    logs.clear(request.tabId);
    badges.markDirty(request.tabId);
    scheduleFlush();
    return { cleared: true };
  },
  'tab/open-log': async (request) => {
    await chrome.tabs.create({ url: chrome.runtime.getURL(`${PANEL_PAGE}?tab=${request.tabId}`) });
    return { opened: true };
  },
  'tab/preserve-log': async (request) => {
    await ready;
    // Keeping the log across navigations needs the listener: getHAR() only holds the current page.
    if (request.preserve) void diagnoseOpenTab(request.tabId);
    logs.setPreserveLog(request.tabId, request.preserve);
    scheduleFlush();
    return { preserveLog: request.preserve };
  },
  'capture/start': async (request) => {
    await ready;
    // Asked for by the user: it stays when DevTools closes.
    capturedForDevtools.delete(request.tabId);
    await startCapture(request.tabId);
    if (request.reload) await chrome.tabs.reload(request.tabId).catch(() => undefined);
    return { capture: captureState(request.tabId) };
  },
  'capture/stop': async (request) => {
    await ready;
    capturedForDevtools.delete(request.tabId);
    await stopCapture(request.tabId);
    return { capture: captureState(request.tabId) };
  },
  'trial/start': async (request) => {
    await ready;
    const targets: TrialTarget[] = [];
    // One set of edits per server, whatever the page sent.
    for (const plan of mergeFixPlans(request.plans)) {
      const result = trialTarget(plan, request.pageOrigin);
      if (!result.ok) return { refused: result.reason };
      targets.push(result.target);
    }
    const trial = await trials.start(request.tabId, request.pageOrigin, await tabUrl(request.tabId), targets, request.durationMs ?? TRIAL_DEFAULT_MS);
    if (request.reload) await chrome.tabs.reload(request.tabId).catch(() => undefined);
    return { trial };
  },
  'trial/end': async (request) => {
    await ready;
    return { ended: await trials.end(request.tabId) };
  },
  'settings/get': async () => {
    await ready;
    return settings;
  },
  'settings/set': async (request) => {
    await ready;
    settings = { ...settings, ...request.patch };
    await chrome.storage.local.set({ [SETTINGS_KEY]: settings });
    applyCheapWatch();
    updatePageContext();
    for (const tabId of logs.tabIds()) badges.update(tabId);
    return settings;
  },
  'devtools/exchanges': async (request) => {
    if (request.batch) {
      // Taken strictly in order; a new worker knows from its checkpoint which ones its logs hold.
      await ready;
      const verdict = devtoolsBatches.accept(request.tabId, request.batch);
      if (verdict.kind === 'duplicate') return { accepted: 0 };
      if (verdict.kind === 'gap') return { accepted: 0, expected: verdict.expected };
      checkpointer.batchesDirty = true;
    }
    for (const exchange of request.exchanges) onExchange(request.tabId, { ...exchange, source: 'devtools' }, request.batch === undefined);
    return { accepted: request.exchanges.length };
  },
  'devtools/har-entries': (request) => {
    if (__CORSIGHT_TEST_API__) {
      let ring = harEntries.get(request.tabId);
      if (!ring) harEntries.set(request.tabId, (ring = new RingBuffer(2000)));
      for (const entry of request.entries) ring.push(entry);
    }
    let stream = harStreams.get(request.tabId);
    if (!stream) {
      const tabId = request.tabId;
      harStreams.set(tabId, (stream = new HarStream((e) => onExchange(tabId, e, true), { source: 'devtools', idPrefix: 'har' })));
    }
    for (const entry of request.entries) stream.push(entry);
    return { accepted: request.entries.length };
  },
  'debug/har-entries': (request) => {
    if (!__CORSIGHT_TEST_API__) throw new Error(NOT_IN_RELEASE);
    return { entries: harEntries.get(request.tabId)?.toArray() ?? [] };
  },
  'debug/raw-events': (request) => {
    if (!__CORSIGHT_TEST_API__) throw new Error(NOT_IN_RELEASE);
    const all = capture.rawEvents.toArray();
    const events = request.tabId === undefined ? all : all.filter((e) => e.tabId === request.tabId);
    return { events, dropped: capture.rawEvents.dropped };
  },
  'debug/state': () => {
    const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    const state: DebugState = {
      startedAt: START,
      capturedTabs: capture.tabs(),
      devtoolsTabs: devtools.openTabs(),
      devtoolsActiveTabs: devtools.activeTabs(),
      pageContextTabs: diagnosedTabs().filter((tabId) => pageContext.isHooked(tabId)),
      pageRequestsHeld: pageRequests.size,
      pending: assembler.pendingCount,
      flushes: logs.flushes,
      journalWrites: journal.writes,
      journalEntries: journal.entries,
      maxEventDelayMs: Math.round(capture.maxEventDelayMs),
    };
    if (memory) state.heapUsed = memory.usedJSHeapSize;
    return state;
  },
};

/**
 * A diagnosed tab's page calls (untrusted): kept to complete that tab's exchanges; a call the
 * engine stops at its request mode never reached the network, so it becomes an exchange itself.
 */
function onPageRequests(tabId: number, raw: unknown): void {
  if (!settings.pageContext || !pageContext.isHooked(tabId)) return;
  pageRequests.notePermissions(tabId, readPagePermissions(raw));
  const { refused, waiting } = splitCalls(readPageRequests(raw), judge, () => `page${tabId}-${START.toString(36)}-${callOnlyCount++}`);
  for (const exchange of refused) onExchange(tabId, exchange, true);
  pageRequests.add(tabId, waiting);
  // Exchanges that came before their call waited for it: judge them now.
  if (waiting.length > 0 && pipeline.holds(tabId)) {
    pipeline.drain();
    scheduleFlush();
  }
}

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  const calls = pageRequestsMessage(message, sender, chrome.runtime.id);
  if (calls) {
    void ready.then(() => onPageRequests(calls.tabId, calls.records));
    return undefined;
  }
  if (__CORSIGHT_TEST_API__ && sender.id === chrome.runtime.id && sender.tab) {
    const bridged = parseRequest(bridgedRequest(message, sender.tab.id));
    if (bridged) {
      route(handlers, bridged).then(sendResponse, (e: unknown) => sendResponse({ error: String(e) }));
      return true;
    }
  }
  if (!isOwnExtensionPage(sender, chrome.runtime.id, extensionOrigin)) return undefined;
  const request = parseRequest(message);
  // Not ours (or malformed): let other listeners answer.
  if (!request) return undefined;
  route(handlers, request).then(sendResponse, (e: unknown) => sendResponse({ error: String(e) }));
  return true;
});

// ---- Ports: live subscriptions and DevTools presence ----
logs.subscribe((event) => {
  subscribers.post(event.tabId, () => {
    if (event.type === 'records') return { type: 'records', records: event.records, dropped: event.dropped };
    if (event.type === 'reset') return { type: 'snapshot', report: logs.report(event.tabId, captureState(event.tabId)) };
    return undefined;
  });
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
      if (tabId !== undefined) subscribers.remove(tabId, port);
      const id = m.tabId;
      tabId = id;
      // Someone looks at the tab (the panel, the popup): diagnose it.
      void diagnoseOpenTab(id);
      void ready.then(async () => {
        pipeline.drain();
        subscribers.add(id, port);
        port.postMessage({ type: 'snapshot', report: logs.report(id, captureState(id), await tabUrl(id)) } satisfies SubscriptionEvent);
      });
    });
    port.onDisconnect.addListener(() => {
      if (tabId !== undefined) subscribers.remove(tabId, port);
    });
  } else if (port.name === DEVTOOLS_PORT) {
    let tabId: number | undefined;
    port.onMessage.addListener((message: unknown) => {
      const m = parseDevtoolsPortMessage(message);
      if (!m || (tabId !== undefined && m.tabId !== tabId)) return;
      if (tabId === undefined) {
        tabId = m.tabId;
        devtools.connected(m.tabId, port);
        broadcastCapture(m.tabId);
        // A tab kept across navigations needs the listener from the start (after a worker restart too).
        void ready.then(() => {
          if (logs.preserveLog(m.tabId)) void diagnoseOpenTab(m.tabId);
        });
      }
      if (m.type === 'active') {
        devtools.markActive(m.tabId);
        updatePageContext();
      }
    });
    port.onDisconnect.addListener(() => {
      if (tabId === undefined) return;
      devtools.disconnected(tabId, port);
      if (!devtools.isOpen(tabId) && capturedForDevtools.delete(tabId)) void stopCapture(tabId);
      updatePageContext();
      broadcastCapture(tabId);
    });
  } else port.disconnect();
});
