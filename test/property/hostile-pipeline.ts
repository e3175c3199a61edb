/**
 * Hostile exchanges through the whole pipeline: diagnose, every fix plan, every stack's snippet,
 * the exports (HAR and redacted report) and their import back. A server answering as a plan says
 * must not trust too much (no null, no pattern, no list, Vary: Origin when the value varies). Each snippet must be printable
 * ASCII and carry no captured value the plan refused; the distinct snippets are then parsed by
 * their language's real parser where one runs here (esbuild for JavaScript and TypeScript, JSON,
 * CPython's ast and PyYAML, Ruby, PHP, gofmt; nginx -t, apache2 -t, caddy adapt and haproxy -c on
 * the configuration the snippet check runs them with, for the first 40 distinct snippets each).
 * javac against Spring stubs for the first 40 Spring snippets; C# has no compiler here.
 *
 * `npm run fuzz:hostile -- --count 100000 [--seed N]` prints the figures; a unit test runs a
 * smaller count in every `npm test`.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { diagnose, type Exchange, type FixPlan } from '../../src/engine/index.ts';
import { buildReport } from '../../src/store/report.ts';
import { redactReport } from '../../src/store/redact.ts';
import { exchangesToHar, importFile } from '../../src/panel/exporters.ts';
import { STACKS, generateSnippet } from '../../src/snippets/index.ts';
import { isSerializedOrigin, isToken } from '../../src/snippets/prepare.ts';
import { exchange as hostileExchange } from '../unit/engine/arbitraries.ts';
import { headersUnderPlan } from '../harness/plan-headers.ts';
import { PROXY_CONFIGS } from '../verify/servers.ts';
import { SPRING_STUBS } from '../harness/spring-stubs.ts';
import { findPython, programPath, OPTIONAL_TOOLS as T } from '../harness/tools.ts';

export interface HostileRun {
  cases: number;
  blocked: number;
  plans: number;
  /** Plan and allowed origin pairs answered as the plan says and found trusting nothing too much. */
  plansChecked: number;
  snippets: number;
  exports: number;
  /** Distinct snippets per language, and how many of them its parser read (or why none). */
  parsed: Record<string, { distinct: number; parsed: number; skipped?: string }>;
  failures: string[];
}

/**
 * Findings about a policy that trusts too much: a server answering as a plan says must raise
 * none of them. (An http page needs its http origin allowed: that one finding is the page's.)
 */
const TRUST_FINDINGS = new Set(['allow-origin-null', 'allow-origin-null-with-credentials', 'wildcard-subdomain-allow-origin', 'list-allow-origin', 'dynamic-allow-origin-without-vary', 'https-allows-http-origin']);

/** The findings of a request from `origin` answered as the plan says. */
function findingsUnderPlan(plan: FixPlan, origin: string): string[] {
  const headers = headersUnderPlan(plan, 'actual', origin).map(([name, value]) => ({ name, value }));
  const answered: Exchange = {
    initiatorOrigin: origin,
    method: 'GET',
    requestHeaders: [{ name: 'Origin', value: origin }],
    mode: 'cors',
    credentials: plan.policy.allowCredentials ? 'include' : 'omit',
    redirect: 'follow',
    hops: [{ url: `${plan.targetOrigin}/`, response: { status: 200, headers } }],
    preflight: { kind: 'none' },
    outcome: { kind: 'completed' },
  };
  return diagnose(answered)
    .findings.map((f) => f.id)
    .filter((id) => TRUST_FINDINGS.has(id) && !(id === 'https-allows-http-origin' && origin.startsWith('http:')));
}

/** The proxies' own configuration check; each run is a process (~20-80 ms), so fewer are read. */
const PROXY_CHECKS = {
  nginx: { config: PROXY_CONFIGS.nginx, program: 'nginx', limit: 40 },
  apache: { config: PROXY_CONFIGS.apache, program: 'apache2', limit: 40 },
  caddyfile: { config: PROXY_CONFIGS.caddy, program: 'caddy', limit: 40 },
  haproxy: { config: PROXY_CONFIGS.haproxy, program: 'haproxy', limit: 40 },
} as const;

