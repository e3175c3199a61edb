/**
 * The CORS lab servers: one "app" origin serving the lab page and two "API" origins, all plain
 * node:http on 127.0.0.1 with distinct ports. Every server answers `/s/<scenarioId>/...`
 * exactly as the scenario says (headers in order, duplicates kept, no CORS of its own) and
 * records every request it receives.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SCENARIOS,
  TARGETS,
  applyPlaceholders,
  frameUrl,
  scenarioUrl,
  type HeaderList,
  type LabOrigins,
  type Reply,
  type Scenario,
  type Target,
} from './scenarios.ts';
import { headersUnderPlan } from '../harness/plan-headers.ts';
import { labFrameHtml, labFrameScript, labPageHtml, labPageScript, labWorkerScript } from './page.ts';

/** A 1x1 transparent GIF (Reply.asset 'gif'). */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export interface StartLabOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Fixed ports; 0 or absent = ephemeral. */
  ports?: Partial<Record<Target, number>>;
  /** Default SCENARIOS. Scenarios generated at run time (the fuzzer) can be added later with `lab.add()`. */
  scenarios?: readonly Scenario[];
  /**
   * Host name of the app origin as the page sees it (e.g. `lna.test`, mapped to the listening
   * address by Chromium's --host-resolver-rules). Default: `host`.
   */
  appHost?: string;
}

export interface RecordedRequest {
  /** Order of arrival over all servers, from 0. */
  seq: number;
  time: number;
  server: Target;
  method: string;
  /** Path and query as received. */
  url: string;
  /** Raw header lines in wire order (duplicates kept), as Node saw them. */
  headers: Array<{ name: string; value: string }>;
  /** Scenario id when the path is `/s/<id>/...`. */
  scenarioId?: string;
  /** Redirect hop index (0 = the URL the page requested). */
  hop?: number;
  body: string;
}

export interface Lab {
  origins: LabOrigins;
  /** The lab page URL (`<app>/`). */
  pageUrl: string;
  scenarios: readonly Scenario[];
  /** Every request received, in order. */
  requests: RecordedRequest[];
  requestsFor(id: string): RecordedRequest[];
  /** The first URL the page requests for this scenario (without the per-run `r=` query). */
  urlOf(id: string): string;
  clearRequests(): void;
  /** Serve more scenarios from now on (ids must be new); the page sees them after a reload or `corsightLab.refresh()`. */
  add(scenarios: readonly Scenario[]): void;
  close(): Promise<void>;
}

const PATH_RE = /^\/s\/([A-Za-z0-9_.-]+)(?:\/_h(\d+))?(\/[^?]*)?(\?.*)?$/;

function flat(headers: HeaderList, resolve: (v: string) => string): string[] {
  const out: string[] = [];
  for (const [name, value] of headers) out.push(name, resolve(value));
  return out;
}

function pairs(raw: string[]): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push({ name: raw[i] ?? '', value: raw[i + 1] ?? '' });
  return out;
}

/** Write a reply: status, the header lines exactly in order (duplicates stay two lines), body. */
function send(res: http.ServerResponse, reply: Reply, resolve: (v: string) => string, extra: HeaderList = [], defaultBody = '', requestOrigin?: string): void {
  const body = reply.asset === 'gif' ? GIF : Buffer.from(resolve(reply.body ?? defaultBody), 'utf8');
  const planned: HeaderList = reply.plan ? headersUnderPlan(reply.plan.plan, reply.plan.kind, requestOrigin) : [];
  const lines = [...(reply.headers ?? []), ...planned, ...extra];
  const hasLength = lines.some(([n]) => n.toLowerCase() === 'content-length');
  const raw = flat(lines, resolve);
  if (!hasLength) raw.push('Content-Length', String(Buffer.byteLength(body)));
  res.sendDate = false;
  // A flat [name, value, name, value...] array: Node writes each pair as its own line.
  res.writeHead(reply.status ?? 200, raw);
  res.end(body);
}

