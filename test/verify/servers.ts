/**
 * One adapter per runnable stack: writes the generated snippet into a minimal real server
 * (the snippet first, then routes like the bare backend's), starts it on a loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Snippet } from '../../src/snippets/index.ts';
import { NGINX_HTTP_MARK, NGINX_SERVER_MARK } from '../../src/snippets/stacks/nginx.ts';
import { RAILS_ALLOW_END, RAILS_ALLOW_START } from '../../src/snippets/stacks/rails.ts';
import { goEnv, OPTIONAL_TOOLS as T, type FoundTools, type Tool } from '../harness/tools.ts';
import type { Running } from './backend.ts';
import type { Scenario } from './scenarios.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Under node_modules so that `import 'express'` resolves from the generated files. */
const WORK = path.join(REPO, 'node_modules', '.cache', 'corsight-verify');

export interface Adapter {
  id: string;
  /** Row label in the table when it says more than the id (e.g. a dev proxy). */
  label?: string;
  /** A line printed under the table: what exactly was verified for this stack. */
  note?: string;
  /** What must be installed for this stack beyond npm's packages (checked before it runs). */
  needs: readonly Tool[];
  /**
   * `cors` (default): a page on another origin calls the stack's server, which must answer with
   * the right CORS headers. `dev-proxy`: the stack's dev server serves the page itself and
   * forwards `prefix` + path to the bare backend, so the page's request is same-origin and no
   * CORS header is involved; the other origin must still be refused.
   */
  mode?: 'cors' | 'dev-proxy';
  /** Path prefix under which the stack serves the scenario routes (`/api` for Next.js, the proxies). */
  prefix?: string;
  /** Only these scenarios apply (others show `n/a`). */
  scenarios?: string[];
  /** The stack's own version of a scenario's request (null: does not apply to this stack). */
  request?(s: Scenario): Pick<Scenario, 'request' | 'expectStatus' | 'readHeader'> | null;
  /**
   * `port` is free and chosen by the runner; an adapter may use it or pick its own. `tools` has
   * the paths of what `needs` named.
   */
  start(snippet: Snippet, backendPort: number, port: number, tools: FoundTools): Promise<Running>;
}

let seq = 0;
function workDir(id: string): string {
  const dir = path.join(WORK, `${id}-${process.pid}-${++seq}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Spawns a server in its own process group and waits until the port accepts connections. */
export async function spawnServer(cmd: string, args: string[], port: number, opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Running> {
  const log: string[] = [];
  const child: ChildProcess = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, PORT: String(port), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    const done = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 3000);
    await done;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${cmd} exited before listening:\n${log.join('').slice(-2000)}`);
    if (await canConnect(port)) return { origin: `http://127.0.0.1:${port}`, port, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`${cmd} did not listen on ${port}:\n${log.join('').slice(-2000)}`);
}

const write = (dir: string, name: string, text: string): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

// ---- Node frameworks -----------------------------------------------------------------------

const nodeAdapter = (id: string, routes: string): Adapter => ({
  id,
  needs: [],
  async start(snippet) {
    const dir = workDir(id);
    const port = await freePort();
    const file = write(dir, 'server.mjs', `${snippet.code}\n${routes}\n`);
    return spawnServer(process.execPath, [file], port, { cwd: dir });
  },
});

const express = nodeAdapter(
  'express',
  `
app.use((req, res, next) => {
  if (req.path.startsWith('/private') && req.get('x-api-key') !== 'k') return res.status(401).json({ error: 'auth' });
  next();
});
const ok = (req, res) => res.set('X-Request-Id', 'abc123').json({ ok: true });
app.get('/data', ok); app.put('/data', ok); app.get('/private', ok); app.put('/private', ok);
app.get('/error', () => { throw new Error('boom'); });
app.listen(Number(process.env.PORT), '127.0.0.1');`,
);

const fastify = nodeAdapter(
  'fastify',
  `
fastify.addHook('onRequest', async (req, reply) => {
  if (req.url.startsWith('/private') && req.headers['x-api-key'] !== 'k') return reply.code(401).send({ error: 'auth' });
});
const ok = async (req, reply) => { reply.header('X-Request-Id', 'abc123'); return { ok: true }; };
fastify.get('/data', ok); fastify.put('/data', ok); fastify.get('/private', ok); fastify.put('/private', ok);
fastify.get('/error', async () => { throw new Error('boom'); });
await fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });`,
);

