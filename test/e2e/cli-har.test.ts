/**
 * `corsight har` as a user runs it (a child process, `npm run cli`), on the HAR the real DevTools
 * front-end gave for the whole lab (test/fixtures/lab-capture.json `harEntries`: getHAR() in the
 * lab tab's DevTools page, Chromium 156, next to Chromium's own verdict per scenario): the same
 * verdict as Chromium for every scenario the HAR shows, exit codes, Corsight's JSON report read
 * back, and one clear line for broken files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedById } from '../conformance/expectations.ts';
import type { TabReport } from '../../src/store/report.ts';

interface Fixture {
  origins: { app: string };
  scenarios: Array<{ id: string; url: string; chromium: { ok: boolean; corsError?: string; failedParameter?: string } }>;
  harEntries: unknown[];
}

const root = path.resolve(__dirname, '../..');
const fixture = JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures/lab-capture.json'), 'utf8')) as Fixture;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function corsight(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/node.ts'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** As in test/unit/capture/fixture-replay.test.ts: the fixture's DevTools page started after this scenario's preflight. */
const NOT_IN_THE_HAR = ['preflight-acao-https: chromium PreflightAllowOriginMismatch(https://127.0.0.1:37985), corsight blocked()'];

const verdictOf = (e: TabReport['entries'][number]) => (e.status === 'blocked' ? `${e.corsError ?? 'blocked'}(${e.failedParameter ?? ''})` : 'ok');
const chromiumOf = (s: Fixture['scenarios'][number]) => (s.chromium.ok || !s.chromium.corsError ? 'ok' : `${s.chromium.corsError}(${s.chromium.failedParameter ?? ''})`);

