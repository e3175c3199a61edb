import { PAGE_REQUESTS_MESSAGE } from '../context/page-request.ts';
import type { SentBatch } from '../capture/devtools/batches.ts';
import type { RawWebRequestEvent } from '../capture/webrequest/raw-event.ts';
import type { Exchange, FixPlan } from '../engine/types.ts';
import type { TrialState } from '../trial/state.ts';
import type { CaptureState, ExchangeRecord, TabReport } from '../store/report.ts';

/**
 * The typed message API between the service worker and the extension's own pages (DevTools
 * page, panel, popup). The worker accepts messages only from its own extension pages and
 * validates every message's shape (parseRequest). Documented in docs/messages.md.
 */

export interface Settings {
  /** Count likely-CORS failures on tabs that are not captured (cheap onErrorOccurred watch). */
  cheapWatch: boolean;
  /** The snippet stack last chosen in the panel or popup. */
  snippetStack: string | null;
  /**
   * Keep cookie and authorization values as captured (for Copy as cURL); off by default: the
   * worker replaces them before storing anything, keeping that they were there (src/store/redact.ts).
   */
  keepSecrets: boolean;
  /**
   * Read each call's mode, credentials, redirect mode and header order in the tabs being
   * diagnosed (the request context, src/context); off: inferred from the network as before.
   */
  pageContext: boolean;
}

export type CorsightRequest =
  /** The tab's whole report (one read: the popup opens with it). */
  | { type: 'tab/report'; tabId: number }
  | { type: 'tab/clear'; tabId: number }
  /** Opens the CORS panel in a tab of its own, following `tabId` (no DevTools needed). */
  | { type: 'tab/open-log'; tabId: number }
  | { type: 'tab/preserve-log'; tabId: number; preserve: boolean }
  /** Full webRequest capture of a tab with DevTools closed; `reload` re-runs its requests. */
  | { type: 'capture/start'; tabId: number; reload: boolean }
  | { type: 'capture/stop'; tabId: number }
  | { type: 'settings/get' }
  | { type: 'settings/set'; patch: Partial<Settings> }
  /** Finished entries of the DevTools network log of `tabId`, forwarded by the DevTools page. */
  | { type: 'devtools/har-entries'; tabId: number; entries: Record<string, unknown>[] }
  /**
   * Exchanges the DevTools page already built from its network log (the usual path), as its
   * numbered batch (src/capture/devtools/batches.ts); without `batch` they are taken as they come.
   */
  | { type: 'devtools/exchanges'; tabId: number; exchanges: Exchange[]; batch?: SentBatch }
  /**
   * Try the plans' headers in this tab (declarativeNetRequest session rules, src/trial): each
   * plan's server, for `pageOrigin`; `durationMs` defaults to 10 minutes; `reload` reloads the tab.
   */
  | { type: 'trial/start'; tabId: number; pageOrigin: string; plans: FixPlan[]; durationMs?: number; reload: boolean }
  | { type: 'trial/end'; tabId: number }
  /** Worker internals, for tests and diagnostics of Corsight itself. */
  | { type: 'debug/state' }
  /** Raw capture, for tests and diagnostics of Corsight itself. */
  | { type: 'debug/raw-events'; tabId?: number }
  | { type: 'debug/har-entries'; tabId: number };

export interface ResponseMap {
  'tab/report': TabReport;
  'tab/clear': { cleared: true };
  'tab/open-log': { opened: true };
  'tab/preserve-log': { preserveLog: boolean };
  'capture/start': { capture: CaptureState };
  'capture/stop': { capture: CaptureState };
  'settings/get': Settings;
  'settings/set': Settings;
  'devtools/har-entries': { accepted: number };
  /** `expected`: the batch was refused, send this one first. */
  'devtools/exchanges': { accepted: number; expected?: number };
  /** `refused`: why no trial can show this fix working (nothing was changed). */
  'trial/start': { trial: TrialState } | { refused: string };
  'trial/end': { ended: boolean };
  'debug/state': DebugState;
  'debug/raw-events': { events: RawWebRequestEvent[]; dropped: number };
  'debug/har-entries': { entries: Record<string, unknown>[] };
}

export interface DebugState {
  /** Date.now() when this worker instance started (changes after each restart). */
  startedAt: number;
  capturedTabs: number[];
  devtoolsTabs: number[];
  /** Tabs whose DevTools page listens to the network log (activated). */
  devtoolsActiveTabs: number[];
  /** Tabs whose pages get the request-context hook (src/background/page-context.ts). */
  pageContextTabs: number[];
  /** Page calls waiting for their exchange. */
  pageRequestsHeld: number;
  /** In-flight webRequest pairing state (requests + preflights). */
  pending: number;
  /** Storage batches (checkpoints) written by this worker instance. */
  flushes: number;
  /** Journal writes of this worker instance, and the entries (events, exchanges) they held. */
  journalWrites: number;
  journalEntries: number;
  /** Largest delay seen between a webRequest event's timeStamp and its arrival here (ms). */
  maxEventDelayMs: number;
  /** performance.memory of the worker, when available. */
  heapUsed?: number;
}