const koa = nodeAdapter(
  'koa',
  `
app.use(async (ctx, next) => {
  if (ctx.path.startsWith('/private') && ctx.get('x-api-key') !== 'k') { ctx.status = 401; ctx.body = { error: 'auth' }; return; }
  await next();
});
app.use(async (ctx) => {
  if (ctx.path === '/error') throw new Error('boom');
  if ((ctx.path === '/data' || ctx.path === '/private') && (ctx.method === 'GET' || ctx.method === 'PUT')) {
    ctx.set('X-Request-Id', 'abc123'); ctx.body = { ok: true }; return;
  }
  ctx.status = 404;
});
app.listen(Number(process.env.PORT), '127.0.0.1');`,
);

const hono = nodeAdapter(
  'hono',
  `
import { serve } from '@hono/node-server';
app.use('/private', async (c, next) => {
  if (c.req.header('x-api-key') !== 'k') return c.json({ error: 'auth' }, 401);
  await next();
});
const ok = (c) => { c.header('X-Request-Id', 'abc123'); return c.json({ ok: true }); };
app.get('/data', ok); app.put('/data', ok); app.get('/private', ok); app.put('/private', ok);
app.get('/error', () => { throw new Error('boom'); });
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });`,
);

const NODE_MODULES = path.join(REPO, 'node_modules');
const TSX_CLI = path.join(NODE_MODULES, 'tsx', 'dist', 'cli.mjs');

/** NestJS: the generated src/main.ts as is, an AppModule with a guard on /private; run by tsx. */
const nestjs: Adapter = {
  id: 'nestjs',
  needs: [],
  async start(snippet, _backendPort, port) {
    const dir = workDir('nestjs');
    // Nest's decorators are the legacy (experimental) ones; tsx/esbuild read this tsconfig.
    write(dir, 'tsconfig.json', JSON.stringify({ compilerOptions: { target: 'es2022', module: 'commonjs', experimentalDecorators: true, emitDecoratorMetadata: true } }));
    write(dir, 'main.ts', snippet.code);
    write(
      dir,
      'app.module.ts',
      `import { Controller, Get, Header, Injectable, Module, Put, UnauthorizedException, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';

@Injectable()
class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest();
    if (req.headers['x-api-key'] !== 'k') throw new UnauthorizedException('auth');
    return true;
  }
}

@Controller()
class AppController {
  @Get('data') @Header('X-Request-Id', 'abc123') getData() { return { ok: true }; }
  @Put('data') @Header('X-Request-Id', 'abc123') putData() { return { ok: true }; }
  @Get('private') @UseGuards(ApiKeyGuard) @Header('X-Request-Id', 'abc123') getPrivate() { return { ok: true }; }
  @Put('private') @UseGuards(ApiKeyGuard) @Header('X-Request-Id', 'abc123') putPrivate() { return { ok: true }; }
  @Get('error') error(): never { throw new Error('boom'); }
}

@Module({ controllers: [AppController] })
export class AppModule {}
`,
    );
    return spawnServer(process.execPath, [TSX_CLI, '--tsconfig', path.join(dir, 'tsconfig.json'), 'main.ts'], port, { cwd: dir });
  },
};

const SIO_HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

/**
 * Socket.IO: its `cors` option covers its own path only, so every scenario becomes the request
 * the browser client's polling transport sends first (the handshake), with the scenario's
 * credentials and headers (`extraHeaders`). /private = a handshake `allowRequest` refuses
 * without the key (403); error-500 = a stale session id, which engine.io answers with 400 and the
 * page must still read. PUT does not apply: the client never sends it.
 */
