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

/** Registers the listeners and returns a function that removes them. */
export function watchWebRequests(sink: RawEventSink): () => void {
  const filter: chrome.webRequest.RequestFilter = { urls: ['http://*/*', 'https://*/*'], types: REQUEST_TYPES };

  const onBeforeSendHeaders = (d: chrome.webRequest.OnBeforeSendHeadersDetails) => {
    sink({
      phase: 'beforeSendHeaders',
      requestId: d.requestId,
      tabId: d.tabId,
      frameId: d.frameId,
      url: d.url,
      method: d.method,
      type: d.type,
      initiator: d.initiator,
      requestHeaders: toHttpHeaders(d.requestHeaders),
      timeStamp: d.timeStamp,
    });
    return undefined;
  };
  const onHeadersReceived = (d: chrome.webRequest.OnHeadersReceivedDetails) => {
    sink({
      phase: 'headersReceived',
      requestId: d.requestId,
      tabId: d.tabId,
      frameId: d.frameId,
      url: d.url,
      method: d.method,
      type: d.type,
      initiator: d.initiator,
      statusCode: d.statusCode,
      responseHeaders: toHttpHeaders(d.responseHeaders),
      timeStamp: d.timeStamp,
    });
    return undefined;
  };
  const onCompleted = (d: chrome.webRequest.OnCompletedDetails) => {
    sink({
      phase: 'completed',
      requestId: d.requestId,
      tabId: d.tabId,
      frameId: d.frameId,
      url: d.url,
      method: d.method,
      type: d.type,
      initiator: d.initiator,
      statusCode: d.statusCode,
      fromCache: d.fromCache,
      timeStamp: d.timeStamp,
    });
  };
  const onErrorOccurred = (d: chrome.webRequest.OnErrorOccurredDetails) => {
    sink({
      phase: 'error',
      requestId: d.requestId,
      tabId: d.tabId,
      frameId: d.frameId,
      url: d.url,
      method: d.method,
      type: d.type,
      initiator: d.initiator,
      error: d.error,
      fromCache: d.fromCache,
      timeStamp: d.timeStamp,
    });
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