export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const host = options.host ?? '127.0.0.1';
  const scenarios: Scenario[] = [...(options.scenarios ?? SCENARIOS)];
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  /** OPTIONS received per `<id> <query>`: a second one is answered with `preflightLater`. */
  const preflightCount = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const holds: Array<() => void> = [];
  let seq = 0;
  const origins: LabOrigins = { app: '', api1: '', api2: '' };

  const handler = (server: Target) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const m = PATH_RE.exec(url);
      const rec: RecordedRequest = {
        seq: seq++,
        time: Date.now(),
        server,
        method: req.method ?? '',
        url,
        headers: pairs(req.rawHeaders),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      if (m) {
        rec.scenarioId = m[1];
        rec.hop = Number(m[2] ?? 0);
      }
      requests.push(rec);
      try {
        route(server, req, res, m);
      } catch (e) {
        res.writeHead(500, ['Content-Type', 'text/plain']);
        res.end(String(e));
      }
    });
  };

  function route(server: Target, req: http.IncomingMessage, res: http.ServerResponse, m: RegExpExecArray | null): void {
    const url = req.url ?? '/';
    if (!m) {
      if (server === 'app' && (url === '/' || url.startsWith('/?'))) {
        return send(res, { headers: [['Content-Type', 'text/html; charset=utf-8'], ['Cache-Control', 'no-store']] }, (v) => v, [], labPageHtml(scenarios));
      }
      if (server === 'app' && url === '/lab.js') {
        return send(res, { headers: [['Content-Type', 'text/javascript; charset=utf-8'], ['Cache-Control', 'no-store']] }, (v) => v, [], labPageScript());
      }
      if (server === 'app' && url === '/worker.js') {
        return send(res, { headers: [['Content-Type', 'text/javascript; charset=utf-8'], ['Cache-Control', 'no-store']] }, (v) => v, [], labWorkerScript());
      }
      // The iframe of `iframe-fetch` (served under 127.0.0.1 and, cross-site, under localhost).
      if (server === 'app' && url === '/frame.html') {
        return send(res, { headers: [['Content-Type', 'text/html; charset=utf-8'], ['Cache-Control', 'no-store']] }, (v) => v, [], labFrameHtml());
      }
      if (server === 'app' && url === '/frame.js') {
        return send(res, { headers: [['Content-Type', 'text/javascript; charset=utf-8'], ['Cache-Control', 'no-store']] }, (v) => v, [], labFrameScript());
      }
      if (server === 'app' && url === '/scenarios.json') {
        const resolved = scenarios.map((s) => {
          const r = (v: string) => applyPlaceholders(v, origins, { id: s.id });
          const again = s.request.again;
          return {
            id: s.id,
            title: s.title,
            url: scenarioUrl(s, origins),
            frameUrl: frameUrl(s, origins),
            request: {
              ...s.request,
              headers: (s.request.headers ?? []).map(([n, v]) => [n, r(v)]),
              body: s.request.body === undefined ? undefined : r(s.request.body),
              again: again ? { ...again, headers: again.headers?.map(([n, v]) => [n, r(v)]) } : undefined,
            },
          };
        });
        return send(res, { headers: [['Content-Type', 'application/json'], ['Cache-Control', 'no-store']] }, (v) => v, [], JSON.stringify(resolved));
      }
      // `/?autorun` (scripts/record-firefox-har.ts): the page holds its load event with an image
      // from /hold until its script, done with every scenario, asks for /release.
      if (server === 'app' && url === '/hold') {
        const answer = () => send(res, { headers: [['Content-Type', 'image/gif'], ['Cache-Control', 'no-store']] }, (v) => v);
        const timer = setTimeout(answer, 15 * 60_000);
        timer.unref();
        holds.push(() => { clearTimeout(timer); answer(); });
        return;
      }
      if (server === 'app' && url === '/release') {
        for (const release of holds.splice(0)) release();
        return send(res, { status: 204, headers: [['Cache-Control', 'no-store']] }, (v) => v);
      }
      if (url === '/favicon.ico') return send(res, { status: 204 }, (v) => v);
      return send(res, { status: 404, headers: [['Content-Type', 'text/plain']] }, (v) => v, [], 'no such lab path');
    }
    const id = m[1] ?? '';
    const hop = Number(m[2] ?? 0);
    const query = m[4] ?? '';
    const s = byId.get(id);
    if (!s) return send(res, { status: 404, headers: [['Content-Type', 'text/plain']] }, (v) => v, [], `unknown scenario ${id}`);
    const resolve = (v: string) => applyPlaceholders(v, origins, { id, self: server });
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const redirects = s.redirects ?? [];
    const hopSpec = redirects[hop];
    if (req.method === 'OPTIONS') {
      const key = `${id} ${hop} ${query}`;
      const n = (preflightCount.get(key) ?? 0) + 1;
      preflightCount.set(key, n);
      const pre = (n > 1 ? s.preflightLater : undefined) ?? hopSpec?.preflight ?? s.preflight ?? { status: 204 };
      return send(res, pre, resolve, [], '', origin);
    }
    if (hopSpec) {
      const to = hopSpec.to;
      const userinfo = to.userinfo ? to.userinfo + '@' : '';
      const location = hopSpec.location !== undefined ? resolve(hopSpec.location) : origins[to.target].replace('http://', 'http://' + userinfo) +
        `/s/${id}/_h${hop + 1}` + resolve(to.path ?? '/') + query;
      return send(res, { status: hopSpec.status ?? 302, headers: hopSpec.headers ?? [], ...(hopSpec.plan ? { plan: hopSpec.plan } : {}) }, resolve, [['Location', location]], '', origin);
    }
    const conditional = req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined;
    if (conditional && s.conditional) return send(res, s.conditional, resolve, [], '', origin);
    return send(res, s.response, resolve, [], `ok ${id}`, origin);
  }

  const servers: http.Server[] = [];
  for (const t of TARGETS) {
    const srv = http.createServer(handler(t));
    srv.keepAliveTimeout = 1000;
    servers.push(srv);
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(options.ports?.[t] ?? 0, host, () => resolve());
    });
    const addr = srv.address() as AddressInfo;
    origins[t] = `http://${t === 'app' && options.appHost ? options.appHost : host}:${addr.port}`;
  }

  return {
    origins,
    pageUrl: origins.app + '/',
    scenarios,
    requests,
    requestsFor: (id) => requests.filter((r) => r.scenarioId === id),
    urlOf: (id) => {
      const s = byId.get(id);
      if (!s) throw new Error(`unknown lab scenario: ${id}`);
      return scenarioUrl(s, origins);
    },
    clearRequests: () => {
      requests.length = 0;
    },
    add: (more) => {
      for (const s of more) {
        if (byId.has(s.id)) throw new Error(`lab scenario ${s.id} exists already`);
        byId.set(s.id, s);
        scenarios.push(s);
      }
    },
    close: async () => {
      await Promise.all(
        servers.map(
          (srv) =>
            new Promise<void>((resolve) => {
              srv.closeAllConnections();
              srv.close(() => resolve());
            }),
        ),
      );
    },
  };
}
