import { toHttpHeaders, type RawWebRequestEvent } from './raw-event.ts';
import { LIKELY_CORS_ERROR, requestInitiator, webRequestExtraInfo as extraInfo } from '../../shared/platform.ts';

/**
 * The only module that touches chrome.webRequest. `extraHeaders` is what makes Chrome show
 * preflights and the Origin/Cookie headers at all; Firefox shows them without it and rejects
 * the option, so it is added only where the browser declares it (shared/platform.ts).
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
    initiator: requestInitiator(d),
    timeStamp: d.timeStamp,
  };
}

/**
 * Full capture listeners: onBeforeSendHeaders/onHeadersReceived with extraHeaders, onCompleted,
 * onErrorOccurred. With a tabId (RequestFilter.tabId) they see ONE tab: registered on
 * capture/start, removed on capture/stop, so tabs that are not captured never pay for
 * extraHeaders listeners of ours. Without one they see every tab: only the worker's start-up
 * listeners (see the worker), removed as soon as the captured tabs are known.
 * Returns a function that removes the listeners.
 */
export function watchRequests(tabId: number | undefined, sink: RawEventSink): () => void {
  // <all_urls>: a redirect to a non-HTTP URL (ftp:...) ends in an error event under that URL.
  const filter: chrome.webRequest.RequestFilter = { urls: ['<all_urls>'], types: REQUEST_TYPES };
  if (tabId !== undefined) filter.tabId = tabId;
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
 * The cheap watch for tabs that are not captured: onErrorOccurred alone, no extraInfoSpec.
 * Counts failures that look like CORS failures: the browser's usual CORS error (platform.ts) on
 * a request whose initiator origin differs from the URL's origin (a string compare).
 */
export function watchLikelyCorsFailures(count: (tabId: number) => void): () => void {
  const filter: chrome.webRequest.RequestFilter = { urls: HTTP_URLS, types: REQUEST_TYPES };
  const onError = (d: chrome.webRequest.OnErrorOccurredDetails) => {
    if (d.error !== LIKELY_CORS_ERROR || d.tabId < 0) return;
    const initiator = requestInitiator(d);
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
