/**
 * Escaping checked by the real parsers and servers of each language, in batched runs: one
 * process parses hundreds of generated literals. Skipped where the program is not installed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  UnrepresentableError,
  apacheString,
  caddyString,
  goString,
  haproxyString,
  nginxString,
  phpString,
  pyString,
  rubyString,
  tomlString,
  wellFormed,
  yamlString,
} from '../../../src/snippets/escape.ts';
import { checkTools, findPython, programPath, OPTIONAL_TOOLS as T } from '../../harness/tools.ts';
import { freePort, spawnServer } from '../../verify/servers.ts';
import { hostileAscii, hostileString, sample } from './arbitraries.ts';

// Each optional program's path, or '' when it is not installed (the test is then skipped).
const PY = findPython();
const PY_YAML = findPython(T.yaml);
const [PHP, RUBY, GO, NGINX, HAPROXY, CADDY] = [programPath('php'), programPath('ruby'), programPath('go'), programPath('nginx'), programPath('haproxy'), programPath('caddy')];
const apacheTools = checkTools([T.apache2, T.apacheProxyModule]);
const APACHE = apacheTools.ok ? apacheTools.found.program('apache2') : '';
const APACHE_MODULES = path.dirname(T.apacheProxyModule.name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-escape-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const INPUTS = sample(hostileString, 400).map(wellFormed);
const run = (cmd: string, args: string[], input?: string, env?: NodeJS.ProcessEnv, cwd?: string): string =>
  execFileSync(cmd, args, { input, cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });

/** Decodes the JSON array a program printed and compares it with the inputs. */
function expectSame(printed: string, inputs: string[]): void {
  const got = JSON.parse(printed) as string[];
  expect(got.length).toBe(inputs.length);
  for (let i = 0; i < inputs.length; i++) expect(got[i], JSON.stringify(inputs[i])).toBe(inputs[i]);
}

describe('escape: language parsers', () => {
  it.skipIf(!PY)('Python ast.literal_eval', () => {
    const src = `import ast, json, sys\nlits = json.load(sys.stdin)\nprint(json.dumps([ast.literal_eval(l) for l in lits]))`;
    expectSame(run(PY, ['-c', src], JSON.stringify(INPUTS.map(pyString))), INPUTS);
  });
  it.skipIf(!PY_YAML)('YAML (PyYAML) and TOML (tomllib) parse back, one scalar each', () => {
    const src = [
      'import json, sys, yaml, tomllib',
      'd = json.load(sys.stdin)',
      'ys = [yaml.safe_load("k: " + l) for l in d["yaml"]]',
      'assert all(list(y.keys()) == ["k"] for y in ys)',
      'ts = [tomllib.loads("k = " + l) for l in d["toml"]]',
      'assert all(list(t.keys()) == ["k"] for t in ts)',
      'print(json.dumps([[y["k"] for y in ys], [t["k"] for t in ts]]))',
    ].join('\n');
    // TOML cannot hold U+0000..U+001F raw, YAML neither: both escape them; both keep all inputs.
    const out = JSON.parse(run(PY_YAML, ['-c', src], JSON.stringify({ yaml: INPUTS.map(yamlString), toml: INPUTS.map(tomlString) }))) as string[][];
    expectSame(JSON.stringify(out[0]), INPUTS);
    expectSame(JSON.stringify(out[1]), INPUTS);
  });
  it.skipIf(!PHP)('PHP', () => {
    const file = path.join(tmp, 'lits.php');
    fs.writeFileSync(file, `<?php\n$l = [\n${INPUTS.map((s) => `  ${phpString(s)},`).join('\n')}\n];\necho json_encode($l, JSON_UNESCAPED_UNICODE);\n`);
    expectSame(run(PHP, [file]), INPUTS);
  });
  it.skipIf(!RUBY)('Ruby', () => {
    const file = path.join(tmp, 'lits.rb');
    fs.writeFileSync(file, `require "json"\nl = [\n${INPUTS.map((s) => `  ${rubyString(s)},`).join('\n')}\n]\nputs JSON.generate(l)\n`);
    expectSame(run(RUBY, [file]), INPUTS);
  });
  it.skipIf(!GO)('Go', () => {
    const dir = path.join(tmp, 'go');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'main.go'),
      `package main\n\nimport (\n\t"encoding/json"\n\t"os"\n)\n\nfunc main() {\n\tl := []string{\n${INPUTS.map((s) => `\t\t${goString(s)},`).join('\n')}\n\t}\n\tenc := json.NewEncoder(os.Stdout)\n\tenc.SetEscapeHTML(false)\n\tenc.Encode(l)\n}\n`,
    );
    expectSame(run(GO, ['run', 'main.go'], undefined, { GO111MODULE: 'off', GOCACHE: path.join(tmp, 'gocache'), GOPATH: path.join(tmp, 'gopath') }, dir).trim(), INPUTS);
  }, 60_000);
});

// ---- Config formats: a real server sends each value back as a response header ----------------

const ASCII_INPUTS = sample(hostileAscii, 150, 11);

