/**
 * verify:snippets — every runnable stack x every classic failure, judged by real Chromium.
 *
 * For each scenario: the bare backend (no CORS) shows the original failure; then for each stack
 * the generated snippet runs in a real server, the page's request must succeed (status and,
 * where asked, an exposed header readable), and the same request from the nearest wrong origin
 * (same host, another port) must still be refused by Chromium.
 *
 *   npx tsx test/verify/run.ts [--stack express,nginx] [--scenario put,full]
 * Exit code 1 when any cell fails. A stack whose server, interpreter or modules are missing is
 * skipped with the missing pieces named; `npm run install:servers` (as root) installs them all.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { generateSnippet } from '../../src/snippets/index.ts';
import { launchBrowser } from '../harness/browser.ts';
import { attachOracle } from '../harness/oracle.ts';
import { checkTools, type FoundTools } from '../harness/tools.ts';
import { startBackend, startPageServer, type Running } from './backend.ts';
import { SCENARIOS, type Scenario } from './scenarios.ts';
import { derivePlan, forPageOrigin, pageIsServed, type DerivedPlan, type ObservedAttempt } from './derive.ts';
import { observedExchange } from '../conformance/observed.ts';
import type { FixPlan } from '../../src/engine/types.ts';
import { ADAPTERS, cleanWork, freePort, type Adapter } from './servers.ts';

/**
 * Negative controls: a known-bad variant of a snippet (the classic pitfalls) must FAIL, which
 * shows the harness can tell a wrong fix from a right one.
 */
const CONTROLS = [
  { id: 'nginx without `always`', stack: 'nginx', scenario: 'error-500', mutate: (c: string) => c.replace(/ always;/g, ';') },
  { id: 'express reflecting any origin', stack: 'express', scenario: 'credentials', mutate: (c: string) => c.replace(/origin: [^\n]+/, 'origin: true,') },
  { id: 'koa credentials without origin', stack: 'koa', scenario: 'credentials', mutate: (c: string) => c.replace(/ {2}origin: [^\n]+\n/, '') },
  { id: 'apache `Header set` (not always)', stack: 'apache', scenario: 'put', mutate: (c: string) => c.replace(/Header always set/g, 'Header set') },
  { id: 'haproxy http-response (not after-response)', stack: 'haproxy', scenario: 'put', mutate: (c: string) => c.replace(/http-after-response/g, 'http-response') },
  { id: 'nestjs reflecting any origin', stack: 'nestjs', scenario: 'credentials', mutate: (c: string) => c.replace(/origin: [^\n]+/, 'origin: true,') },
  { id: 'socketio without the cors option', stack: 'socketio', scenario: 'no-acao', mutate: (c: string) => c.replace(/ {2}cors: \{[\s\S]*?\n {2}\},\n/, '') },
  { id: 'workers without the catch', stack: 'cloudflare-workers', scenario: 'error-500', mutate: (c: string) => c.replace(/ {4}\} catch \{\n[^\n]*\n/, '    } finally {\n') },
  { id: 'vite proxy without rewrite', stack: 'vite', scenario: 'no-acao', mutate: (c: string) => c.replace(/ *rewrite: [^\n]+\n/, '') },
  { id: 'vite default server.cors', stack: 'vite', scenario: 'no-acao', mutate: (c: string) => c.replace(/ *cors: \{ origin: [^\n]+\n/, '') },
  { id: 'webpack-dev-server proxy without pathRewrite', stack: 'webpack-dev-server', scenario: 'no-acao', mutate: (c: string) => c.replace(/ *pathRewrite: [^\n]+\n/, '') },
];

interface Attempt extends ObservedAttempt {
  failedParameter?: string;
}

const arg = (name: string): string[] | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? '').split(',').filter(Boolean) : undefined;
};

