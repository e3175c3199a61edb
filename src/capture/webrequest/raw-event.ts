import type { HttpHeader } from '../../engine/types.ts';

/** One webRequest event, reduced to what a diagnosis can use. Plain data. */
export interface RawWebRequestEvent {
  phase: 'beforeSendHeaders' | 'headersReceived' | 'completed' | 'error';
  requestId: string;
  tabId: number;
  frameId: number;
  url: string;
  method: string;
  type: string;
  /** Origin of the document or worker that made the request, when the browser reports it. */
  initiator?: string;
  requestHeaders?: HttpHeader[];
  responseHeaders?: HttpHeader[];
  statusCode?: number;
  error?: string;
  fromCache?: boolean;
  timeStamp: number;
}

/** chrome.webRequest hands headers as {name, value?, binaryValue?}: keep text values only. */
export function toHttpHeaders(
  headers: ReadonlyArray<{ name: string; value?: string }> | undefined,
): HttpHeader[] | undefined {
  if (!headers) return undefined;
  const out: HttpHeader[] = [];
  for (const header of headers) out.push({ name: header.name, value: header.value ?? '' });
  return out;
}
