/**
 * The CDP oracle: what Chromium itself observed and decided for each request of a page.
 *
 * Records Network.* events (requestWillBeSent incl. redirects and preflights, the ExtraInfo
 * events with the raw headers as sent/received, responseReceived, loadingFinished,
 * loadingFailed with corsErrorStatus) and Audits.issueAdded CORS issues. Everything observed is
 * kept, in order (`events`), and grouped per request (`requests`). The verdict comes from
 * Network.loadingFailed; Audits is only the fallback for errors decided in the renderer
 * (DisallowedByMode...), since Audits may file issues for requests that passed.
 *
 * Dedicated workers and out-of-process iframes (another site than the page: site isolation):
 * their requests are reported on their own CDP target, not the page's. With `workers` (the
 * browser's DevTools websocket, see `devToolsEndpoint`), the oracle opens a raw CDP client,
 * attaches to the page target (flatten), auto-attaches to its workers and OOPIFs
 * (waitForDebuggerOnStart), enables Network on each child session and resumes it; their Network
 * events then go through the same bookkeeping as the page's (`OracleRequest.worker` / `.outOfProcessFrame`).
 * Playwright's CDPSession does not route flattened child sessions, hence the raw client. An
 * iframe in the page's process (same site) is reported on the page's session.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export interface HeaderLine {
  name: string;
  value: string;
}

/** CDP header objects join duplicate lines with "\n"; split them back into lines. */
export function splitCdpHeaders(headers: Record<string, string> | undefined): HeaderLine[] {
  const out: HeaderLine[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const v of String(value).split('\n')) out.push({ name, value: v });
  }
  return out;
}

/** Parse a raw `HTTP/1.1 200 OK\r\nName: value\r\n...` block into ordered lines. */
export function parseHeadersText(text: string | undefined): { statusLine?: string; headers: HeaderLine[] } | undefined {
  if (!text) return undefined;
  const lines = text.split(/\r?\n/);
  const statusLine = lines.shift();
  const headers: HeaderLine[] = [];
  for (const l of lines) {
    if (!l) continue;
    const i = l.indexOf(':');
    if (i <= 0) continue;
    headers.push({ name: l.slice(0, i).trim(), value: l.slice(i + 1).trim() });
  }
  return { statusLine, headers };
}

export interface CorsErrorStatus {
  corsError: string;
  failedParameter: string;
}

/** One raw CDP event as received. */
export interface OracleEvent {
  seq: number;
  /** Date.now() when received. */
  at: number;
  /** For an event of a dedicated worker's session: the worker script's URL. */
  worker?: string;
  /** For an event of an out-of-process iframe's session. */
  outOfProcessFrame?: true;
  method: string;
  params: Record<string, unknown>;
}

export interface OracleResponse {
  url: string;
  status: number;
  statusText: string;
  /** From responseReceived / redirectResponse (duplicates joined with "\n" by CDP, split here). */
  headers: HeaderLine[];
  /** From responseReceivedExtraInfo when it came: raw lines, in wire order when headersText exists. */
  rawHeaders?: HeaderLine[];
  headersText?: string;
  fromDiskCache?: boolean;
  /** `responseReceived` (the page could get it) or `extraInfo` only (e.g. CORS-blocked). */
  source: 'responseReceived' | 'extraInfo';
  remoteIPAddress?: string;
  remotePort?: number;
}

/** One hop of a request: the URL asked, what was sent, what came back. */
export interface OracleHop {
  url: string;
  method: string;
  /** Provisional headers from requestWillBeSent (may lack Origin/Cookie). */
  headers: HeaderLine[];
  /** As sent on the wire, from requestWillBeSentExtraInfo. */
  rawHeaders?: HeaderLine[];
  /**
   * Redirect response (hops before the last) or final response. For a response Chromium
   * blocked (CORS), there is no responseReceived: it is built from responseReceivedExtraInfo.
   */
  response?: OracleResponse;
  /** The CDP `response` object from responseReceived or redirectResponse, as received. */
  cdpResponse?: Record<string, unknown>;
}