let tag = 0;
/** Sends the scenario's request from a page at `pageOrigin` to `target`; Chromium's verdict. */
/**
 * Loads the page; a dev server that accepted a connection may still refuse the next one for a
 * moment (seen once with Vite: net::ERR_CONNECTION_REFUSED right after it listened), so a refused
 * load is tried again, at most 3 times over 1.5 s, and said on stderr.
 */
async function gotoWhenUp(page: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(url);
      return;
    } catch (e) {
      if (attempt >= 3 || !String(e).includes('ERR_CONNECTION_REFUSED')) throw e;
      process.stderr.write(`${url}: connection refused, loading again (${attempt})\n`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function attempt(context: BrowserContext, pageOrigin: string, target: string, s: Pick<Scenario, 'request' | 'readHeader'>): Promise<Attempt> {
  const page = await context.newPage();
  try {
    const oracle = await attachOracle(context, page);
    await gotoWhenUp(page, `${pageOrigin}/`);
    const marker = `v=${++tag}`;
    const url = `${target}${s.request.path}${s.request.path.includes('?') ? '&' : '?'}${marker}`;
    const result = await page.evaluate(
      async ({ url, req, readHeader }) => {
        try {
          // A cookie for the host (cookies ignore ports): a request with credentials carries it,
          // so the wire shows credentials "include", as on a site where the user is logged in.
          document.cookie = 'corsight_verify=1; path=/';
          const init: RequestInit = { method: req.method, cache: 'no-store' };
          if (req.headers) init.headers = req.headers;
          if (req.credentials) init.credentials = req.credentials;
          const r = await fetch(url, init);
          await r.text();
          return { ok: true, status: r.status, header: readHeader ? r.headers.get(readHeader) : null };
        } catch (e) {
          return { ok: false, errorText: String(e) };
        }
      },
      { url, req: s.request, readHeader: s.readHeader ?? null },
    );
    const settled = await oracle.waitForSettled(marker, 5000).catch(() => undefined);
    const verdict = oracle.verdictFor(marker);
    await oracle.detach().catch(() => undefined);
    const out: Attempt = { ok: result.ok };
    if (settled) out.exchange = observedExchange(settled, { all: oracle.requests, pageOrigin });
    if (result.status !== undefined) out.status = result.status;
    if (result.header !== undefined) out.header = result.header;
    if (!verdict.ok) {
      if (verdict.corsError) out.corsError = verdict.corsError;
      if (verdict.failedParameter) out.failedParameter = verdict.failedParameter;
      out.errorText = verdict.errorText ?? result.errorText;
    }
    return out;
  } finally {
    await page.close();
  }
}

function judge(s: Pick<Scenario, 'expectStatus' | 'readHeader'>, good: Attempt, wrong: Attempt): string {
  if (!good.ok) return `FAIL ${good.corsError ?? good.errorText ?? 'error'}${good.failedParameter ? `(${good.failedParameter})` : ''}`;
  if (good.status !== s.expectStatus) return `FAIL status ${good.status}`;
  if (!pageIsServed(s, good)) return `FAIL ${s.readHeader} unreadable`;
  if (wrong.ok) return 'FAIL wrong origin allowed';
  if (!wrong.corsError) return `FAIL wrong origin: ${wrong.errorText ?? '?'}`;
  return 'ok';
}

type Check = Pick<Scenario, 'request' | 'expectStatus' | 'readHeader'>;

/** What is sent for a scenario on a stack: the scenario's own request, or the stack's version of it (null: not applicable). */
function checkFor(a: Adapter, s: Scenario): Check | null {
  if (a.scenarios && !a.scenarios.includes(s.id)) return null;
  return a.request ? a.request(s) : s;
}

async function main(): Promise<void> {
  const started = Date.now();
  const onlyStacks = arg('stack');
  const onlyScenarios = arg('scenario');
  const scenarios = SCENARIOS.filter((s) => !onlyScenarios || onlyScenarios.includes(s.id));
  const adapters = ADAPTERS.filter((a) => !onlyStacks || onlyStacks.includes(a.id));
  const found = new Map<Adapter, FoundTools>();
  const missing = new Map<Adapter, string[]>();
  for (const a of adapters) {
    const check = checkTools(a.needs);
    if (check.ok) found.set(a, check.found);
    else missing.set(a, check.missing);
  }
  const runnable = adapters.filter((a) => found.has(a));
  const skipped = adapters.filter((a) => missing.has(a));
  for (const a of skipped) process.stderr.write(`${a.id}: skipped, missing ${(missing.get(a) ?? []).join('; ')}\n`);

  const browser = await launchBrowser();
  const pageA = await startPageServer();
  const pageB = await startPageServer();
  // The second page origin of the two-page scenarios (pageB stays the refused one).
  const pageC = await startPageServer();
  const backend = await startBackend();
  const cells = new Map<string, string>();
  const before = new Map<string, string>();
  const plans = new Map<string, DerivedPlan>();
  const timing = new Map<string, number>();
  const controls: string[] = [];
  let controlsSkipped = 0;
  let failures = 0;

  /** One stack x scenario: start the server with the snippet, then the right and the wrong origin. */
  const runCell = async (a: Adapter, s: Scenario, check: Check, mutate: (code: string) => string): Promise<string> => {
    const devProxy = a.mode === 'dev-proxy';
    // A dev-server proxy serves the page itself: its origin is the page origin of the plan.
    const port = await freePort();
    const pageOrigin = devProxy ? `http://127.0.0.1:${port}` : pageA.origin;
    const derived = plans.get(s.id);
    if (!derived) return 'FAIL no plan derived';
    const snippet = generateSnippet(a.id, forPageOrigin(derived.plan, pageA.origin, pageOrigin));
    snippet.code = mutate(snippet.code);
    let server: Running | undefined;
    try {
      const tools = found.get(a);
      if (!tools) throw new Error(`${a.id} is not runnable here`);
      server = await a.start(snippet, backend.port, port, tools);
      const target = `${server.origin}${a.prefix ?? ''}`;
      const good = await attempt(browser.context, devProxy ? server.origin : pageA.origin, target, check);
      const wrong = await attempt(browser.context, pageB.origin, target, check);
      return judge(check, good, wrong);
    } catch (e) {
      return `FAIL start: ${String(e).split('\n').slice(0, 3).join(' ').slice(0, 300)}`;
    } finally {
      await server?.stop();
    }
  };

  try {
    // The plans: derived by the engine from Chromium's runs against the bare backend.
    for (const s of scenarios) {
      const pages = s.pages === 2 ? [pageA.origin, pageC.origin] : [pageA.origin];
      let first: string | undefined;
      const derived = await derivePlan(s, pages, backend, async (pageOrigin, target) => {
        const a = await attempt(browser.context, pageOrigin, target, s);
        first ??= a.ok ? `ok ${a.status}` : `${a.corsError ?? a.errorText}`;
        return a;
      });
      before.set(s.id, first ?? '');
      plans.set(s.id, derived);
      process.stderr.write(`plan for ${s.id}: ${derived.rounds.join('; ')}\n`);
    }
    for (const a of runnable) {
      const t0 = Date.now();
      for (const s of scenarios) {
        const check = checkFor(a, s);
        if (!check) {
          cells.set(`${a.id}/${s.id}`, 'n/a');
          process.stderr.write(`${a.id} ${s.id}: n/a\n`);
          continue;
        }
        const verdict = await runCell(a, s, check, (c) => c);
        if (verdict !== 'ok') failures++;
        cells.set(`${a.id}/${s.id}`, verdict.length > 48 ? `${verdict.slice(0, 45)}...` : verdict);
        process.stderr.write(`${a.id} ${s.id}: ${verdict} (${Date.now() - t0} ms)\n`);
      }
      timing.set(a.id, Date.now() - t0);
    }
    if (!process.argv.includes('--no-controls')) {
      for (const c of CONTROLS) {
        const a = runnable.find((x) => x.id === c.stack);
        const s = SCENARIOS.find((x) => x.id === c.scenario);
        const check = a && s ? checkFor(a, s) : null;
        if (!a || !s || !check) {
          if (skipped.some((x) => x.id === c.stack)) controlsSkipped++;
          continue;
        }
        const verdict = await runCell(a, s, check, c.mutate);
        const caught = verdict !== 'ok';
        if (!caught) failures++;
        controls.push(`control ${c.stack}/${c.scenario}, ${c.id}: ${caught ? `caught (${verdict})` : 'NOT CAUGHT'}`);
      }
    }
  } finally {
    await browser.close();
    await Promise.all([pageA.stop(), pageB.stop(), pageC.stop(), backend.stop()]);
    if (!process.env.KEEP_VERIFY_FILES) cleanWork();
  }

  // Table: stacks x scenarios.
  const header = ['stack', ...scenarios.map((s) => s.id), 'time'];
  const rows: string[][] = [['(bare backend)', ...scenarios.map((s) => before.get(s.id) ?? ''), '']];
  for (const a of runnable) {
    rows.push([a.label ?? a.id, ...scenarios.map((s) => cells.get(`${a.id}/${s.id}`) ?? ''), `${((timing.get(a.id) ?? 0) / 1000).toFixed(1)}s`]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log('\nThe plans, as the engine derived them from Chromium\'s runs (page origins A, C; backend B):');
  for (const s of scenarios) {
    const d = plans.get(s.id);
    if (d) console.log(`  ${s.id}: ${planSummary(d.plan, { [pageA.origin]: 'A', [pageC.origin]: 'C', [backend.origin]: 'B' })} (${d.rounds.length} round${d.rounds.length > 1 ? 's' : ''})`);
  }
  const notes = runnable.filter((a) => a.note).map((a) => `${a.label ?? a.id}: ${a.note}`);
  // Which Python ran a Python stack matters: a pip install and Debian's packages differ in version.
  for (const a of runnable) {
    const python = found.get(a)?.python;
    if (python) notes.push(`${a.label ?? a.id}: run by ${python}`);
  }
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  if (controls.length) console.log(`\n${controls.join('\n')}`);
  const cellCount = [...cells.values()].filter((v) => v !== 'n/a').length;
  const total = cellCount + controls.length;
  if (skipped.length) {
    console.log('\nSkipped: not installed on this machine');
    for (const a of skipped) console.log(`  ${a.id}: ${(missing.get(a) ?? []).join('; ')}`);
  }
  console.log(`\ntotal time ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`stacks: ${runnable.length} run, ${skipped.length} skipped${skipped.length ? ` (${skipped.map((a) => a.id).join(', ')})` : ''}`);
  if (skipped.length) console.log('To verify the skipped stacks too, install their servers (Debian, as root; the list CI uses): npm run install:servers');
  const skippedCells = skipped.reduce((n, a) => n + scenarios.filter((s) => checkFor(a, s)).length, controlsSkipped);
  console.log(`verify:snippets: ${total - failures} passed, ${failures} failed${skippedCells ? `, ${skippedCells} skipped` : ''}`);
  process.exitCode = failures ? 1 : 0;
}

/** A plan in one line, origins by their short names. */
function planSummary(plan: FixPlan, names: Record<string, string>): string {
  const p = plan.policy;
  const parts = [`origins ${p.allowOrigins.map((o) => names[o] ?? o).join('+')}`];
  if (p.allowCredentials) parts.push(`credentials (${p.credentialsBasis ?? 'required'})`);
  if (p.allowMethods.length) parts.push(`methods ${p.allowMethods.join(',')}`);
  if (p.allowHeaders.length) parts.push(`headers ${p.allowHeaders.join(',')}`);
  if (p.exposeHeaders.length) parts.push(`expose ${p.exposeHeaders.join(',')}`);
  const actions = plan.actions.map((a) => a.id).filter((id) => id !== 'vary-origin');
  if (actions.length) parts.push(actions.join(','));
  return parts.join('; ');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
