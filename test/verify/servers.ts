/**
 * One adapter per runnable stack: writes the generated snippet into a minimal real server
 * (the snippet first, then routes like the bare backend's), starts it on a loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Snippet } from '../../src/snippets/index.ts';
import { NGINX_HTTP_MARK, NGINX_SERVER_MARK } from '../../src/snippets/stacks/nginx.ts';
import { RAILS_ALLOW_END, RAILS_ALLOW_START } from '../../src/snippets/stacks/rails.ts';
import type { Running } from './backend.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Under node_modules so that `import 'express'` resolves from the generated files. */
const WORK = path.join(REPO, 'node_modules', '.cache', 'corsight-verify');
const PY = '/usr/bin/python3';

export interface Adapter {
  id: string;
  /** Programs that must exist for this stack. */
  needs: string[];
  start(snippet: Snippet, backendPort: number): Promise<Running>;
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

// ---- Python ---------------------------------------------------------------------------------

const flask: Adapter = {
  id: 'flask',
  needs: [PY],
  async start(snippet) {
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
    return spawnServer(PY, ['app.py'], port, { cwd: dir });
  },
};

const django: Adapter = {
  id: 'django',
  needs: [PY],
  async start(snippet) {
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
    return spawnServer(PY, ['-m', 'django', 'runserver', `127.0.0.1:${port}`, '--noreload', '--nothreading'], port, {
      cwd: dir,
      env: { DJANGO_SETTINGS_MODULE: 'settings', PYTHONPATH: dir },
    });
  },
};

const fastapi: Adapter = {
  id: 'fastapi',
  needs: [PY],
  async start(snippet) {
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
    return spawnServer(PY, ['-m', 'uvicorn', 'main:cors_app', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning'], port, { cwd: dir });
  },
};

// ---- PHP, Ruby, Go -------------------------------------------------------------------------

const php: Adapter = {
  id: 'php',
  needs: ['/usr/bin/php'],
  async start(snippet) {
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
    return spawnServer('/usr/bin/php', ['-d', 'display_errors=0', '-S', `127.0.0.1:${port}`, 'index.php'], port, { cwd: dir });
  },
};

const rails: Adapter = {
  id: 'rails',
  needs: ['/usr/bin/rackup'],
  async start(snippet) {
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
    return spawnServer('/usr/bin/rackup', ['-s', 'webrick', '-o', '127.0.0.1', '-p', String(port), '-E', 'none', 'config.ru'], port, { cwd: dir });
  },
};

const go: Adapter = {
  id: 'go',
  needs: ['/usr/bin/go'],
  async start(snippet) {
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
    const env = { GO111MODULE: 'off', GOPATH: `${path.join(WORK, 'gopath')}:/usr/share/gocode`, GOCACHE: path.join(WORK, 'gocache'), GOFLAGS: '' };
    await new Promise<void>((resolve, reject) => {
      const b = spawn('/usr/bin/go', ['build', '-o', 'server', 'main.go'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      b.stderr.on('data', (d: Buffer) => (err += d.toString()));
      b.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go build failed:\n${err}`))));
    });
    return spawnServer(path.join(dir, 'server'), [], port, { cwd: dir });
  },
};

// ---- Proxies in front of the bare backend --------------------------------------------------

const nginx: Adapter = {
  id: 'nginx',
  needs: ['/usr/sbin/nginx'],
  async start(snippet, backendPort) {
    const dir = workDir('nginx');
    const port = await freePort();
    const code = snippet.code;
    const httpPart = code.includes(NGINX_HTTP_MARK) ? code.slice(0, code.indexOf(NGINX_SERVER_MARK)) : '';
    const serverPart = code.slice(code.indexOf(NGINX_SERVER_MARK));
    for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dir, t), { recursive: true });
    write(
      dir,
      'nginx.conf',
      `daemon off;
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
`,
    );
    return spawnServer('/usr/sbin/nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr'], port, { cwd: dir });
  },
};

const apache: Adapter = {
  id: 'apache',
  needs: ['/usr/sbin/apache2'],
  async start(snippet, backendPort) {
    const dir = workDir('apache');
    const port = await freePort();
    const mods = ['mpm_event', 'authz_core', 'headers', 'setenvif', 'rewrite', 'proxy', 'proxy_http'];
    write(
      dir,
      'httpd.conf',
      `${mods.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n')}
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
${snippet.code}
ProxyPass / http://127.0.0.1:${backendPort}/
</VirtualHost>
`,
    );
    return spawnServer('/usr/sbin/apache2', ['-f', path.join(dir, 'httpd.conf'), '-DFOREGROUND'], port, { cwd: dir });
  },
};

const caddy: Adapter = {
  id: 'caddy',
  needs: ['/usr/bin/caddy'],
  async start(snippet, backendPort) {
    const dir = workDir('caddy');
    const port = await freePort();
    write(
      dir,
      'Caddyfile',
      `{
	admin off
	auto_https off
}
http://127.0.0.1:${port} {
${snippet.code}
	reverse_proxy 127.0.0.1:${backendPort}
}
`,
    );
    return spawnServer('/usr/bin/caddy', ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], port, {
      cwd: dir,
      env: { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    });
  },
};

const haproxy: Adapter = {
  id: 'haproxy',
  needs: ['/usr/sbin/haproxy'],
  async start(snippet, backendPort) {
    const dir = workDir('haproxy');
    const port = await freePort();
    write(
      dir,
      'haproxy.cfg',
      `defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend api
    bind 127.0.0.1:${port}
${snippet.code}
    default_backend app
backend app
    server s1 127.0.0.1:${backendPort}
`,
    );
    return spawnServer('/usr/sbin/haproxy', ['-db', '-f', path.join(dir, 'haproxy.cfg')], port, { cwd: dir });
  },
};

export const ADAPTERS: Adapter[] = [express, fastify, koa, hono, nginx, flask, django, php, apache, caddy, haproxy, fastapi, go, rails];

export function cleanWork(): void {
  fs.rmSync(WORK, { recursive: true, force: true });
}