export interface OracleRequest {
  requestId: string;
  /** The first URL. */
  url: string;
  method: string;
  resourceType?: string;
  initiator?: Record<string, unknown>;
  /** True for the OPTIONS Chromium sends on its own (initiator.type === 'preflight'). */
  isPreflight: boolean;
  /** For a preflight: the actual request's URL (initiator.url) and id when given. */
  preflightFor?: { url?: string; requestId?: string };
  postData?: string;
  /** Set when the request came from a dedicated worker: the worker script's URL. */
  worker?: { url: string };
  /** Set when the request was reported on an out-of-process iframe's own target. */
  outOfProcessFrame?: true;
  /** requestWillBeSent `documentURL`: the document (or worker script) that made the request. */
  documentURL?: string;
  hops: OracleHop[];
  /** Settled: loadingFinished. */
  finished?: { encodedDataLength: number; at: number };
  /** Settled: loadingFailed. */
  failed?: {
    errorText: string;
    canceled?: boolean;
    blockedReason?: string;
    corsErrorStatus?: CorsErrorStatus;
    at: number;
  };
  /** ExtraInfo events kept in arrival order (pairing with hops is by index, best effort). */
  requestExtraInfo: Array<Record<string, unknown>>;
  responseExtraInfo: Array<Record<string, unknown>>;
  startedAt: number;
}

export interface CorsIssue {
  requestId?: string;
  url?: string;
  corsErrorStatus?: CorsErrorStatus;
  isWarning?: boolean;
  initiatorOrigin?: string;
  details: Record<string, unknown>;
}

export type Verdict =
  | { ok: true; status?: number }
  | { ok: false; corsError?: string; failedParameter?: string; errorText?: string; source: 'network' | 'audits' | 'none' };

