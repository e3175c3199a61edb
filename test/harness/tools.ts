/**
 * The optional programs and modules some tests run (servers for the fix snippets, language
 * parsers), how to find them, and the Debian package that brings each.
 *
 * Everything is looked up the way a shell would find it: programs on PATH, Python modules by
 * importing them. So a test can hide a tool with PATH or PYTHONPATH alone, and a machine that
 * lacks a piece reports exactly that piece instead of failing at server start.
 * `npm run install:servers` installs every package named in OPTIONAL_TOOLS (one list, used by CI).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type ToolKind = 'program' | 'python-module' | 'ruby-library' | 'go-package' | 'file';

export interface Tool {
  kind: ToolKind;
  /** Program name, module or library name, import path, or absolute file path. */
  name: string;
  /** The Debian package that provides it. */
  apt: string;
}

const program = (name: string, apt: string): Tool => ({ kind: 'program', name, apt });
const pythonModule = (name: string, apt: string): Tool => ({ kind: 'python-module', name, apt });
const rubyLibrary = (name: string, apt: string): Tool => ({ kind: 'ruby-library', name, apt });
const goPackage = (name: string, apt: string): Tool => ({ kind: 'go-package', name, apt });
const file = (name: string, apt: string): Tool => ({ kind: 'file', name, apt });

/** Every optional tool any test uses. Adding a stack or a parser check means adding it here. */
export const OPTIONAL_TOOLS = {
  nginx: program('nginx', 'nginx-light'),
  apache2: program('apache2', 'apache2'),
  apacheProxyModule: file('/usr/lib/apache2/modules/mod_proxy_http.so', 'apache2'),
  caddy: program('caddy', 'caddy'),
  haproxy: program('haproxy', 'haproxy'),
  php: program('php', 'php-cli'),
  ruby: program('ruby', 'ruby'),
  rackup: program('rackup', 'ruby-rack'),
  rackCors: rubyLibrary('rack/cors', 'ruby-rack-cors'),
  webrick: rubyLibrary('webrick', 'ruby-webrick'),
  go: program('go', 'golang-go'),
  gofmt: program('gofmt', 'golang-go'),
  rsCors: goPackage('github.com/rs/cors', 'golang-github-rs-cors-dev'),
  django: pythonModule('django', 'python3-django'),
  corsheaders: pythonModule('corsheaders', 'python3-django-cors-headers'),
  flask: pythonModule('flask', 'python3-flask'),
  flaskCors: pythonModule('flask_cors', 'python3-flask-cors'),
  fastapi: pythonModule('fastapi', 'python3-fastapi'),
  uvicorn: pythonModule('uvicorn', 'python3-uvicorn'),
  yaml: pythonModule('yaml', 'python3-yaml'),
  javac: program('javac', 'default-jdk-headless'),
  // Firefox as a judge (test/e2e/pipeline-firefox.test.ts) and its own HAR (cli-har-firefox).
  firefox: program('firefox-esr', 'firefox-esr'),
} as const satisfies Record<string, Tool>;

/** The Debian packages that bring every optional tool, sorted, once each. */
export function optionalPackages(): string[] {
  return [...new Set(Object.values(OPTIONAL_TOOLS).map((t) => t.apt))].sort();
}

