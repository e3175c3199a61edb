/**
 * A bare HTTP backend with no CORS at all, the "before" of every scenario and the upstream of
 * the proxy stacks: /data (GET/PUT, sets X-Request-Id), /private (401 without x-api-key),
 * /error (500), and 404 for OPTIONS like many apps.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FixPlan } from '../../src/engine/types.ts';
import { answersPreflightItself, headersUnderPlan, isAccessControlHeader, responseKindOf } from '../harness/plan-headers.ts';

export interface Running {
  origin: string;
  port: number;
  stop(): Promise<void>;
}

export function startBackend(): Promise<Running> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    req.resume();
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...extra });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return send(404, { error: 'not found' });
    if (path === '/private' && req.headers['x-api-key'] !== 'k') return send(401, { error: 'auth' });
    if ((path === '/data' || path === '/private') && (req.method === 'GET' || req.method === 'PUT')) {
      return send(200, { ok: true }, { 'X-Request-Id': 'abc123' });
    }
    if (path === '/error') return send(500, { error: 'boom' });
    return send(404, { error: 'not found' });
  });
  return listen(server);
}

/** A page server: any path answers a blank HTML page. */
export function startPageServer(): Promise<Running> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>page</title>');
  });
  return listen(server);
}

export function listen(server: http.Server): Promise<Running> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        port,
        stop: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/**
 * The bare backend behind a server that follows `plan` to the letter (plan-headers.ts): its own
 * Access-Control-* headers dropped, the plan's written per response, OPTIONS answered 204 by
 * itself where the plan says so. Deriving a plan in rounds replays the page against it.
 */
export function startPlanServer(backend: Running, plan: FixPlan): Promise<Running> {
  const server = http.createServer((req, res) => {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    if (req.method === 'OPTIONS' && answersPreflightItself(plan)) {
      req.resume();
      res.writeHead(204, headersUnderPlan(plan, 'preflight', origin).flat());
      res.end();
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: backend.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      const kind = req.method === 'OPTIONS' ? 'preflight' : responseKindOf(up.statusCode);
      const lines: string[] = [];
      for (let i = 0; i + 1 < up.rawHeaders.length; i += 2) {
        const name = up.rawHeaders[i] ?? '';
        if (!isAccessControlHeader(name) && name.toLowerCase() !== 'connection') lines.push(name, up.rawHeaders[i + 1] ?? '');
      }
      lines.push(...headersUnderPlan(plan, kind, origin).flat());
      res.writeHead(up.statusCode ?? 502, lines);
      up.pipe(res);
    });
    upstream.on('error', (e) => {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`upstream: ${String(e)}`);
    });
    req.pipe(upstream);
  });
  return listen(server);
}