describe('corsight har', () => {
  const har = JSON.stringify({ log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [], entries: fixture.harEntries } });
  const harFile = write('lab.har', har);

  // Older DevTools wrote a CORS-blocked response with status 0 (its raw headers kept, the status
  // lost); current DevTools keeps the wire status next to `_error`. The same capture in the older
  // shape: every entry with `_error` and a status gets status 0.
  let zeroed = 0;
  const olderEntries = (fixture.harEntries as Array<{ response: { status: number; statusText?: string; _error?: string } }>).map((e) => {
    if (!e.response._error || e.response.status <= 0) return e;
    zeroed++;
    return { ...e, response: { ...e.response, status: 0, statusText: '' } };
  });
  const olderHar = JSON.stringify({ log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [], entries: olderEntries } });

  // A sanitized export (DevTools' "Export HAR (sanitized)", the tools people run before sharing
  // one) leaves out the secrets: Cookie, Set-Cookie and Authorization. Without Cookie the
  // credentials mode is not on the wire.
  const secret = (h: { name: string }) => ['cookie', 'set-cookie', 'authorization'].includes(h.name.toLowerCase());
  type RawEntry = { request: { headers: Array<{ name: string }> }; response: { headers: Array<{ name: string }> } };
  let removed = 0;
  const sanitizedEntries = (fixture.harEntries as RawEntry[]).map((e) => {
    removed += e.request.headers.filter(secret).length + e.response.headers.filter(secret).length;
    return { ...e, request: { ...e.request, headers: e.request.headers.filter((h) => !secret(h)), cookies: [] }, response: { ...e.response, headers: e.response.headers.filter((h) => !secret(h)), cookies: [] } };
  });
  const sanitizedHar = JSON.stringify({ log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [], entries: sanitizedEntries } });

  it.each([
    ['wire status (current DevTools)', harFile],
    ['status 0 (older DevTools)', write('lab-older.har', olderHar)],
    ['wire status, sanitized (no Cookie, Set-Cookie, Authorization)', write('lab-sanitized.har', sanitizedHar)],
  ])('gives Chromium\'s verdict for every lab scenario the DevTools HAR shows, blocked responses with their %s, and exits 1 when something is blocked', (shape, file) => {
    const run = corsight('har', file, '--json', '--origin', fixture.origins.app);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as TabReport;
    const byUrl = new Map<string, TabReport['entries']>();
    for (const e of report.entries) byUrl.set(e.url, [...(byUrl.get(e.url) ?? []), e]);
    let agree = 0;
    let shown = 0;
    const listed: string[] = [];
    const disagree: string[] = [];
    for (const s of fixture.scenarios) {
      const last = byUrl.get(s.url)?.at(-1);
      if (!last) continue;
      shown++;
      const mine = verdictOf(last);
      if (mine === chromiumOf(s) || (!s.chromium.ok && !s.chromium.corsError && mine === 'ok')) agree++;
      else if (expectedById.has(s.id)) listed.push(s.id);
      else disagree.push(`${s.id}: chromium ${chromiumOf(s)}, corsight ${mine}`);
    }
    if (shape.startsWith('status 0')) expect(zeroed).toBeGreaterThan(50);
    if (shape.includes('sanitized')) expect(removed).toBeGreaterThan(50);
    console.log(`corsight har (lab HAR, blocked responses with their ${shape}${shape.startsWith('status 0') ? `, ${zeroed} entries` : shape.includes('sanitized') ? `, ${removed} headers removed` : ''}): ${shown} scenarios shown, ${agree} agree, ${disagree.length} disagree, ${listed.length} listed in expectations.ts (${listed.join(', ')}); ${report.counts.blocked} blocked of ${report.entries.length}`);
    expect(disagree).toEqual(NOT_IN_THE_HAR);
    expect(agree + NOT_IN_THE_HAR.length + listed.length).toBe(shown);

    // The report reads back: the same verdicts.
    const again = corsight('har', write('report.json', run.stdout), '--json');
    expect(again.code).toBe(1);
    expect((JSON.parse(again.stdout) as TabReport).entries.map(verdictOf)).toEqual(report.entries.map(verdictOf));
  });

  it('prints each blocked request with its code, what was asked and answered, and the fix for a stack', () => {
    const run = corsight('har', harFile, '--only-blocked', '--stack', 'express', '--origin', fixture.origins.app);
    expect(run.code).toBe(1);
    const entries = fixture.harEntries as Array<{ request: { url: string } }>;
    const denied = fixture.scenarios.find((s) => s.chromium.corsError === 'MethodDisallowedByPreflightResponse' && entries.some((e) => e.request.url === s.url));
    const block = run.stdout.split('\n\n').find((b) => denied !== undefined && b.includes(denied.url));
    expect(block).toMatch(/^BLOCKED [A-Za-z]+ http:\/\/127\.0\.0\.1:\d+\/s\//);
    expect(block).toContain('MethodDisallowedByPreflightResponse');
    expect(block).toMatch(/Access-Control-Allow-Methods/);
    expect(block).toMatch(/express \(/);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ cross-origin requests: \d+ blocked, \d+ with warnings, \d+ ok/);
    expect(run.stdout.split('\n').every((line) => line.length <= 80 || !line.startsWith('  ') || /https?:\/\//.test(line) || line.startsWith('    '))).toBe(true);
  });

  it('annotations for GitHub Actions', () => {
    const run = corsight('har', harFile, '--format', 'github', '--only-blocked', '--origin', fixture.origins.app);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('::error ')).length).toBeGreaterThan(50);
    expect(lines.some((l) => l.startsWith('::error ') && l.includes('title=CORS MissingAllowOriginHeader::'))).toBe(true);
  });

  it('exits 0 on a HAR with nothing blocked', () => {
    const entries = fixture.harEntries as Array<{ request: { url: string } }>;
    const okScenario = fixture.scenarios.find((s) => s.chromium.ok && !s.id.startsWith('same-origin') && entries.some((e) => e.request.url === s.url));
    const passing = entries.filter((e) => e.request.url === okScenario?.url);
    expect(passing.length).toBeGreaterThan(0);
    const run = corsight('har', write('ok.har', JSON.stringify({ log: { entries: passing } })), '--origin', fixture.origins.app);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/1 cross-origin request: 0 blocked, 0 with warnings, 1 ok/);
  });

  it('one clear line and exit 2 for what is not a usable HAR', () => {
    const cases: Array<[string, RegExp]> = [
      [write('page.html', '<!doctype html><p>not a har</p>'), /^corsight: .*page\.html: Not JSON/],
      [write('array.json', '[1, 2]'), /^corsight: .*array\.json: Not a HAR/],
      [write('truncated.har', har.slice(0, Math.floor(har.length / 2))), /^corsight: .*truncated\.har: .*truncated at byte [\d,]+/],
      [path.join(dir, 'missing.har'), /^corsight: .*missing\.har: no such file$/],
    ];
    for (const [file, message] of cases) {
      const run = corsight('har', file);
      expect(run.code, file).toBe(2);
      expect(run.stderr.trim().split('\n'), file).toHaveLength(1);
      expect(run.stderr.trim(), file).toMatch(message);
    }
    const usage = corsight('har', harFile, '--stack', 'cobol');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^corsight: unknown stack "cobol"; one of: .*express/);
  });

  it('the package as npm packs it, installed in an empty project: `npx corsight` prints the same as the sources', () => {
    // prepack builds the command (npm run build:cli); the tarball holds bin/ and dist-cli/ and
    // needs no dependency, so it installs offline.
    const packed = spawnSync('npm', ['pack', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = path.join(dir, packed.stdout.trim().split('\n').at(-1) ?? '');
    const project = path.join(dir, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'a-project', private: true }));
    const installed = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: project, encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
    expect(fs.readdirSync(path.join(project, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['corsight']);
    const viaNpx = spawnSync('npx', ['--offline', 'corsight', 'har', harFile, '--only-blocked', '--origin', fixture.origins.app], { cwd: project, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const source = corsight('har', harFile, '--only-blocked', '--origin', fixture.origins.app);
    expect(viaNpx.stderr).toBe('');
    expect([viaNpx.status, viaNpx.stdout]).toEqual([source.code, source.stdout]);
  }, 120_000);
});