const socketio: Adapter = {
  id: 'socketio',
  label: 'socketio (handshake)',
  note: 'GET /socket.io/?EIO=4&transport=polling (the polling handshake) with each scenario\'s credentials and headers; /private = allowRequest needs x-api-key (403 without); error-500 = unknown sid (400); put n/a (the client never sends PUT).',
  needs: [],
  request(s) {
    if (s.id === 'put') return null;
    const path = s.id === 'error-500' ? `${SIO_HANDSHAKE}&sid=unknown` : s.request.path === '/private' ? `${SIO_HANDSHAKE}&private=1` : SIO_HANDSHAKE;
    const check: Pick<Scenario, 'request' | 'expectStatus' | 'readHeader'> = {
      request: { ...s.request, method: 'GET', path },
      expectStatus: s.id === 'error-500' ? 400 : 200,
    };
    if (s.readHeader) check.readHeader = s.readHeader;
    return check;
  },
  async start(snippet, _backendPort, port) {
    const dir = workDir('socketio');
    const file = write(
      dir,
      'server.mjs',
      `${snippet.code}
// Verification: a handshake that needs the key, and a header on every engine.io response.
io.engine.opts.allowRequest = (req, callback) => {
  const isPrivate = new URL(req.url, 'http://x').searchParams.has('private');
  callback(isPrivate && req.headers['x-api-key'] !== 'k' ? 'auth' : null, !isPrivate || req.headers['x-api-key'] === 'k');
};
io.engine.on('headers', (headers) => { headers['X-Request-Id'] = 'abc123'; });
io.on('connection', () => {});
httpServer.listen(Number(process.env.PORT), '127.0.0.1');
`,
    );
    return spawnServer(process.execPath, [file], port, { cwd: dir });
  },
};

/** The user-logic placeholder of the Workers snippet, replaced by one that also throws on /error. */
const WORKER_HANDLE = 'async function handle(request, env, ctx) {\n  return fetch(request);\n}';

/**
 * Cloudflare Workers in Miniflare (workerd) in front of the bare backend (`upstream`, so the
 * snippet's `fetch(request)` reaches it). /error throws inside the Worker, to check the catch.
 */
const cloudflareWorkers: Adapter = {
  id: 'cloudflare-workers',
  note: 'Miniflare 3 (workerd) with upstream = the bare backend; the placeholder handle() throws on /error to exercise the snippet\'s catch.',
  needs: [],
  async start(snippet, backendPort, port) {
    const dir = workDir('workers');
    if (!snippet.code.includes(WORKER_HANDLE)) throw new Error('workers snippet has no handle() placeholder');
    const worker = snippet.code.replace(
      WORKER_HANDLE,
      "async function handle(request, env, ctx) {\n  if (new URL(request.url).pathname === '/error') throw new Error('boom');\n  return fetch(request);\n}",
    );
    write(dir, 'worker.mjs', worker);
    const file = write(
      dir,
      'run.mjs',
      `import fs from 'node:fs';
import { Miniflare } from 'miniflare';
const mf = new Miniflare({
  modules: true,
  script: fs.readFileSync('worker.mjs', 'utf8'),
  compatibilityDate: '2025-07-01',
  host: '127.0.0.1',
  port: Number(process.env.PORT),
  upstream: 'http://127.0.0.1:${backendPort}',
});
await mf.ready;
process.on('SIGTERM', () => mf.dispose().finally(() => process.exit(0)));
`,
    );
    return spawnServer(process.execPath, [file], port, { cwd: dir });
  },
};

/**
 * Next.js 16 (`next dev`, Turbopack): the generated proxy.ts at the project root, route handlers
 * under app/api/ (the snippet's matcher). Turbopack will not compile a project inside
 * node_modules, so the project lives in the temp dir with a symlink to ours.
 */
