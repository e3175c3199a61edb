/**
 * Syntax checks with real parsers, for every stack where one runs here: the `syntax` stacks
 * (Traefik, Spring) depend on this; the `chromium` ones get it for free.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSnippet } from '../../../src/snippets/index.ts';
import { findPython, programPath, OPTIONAL_TOOLS as T } from '../../harness/tools.ts';
import { FULL_PLAN, SIMPLE_PLAN } from './plans.ts';
import { SPRING_STUBS } from '../../harness/spring-stubs.ts';

const PLANS = [
  ['simple', SIMPLE_PLAN],
  ['full', FULL_PLAN],
] as const;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-syntax-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
// Each optional parser's path, or '' when it is not installed (the test is then skipped).
const PY = findPython();
const PY_YAML = findPython(T.yaml);
const [PHP, RUBY, JAVAC, GOFMT] = [programPath('php'), programPath('ruby'), programPath('javac'), programPath('gofmt')];

describe.each(PLANS)('syntax (%s plan)', (name, plan) => {
  it.each(['express', 'fastify', 'koa', 'socketio', 'vite', 'webpack-dev-server', 'cloudflare-workers'])('%s parses as JavaScript (ESM)', (id) => {
    const file = path.join(tmp, `${id}-${name}.mjs`);
    fs.writeFileSync(file, generateSnippet(id, plan).code);
    execFileSync(process.execPath, ['--check', file]);
  });
  it.each(['hono', 'nestjs', 'nextjs'])('%s parses as TypeScript', (id) => {
    expect(() => transformSync(generateSnippet(id, plan).code, { loader: 'ts', format: 'esm' })).not.toThrow();
  });
  it.each(['s3', 'api-gateway'])('%s is JSON', (id) => {
    expect(() => JSON.parse(generateSnippet(id, plan).code)).not.toThrow();
  });
  it.skipIf(!PY_YAML)('traefik is YAML with the expected middleware', () => {
    const src = 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))';
    const doc = JSON.parse(execFileSync(PY_YAML, ['-c', src], { input: generateSnippet('traefik', plan).code, encoding: 'utf8' }));
    expect(doc.http.middlewares.cors.headers.accessControlAllowOriginList).toEqual(plan.policy.allowOrigins);
    expect(doc.http.middlewares.cors.headers.addVaryHeader).toBe(true);
  });
  it.skipIf(!PY)('python stacks parse', () => {
    for (const id of ['django', 'flask', 'fastapi']) {
      execFileSync(PY, ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: generateSnippet(id, plan).code });
    }
  });
  it.skipIf(!PHP)('php lints', () => {
    const file = path.join(tmp, `php-${name}.php`);
    fs.writeFileSync(file, generateSnippet('php', plan).code);
    execFileSync(PHP, ['-l', file]);
  });
  it.skipIf(!RUBY)('rails initializer parses', () => {
    execFileSync(RUBY, ['-c'], { input: generateSnippet('rails', plan).code });
  });
  it.skipIf(!JAVAC)('spring compiles with javac against stubs of the Spring types it uses', () => {
    const dir = path.join(tmp, `spring-${name}`);
    for (const [file, text] of Object.entries(SPRING_STUBS)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    fs.writeFileSync(path.join(dir, 'CorsConfig.java'), generateSnippet('spring', plan).code);
    execFileSync(JAVAC, ['-proc:none', '-Xlint:all', '-Werror', '-d', path.join(dir, 'out'), ...Object.keys(SPRING_STUBS).map((f) => path.join(dir, f)), path.join(dir, 'CorsConfig.java')], { stdio: 'pipe' });
  });
  it.skipIf(!GOFMT)('go fragment parses inside a function', () => {
    const code = generateSnippet('go', plan).code.replace('// import "github.com/rs/cors"\n', '');
    execFileSync(GOFMT, ['-e'], { input: `package main\n\nfunc main() {\n${code}\n}\n` });
  });
});
