/**
 * A stack is runnable only when all it needs is there: programs on PATH and the modules its
 * interpreter imports. Tools are hidden with PATH and PYTHONPATH, never uninstalled.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTools, findPython, hidingEnv, optionalPackages, OPTIONAL_TOOLS, type Tool } from '../../harness/tools.ts';
import { ADAPTERS } from '../../verify/servers.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-tools-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A directory with one executable script named `name`. */
function fakeProgram(name: string): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'bin-'));
  fs.writeFileSync(path.join(dir, name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return dir;
}

describe('checkTools', () => {
  it('finds a program on PATH and gives its path', () => {
    const dir = fakeProgram('corsight-fake-server');
    const r = checkTools([{ kind: 'program', name: 'corsight-fake-server', apt: 'x' }], { PATH: dir });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.found.program('corsight-fake-server')).toBe(path.join(dir, 'corsight-fake-server'));
  });

  it('names a program hidden from PATH, with its package, and still finds the others', () => {
    const dir = fakeProgram('corsight-fake-server');
    fs.writeFileSync(path.join(dir, 'corsight-fake-other'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const base = { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` };
    const server: Tool = { kind: 'program', name: 'corsight-fake-server', apt: 'corsight-fake' };
    const other: Tool = { kind: 'program', name: 'corsight-fake-other', apt: 'corsight-fake' };
    expect(checkTools([server, other], base).ok).toBe(true);

    const env = hidingEnv(fs.mkdtempSync(path.join(tmp, 'hide-')), { programs: ['corsight-fake-server'] }, base);
    expect(checkTools([server, other], env)).toEqual({ ok: false, missing: ['program corsight-fake-server not on PATH (apt: corsight-fake)'] });
    expect(checkTools([other], env).ok).toBe(true);
  });

  it('names a file that is not there', () => {
    const r = checkTools([{ kind: 'file', name: path.join(tmp, 'no-such-module.so'), apt: 'pkg' }]);
    expect(r).toEqual({ ok: false, missing: [`file ${path.join(tmp, 'no-such-module.so')} (apt: pkg)`] });
  });

  const python = findPython();
  it.skipIf(!python)('takes a Python module that imports, and names one hidden by PYTHONPATH', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'py-'));
    fs.writeFileSync(path.join(dir, 'corsight_present.py'), 'VALUE = 1\n');
    const present: Tool = { kind: 'python-module', name: 'corsight_present', apt: 'python3-present' };
    const hidden: Tool = { kind: 'python-module', name: 'json', apt: 'python3-stdlib' };
    const env = hidingEnv(fs.mkdtempSync(path.join(tmp, 'hide-')), { pythonModules: ['json'] });
    env.PYTHONPATH = `${env.PYTHONPATH}${path.delimiter}${dir}`;

    const ok = checkTools([present], env);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.found.python).toMatch(/python3/);

    const r = checkTools([present, hidden], env);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.missing).toHaveLength(2);
      expect(r.missing[0]).toBe('Python module json (apt: python3-stdlib)');
      expect(r.missing[1]).toMatch(/^no python3 here imports them all \(tried .*python3/);
    }
  });

  it('reports every missing piece of a stack, not only the first', () => {
    const env = hidingEnv(fs.mkdtempSync(path.join(tmp, 'hide-')), { programs: ['nginx', 'caddy'], pythonModules: ['flask', 'flask_cors'] });
    const r = checkTools([OPTIONAL_TOOLS.nginx, OPTIONAL_TOOLS.caddy, OPTIONAL_TOOLS.flask, OPTIONAL_TOOLS.flaskCors], env);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.missing.filter((m) => m.startsWith('program '))).toEqual(['program nginx not on PATH (apt: nginx-light)', 'program caddy not on PATH (apt: caddy)']);
      // Without any python3 the two modules are still named.
      expect(r.missing.filter((m) => m.startsWith('Python module ')).map((m) => m.split(' ')[2])).toEqual(['flask', 'flask_cors']);
    }
  });
});

describe('optionalPackages', () => {
  it('is the set of packages of OPTIONAL_TOOLS, each once', () => {
    const packages = optionalPackages();
    expect(new Set(packages).size).toBe(packages.length);
    for (const tool of Object.values(OPTIONAL_TOOLS)) expect(packages).toContain(tool.apt);
  });
  it('covers every need of every verify:snippets stack, so CI installs what each one checks for', () => {
    const packages = optionalPackages();
    for (const adapter of ADAPTERS) {
      for (const need of adapter.needs) {
        expect(Object.values(OPTIONAL_TOOLS), `${adapter.id}: ${need.name}`).toContain(need);
        expect(packages, `${adapter.id}: ${need.name}`).toContain(need.apt);
      }
    }
  });
});