// Scripts that read the snippets as a JSON list on stdin and print `index message` per failure.
const PYTHON_AST = 'import ast, json, sys\nfor i, c in enumerate(json.load(sys.stdin)):\n    try: ast.parse(c)\n    except SyntaxError as e: print(i, e)';
const PYTHON_YAML = 'import json, sys, yaml\nfor i, c in enumerate(json.load(sys.stdin)):\n    try: yaml.safe_load(c)\n    except Exception as e: print(i, str(e).splitlines()[0])';
const RUBY_COMPILE = 'require "json"; JSON.parse(STDIN.read).each_with_index { |c, i| begin; RubyVM::InstructionSequence.compile(c); rescue SyntaxError => e; puts "#{i} #{e.message.lines.first}"; end }';

/** Distinct snippets kept per stack for the parsers (the rest are counted, not parsed). */
const PARSE_PER_STACK = 150;
const PRINTABLE = /^[\t\n\x20-\x7e]*$/;

/** The captured strings of an exchange that a plan must refuse: not tokens, not serialized origins. */
function refusedValues(e: Exchange): string[] {
  const out = new Set<string>();
  const add = (v: unknown) => {
    // Long enough, and with a character no snippet writes by itself in an identifier or URL.
    if (typeof v === 'string' && v.length >= 6 && /[^A-Za-z0-9_./:-]/.test(v) && !isToken(v) && !isSerializedOrigin(v)) out.add(v);
  };
  add(e.initiatorOrigin);
  add(e.method);
  const headerLists = [e.requestHeaders, ...e.hops.map((h) => h.requestHeaders ?? []), ...e.hops.map((h) => h.response?.headers ?? [])];
  if (e.preflight.kind === 'sent') headerLists.push(e.preflight.requestHeaders, e.preflight.response?.headers ?? []);
  for (const list of headerLists) {
    if (!Array.isArray(list)) continue;
    for (const h of list) {
      add(h?.name);
      add(h?.value);
    }
  }
  return [...out];
}

export function runHostilePipeline(options: { seed: number; count: number; onProgress?: (done: number) => void }): HostileRun {
  const run: HostileRun = { cases: 0, blocked: 0, plans: 0, plansChecked: 0, snippets: 0, exports: 0, parsed: {}, failures: [] };
  const distinct = new Map<string, Map<string, string>>(STACKS.map((s) => [s.id, new Map()]));
  const fail = (what: string, e: unknown) => {
    if (run.failures.length < 50) run.failures.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  };
  const batch = 1000;
  for (let start = 0; start < options.count; start += batch) {
    const exchanges = fc.sample(hostileExchange, { numRuns: Math.min(batch, options.count - start), seed: options.seed + start });
    for (const [i, e] of exchanges.entries()) {
      const at = `case ${start + i} (seed ${options.seed + start}, index ${i})`;
      run.cases++;
      let d;
      try {
        d = diagnose(e);
      } catch (err) {
        fail(`${at}: diagnose threw`, err);
        continue;
      }
      if (d.status === 'blocked') run.blocked++;
      const plans: FixPlan[] = [...(d.fixPlan ? [d.fixPlan] : []), ...(d.chainPlans ?? [])];
      const refused = plans.length ? refusedValues(e) : [];
      for (const plan of plans) {
        run.plans++;
        if (isSerializedOrigin(plan.targetOrigin)) {
          for (const origin of plan.policy.allowOrigins.filter(isSerializedOrigin).slice(0, 3)) {
            const trusting = findingsUnderPlan(plan, origin);
            if (trusting.length) fail(`${at}: a server following the plan for ${origin} raises`, trusting.join(', '));
            else run.plansChecked++;
          }
        }
        for (const stack of STACKS) {
          let code: string;
          try {
            code = generateSnippet(stack.id, plan).code;
          } catch (err) {
            fail(`${at}: ${stack.id} snippet threw`, err);
            continue;
          }
          run.snippets++;
          if (!PRINTABLE.test(code)) fail(`${at}: ${stack.id} snippet has a character outside printable ASCII`, JSON.stringify(code.match(/[^\t\n\x20-\x7e]/)?.[0]));
          for (const v of refused) if (code.includes(v)) fail(`${at}: ${stack.id} snippet carries the refused value`, JSON.stringify(v));
          const kept = distinct.get(stack.id)!;
          if (kept.size < PARSE_PER_STACK) kept.set(crypto.createHash('sha1').update(code).digest('hex'), code);
        }
      }
      try {
        const har = JSON.stringify(exchangesToHar([e]));
        importFile(har);
        const report = redactReport(buildReport([{ seq: 1, exchange: e, verdict: d }], { tabId: 1, url: null }, diagnose), diagnose);
        importFile(JSON.stringify(report));
        run.exports++;
      } catch (err) {
        fail(`${at}: export or import threw`, err);
      }
    }
    options.onProgress?.(run.cases);
  }
  parseAll(distinct, run);
  return run;
}

