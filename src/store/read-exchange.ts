/**
 * Reads an Exchange back from an imported Corsight report: the file comes from anywhere, so every
 * field is checked and copied, never trusted as is (a report whose exchange had `hops: 3` blanked
 * the whole panel). What does not have the right shape is dropped, or, when the exchange cannot
 * be judged without it (the page origin, the URL), the exchange is refused. Bounded: at most
 * MAX_HOPS hops, and the limits of capture/untrusted-json.ts on strings and header lists.
 */
import type {
  CredentialsMode,
  Exchange,
  ExchangeSource,
  Hop,
  Initiator,
  ObservedResponse,
  Outcome,
  PreflightObservation,
  RedirectMode,
  RequestMode,
} from '../engine/types.ts';
import { asNumber, asRecord, asString, readFrame, readHeaders, readInitiatorFields } from '../capture/untrusted-json.ts';

const MAX_HOPS = 25;
const MAX_FRAMES = 50;

const REQUEST_MODES: readonly RequestMode[] = ['cors', 'no-cors', 'same-origin', 'navigate', 'unknown'];
const CREDENTIALS_MODES: readonly CredentialsMode[] = ['omit', 'same-origin', 'include', 'unknown'];
const REDIRECT_MODES: readonly RedirectMode[] = ['follow', 'error', 'manual', 'unknown'];
const SOURCES: readonly ExchangeSource[] = ['devtools', 'webrequest', 'har', 'probe', 'test', 'page'];

const asObject = asRecord;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function readResponse(value: unknown): ObservedResponse | undefined {
  const r = asObject(value);
  const status = asNumber(r?.status);
  if (!r || status === undefined) return undefined;
  const response: ObservedResponse = { status, headers: readHeaders(r.headers) };
  const statusText = asString(r.statusText);
  if (statusText !== undefined) response.statusText = statusText;
  if (r.fromCache === true) response.fromCache = true;
  if (r.statusUnknown === true) response.statusUnknown = true;
  return response;
}

function readPreflight(value: unknown): PreflightObservation {
  const p = asObject(value);
  if (p?.kind === 'sent') {
    const url = asString(p.url);
    if (url === undefined) return { kind: 'none' };
    const sent: PreflightObservation = { kind: 'sent', url, requestHeaders: readHeaders(p.requestHeaders) };
    const response = readResponse(p.response);
    if (response) sent.response = response;
    const error = asString(p.error);
    if (error !== undefined) sent.error = error;
    const startedAt = asNumber(p.startedAt);
    if (startedAt !== undefined) sent.startedAt = startedAt;
    const durationMs = asNumber(p.durationMs);
    if (durationMs !== undefined) sent.durationMs = durationMs;
    return sent;
  }
  if (p?.kind === 'cached') {
    const cached: PreflightObservation = { kind: 'cached' };
    const at = asNumber(p.fromPreflightAt);
    if (at !== undefined) cached.fromPreflightAt = at;
    const maxAge = asNumber(p.maxAgeSeconds);
    if (maxAge !== undefined) cached.maxAgeSeconds = maxAge;
    return cached;
  }
  return { kind: 'none' };
}

function readHop(value: unknown): Hop | undefined {
  const h = asObject(value);
  const url = asString(h?.url);
  if (!h || url === undefined) return undefined;
  const hop: Hop = { url };
  if (Array.isArray(h.requestHeaders)) hop.requestHeaders = readHeaders(h.requestHeaders);
  const response = readResponse(h.response);
  if (response) hop.response = response;
  if (h.preflight !== undefined) {
    const preflight = readPreflight(h.preflight);
    if (preflight.kind !== 'none') hop.preflight = preflight;
  }
  return hop;
}

function readOutcome(value: unknown): Outcome {
  const o = asObject(value);
  if (o?.kind === 'failed') return { kind: 'failed', error: asString(o.error) ?? 'unknown error' };
  if (o?.kind === 'unobserved') return { kind: 'unobserved' };
  return { kind: 'completed' };
}

function readInitiator(value: unknown): Initiator | undefined {
  const i = asObject(value);
  if (!i) return undefined;
  const initiator = readInitiatorFields(i);
  if (Array.isArray(i.stack)) {
    initiator.stack = i.stack.slice(0, MAX_FRAMES).flatMap((frame) => {
      const f = asObject(frame);
      return f ? [readFrame(f)] : [];
    });
  }
  return initiator;
}

/** The exchange of an imported report entry, or undefined when it has no page origin or no URL to judge. */
export function readImportedExchange(value: unknown): Exchange | undefined {
  const e = asObject(value);
  const initiatorOrigin = asString(e?.initiatorOrigin);
  const hops = Array.isArray(e?.hops) ? e.hops.slice(0, MAX_HOPS).map(readHop) : [];
  if (!e || initiatorOrigin === undefined || hops.length === 0 || hops.some((hop) => hop === undefined)) return undefined;
  const exchange: Exchange = {
    source: oneOf(e.source, SOURCES, 'har'),
    initiatorOrigin,
    method: asString(e.method) ?? 'GET',
    requestHeaders: readHeaders(e.requestHeaders),
    mode: oneOf(e.mode, REQUEST_MODES, 'unknown'),
    credentials: oneOf(e.credentials, CREDENTIALS_MODES, 'unknown'),
    redirect: oneOf(e.redirect, REDIRECT_MODES, 'unknown'),
    hops: hops as Hop[],
    preflight: readPreflight(e.preflight),
    outcome: readOutcome(e.outcome),
  };
  const id = asString(e.id);
  if (id !== undefined) exchange.id = id;
  const resourceType = asString(e.resourceType);
  if (resourceType !== undefined) exchange.resourceType = resourceType;
  const initiator = readInitiator(e.initiator);
  if (initiator) exchange.initiator = initiator;
  const startedAt = asNumber(e.startedAt);
  if (startedAt !== undefined) exchange.startedAt = startedAt;
  const durationMs = asNumber(e.durationMs);
  if (durationMs !== undefined) exchange.durationMs = durationMs;
  const reported = asObject(e.reportedCorsError);
  const corsError = asString(reported?.corsError);
  if (corsError !== undefined) {
    const failedParameter = asString(reported?.failedParameter);
    exchange.reportedCorsError = failedParameter !== undefined ? { corsError, failedParameter } : { corsError };
  }
  const localNetwork = asObject(e.localNetwork);
  if (localNetwork && typeof localNetwork.secureContext === 'boolean') {
    exchange.localNetwork = { secureContext: localNetwork.secureContext };
    const permission = localNetwork.permission;
    if (permission === 'granted' || permission === 'prompt' || permission === 'denied') exchange.localNetwork.permission = permission;
    const space = localNetwork.targetAddressSpace;
    if (space === 'local' || space === 'loopback' || space === 'public') exchange.localNetwork.targetAddressSpace = space;
  }
  if (e.forcedPreflight === true) exchange.forcedPreflight = true;
  if (e.outcomeInferred === true) exchange.outcomeInferred = true;
  if (e.underTrial === true) exchange.underTrial = true;
  return exchange;
}
