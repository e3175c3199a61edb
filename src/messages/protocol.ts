import type { RawWebRequestEvent } from '../capture/raw-event.ts';

/** Requests the worker accepts from the extension's own pages. */
export type CorsightRequest = { type: 'debug/raw-events'; tabId?: number };

export interface ResponseMap {
  'debug/raw-events': { events: RawWebRequestEvent[]; dropped: number };
}

export type ResponseFor<R extends CorsightRequest> = ResponseMap[R['type']];

/** Validates the shape of an incoming message; anything else is ignored. */
export function parseRequest(message: unknown): CorsightRequest | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const candidate = message as Record<string, unknown>;
  if (candidate.type === 'debug/raw-events') {
    const tabId = candidate.tabId;
    if (tabId === undefined) return { type: 'debug/raw-events' };
    if (typeof tabId === 'number' && Number.isInteger(tabId)) return { type: 'debug/raw-events', tabId };
  }
  return undefined;
}

/** True when a message comes from one of this extension's own pages (not a content script or web page). */
export function isOwnExtensionPage(
  sender: { id?: string; url?: string; tab?: unknown },
  extensionId: string,
  extensionOrigin: string,
): boolean {
  return sender.id === extensionId && typeof sender.url === 'string' && sender.url.startsWith(extensionOrigin);
}
