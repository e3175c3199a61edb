import { toHttpHeaders, type RawWebRequestEvent } from './raw-event.ts';

/**
 * The only module that touches chrome.webRequest. `extraHeaders` is what makes Chrome show
 * preflights and the Origin/Cookie headers at all; Firefox shows them without it and rejects
 * the option, so it is added only where the browser declares it.
 */
// @types/chrome spells these as enums that do not exist at run time in every browser.
const REQUEST_TYPES = [
  'xmlhttprequest',
  'font',
  'script',
  'image',
  'media',
  'other',
] as unknown as chrome.webRequest.ResourceType[];

function extraInfo(base: string[]): string[] {
  const specs = chrome.webRequest.OnBeforeSendHeadersOptions as Record<string, string> | undefined;
  return specs && 'EXTRA_HEADERS' in specs ? [...base, 'extraHeaders'] : base;
}

export type RawEventSink = (event: RawWebRequestEvent) => void;

const HTTP_URLS = ['http://*/*', 'https://*/*'];

/** The fields every webRequest event carries, as a RawWebRequestEvent of `phase`. */
function baseEvent(phase: RawWebRequestEvent['phase'], d: chrome.webRequest.WebRequestDetails): RawWebRequestEvent {
  return {
    phase,
    requestId: d.requestId,
    tabId: d.tabId,
    frameId: d.frameId,
    url: d.url,
    method: d.method,
    type: d.type,
    initiator: d.initiator,
    timeStamp: d.timeStamp,
  };
}

/**
 * Full capture of ONE tab (RequestFilter.tabId): registered on capture/start, removed on
 * capture/stop, so tabs that are not captured never pay for extraHeaders listeners of ours.
 * Returns a function that removes the listeners.
 */
export function watchTab(tabId: number, sink: RawEventSink): () => void {
  // <all_urls>: a redirect to a non-HTTP URL (ftp:...) ends in an error event under that URL.
  const filter: chrome.webRequest.RequestFilter = { urls: ['<all_urls>'], types: REQUEST_TYPES, tabId };
  const onBeforeSendHeaders = (d: chrome.webRequest.OnBeforeSendHeadersDetails) => {
    const event = baseEvent('beforeSendHeaders', d);
    event.requestHeaders = toHttpHeaders(d.requestHeaders);
    sink(event);
    return undefined;
  };
  const onHeadersReceived = (d: chrome.webRequest.OnHeadersReceivedDetails) => {
    const event = baseEvent('headersReceived', d);
    event.statusCode = d.statusCode;
    event.responseHeaders = toHttpHeaders(d.responseHeaders);
    sink(event);
    return undefined;
  };
  const onCompleted = (d: chrome.webRequest.OnCompletedDetails) => {
    const event = baseEvent('completed', d);
    event.statusCode = d.statusCode;
    event.fromCache = d.fromCache;
    sink(event);
  };
  const onErrorOccurred = (d: chrome.webRequest.OnErrorOccurredDetails) => {
    const event = baseEvent('error', d);
    event.error = d.error;
    event.fromCache = d.fromCache;
    sink(event);
  };

  chrome.webRequest.onBeforeSendHeaders.addListener(
    onBeforeSendHeaders,
    filter,
    extraInfo(['requestHeaders']) as chrome.webRequest.OnBeforeSendHeadersOptions[],
  );
  chrome.webRequest.onHeadersReceived.addListener(
    onHeadersReceived,
    filter,
    extraInfo(['responseHeaders']) as chrome.webRequest.OnHeadersReceivedOptions[],
  );
  chrome.webRequest.onCompleted.addListener(onCompleted, filter);
  chrome.webRequest.onErrorOccurred.addListener(onErrorOccurred, filter);

  return () => {
    chrome.webRequest.onBeforeSendHeaders.removeListener(onBeforeSendHeaders);
    chrome.webRequest.onHeadersReceived.removeListener(onHeadersReceived);
    chrome.webRequest.onCompleted.removeListener(onCompleted);
    chrome.webRequest.onErrorOccurred.removeListener(onErrorOccurred);
  };
}

/**
 * Lazy-listener anchors, registered synchronously at the top level of the worker on every
 * start: no-op listeners on the four events with a filter that matches no tab. Measured on
 * Chromium 156 (docs/capture.md, "Worker restarts"): a webRequest listener added at run time
 * is persisted as a lazy listener and its event wakes a stopped worker, but the woken worker
 * only gets that event when it has a listener for the event when its top-level script ends;
 * the tab-filtered listeners are re-added a few ms later (after reading storage.session), and
 * with these anchors in place the events that woke the worker reach them.
 */
export const ANCHOR_TAB_ID = 0x7ffffffe;
export function registerWakeAnchors(): () => void {
  const filter: chrome.webRequest.RequestFilter = { urls: HTTP_URLS, types: REQUEST_TYPES, tabId: ANCHOR_TAB_ID };
  const onBeforeSendHeaders = () => undefined;
  const onHeadersReceived = () => undefined;
  const onCompleted = () => undefined;
  const onErrorOccurred = () => undefined;
  chrome.webRequest.onBeforeSendHeaders.addListener(onBeforeSendHeaders, filter, extraInfo([]) as chrome.webRequest.OnBeforeSendHeadersOptions[]);
  chrome.webRequest.onHeadersReceived.addListener(onHeadersReceived, filter, extraInfo([]) as chrome.webRequest.OnHeadersReceivedOptions[]);
  chrome.webRequest.onCompleted.addListener(onCompleted, filter);
  chrome.webRequest.onErrorOccurred.addListener(onErrorOccurred, filter);
  return () => {
    chrome.webRequest.onBeforeSendHeaders.removeListener(onBeforeSendHeaders);
    chrome.webRequest.onHeadersReceived.removeListener(onHeadersReceived);
    chrome.webRequest.onCompleted.removeListener(onCompleted);
    chrome.webRequest.onErrorOccurred.removeListener(onErrorOccurred);
  };
}

/**
 * The cheap watch for tabs that are not captured: onErrorOccurred alone, no extraInfoSpec.
 * Counts failures that look like CORS failures: net::ERR_FAILED on a request whose initiator
 * origin differs from the URL's origin (a string compare, no URL parsing).
 */
export function watchLikelyCorsFailures(count: (tabId: number) => void): () => void {
  const filter: chrome.webRequest.RequestFilter = { urls: HTTP_URLS, types: REQUEST_TYPES };
  const onError = (d: chrome.webRequest.OnErrorOccurredDetails) => {
    if (d.error !== 'net::ERR_FAILED' || d.tabId < 0) return;
    const initiator = d.initiator;
    if (!initiator || initiator === 'null') return;
    const url = d.url;
    if (url.startsWith(initiator)) {
      const c = url.charCodeAt(initiator.length);
      if (Number.isNaN(c) || c === 47 || c === 63 || c === 35) return;
    }
    count(d.tabId);
  };
  chrome.webRequest.onErrorOccurred.addListener(onError, filter);
  return () => chrome.webRequest.onErrorOccurred.removeListener(onError);
}