export interface Oracle {
  session: CDPSession;
  /** Every event, in arrival order. */
  events: OracleEvent[];
  /** Requests by id, in order of first sight (preflights included). */
  requests: OracleRequest[];
  issues: CorsIssue[];
  /** Actual (non-preflight) requests whose first URL contains the substring. */
  requestsMatching(urlSubstring: string): OracleRequest[];
  /** Preflights sent for an actual request URL containing the substring. */
  preflightsFor(urlSubstring: string): OracleRequest[];
  /** Chromium's verdict for the last actual request matching. */
  verdictFor(urlSubstring: string): Verdict;
  /** Resolves once a matching actual request has loadingFinished/loadingFailed. */
  waitForSettled(urlSubstring: string, timeoutMs?: number): Promise<OracleRequest>;
  clear(): void;
  detach(): Promise<void>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;

function toResponse(r: Record<string, unknown>): OracleResponse {
  return {
    url: str(r.url) ?? '',
    status: Number(r.status ?? 0),
    statusText: str(r.statusText) ?? '',
    headers: splitCdpHeaders(rec(r.headers) as Record<string, string> | undefined),
    fromDiskCache: r.fromDiskCache === true ? true : undefined,
    source: 'responseReceived',
    remoteIPAddress: str(r.remoteIPAddress),
    remotePort: typeof r.remotePort === 'number' ? r.remotePort : undefined,
  };
}

function corsStatus(v: unknown): CorsErrorStatus | undefined {
  const r = rec(v);
  if (!r || typeof r.corsError !== 'string') return undefined;
  return { corsError: r.corsError, failedParameter: str(r.failedParameter) ?? '' };
}

const NETWORK_EVENTS = [
  'Network.requestWillBeSent',
  'Network.requestWillBeSentExtraInfo',
  'Network.responseReceived',
  'Network.responseReceivedExtraInfo',
  'Network.loadingFinished',
  'Network.loadingFailed',
] as const;

export interface OracleOptions {
  /**
   * The browser's DevTools websocket URL (`devToolsEndpoint(profileDir)`, browser launched with
   * `--remote-debugging-port=0`): record the requests of the page's dedicated workers and
   * out-of-process iframes too.
   */
  workers?: string;
}

/**
 * The browser-level DevTools websocket URL of a browser launched with
 * `--remote-debugging-port=0` on `profileDir` (Chromium writes DevToolsActivePort there).
 */
export async function devToolsEndpoint(profileDir: string, timeoutMs = 5_000): Promise<string> {
  const file = path.join(profileDir, 'DevToolsActivePort');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const [port, wsPath] = text.split('\n');
    if (port && wsPath) return `ws://127.0.0.1:${port.trim()}${wsPath.trim()}`;
    if (Date.now() > until) throw new Error(`no DevToolsActivePort in ${profileDir}: launch Chromium with --remote-debugging-port=0`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The part of the WebSocket API used here (global WebSocket, or the `ws` bundled by Playwright). */
export interface MiniSocket {
  addEventListener(type: 'open' | 'error' | 'close' | 'message', fn: (ev: { data?: unknown }) => void): void;
  send(data: string): void;
  close(): void;
}

export function openSocket(url: string): MiniSocket {
  const G = (globalThis as unknown as { WebSocket?: new (u: string) => MiniSocket }).WebSocket;
  // Node 20 has no global WebSocket without --experimental-websocket: use Playwright's `ws`.
  const Ctor = G ?? (createRequire(import.meta.url)('playwright-core/lib/utilsBundle') as { ws: new (u: string) => MiniSocket }).ws;
  return new Ctor(url);
}

/** The child target (auto-attached) an event came from. */
interface ChildTarget {
  type: 'worker' | 'iframe';
  /** The target's URL when attached: a worker's script; '' for an OOPIF (attached before it commits). */
  url: string;
}

type Handler = (method: string, params: Record<string, unknown>, child?: ChildTarget) => void;

/**
 * Raw CDP client on the browser websocket: attach to `targetId` (flatten), auto-attach its
 * dedicated workers and out-of-process iframes (and theirs), enable Network there, resume them,
 * pass their Network events to `handle`.
 */
async function tapWorkers(url: string, targetId: string, handle: Handler): Promise<() => void> {
  const ws = openSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new Error(`oracle: cannot open ${url}`)));
  });
  let nextId = 1;
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  let closed = false;
  ws.addEventListener('close', () => {
    closed = true;
    for (const p of pending.values()) p({ error: 'closed' });
    pending.clear();
  });
  const send = (method: string, params: Record<string, unknown>, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      if (closed) return resolve({ error: 'closed' });
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params, sessionId }));
    });
  const children = new Map<string, ChildTarget>();
  const autoAttach = { autoAttach: true, waitForDebuggerOnStart: true, flatten: true };
  ws.addEventListener('message', (ev) => {
    const m = JSON.parse(String(ev.data)) as { id?: number; method?: string; params?: Record<string, unknown>; sessionId?: string };
    if (typeof m.id === 'number') {
      pending.get(m.id)?.(m as Record<string, unknown>);
      pending.delete(m.id);
      return;
    }
    const params = m.params ?? {};
    if (m.method === 'Target.attachedToTarget') {
      const child = str(params.sessionId) ?? '';
      const info = rec(params.targetInfo) ?? {};
      const type = str(info.type);
      if (type === 'worker' || type === 'iframe') {
        children.set(child, { type, url: str(info.url) ?? '' });
        void send('Network.enable', {}, child)
          .then(() => send('Target.setAutoAttach', autoAttach, child))
          .then(() => send('Runtime.runIfWaitingForDebugger', {}, child));
      } else {
        void send('Runtime.runIfWaitingForDebugger', {}, child);
      }
      return;
    }
    if (m.method === 'Target.detachedFromTarget') {
      // Keep the child's URL: its last events may still be queued behind this one.
      return;
    }
    const from = m.sessionId !== undefined ? children.get(m.sessionId) : undefined;
    if (from !== undefined && m.method && (NETWORK_EVENTS as readonly string[]).includes(m.method)) handle(m.method, params, from);
  });
  const attached = await send('Target.attachToTarget', { targetId, flatten: true });
  const sessionId = str(rec(attached.result)?.sessionId);
  if (!sessionId) {
    ws.close();
    throw new Error(`oracle: cannot attach to the page target: ${JSON.stringify(attached.error ?? attached)}`);
  }
  await send('Target.setAutoAttach', autoAttach, sessionId);
  return () => {
    if (!closed) ws.close();
  };
}

/**
 * Attach to `page` through `context.newCDPSession(page)`, enable Network and Audits, record.
 * Attach before navigating, or the first requests are missed. With `options.workers`, the
 * page's dedicated workers' requests are recorded too.
 */
