import { FAILED_WITHOUT_REASON } from '../../engine/replay.ts';
import type { HttpHeader, Initiator } from '../../engine/types.ts';
import { headerValue } from '../request-facts.ts';
import { asNumber, asRecord, asString, readFrame, readHeaders, readInitiatorFields } from '../untrusted-json.ts';

export { asRecord };

/**
 * One HAR entry (as DevTools writes it, in `chrome.devtools.network` or an exported file), read
 * defensively: every field is checked, since files come from anywhere.
 */

/** One HAR entry, read defensively. */
export interface Entry {
  index: number;
  method: string;
  url: string;
  requestHeaders: HttpHeader[];
  status: number;
  /** The file kept this response's headers but not its status (see `recordedStatus`). */
  statusUnknown: boolean;
  responseHeaders: HttpHeader[];
  redirectURL: string;
  error: string | undefined;
  resourceType: string;
  initiator: Initiator | undefined;
  preflightFor: string | undefined;
  startedAt: number;
  durationMs: number;
  fromCache: boolean;
}

function readInitiator(value: unknown): Initiator | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  const initiator = readInitiatorFields(record);
  // DevTools nests async stacks under `parent`; keep the first frames of each level.
  const frames: NonNullable<Initiator['stack']> = [];
  for (let stack = asRecord(record.stack); stack && frames.length < 50; stack = asRecord(stack.parent)) {
    const callFrames = Array.isArray(stack.callFrames) ? stack.callFrames : [];
    for (const frame of callFrames) {
      const f = asRecord(frame);
      if (!f) continue;
      const read = readFrame(f);
      // The innermost frames of an extension's wrapper around fetch/XHR (Corsight's own request
      // context among them: injected code has no URL) are not where the page made the call.
      if (frames.length === 0 && !isPageCode(read.url)) continue;
      frames.push(read);
      if (frames.length >= 50) break;
    }
  }
  if (frames.length > 0) {
    initiator.stack = frames;
    if (initiator.url === undefined && frames[0]) {
      initiator.url = frames[0].url;
      initiator.lineNumber = frames[0].lineNumber;
      initiator.columnNumber = frames[0].columnNumber;
    }
  }
  return initiator;
}

/** A frame of the page's own scripts: not injected code (no URL) nor an extension's file. */
function isPageCode(url: string): boolean {
  return url !== '' && !/^(chrome|moz)-extension:/i.test(url);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A header value as Chromium and webRequest read it. The DevTools network log (and a HAR file it
 * exports) gives each byte as one character, Latin-1 (measured, Chromium 156, lab group
 * `hostile`: the UTF-8 "é" arrives as "Ã©", the byte 0xFF as "ÿ"), while Chromium's CORS checks
 * and webRequest read the bytes as UTF-8, and webRequest gives no text for bytes that are not
 * UTF-8. So a value with characters from U+0080 to U+00FF (and none above) is read again as
 * UTF-8: its text when valid, '' when not.
 */
export function headerTextOfLatin1(value: string): string {
  let high = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) return value;
    if (c > 0x7f) high = true;
  }
  if (!high) return value;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i);
  try {
    return UTF8.decode(bytes);
  } catch {
    return '';
  }
}

function readHarHeaders(value: unknown): HttpHeader[] {
  const headers = readHeaders(value);
  for (const h of headers) h.value = headerTextOfLatin1(h.value);
  return headers;
}

/**
 * The status of a response, and whether the file recorded it. Current DevTools exports a
 * CORS-blocked response with its wire status and `_error`; older versions wrote status 0 but kept
 * the headers (the raw headers came separately from the status), and 0 with no headers means no
 * response came back. So a 0 with headers is a response whose status was lost: an HTTP/2 `:status`
 * pseudo-header gives it when present, else a Location header means a redirect (302) and anything
 * else an answer (200): the status the headers imply, marked unknown.
 */
function recordedStatus(status: number | undefined, headers: readonly HttpHeader[]): { status: number; statusUnknown: boolean } {
  if (status !== undefined && status > 0) return { status, statusUnknown: false };
  if (headers.length === 0) return { status: 0, statusUnknown: false };
  const pseudo = Number(headerValue(headers, ':status'));
  if (Number.isInteger(pseudo) && pseudo >= 100 && pseudo <= 999) return { status: pseudo, statusUnknown: false };
  return { status: headerValue(headers, 'location') !== undefined ? 302 : 200, statusUnknown: true };
}

export function readEntry(raw: unknown, index: number): Entry | undefined {
  const entry = asRecord(raw);
  const request = asRecord(entry?.request);
  const response = asRecord(entry?.response);
  if (!entry || !request) return undefined;
  const url = asString(request.url);
  const method = asString(request.method);
  if (url === undefined || method === undefined) return undefined;
  const initiator = readInitiator(entry._initiator);
  const resourceType = asString(entry._resourceType) ?? '';
  const started = Date.parse(asString(entry.startedDateTime) ?? '');
  const requestHeaders = readHarHeaders(request.headers);
  const responseHeaders = readHarHeaders(response?.headers);
  const { status, statusUnknown } = recordedStatus(asNumber(response?.status), responseHeaders);
  return {
    index,
    method,
    url,
    requestHeaders,
    status,
    statusUnknown,
    responseHeaders,
    redirectURL: asString(response?.redirectURL) ?? '',
    error: asString(response?._error) || (status === 0 ? FAILED_WITHOUT_REASON : undefined),
    resourceType,
    initiator,
    preflightFor: resourceType === 'preflight' || initiator?.type === 'preflight' ? (initiator?.url ?? url) : isPreflightRequest(method, requestHeaders) ? url : undefined,
    startedAt: Number.isFinite(started) ? started : 0,
    durationMs: asNumber(entry.time) ?? 0,
    fromCache: asString(entry._fromCache) !== undefined || response?.status === 304,
  };
}

/**
 * A CORS preflight by what it carries, for files that do not mark it (Firefox's HAR has no
 * `_resourceType` nor `_initiator`): an OPTIONS with `Access-Control-Request-Method`, a
 * forbidden request-header name (https://fetch.spec.whatwg.org/#forbidden-request-header) that
 * only the browser's preflight can send. It asks for the URL it was sent to.
 */
function isPreflightRequest(method: string, headers: readonly HttpHeader[]): boolean {
  return method === 'OPTIONS' && headerValue(headers, 'access-control-request-method') !== undefined;
}

/**
 * A navigation (an iframe's document, a top-level redirect): not a CORS request. A cross-site
 * iframe's document is cross-origin to the page and would otherwise become an exchange; the
 * webRequest capture does not listen to main_frame/sub_frame either.
 */
export function isNavigation(entry: Entry): boolean {
  return entry.resourceType === 'document' || headerValue(entry.requestHeaders, 'sec-fetch-mode') === 'navigate';
}