export type ResponseFor<R extends CorsightRequest> = ResponseMap[R['type']];

/** One handler per request type, each answering with its own response type. */
export type RequestHandlers = {
  [K in CorsightRequest['type']]: (request: Extract<CorsightRequest, { type: K }>) => ResponseMap[K] | Promise<ResponseMap[K]>;
};

/** Answers `request` with the handler of its type. */
export async function route(handlers: RequestHandlers, request: CorsightRequest): Promise<ResponseFor<CorsightRequest>> {
  const handler = handlers[request.type] as (r: CorsightRequest) => ResponseFor<CorsightRequest> | Promise<ResponseFor<CorsightRequest>>;
  return handler(request);
}

/** Name of the runtime Port a page opens to follow one tab's log live. */
export const SUBSCRIBE_PORT = 'corsight/subscribe';

/**
 * Type of the one message a content script sends: the request-context relay of a diagnosed tab
 * (src/context/page-hook.ts) with `records`, the page's calls. Untrusted page data; only its tab
 * (`sender.tab.id`) is refined by it. Not part of the extension pages' request API.
 */
export { PAGE_REQUESTS_MESSAGE };

/** The records of a request-context relay message from a tab's content script, or undefined when it is not one. */
export function pageRequestsMessage(message: unknown, sender: { id?: string; tab?: { id?: number } }, extensionId: string): { tabId: number; records: unknown } | undefined {
  if (!isPlainObject(message) || message.type !== PAGE_REQUESTS_MESSAGE || sender.id !== extensionId) return undefined;
  const tabId = sender.tab?.id;
  return isTabId(tabId) ? { tabId, records: message.records } : undefined;
}

/** Name of the runtime Port the DevTools page holds open while DevTools is open on a tab. */
export const DEVTOOLS_PORT = 'corsight/devtools';
/**
 * DevTools page -> worker: `devtools` (open, not listening to the network log) or `active`
 * (listening, and its backlog has been sent) on connect; `active` again once it starts listening.
 */
export type DevtoolsPortMessage = { type: 'devtools' | 'active'; tabId: number };
/**
 * Worker -> DevTools page: `activate`: start listening to the network log (the tab is being
 * diagnosed); `persisted`: a checkpoint holds the page's batches up to `upTo`.
 */
export type DevtoolsPortCommand = { type: 'activate' } | { type: 'persisted'; page: string; upTo: number };

/** Page -> worker on the subscribe port. */
export type SubscribeMessage = { type: 'subscribe'; tabId: number };

/** Worker -> page on the subscribe port. */
export type SubscriptionEvent =
  /** Sent first, and again whenever the log was cleared or replaced (navigation). */
  | { type: 'snapshot'; report: TabReport }
  /** New records since the last event, in seq order. */
  | { type: 'records'; records: ExchangeRecord[]; dropped: number }
  | { type: 'capture'; capture: CaptureState };

/** A positive safe integer (batch numbers). */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isTabId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PREFLIGHT_KINDS = new Set(['sent', 'cached', 'none']);
const OUTCOME_KINDS = new Set(['completed', 'failed']);

function isHeaderList(value: unknown): boolean {
  return Array.isArray(value) && value.every((h) => isPlainObject(h) && typeof h.name === 'string' && typeof h.value === 'string');
}

/** Enough of an Exchange's shape for diagnose() to run on it without throwing on types. */
export function isExchangeShape(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const { initiatorOrigin, method, requestHeaders, hops, preflight, outcome } = value;
  if (typeof initiatorOrigin !== 'string' || typeof method !== 'string' || method.length > 64) return false;
  if (!isHeaderList(requestHeaders)) return false;
  if (!Array.isArray(hops) || hops.length === 0 || hops.length > 50) return false;
  for (const hop of hops) {
    if (!isPlainObject(hop) || typeof hop.url !== 'string') return false;
    if (hop.requestHeaders !== undefined && !isHeaderList(hop.requestHeaders)) return false;
    const r = hop.response;
    if (r !== undefined && !(isPlainObject(r) && typeof r.status === 'number' && isHeaderList(r.headers))) return false;
  }
  if (!isPlainObject(preflight) || !PREFLIGHT_KINDS.has(preflight.kind as string)) return false;
  if (preflight.kind === 'sent' && (typeof preflight.url !== 'string' || !isHeaderList(preflight.requestHeaders))) return false;
  if (!isPlainObject(outcome) || !OUTCOME_KINDS.has(outcome.kind as string)) return false;
  if (outcome.kind === 'failed' && typeof outcome.error !== 'string') return false;
  return true;
}