/** Inputs an escaper accepts, with their literal; refused ones must throw UnrepresentableError. */
function accepted(escape: (s: string) => string): Array<{ value: string; lit: string }> {
  const out: Array<{ value: string; lit: string }> = [];
  for (const value of ASCII_INPUTS) {
    try {
      out.push({ value, lit: escape(value) });
    } catch (e) {
      expect(e).toBeInstanceOf(UnrepresentableError);
    }
  }
  expect(out.length).toBeGreaterThan(ASCII_INPUTS.length / 3);
  return out;
}

/** Each value came back as X-T<i>, trimmed like any header value, and nothing was injected. */
async function expectEchoed(url: string, cases: Array<{ value: string }>): Promise<void> {
  const res = await fetch(url);
  await res.text();
  for (let i = 0; i < cases.length; i++) {
    const want = (cases[i]?.value ?? '').trim();
    expect((res.headers.get(`x-t${i}`) ?? '').trim(), JSON.stringify(cases[i]?.value)).toBe(want);
  }
  expect(res.headers.get('x-evil')).toBeNull();
}

describe('escape: config formats read by the real servers', () => {
  it.skipIf(!NGINX)('nginx add_header', async () => {
    const cases = accepted(nginxString).filter((c) => c.value.trim() !== '');
    const dir = fs.mkdtempSync(path.join(tmp, 'nginx-'));
    const port = await freePort();
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      `daemon off; master_process off; pid ${dir}/pid; error_log stderr;\nevents {}\nhttp { access_log off; client_body_temp_path ${dir};\n server { listen 127.0.0.1:${port};\n${cases.map((c, i) => `  add_header X-T${i} ${c.lit} always;`).join('\n')}\n  location / { return 200 "ok"; }\n }\n}\n`,
    );
    const server = await spawnServer(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr'], port, { cwd: dir });
    try {
      await expectEchoed(`${server.origin}/`, cases);
    } finally {
      await server.stop();
    }
  }, 30_000);

  it.skipIf(!APACHE)('Apache Header always set', async () => {
    const cases = accepted((s) => apacheString(s, { headerValue: true })).filter((c) => c.value.trim() !== '');
    const dir = fs.mkdtempSync(path.join(tmp, 'apache-'));
    const port = await freePort();
    fs.writeFileSync(
      path.join(dir, 'httpd.conf'),
      `LoadModule mpm_event_module ${APACHE_MODULES}/mod_mpm_event.so\nLoadModule authz_core_module ${APACHE_MODULES}/mod_authz_core.so\nLoadModule headers_module ${APACHE_MODULES}/mod_headers.so\nServerName 127.0.0.1\nServerRoot ${dir}\nDefaultRuntimeDir ${dir}\nPidFile ${dir}/pid\nMutex file:${dir} default\nErrorLog ${dir}/error.log\nUser www-data\nGroup www-data\nDocumentRoot ${dir}\nListen 127.0.0.1:${port}\n${cases.map((c, i) => `Header always set X-T${i} ${c.lit}`).join('\n')}\n`,
    );
    const server = await spawnServer(APACHE, ['-f', path.join(dir, 'httpd.conf'), '-DFOREGROUND'], port, { cwd: dir });
    try {
      await expectEchoed(`${server.origin}/`, cases);
    } finally {
      await server.stop();
    }
  }, 30_000);

  it.skipIf(!HAPROXY)('HAProxy http-after-response set-header', async () => {
    const cases = accepted((s) => haproxyString(s, { logFormat: true })).filter((c) => c.value.trim() !== '');
    const dir = fs.mkdtempSync(path.join(tmp, 'haproxy-'));
    const port = await freePort();
    fs.writeFileSync(
      path.join(dir, 'haproxy.cfg'),
      `defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\nfrontend f\n    bind 127.0.0.1:${port}\n    http-request return status 200\n${cases.map((c, i) => `    http-after-response set-header X-T${i} ${c.lit}`).join('\n')}\n`,
    );
    const server = await spawnServer(HAPROXY, ['-db', '-f', path.join(dir, 'haproxy.cfg')], port, { cwd: dir });
    try {
      await expectEchoed(`${server.origin}/`, cases);
    } finally {
      await server.stop();
    }
  }, 30_000);

  it.skipIf(!CADDY)('Caddyfile header values (caddy adapt)', () => {
    const cases = accepted(caddyString);
    const file = path.join(tmp, 'Caddyfile');
    fs.writeFileSync(file, `http://127.0.0.1:1 {\n\theader {\n${cases.map((c, i) => `\t\tX-T${i} ${c.lit}`).join('\n')}\n\t}\n\trespond 200\n}\n`);
    const json = run(CADDY, ['adapt', '--config', file, '--adapter', 'caddyfile'], undefined, { HOME: tmp });
    const sets: Record<string, string[]> = {};
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'set' && x && typeof x === 'object') Object.assign(sets, x);
          else walk(x);
        }
      }
    };
    walk(JSON.parse(json));
    expect(Object.keys(sets).length).toBe(cases.length);
    cases.forEach((c, i) => expect(sets[`X-T${i}`], JSON.stringify(c.value)).toEqual([c.value]));
  });
});
