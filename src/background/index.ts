import browser, { type Runtime } from 'webextension-polyfill';
import type { RawWebRequestEvent } from '../capture/raw-event.ts';
import { RingBuffer } from '../capture/ring-buffer.ts';
import { watchWebRequests } from '../capture/webrequest.ts';
import { isOwnExtensionPage, parseRequest, type CorsightRequest, type ResponseMap } from '../messages/protocol.ts';

/**
 * Service worker: a thin switchboard. Listeners are registered synchronously at start-up so a
 * worker woken by an event does not miss it.
 */
const RAW_EVENT_CAPACITY = 5000;
const rawEvents = new RingBuffer<RawWebRequestEvent>(RAW_EVENT_CAPACITY);

watchWebRequests((event) => {
  // Requests made by the browser itself or by extensions (tabId -1) are not the page's.
  if (event.tabId < 0) return;
  rawEvents.push(event);
});

const HAR_ENTRY_CAPACITY = 2000;
const harEntriesByTab = new Map<number, RingBuffer<Record<string, unknown>>>();

const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;

function handle(request: CorsightRequest): ResponseMap[keyof ResponseMap] {
  switch (request.type) {
    case 'debug/raw-events': {
      const all = rawEvents.toArray();
      const events = request.tabId === undefined ? all : all.filter((e) => e.tabId === request.tabId);
      return { events, dropped: rawEvents.dropped };
    }
    case 'debug/har-entries':
      return { entries: harEntriesByTab.get(request.tabId)?.toArray() ?? [] };
    case 'devtools/har-entries': {
      let entries = harEntriesByTab.get(request.tabId);
      if (!entries) harEntriesByTab.set(request.tabId, (entries = new RingBuffer(HAR_ENTRY_CAPACITY)));
      for (const entry of request.entries) entries.push(entry);
      return { accepted: request.entries.length };
    }
    default:
      throw new Error(`${request.type} is not implemented yet`);
  }
}

// Returning undefined (not a promise) lets other listeners answer messages that are not ours.
const onMessage = (message: unknown, sender: Runtime.MessageSender): Promise<unknown> | undefined => {
  if (!isOwnExtensionPage(sender, browser.runtime.id, extensionOrigin)) return undefined;
  const request = parseRequest(message);
  if (!request) return undefined;
  return Promise.resolve(handle(request));
};
browser.runtime.onMessage.addListener(onMessage as Runtime.OnMessageListenerAsync);
