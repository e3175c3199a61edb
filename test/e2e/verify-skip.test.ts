/**
 * verify:snippets on a machine that lacks some servers: a stack whose server program or Python
 * module is missing is skipped with the missing piece named, the others run, and the run exits 0.
 * nginx and flask_cors are hidden with PATH and PYTHONPATH, whether or not they are installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/browser.ts';
import { hidingEnv } from '../harness/tools.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-verify-skip-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

it('skips the stacks whose server or module is hidden, names what is missing, and passes', () => {
  const env = hidingEnv(tmp, { programs: ['nginx'], pythonModules: ['flask_cors'] });
  const tsx = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const run = spawnSync(process.execPath, [tsx, 'test/verify/run.ts', '--stack', 'express,flask,nginx', '--scenario', 'no-acao', '--no-controls'], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    timeout: 110_000,
  });
  const out = run.stdout;
  console.log(out.split('\n').slice(-8).join('\n'));
  expect(run.status, `${out}\n${run.stderr}`).toBe(0);
  expect(out).toMatch(/^ {2}flask: .*Python module flask_cors \(apt: python3-flask-cors/m);
  expect(out).toMatch(/^ {2}nginx: program nginx not on PATH \(apt: nginx-light\)$/m);
  expect(out).toMatch(/^stacks: 1 run, 2 skipped \(nginx, flask\)$/m);
  expect(out).toContain('npm run install:servers');
  // The express cell ran in a real server and Chromium let the request through.
  expect(out).toMatch(/^verify:snippets: 1 passed, 0 failed, 2 skipped$/m);
}, 120_000);