const nextjs: Adapter = {
  id: 'nextjs',
  label: 'nextjs (next dev)',
  note: 'next dev (Turbopack), routes under /api (the proxy.ts matcher); /private is a route handler that 401s without the key, /error a route handler that throws.',
  needs: [],
  prefix: '/api',
  async start(snippet, _backendPort, port) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-verify-next-'));
    fs.symlinkSync(NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
    write(dir, 'package.json', '{ "private": true }\n');
    // The symlinked node_modules is outside the project: let Turbopack read it.
    write(dir, 'next.config.mjs', "export default { turbopack: { root: '/' } };\n");
    write(
      dir,
      'tsconfig.json',
      JSON.stringify({ compilerOptions: { target: 'es2022', lib: ['dom', 'es2022'], module: 'esnext', moduleResolution: 'bundler', jsx: 'preserve', strict: true, noEmit: true, isolatedModules: true, skipLibCheck: true, plugins: [{ name: 'next' }] }, include: ['**/*.ts'] }),
    );
    write(dir, 'proxy.ts', snippet.code);
    const ok = "export function GET() { return Response.json({ ok: true }, { headers: { 'X-Request-Id': 'abc123' } }); }\nexport const PUT = GET;\n";
    for (const [route, code] of [
      ['data', ok],
      [
        'private',
        `function ok(request: Request) {
  if (request.headers.get('x-api-key') !== 'k') return Response.json({ error: 'auth' }, { status: 401 });
  return Response.json({ ok: true }, { headers: { 'X-Request-Id': 'abc123' } });
}
export const GET = ok;
export const PUT = ok;
`,
      ],
      ['error', "export function GET(): Response { throw new Error('boom'); }\n"],
    ] as const) {
      fs.mkdirSync(path.join(dir, 'app', 'api', route), { recursive: true });
      write(dir, `app/api/${route}/route.ts`, code);
    }
    const bin = path.join(NODE_MODULES, 'next', 'dist', 'bin', 'next');
    try {
      const running = await spawnServer(process.execPath, [bin, 'dev', '-p', String(port), '-H', '127.0.0.1'], port, { cwd: dir, env: { NEXT_TELEMETRY_DISABLED: '1' } });
      return {
        ...running,
        stop: async () => {
          await running.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  },
};

const DEV_PAGE = '<!doctype html><title>page</title>\n';

/** Vite dev server: serves the page and proxies /api to the bare backend (the snippet's server.proxy). */
const vite: Adapter = {
  id: 'vite',
  label: 'vite (dev proxy)',
  note: 'dev-server proxy, not CORS headers: the page is served by Vite and calls /api/... on its own origin (same-origin, no CORS), forwarded to the bare backend; a page on another port must still be refused.',
  needs: [],
  mode: 'dev-proxy',
  prefix: '/api',
  async start(snippet, _backendPort, port) {
    const dir = workDir('vite');
    write(dir, 'vite.config.mjs', snippet.code);
    write(dir, 'index.html', DEV_PAGE);
    const bin = path.join(NODE_MODULES, 'vite', 'bin', 'vite.js');
    return spawnServer(process.execPath, [bin, '--config', 'vite.config.mjs', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--clearScreen', 'false', '--logLevel', 'warn'], port, { cwd: dir });
  },
};

/** webpack-dev-server 5 (API): the snippet's devServer options plus host, port and a static page. */
const webpackDevServer: Adapter = {
  id: 'webpack-dev-server',
  label: 'webpack-dev-server (dev proxy)',
  note: 'dev-server proxy, not CORS headers: the page is served by webpack-dev-server and calls /api/... on its own origin, forwarded to the bare backend; a page on another port must still be refused.',
  needs: [],
  mode: 'dev-proxy',
  prefix: '/api',
  async start(snippet, _backendPort, port) {
    const dir = workDir('wds');
    write(dir, 'webpack.config.mjs', snippet.code);
    write(dir, 'index.js', 'export {};\n');
    fs.mkdirSync(path.join(dir, 'public'));
    write(dir, 'public/index.html', DEV_PAGE);
    const file = write(
      dir,
      'run.mjs',
      `import path from 'node:path';
import webpack from 'webpack';
import WebpackDevServer from 'webpack-dev-server';
import config from './webpack.config.mjs';
const dir = process.cwd();
const compiler = webpack({ mode: 'development', context: dir, entry: './index.js', output: { path: path.join(dir, 'dist') }, infrastructureLogging: { level: 'warn' }, stats: 'errors-only' });
const server = new WebpackDevServer(
  { ...config.devServer, host: '127.0.0.1', port: Number(process.env.PORT), static: { directory: path.join(dir, 'public'), watch: false }, hot: false, liveReload: false, client: false, webSocketServer: false },
  compiler,
);
await server.start();
process.on('SIGTERM', () => server.stop().finally(() => process.exit(0)));
`,
    );
    return spawnServer(process.execPath, [file], port, { cwd: dir });
  },
};

// ---- Python ---------------------------------------------------------------------------------

const flask: Adapter = {
  id: 'flask',
  needs: [T.flask, T.flaskCors],
  async start(snippet, _backendPort, _port, tools) {
    const dir = workDir('flask');
    const port = await freePort();
    write(
      dir,
      'app.py',
      `${snippet.code}
import functools, os
from flask import request, jsonify

def require_key(view):
    @functools.wraps(view)
    def wrapped(*a, **k):
        if request.headers.get("x-api-key") != "k":
            return jsonify(error="auth"), 401
        return view(*a, **k)
    return wrapped

def ok():
    r = jsonify(ok=True)
    r.headers["X-Request-Id"] = "abc123"
    return r

@app.route("/data", methods=["GET", "PUT"])
def data():
    return ok()

@app.route("/private", methods=["GET", "PUT"])
@require_key
def private():
    return ok()

@app.route("/error")
def error():
    raise RuntimeError("boom")

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
`,
    );
    return spawnServer(tools.python, ['app.py'], port, { cwd: dir });
  },
};

const django: Adapter = {
  id: 'django',
  needs: [T.django, T.corsheaders],
  async start(snippet, _backendPort, _port, tools) {
    const dir = workDir('django');
    const port = await freePort();
    write(
      dir,
      'settings.py',
      `SECRET_KEY = "verify"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = ["django.contrib.contenttypes"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware", "authmw.ApiKeyMiddleware"]
DATABASES = {}
LOGGING_CONFIG = None
${snippet.code}`,
    );
    write(
      dir,
      'authmw.py',
      `from django.http import JsonResponse
class ApiKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
    def __call__(self, request):
        if request.path.startswith("/private") and request.headers.get("x-api-key") != "k":
            return JsonResponse({"error": "auth"}, status=401)
        return self.get_response(request)
`,
    );
    write(
      dir,
      'urls.py',
      `from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

@csrf_exempt
def ok(request):
    if request.method not in ("GET", "PUT"):
        return JsonResponse({"error": "method"}, status=405)
    r = JsonResponse({"ok": True})
    r["X-Request-Id"] = "abc123"
    return r

def error(request):
    raise RuntimeError("boom")

urlpatterns = [path("data", ok), path("private", ok), path("error", error)]
`,
    );
    return spawnServer(tools.python, ['-m', 'django', 'runserver', `127.0.0.1:${port}`, '--noreload', '--nothreading'], port, {
      cwd: dir,
      env: { DJANGO_SETTINGS_MODULE: 'settings', PYTHONPATH: [dir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) },
    });
  },
};

const fastapi: Adapter = {
  id: 'fastapi',
  needs: [T.fastapi, T.uvicorn],
  async start(snippet, _backendPort, _port, tools) {
    const dir = workDir('fastapi');
    const port = await freePort();
    write(
      dir,
      'main.py',
      `${snippet.code}
from fastapi import Request
from fastapi.responses import JSONResponse

@app.middleware("http")
async def api_key(request: Request, call_next):
    if request.url.path.startswith("/private") and request.headers.get("x-api-key") != "k":
        return JSONResponse({"error": "auth"}, status_code=401)
    return await call_next(request)

def ok():
    return JSONResponse({"ok": True}, headers={"X-Request-Id": "abc123"})

@app.api_route("/data", methods=["GET", "PUT"])
def data():
    return ok()

@app.api_route("/private", methods=["GET", "PUT"])
def private():
    return ok()

@app.get("/error")
def error():
    raise RuntimeError("boom")
`,
    );
    return spawnServer(tools.python, ['-m', 'uvicorn', 'main:cors_app', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning'], port, { cwd: dir });
  },
};

// ---- PHP, Ruby, Go -------------------------------------------------------------------------

const php: Adapter = {
  id: 'php',
  needs: [T.php],
  async start(snippet, _backendPort, _port, tools) {
    const dir = workDir('php');
    const port = await freePort();
    write(
      dir,
      'index.php',
      `${snippet.code}
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
header('Content-Type: application/json');
if ($path === '/private' && ($_SERVER['HTTP_X_API_KEY'] ?? '') !== 'k') { http_response_code(401); echo '{"error":"auth"}'; exit; }
if ($path === '/error') { throw new RuntimeException('boom'); }
if (($path === '/data' || $path === '/private') && in_array($_SERVER['REQUEST_METHOD'], ['GET', 'PUT'], true)) {
    header('X-Request-Id: abc123'); echo '{"ok":true}'; exit;
}
http_response_code(404);
`,
    );
    return spawnServer(tools.program('php'), ['-d', 'display_errors=0', '-S', `127.0.0.1:${port}`, 'index.php'], port, { cwd: dir });
  },
};

const rails: Adapter = {
  id: 'rails',
  needs: [T.ruby, T.rackup, T.rackCors, T.webrick],
  async start(snippet, _backendPort, _port, tools) {
    const dir = workDir('rails');
    const port = await freePort();
    const lines = snippet.code.split('\n');
    const from = lines.indexOf(RAILS_ALLOW_START);
    const to = lines.lastIndexOf(RAILS_ALLOW_END);
    if (from < 0 || to < from) throw new Error('rails snippet has no allow block');
    write(
      dir,
      'config.ru',
      `require "json"
require "rack/cors"
# The allow block of the generated initializer, used as plain Rack middleware.
use Rack::Cors do
${lines.slice(from, to + 1).join('\n')}
end
class ApiKey
  def initialize(app)
    @app = app
  end
  def call(env)
    if env["PATH_INFO"].start_with?("/private") && env["HTTP_X_API_KEY"] != "k"
      return [401, { "Content-Type" => "application/json" }, ['{"error":"auth"}']]
    end
    @app.call(env)
  end
end
class Errors
  def initialize(app)
    @app = app
  end
  def call(env)
    @app.call(env)
  rescue StandardError
    [500, { "Content-Type" => "application/json" }, ['{"error":"boom"}']]
  end
end
use Errors
use ApiKey
run lambda { |env|
  path = env["PATH_INFO"]
  raise "boom" if path == "/error"
  if %w[/data /private].include?(path) && %w[GET PUT].include?(env["REQUEST_METHOD"])
    [200, { "Content-Type" => "application/json", "X-Request-Id" => "abc123" }, ['{"ok":true}']]
  else
    [404, { "Content-Type" => "application/json" }, ['{"error":"not found"}']]
  end
}
`,
    );
    return spawnServer(tools.program('rackup'), ['-s', 'webrick', '-o', '127.0.0.1', '-p', String(port), '-E', 'none', 'config.ru'], port, { cwd: dir });
  },
};

const go: Adapter = {
  id: 'go',
  needs: [T.go, T.rsCors],
  async start(snippet, _backendPort, _port, tools) {
    const dir = workDir('go');
    const port = await freePort();
    const body = snippet.code
      .split('\n')
      .map((l) => `\t${l}`)
      .join('\n');
    write(
      dir,
      'main.go',
      `package main

import (
	"net/http"
	"os"

	"github.com/rs/cors"
)

func ok(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPut {
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "abc123")
	w.Write([]byte("{\\"ok\\":true}"))
}

func apiKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/private" && r.Header.Get("x-api-key") != "k" {
			http.Error(w, "auth", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func main() {
	routes := http.NewServeMux()
	routes.HandleFunc("/data", ok)
	routes.HandleFunc("/private", ok)
	routes.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux := apiKey(routes)
${body}
	http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), handler)
}
`,
    );
    const env = goEnv(WORK);
    await new Promise<void>((resolve, reject) => {
      const b = spawn(tools.program('go'), ['build', '-o', 'server', 'main.go'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      b.stderr.on('data', (d: Buffer) => (err += d.toString()));
      b.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go build failed:\n${err}`))));
    });
    return spawnServer(path.join(dir, 'server'), [], port, { cwd: dir });
  },
};

// ---- Proxies in front of the bare backend --------------------------------------------------

/**
 * The whole configuration each proxy runs a snippet in (in front of the bare backend on
 * `backendPort`, listening on `port`, files under `dir`): the snippet check starts the server
 * with it, the hostile pipeline (test/property/hostile-pipeline.ts) only asks the server to read it.
 */
export const PROXY_CONFIGS = {
  nginx: {
    file: 'nginx.conf',
    text(code: string, dir: string, port: number, backendPort: number): string {
      const httpPart = code.includes(NGINX_HTTP_MARK) ? code.slice(0, code.indexOf(NGINX_SERVER_MARK)) : '';
      const serverPart = code.slice(code.indexOf(NGINX_SERVER_MARK));
      for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dir, t), { recursive: true });
      return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
${httpPart}
    server {
        listen 127.0.0.1:${port};
${serverPart}
        location / {
            proxy_pass http://127.0.0.1:${backendPort};
        }
    }
}
`;
    },
    /** Arguments that read the configuration and stop. */
    check: (dir: string) => ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr'],
  },
  apache: {
    file: 'httpd.conf',
    text(code: string, dir: string, port: number, backendPort: number): string {
      const mods = ['mpm_event', 'authz_core', 'headers', 'setenvif', 'rewrite', 'proxy', 'proxy_http'];
      return `${mods.map((m) => `LoadModule ${m}_module ${path.dirname(T.apacheProxyModule.name)}/mod_${m}.so`).join('\n')}
ServerName 127.0.0.1
ServerRoot ${dir}
DefaultRuntimeDir ${dir}
PidFile ${dir}/httpd.pid
Mutex file:${dir} default
ErrorLog ${dir}/error.log
LogLevel warn
User www-data
Group www-data
Listen 127.0.0.1:${port}
<VirtualHost 127.0.0.1:${port}>
${code}
ProxyPass / http://127.0.0.1:${backendPort}/
</VirtualHost>
`;
    },
    check: (dir: string) => ['-t', '-f', path.join(dir, 'httpd.conf')],
  },
  caddy: {
    file: 'Caddyfile',
    text(code: string, _dir: string, port: number, backendPort: number): string {
      return `{
	admin off
	auto_https off
}
http://127.0.0.1:${port} {
${code}
	reverse_proxy 127.0.0.1:${backendPort}
}
`;
    },
    check: (dir: string) => ['adapt', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
  },
  haproxy: {
    file: 'haproxy.cfg',
    text(code: string, _dir: string, port: number, backendPort: number): string {
      return `defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend api
    bind 127.0.0.1:${port}
${code}
    default_backend app
backend app
    server s1 127.0.0.1:${backendPort}
`;
    },
    check: (dir: string) => ['-c', '-f', path.join(dir, 'haproxy.cfg')],
  },
} as const;

/** A proxy adapter: its configuration written as PROXY_CONFIGS says, the server run in the foreground. */
function proxyAdapter(id: keyof typeof PROXY_CONFIGS, needs: Tool[], program: string, runArgs: (dir: string) => string[]): Adapter {
  const config = PROXY_CONFIGS[id];
  return {
    id,
    needs,
    async start(snippet, backendPort, _port, tools) {
      const dir = workDir(id);
      const port = await freePort();
      write(dir, config.file, config.text(snippet.code, dir, port, backendPort));
      // Caddy keeps its state under HOME/XDG directories: the work directory, not the user's.
      return spawnServer(tools.program(program), runArgs(dir), port, { cwd: dir, env: { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
    },
  };
}

const nginx = proxyAdapter('nginx', [T.nginx], 'nginx', (dir) => ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr']);
const apache = proxyAdapter('apache', [T.apache2, T.apacheProxyModule], 'apache2', (dir) => ['-f', path.join(dir, 'httpd.conf'), '-DFOREGROUND']);
const caddy = proxyAdapter('caddy', [T.caddy], 'caddy', (dir) => ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile']);
const haproxy = proxyAdapter('haproxy', [T.haproxy], 'haproxy', (dir) => ['-db', '-f', path.join(dir, 'haproxy.cfg')]);

export const ADAPTERS: Adapter[] = [
  express,
  fastify,
  koa,
  hono,
  nestjs,
  nextjs,
  socketio,
  vite,
  webpackDevServer,
  cloudflareWorkers,
  nginx,
  flask,
  django,
  php,
  apache,
  caddy,
  haproxy,
  fastapi,
  go,
  rails,
];

export function cleanWork(): void {
  fs.rmSync(WORK, { recursive: true, force: true });
}