/** Validates the shape of an incoming message; anything else is ignored (undefined). */
export function parseRequest(message: unknown): CorsightRequest | undefined {
  if (!isPlainObject(message)) return undefined;
  const { type, tabId } = message;
  switch (type) {
    case 'tab/report':
    case 'tab/clear':
    case 'tab/open-log':
    case 'capture/stop':
    case 'debug/har-entries':
      return isTabId(tabId) ? { type, tabId } : undefined;
    case 'tab/preserve-log':
      return isTabId(tabId) && typeof message.preserve === 'boolean' ? { type, tabId, preserve: message.preserve } : undefined;
    case 'capture/start':
      return isTabId(tabId) && typeof message.reload === 'boolean' ? { type, tabId, reload: message.reload } : undefined;
    case 'settings/get':
      return { type };
    case 'settings/set': {
      const patch = message.patch;
      if (!isPlainObject(patch)) return undefined;
      const clean: Partial<Settings> = {};
      if (typeof patch.cheapWatch === 'boolean') clean.cheapWatch = patch.cheapWatch;
      if (typeof patch.keepSecrets === 'boolean') clean.keepSecrets = patch.keepSecrets;
      if (typeof patch.pageContext === 'boolean') clean.pageContext = patch.pageContext;
      if (typeof patch.snippetStack === 'string' && patch.snippetStack.length <= 64) clean.snippetStack = patch.snippetStack;
      else if (patch.snippetStack === null) clean.snippetStack = null;
      return { type, patch: clean };
    }
    case 'devtools/har-entries': {
      const entries = message.entries;
      if (!isTabId(tabId) || !Array.isArray(entries) || entries.length > 10_000 || !entries.every(isPlainObject)) return undefined;
      return { type, tabId, entries };
    }
    case 'devtools/exchanges': {
      const exchanges = message.exchanges;
      if (!isTabId(tabId) || !Array.isArray(exchanges) || exchanges.length > 10_000 || !exchanges.every(isExchangeShape)) return undefined;
      if (message.batch === undefined) return { type, tabId, exchanges: exchanges as Exchange[] };
      const batch = message.batch;
      if (!isPlainObject(batch) || typeof batch.page !== 'string' || batch.page.length > 64 || !isCount(batch.n) || !isCount(batch.oldest) || batch.oldest > batch.n) return undefined;
      return { type, tabId, exchanges: exchanges as Exchange[], batch: { page: batch.page, n: batch.n, oldest: batch.oldest } };
    }
    case 'trial/start': {
      const { pageOrigin, plans, durationMs, reload } = message;
      if (!isTabId(tabId) || typeof pageOrigin !== 'string' || pageOrigin.length > 2048 || typeof reload !== 'boolean') return undefined;
      if (!Array.isArray(plans) || plans.length === 0 || plans.length > 16 || !plans.every(isFixPlanShape)) return undefined;
      if (durationMs !== undefined && !(typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs > 0)) return undefined;
      return { type, tabId, pageOrigin, plans: plans as FixPlan[], reload, ...(durationMs !== undefined ? { durationMs } : {}) };
    }
    case 'trial/end':
      return isTabId(tabId) ? { type, tabId } : undefined;
    case 'debug/state':
      return { type };
    case 'debug/raw-events':
      if (tabId === undefined) return { type };
      return isTabId(tabId) ? { type, tabId } : undefined;
  }
  return undefined;
}

const isStringList = (value: unknown, max: number): boolean =>
  Array.isArray(value) && value.length <= max && value.every((v) => typeof v === 'string' && v.length <= 2048);

/** Enough of a FixPlan's shape for the trial to read it (its values are checked by src/trial/rules.ts). */
function isFixPlanShape(value: unknown): boolean {
  if (!isPlainObject(value) || typeof value.targetOrigin !== 'string' || typeof value.serverFixable !== 'boolean') return false;
  const { policy, actions } = value;
  if (!isPlainObject(policy) || typeof policy.allowCredentials !== 'boolean') return false;
  if (!isStringList(policy.allowOrigins, 64) || !isStringList(policy.allowMethods, 64) || !isStringList(policy.allowHeaders, 200) || !isStringList(policy.exposeHeaders, 200)) return false;
  if (policy.allowAnyOrigin !== undefined && typeof policy.allowAnyOrigin !== 'boolean') return false;
  // mergeFixPlans reads every header's `on` list.
  const { headers } = value;
  if (!Array.isArray(headers) || headers.length > 64 || !headers.every((h) => isPlainObject(h) && typeof h.name === 'string' && typeof h.value === 'string' && isStringList(h.on, 8))) return false;
  return Array.isArray(actions) && actions.length <= 32 && actions.every((a) => isPlainObject(a) && typeof a.id === 'string' && typeof a.text === 'string');
}

export function parseDevtoolsPortMessage(message: unknown): DevtoolsPortMessage | undefined {
  if (!isPlainObject(message) || (message.type !== 'devtools' && message.type !== 'active') || !isTabId(message.tabId)) return undefined;
  return { type: message.type, tabId: message.tabId };
}

export function parseSubscribeMessage(message: unknown): SubscribeMessage | undefined {
  if (!isPlainObject(message) || message.type !== 'subscribe' || !isTabId(message.tabId)) return undefined;
  return { type: 'subscribe', tabId: message.tabId };
}

/** True when a message comes from one of this extension's own pages (not a content script or web page). */
export function isOwnExtensionPage(
  sender: { id?: string; url?: string },
  extensionId: string,
  extensionOrigin: string,
): boolean {
  return sender.id === extensionId && typeof sender.url === 'string' && sender.url.startsWith(extensionOrigin + '/');
}