export function isExecutableFile(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The program's path on PATH (as a shell would find it), or undefined. */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutableFile(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** The program's path on PATH, or '' when it is not installed (for `it.skipIf(!path)`). */
export function programPath(name: string): string {
  return findProgram(name) ?? '';
}

/**
 * Python interpreters to try, in order: `python3` on PATH, then Debian's /usr/bin/python3
 * (Debian's python3-* packages load only there, and a pyenv python3 often comes first on PATH).
 */
function pythonCandidates(env: NodeJS.ProcessEnv): string[] {
  const found = [findProgram('python3', env), '/usr/bin/python3'].filter((p): p is string => !!p && isExecutableFile(p));
  return [...new Set(found)];
}

// Prints the modules that fail to import, one per line (any exception counts: a broken install is missing too).
const PY_IMPORT_PROBE = 'import importlib, sys\nfor m in sys.argv[1:]:\n    try:\n        importlib.import_module(m)\n    except BaseException:\n        print(m)\n';

/** Modules of `modules` that `python` cannot import, or all of them when it does not run. */
function missingPythonModules(python: string, modules: string[], env: NodeJS.ProcessEnv): string[] {
  const r = spawnSync(python, ['-c', PY_IMPORT_PROBE, ...modules], { env, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return modules;
  const failed = new Set(r.stdout.split('\n').filter(Boolean));
  return modules.filter((m) => failed.has(m));
}

function rubyCanRequire(ruby: string, library: string, env: NodeJS.ProcessEnv): boolean {
  return spawnSync(ruby, ['-e', 'require ARGV[0]', library], { env, stdio: 'ignore', timeout: 30_000 }).status === 0;
}

/** GOPATH mode with Debian's Go sources (golang-*-dev packages install under /usr/share/gocode). */
export function goEnv(workDir: string): NodeJS.ProcessEnv {
  return { GO111MODULE: 'off', GOPATH: `${path.join(workDir, 'gopath')}:/usr/share/gocode`, GOCACHE: path.join(workDir, 'gocache'), GOFLAGS: '' };
}

function goHasPackage(go: string, importPath: string, env: NodeJS.ProcessEnv): boolean {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-golist-'));
  try {
    return spawnSync(go, ['list', importPath], { env: { ...env, ...goEnv(work) }, stdio: 'ignore', timeout: 60_000 }).status === 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** What a set of tools resolved to: program paths and the Python that imports every module asked for. */
export interface FoundTools {
  program(name: string): string;
  /** The Python 3 that imports every required module (only when some were required). */
  python: string;
}

export type ToolCheck = { ok: true; found: FoundTools } | { ok: false; missing: string[] };

/**
 * Checks that every tool is present. On failure, `missing` names each absent piece with its
 * package, e.g. `Python module flask_cors (apt: python3-flask-cors)`.
 */
export function checkTools(tools: readonly Tool[], env: NodeJS.ProcessEnv = process.env): ToolCheck {
  const missing: string[] = [];
  // Each program is looked up once (ruby and go serve their libraries too): path, or null if absent.
  const programs = new Map<string, string | null>();
  const needProgram = (name: string, apt: string): string | undefined => {
    if (!programs.has(name)) {
      const p = findProgram(name, env) ?? null;
      programs.set(name, p);
      if (!p) missing.push(`program ${name} not on PATH (apt: ${apt})`);
    }
    return programs.get(name) ?? undefined;
  };

  for (const t of tools.filter((x) => x.kind === 'program')) needProgram(t.name, t.apt);
  for (const t of tools.filter((x) => x.kind === 'file')) {
    if (!fs.existsSync(t.name)) missing.push(`file ${t.name} (apt: ${t.apt})`);
  }

  let python = '';
  const modules = tools.filter((x) => x.kind === 'python-module');
  if (modules.length) {
    const names = modules.map((m) => m.name);
    const candidates = pythonCandidates(env);
    // Report the shortest list of missing modules among the interpreters tried.
    let best = names;
    for (const candidate of candidates) {
      const lacking = missingPythonModules(candidate, names, env);
      if (lacking.length === 0) {
        python = candidate;
        break;
      }
      if (lacking.length < best.length) best = lacking;
    }
    if (!python) {
      for (const m of modules.filter((x) => best.includes(x.name))) missing.push(`Python module ${m.name} (apt: ${m.apt})`);
      missing.push(candidates.length ? `no python3 here imports them all (tried ${candidates.join(' and ')})` : 'no python3 found');
    }
  }

  for (const t of tools.filter((x) => x.kind === 'ruby-library')) {
    const ruby = needProgram('ruby', OPTIONAL_TOOLS.ruby.apt);
    if (ruby && !rubyCanRequire(ruby, t.name, env)) missing.push(`Ruby library ${t.name} (apt: ${t.apt})`);
  }
  for (const t of tools.filter((x) => x.kind === 'go-package')) {
    const go = needProgram('go', OPTIONAL_TOOLS.go.apt);
    if (go && !goHasPackage(go, t.name, env)) missing.push(`Go package ${t.name} (apt: ${t.apt})`);
  }

  if (missing.length) return { ok: false, missing };
  return {
    ok: true,
    found: {
      python,
      program(name: string): string {
        const p = programs.get(name);
        if (!p) throw new Error(`program ${name} was not among the checked tools`);
        return p;
      },
    },
  };
}

/** The first Python 3 (python3 on PATH, then /usr/bin/python3) that imports every module given, or ''. */
export function findPython(...modules: Tool[]): string {
  const names = modules.map((m) => m.name);
  return pythonCandidates(process.env).find((candidate) => missingPythonModules(candidate, names, process.env).length === 0) ?? '';
}

/**
 * For tests that hide tools without uninstalling them: a directory of links to every program on
 * PATH except `hidden`, to use as the whole PATH; and a PYTHONPATH directory whose modules of
 * those names fail to import. The caller removes `dir` when done.
 */
export function hidingEnv(dir: string, hidden: { programs?: string[]; pythonModules?: string[] }, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const bin = path.join(dir, 'bin');
  const py = path.join(dir, 'python');
  fs.mkdirSync(bin, { recursive: true });
  fs.mkdirSync(py, { recursive: true });
  const skip = new Set(hidden.programs ?? []);
  for (const source of (base.PATH ?? '').split(path.delimiter)) {
    let names: string[];
    try {
      names = fs.readdirSync(source);
    } catch {
      continue;
    }
    for (const name of names) {
      const link = path.join(bin, name);
      if (skip.has(name) || fs.existsSync(link) || !isExecutableFile(path.join(source, name))) continue;
      fs.symlinkSync(path.join(source, name), link);
    }
  }
  for (const module of hidden.pythonModules ?? []) {
    fs.writeFileSync(path.join(py, `${module}.py`), `raise ImportError("${module} hidden by a test")\n`);
  }
  return { ...base, PATH: bin, PYTHONPATH: [py, base.PYTHONPATH].filter(Boolean).join(path.delimiter) };
}