/** Each distinct snippet through its language's parser. */
function parseAll(distinct: Map<string, Map<string, string>>, run: HostileRun): void {
  const byLanguage = new Map<string, Array<{ stack: string; code: string }>>();
  for (const stack of STACKS) {
    for (const code of distinct.get(stack.id)!.values()) byLanguage.set(stack.language, [...(byLanguage.get(stack.language) ?? []), { stack: stack.id, code }]);
  }
  const note = (language: string, count: number, parsed: number, skipped?: string) => {
    run.parsed[language] = skipped ? { distinct: count, parsed, skipped } : { distinct: count, parsed };
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-hostile-'));
  try {
    for (const [language, list] of byLanguage) {
      let parsed = 0;
      const bad = (stack: string, message: string) => run.failures.push(`${stack} snippet does not parse as ${language}: ${message.split('\n')[0]}`);
      const parsedInOneProcess = (all: typeof list, program: string, missing: string, args: string[]) => {
        if (!program) return note(language, all.length, 0, missing);
        const errors = execFileSync(program, args, { input: JSON.stringify(all.map((x) => x.code)), encoding: 'utf8' }).split('\n').filter(Boolean);
        for (const line of errors) bad(all[Number(line.split(' ')[0])]?.stack ?? '?', line);
        note(language, all.length, all.length - errors.length);
      };
      switch (language) {
        case 'javascript':
        case 'typescript':
        case 'json': {
          // Parsers that run in this process.
          const parse = language === 'json' ? (code: string) => JSON.parse(code) : (code: string) => transformSync(code, { loader: language === 'typescript' ? 'ts' : 'js', format: 'esm' });
          for (const { stack, code } of list) {
            try {
              parse(code);
              parsed++;
            } catch (e) {
              bad(stack, (e as Error).message);
            }
          }
          note(language, list.length, parsed);
          break;
        }
        case 'python':
          parsedInOneProcess(list, findPython(), 'no python3', ['-c', PYTHON_AST]);
          break;
        case 'yaml':
          parsedInOneProcess(list, findPython(T.yaml), 'no python3 with PyYAML', ['-c', PYTHON_YAML]);
          break;
        case 'ruby':
          parsedInOneProcess(list, programPath('ruby'), 'no ruby', ['-e', RUBY_COMPILE]);
          break;
        case 'php': {
          const php = programPath('php');
          if (!php) {
            note(language, list.length, 0, 'no php');
            break;
          }
          for (const [i, { stack, code }] of list.entries()) {
            const file = path.join(tmp, `s${i}.php`);
            fs.writeFileSync(file, code);
            try {
              execFileSync(php, ['-l', file], { stdio: 'pipe' });
              parsed++;
            } catch (e) {
              bad(stack, String((e as { stdout?: Buffer }).stdout ?? e));
            }
          }
          note(language, list.length, parsed);
          break;
        }
        case 'go': {
          const gofmt = programPath('gofmt');
          if (!gofmt) {
            note(language, list.length, 0, 'no gofmt');
            break;
          }
          const dir = path.join(tmp, 'go');
          fs.mkdirSync(dir);
          // The snippet is a fragment of a main function (as in test/unit/snippets/syntax.test.ts).
          list.forEach(({ code }, i) => fs.writeFileSync(path.join(dir, `s${i}.go`), `package main\n\nfunc main() {\n${code.replace('// import "github.com/rs/cors"\n', '')}\n}\n`));
          let stderr = '';
          try {
            execFileSync(gofmt, ['-e', '-l', dir], { stdio: 'pipe' });
          } catch (e) {
            stderr = String((e as { stderr?: Buffer }).stderr ?? '');
          }
          const failed = new Set([...stderr.matchAll(/s(\d+)\.go:/g)].map((m) => Number(m[1])));
          for (const i of failed) bad(list[i]?.stack ?? 'go', stderr.split('\n').find((l) => l.includes(`s${i}.go:`)) ?? '');
          note(language, list.length, list.length - failed.size);
          break;
        }
        case 'nginx':
        case 'apache':
        case 'caddyfile':
        case 'haproxy': {
          // The server reads the configuration the snippet check runs it with, and stops.
          const { config, program, limit } = PROXY_CHECKS[language];
          const found = programPath(program);
          if (!found || (language === 'apache' && !fs.existsSync(T.apacheProxyModule.name))) {
            note(language, list.length, 0, `no ${program}`);
            break;
          }
          const sample = list.slice(0, limit);
          for (const [i, { stack, code }] of sample.entries()) {
            const dir = path.join(tmp, `${language}-${i}`);
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, config.file), config.text(code, dir, 18080, 18081));
            try {
              execFileSync(found, config.check(dir), { stdio: 'pipe', cwd: dir, env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
              parsed++;
            } catch (e) {
              const out = e as { stdout?: Buffer; stderr?: Buffer };
              bad(stack, `${String(out.stderr ?? '')}${String(out.stdout ?? '')}`.split('\n').find((l) => /emerg|error|Syntax|invalid|unknown|ALERT/i.test(l)) ?? String(e));
            }
          }
          note(language, sample.length, parsed);
          break;
        }
        case 'java': {
          // javac against stubs of the Spring types the snippet uses, all in one run: each snippet
          // becomes its own class (CorsConfig<i>).
          const javac = programPath('javac');
          if (!javac) {
            note(language, list.length, 0, 'no javac');
            break;
          }
          const sample = list.slice(0, 40);
          const dir = path.join(tmp, 'java');
          const files = Object.entries(SPRING_STUBS).map(([file, text]) => {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), text);
            return path.join(dir, file);
          });
          sample.forEach(({ code }, i) => {
            const file = path.join(dir, `CorsConfig${i}.java`);
            fs.writeFileSync(file, code.replace('public class CorsConfig ', `public class CorsConfig${i} `));
            files.push(file);
          });
          let stderr = '';
          try {
            execFileSync(javac, ['-proc:none', '-d', path.join(dir, 'out'), ...files], { stdio: 'pipe' });
          } catch (e) {
            stderr = String((e as { stderr?: Buffer }).stderr ?? e);
          }
          const failed = new Set([...stderr.matchAll(/CorsConfig(\d+)\.java:/g)].map((m) => Number(m[1])));
          for (const i of failed) bad(sample[i]?.stack ?? 'spring', stderr.split('\n').find((l) => l.includes(`CorsConfig${i}.java:`)) ?? '');
          if (stderr && failed.size === 0) bad('spring', stderr);
          note(language, sample.length, sample.length - failed.size);
          break;
        }
        default:
          note(language, list.length, 0, 'no compiler installed here');
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** One line per language: distinct snippets and how many its parser read. */
export function parsedLine(run: HostileRun): string {
  return Object.entries(run.parsed)
    .map(([language, p]) => `${language} ${p.parsed}/${p.distinct}${p.skipped ? ` (${p.skipped})` : ''}`)
    .join(', ');
}
