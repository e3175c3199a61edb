/**
 * Readers for JSON that comes from anywhere (HAR files, the DevTools log, imported reports): each
 * returns the value only when it has the expected type, and bounds what a hostile file can make
 * Corsight keep (a string's length, a header list's length).
 */
import type { HttpHeader, Initiator } from '../engine/types.ts';

/** Longer strings are cut: no header value or URL that matters for CORS is anywhere near it. */
export const MAX_STRING = 65_536;
/**
 * Headers kept per list. A real request or response has a few dozen, but any line Chromium read
 * may be the one that decides (the lab's hostile-2000-lines has Allow-Origin as its 2,001st line).
 */
export const MAX_HEADERS = 5000;

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? (value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value) : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `[{name, value}]`, entries without a string name dropped, a missing value read as ''. */
export function readHeaders(value: unknown): HttpHeader[] {
  if (!Array.isArray(value)) return [];
  const out: HttpHeader[] = [];
  for (const item of value) {
    if (out.length >= MAX_HEADERS) break;
    const record = asRecord(item);
    const name = asString(record?.name);
    if (name === undefined) continue;
    out.push({ name, value: asString(record?.value) ?? '' });
  }
  return out;
}

/** An initiator's own fields (type, url, line, column); each format reads its stack itself. */
export function readInitiatorFields(record: Record<string, unknown>): Initiator {
  const initiator: Initiator = {};
  const type = asString(record.type);
  if (type !== undefined) initiator.type = type;
  const url = asString(record.url);
  if (url !== undefined) initiator.url = url;
  const lineNumber = asNumber(record.lineNumber);
  if (lineNumber !== undefined) initiator.lineNumber = lineNumber;
  const columnNumber = asNumber(record.columnNumber);
  if (columnNumber !== undefined) initiator.columnNumber = columnNumber;
  return initiator;
}

/** One stack frame, missing fields read as '' and 0. */
export function readFrame(frame: Record<string, unknown>): NonNullable<Initiator['stack']>[number] {
  return { functionName: asString(frame.functionName) ?? '', url: asString(frame.url) ?? '', lineNumber: asNumber(frame.lineNumber) ?? 0, columnNumber: asNumber(frame.columnNumber) ?? 0 };
}