export async function attachOracle(context: BrowserContext, page: Page, options: OracleOptions = {}): Promise<Oracle> {
  const session = await context.newCDPSession(page);
  const events: OracleEvent[] = [];
  const requests: OracleRequest[] = [];
  const byId = new Map<string, OracleRequest>();
  const issues: CorsIssue[] = [];
  const waiters = new Set<() => void>();
  let seq = 0;
  // ExtraInfo can arrive before requestWillBeSent: park it until the request exists.
  const pendingExtra = new Map<string, { req: Array<Record<string, unknown>>; res: Array<Record<string, unknown>> }>();

  const notify = () => {
    for (const w of waiters) w();
  };

  /** Re-derive each hop's raw headers and response from the events kept so far. */
  const refresh = (r: OracleRequest) => {
    r.hops.forEach((hop, i) => {
      const reqExtra = r.requestExtraInfo[i];
      if (reqExtra) hop.rawHeaders = splitCdpHeaders(rec(reqExtra.headers) as Record<string, string> | undefined);
      const resExtra = r.responseExtraInfo[i];
      let resp: OracleResponse | undefined;
      if (hop.cdpResponse) resp = toResponse(hop.cdpResponse);
      else if (resExtra) {
        const text = str(resExtra.headersText);
        const statusLine = parseHeadersText(text)?.statusLine ?? '';
        resp = {
          url: hop.url,
          status: Number(resExtra.statusCode ?? 0),
          statusText: statusLine.replace(/^\S+\s+\d+\s*/, ''),
          headers: splitCdpHeaders(rec(resExtra.headers) as Record<string, string> | undefined),
          source: 'extraInfo',
        };
      }
      if (resp && resExtra) {
        const text = str(resExtra.headersText);
        resp.headersText = text;
        resp.rawHeaders = parseHeadersText(text)?.headers ?? splitCdpHeaders(rec(resExtra.headers) as Record<string, string> | undefined);
      }
      hop.response = resp;
    });
  };

  const handle: Handler = (method, params, child) => {
    const worker = child?.type === 'worker' ? child.url : undefined;
    const outOfProcessFrame = child?.type === 'iframe' ? { outOfProcessFrame: true as const } : {};
    events.push({ seq: seq++, at: Date.now(), ...(worker !== undefined ? { worker } : {}), ...outOfProcessFrame, method, params });
    const id = str(params.requestId) ?? '';
    const r = byId.get(id);
    switch (method) {
      case 'Network.requestWillBeSent': {
        const request = rec(params.request) ?? {};
        const initiator = rec(params.initiator);
        const hop: OracleHop = {
          url: str(request.url) ?? '',
          method: str(request.method) ?? '',
          headers: splitCdpHeaders(rec(request.headers) as Record<string, string> | undefined),
        };
        const redirect = rec(params.redirectResponse);
        if (r) {
          // A redirect: the previous hop's response is the redirect response.
          const prev = r.hops[r.hops.length - 1];
          if (prev && redirect) prev.cdpResponse = redirect;
          r.hops.push(hop);
          refresh(r);
        } else {
          const isPreflight = str(initiator?.type) === 'preflight';
          const nr: OracleRequest = {
            requestId: id,
            url: hop.url,
            method: hop.method,
            resourceType: str(params.type),
            initiator,
            isPreflight,
            preflightFor: isPreflight ? { url: str(initiator?.url), requestId: str(initiator?.requestId) } : undefined,
            postData: str(request.postData),
            ...(worker !== undefined ? { worker: { url: worker } } : {}),
            ...outOfProcessFrame,
            ...(str(params.documentURL) !== undefined ? { documentURL: str(params.documentURL) } : {}),
            hops: [hop],
            requestExtraInfo: [],
            responseExtraInfo: [],
            startedAt: Date.now(),
          };
          byId.set(id, nr);
          requests.push(nr);
          const parked = pendingExtra.get(id);
          if (parked) {
            pendingExtra.delete(id);
            nr.requestExtraInfo.push(...parked.req);
            nr.responseExtraInfo.push(...parked.res);
            refresh(nr);
          }
        }
        break;
      }
      case 'Network.requestWillBeSentExtraInfo':
      case 'Network.responseReceivedExtraInfo': {
        const isReq = method === 'Network.requestWillBeSentExtraInfo';
        if (r) {
          (isReq ? r.requestExtraInfo : r.responseExtraInfo).push(params);
          refresh(r);
        } else {
          const parked = pendingExtra.get(id) ?? { req: [], res: [] };
          (isReq ? parked.req : parked.res).push(params);
          pendingExtra.set(id, parked);
        }
        break;
      }
      case 'Network.responseReceived': {
        if (!r) break;
        const hop = r.hops[r.hops.length - 1];
        if (!hop) break;
        hop.cdpResponse = rec(params.response) ?? {};
        refresh(r);
        if (!r.resourceType) r.resourceType = str(params.type);
        break;
      }
      case 'Network.loadingFinished':
        if (r) r.finished = { encodedDataLength: Number(params.encodedDataLength ?? 0), at: Date.now() };
        break;
      case 'Network.loadingFailed':
        if (r) {
          r.failed = {
            errorText: str(params.errorText) ?? '',
            canceled: params.canceled === true ? true : undefined,
            blockedReason: str(params.blockedReason),
            corsErrorStatus: corsStatus(params.corsErrorStatus),
            at: Date.now(),
          };
        }
        break;
      case 'Audits.issueAdded': {
        const issue = rec(params.issue);
        if (str(issue?.code) !== 'CorsIssue') break;
        const details = rec(rec(issue?.details)?.corsIssueDetails) ?? {};
        const request = rec(details.request);
        issues.push({
          requestId: str(request?.requestId),
          url: str(request?.url),
          corsErrorStatus: corsStatus(details.corsErrorStatus),
          isWarning: details.isWarning === true,
          initiatorOrigin: str(details.initiatorOrigin),
          details,
        });
        break;
      }
    }
    notify();
  };

  for (const name of NETWORK_EVENTS) {
    session.on(name, (p: unknown) => handle(name, (p ?? {}) as Record<string, unknown>));
  }
  session.on('Audits.issueAdded', (p: unknown) => handle('Audits.issueAdded', (p ?? {}) as Record<string, unknown>));
  await session.send('Network.enable', {});
  await session.send('Audits.enable');
  let untap: (() => void) | undefined;
  if (options.workers) {
    const info = (await session.send('Target.getTargetInfo')) as { targetInfo: { targetId: string } };
    untap = await tapWorkers(options.workers, info.targetInfo.targetId, handle);
  }

  const requestsMatching = (sub: string) => requests.filter((r) => !r.isPreflight && r.url.includes(sub));
  const preflightsFor = (sub: string) =>
    requests.filter((r) => r.isPreflight && ((r.preflightFor?.url ?? r.url).includes(sub) || r.url.includes(sub)));

  const verdictFor = (sub: string): Verdict => {
    const r = requestsMatching(sub).at(-1);
    if (r?.failed) {
      const c = r.failed.corsErrorStatus;
      return { ok: false, corsError: c?.corsError, failedParameter: c?.failedParameter, errorText: r.failed.errorText, source: 'network' };
    }
    if (r?.finished) return { ok: true, status: r.hops.at(-1)?.response?.status };
    const issue = issues.filter((i) => !i.isWarning && (i.url ?? '').includes(sub)).at(-1);
    if (issue?.corsErrorStatus) return { ok: false, ...issue.corsErrorStatus, source: 'audits' };
    return { ok: false, errorText: r ? 'pending' : 'not seen', source: 'none' };
  };

  const waitForSettled = (sub: string, timeoutMs = 10_000) =>
    new Promise<OracleRequest>((resolve, reject) => {
      const check = () => {
        const r = requestsMatching(sub).find((x) => x.finished || x.failed);
        if (r) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(r);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`oracle: no loadingFinished/loadingFailed for a request matching ${sub} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  return {
    session,
    events,
    requests,
    issues,
    requestsMatching,
    preflightsFor,
    verdictFor,
    waitForSettled,
    clear: () => {
      events.length = 0;
      requests.length = 0;
      issues.length = 0;
      byId.clear();
      pendingExtra.clear();
    },
    detach: async () => {
      untap?.();
      await session.detach().catch(() => undefined);
    },
  };
}
