/**
 * The differential fuzzer's generator and shrinker: random lab scenarios (servers and requests)
 * from a seeded PRNG, and greedy shrinking of a disagreeing scenario.
 */
import type { CredentialsOption, Expect, HeaderList, RedirectHop, Reply, Scenario, Target } from '../lab/scenarios.ts';
import { formatVerdict, type CaseResult, type Runner, type Verdict } from './harness.ts';

/** mulberry32: small, fast, good enough, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type H = readonly [string, string];

class Gen {
  constructor(readonly r: () => number) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  /** A number in [0, 3). */
  r3(): number {
    return this.r() * 3;
  }
  subset<T>(xs: readonly T[], max: number): T[] {
    const n = Math.floor(this.r() * (max + 1));
    const pool = [...xs];
    const out: T[] = [];
    for (let i = 0; i < n && pool.length; i++) out.push(pool.splice(Math.floor(this.r() * pool.length), 1)[0] as T);
    return out;
  }
}

const EXACT: H[] = [['Access-Control-Allow-Origin', '{origin}']];
const ACAO_VARIANTS: ReadonlyArray<H[]> = [
  [], EXACT, EXACT, EXACT, EXACT, EXACT, EXACT, [['Access-Control-Allow-Origin', '*']],
  [['Access-Control-Allow-Origin', 'null']], [['Access-Control-Allow-Origin', '{origin}/']], [['Access-Control-Allow-Origin', '{api1}']],
  [['Access-Control-Allow-Origin', '{origin}'], ['Access-Control-Allow-Origin', '{origin}']], [['Access-Control-Allow-Origin', '{origin}, *']],
  [['Access-Control-Allow-Origin', 'foo']], [['Access-Control-Allow-Origin', 'HTTP://127.0.0.1']],
];
const ACAC_VARIANTS: ReadonlyArray<H[]> = [[], [], [['Access-Control-Allow-Credentials', 'true']], [['Access-Control-Allow-Credentials', 'true']],
  [['Access-Control-Allow-Credentials', 'True']], [['Access-Control-Allow-Credentials', 'false']]];
const USERINFO = ['user:pass', 'user:', ':pass', ':'];
const METHODS = ['GET', 'GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'patch', 'put', 'PURGE'];
const REQUEST_HEADERS: readonly H[] = [
  ['X-Custom-Header', 'v'], ['Authorization', 'Bearer t'], ['Content-Type', 'application/json'], ['Content-Type', 'text/plain;charset=UTF-8'],
  ['Accept-Language', 'nn_NO'], ['Accept', 'application/json'], ['Range', 'bytes=0-'], ['X-Other', 'w'], ['Cache-Control', 'no-cache'],
];
const ALLOW_METHODS = ['PUT', 'PUT, DELETE', '*', 'GET, POST', 'PATCH', 'patch', 'PURGE, PATCH', 'PUT DELETE', '*, PUT', 'DELETE,PATCH,PUT'];
const ALLOW_HEADERS = ['x-custom-header', 'X-Custom-Header, X-Other', '*', 'authorization', 'content-type', 'x-custom-header y', 'Authorization, *', 'cache-control, x-other, content-type'];

function reply(g: Gen, statuses: readonly number[], extra: H[] = []): Reply {
  const status = g.pick(statuses);
  const headers: H[] = [...g.pick(ACAO_VARIANTS), ...g.pick(ACAC_VARIANTS), ...extra];
  return status === 200 ? { headers } : { status, headers, body: status === 204 ? '' : undefined };
}

/** One random scenario; `expect` is a placeholder (Chromium is the judge). */
export function generate(seed: number, index: number): Scenario {
  const g = new Gen(prng(seed * 100_003 + index));
  const kind = g.chance(0.75) ? 'fetch' : 'xhr';
  // Sometimes the page's own origin first, redirected away (a signed-storage download).
  const target: Target = g.chance(0.15) ? 'app' : g.pick(['api1', 'api2'] as const);
  const credentials: CredentialsOption = kind === 'fetch' ? g.pick(['omit', 'same-origin', 'include'] as const) : g.pick(['same-origin', 'include'] as const);
  const method = g.pick(METHODS);
  const headers = g.subset(REQUEST_HEADERS, 2);
  const preflightExtra: H[] = [];
  // Often the server allows exactly what the page sends (more passing preflights to compare).
  if (g.chance(0.4)) preflightExtra.push(['Access-Control-Allow-Methods', method]);
  else if (g.chance(0.6)) preflightExtra.push(['Access-Control-Allow-Methods', g.pick(ALLOW_METHODS)]);
  if (g.chance(0.4) && headers.length) preflightExtra.push(['Access-Control-Allow-Headers', headers.map(([n]) => n).join(', ')]);
  else if (g.chance(0.6)) preflightExtra.push(['Access-Control-Allow-Headers', g.pick(ALLOW_HEADERS)]);
  const preflightStatus = g.pick([200, 204, 204, 204, 404, 500, 302]);
  if (preflightStatus === 302) preflightExtra.push(['Location', '{api2}/s/{id}/']);
  const preflight = { ...reply(g, [preflightStatus], preflightExtra), status: preflightStatus };
  const redirects: RedirectHop[] = [];
  // Chains of one to three redirects across the three origins, now and then with credentials
  // (or an empty userinfo, which the URL parser drops) in the Location.
  const hopCount = target === 'app' ? 1 + Math.floor(g.r3()) : g.chance(0.25) ? 1 + Math.floor(g.r3()) : 0;
  for (let i = 0; i < hopCount; i++) {
    const to: Target = g.pick(['app', 'api1', 'api2', 'api1', 'api2'] as const);
    const hop: RedirectHop = { status: g.pick([301, 302, 303, 307]), to: { target: to }, headers: [...g.pick(ACAO_VARIANTS), ...g.pick(ACAC_VARIANTS)] };
    if (g.chance(0.12)) hop.to = { target: to, userinfo: g.pick(USERINFO) };
    redirects.push(hop);
  }
  // fetch's cache modes make the browser add Cache-Control / Pragma itself.
  const cache = kind === 'fetch' && g.chance(0.15) ? g.pick(['no-store', 'reload', 'no-cache'] as const) : undefined;
  const response = reply(g, [200, 200, 200, 204, 404, 500]);
  const s: Scenario = {
    id: `fz-${seed}-${index}`,
    title: `fuzz seed ${seed} #${index}`,
    group: 'fuzz',
    request: {
      kind,
      target,
      method: method === 'GET' ? undefined : method,
      headers: headers.length ? headers : undefined,
      credentials,
      body: method === 'GET' || method === 'HEAD' ? undefined : 'x',
      cache,
    },
    preflight,
    redirects: redirects.length ? redirects : undefined,
    response,
    expect: { ok: true },
  };
  return s;
}

// ---- shrinking -------------------------------------------------------------------------------

const without = <T>(xs: readonly T[] | undefined, i: number): T[] => (xs ?? []).filter((_, j) => j !== i);

/** Smaller variants of a scenario, one change each (largest removals first). */
export function shrinkCandidates(s: Scenario): Scenario[] {
  const out: Scenario[] = [];
  const push = (x: Scenario) => out.push(x);
  const r = s.request;
  if (s.redirects?.length) push({ ...s, redirects: undefined });
  if (s.preflight && (s.preflight.headers?.length || s.preflight.status !== undefined)) push({ ...s, preflight: undefined });
  if (r.method) push({ ...s, request: { ...r, method: undefined, body: undefined } });
  if (r.credentials && r.credentials !== 'same-origin') push({ ...s, request: { ...r, credentials: undefined } });
  if (r.kind === 'xhr') push({ ...s, request: { ...r, kind: 'fetch' } });
  if (r.cache) push({ ...s, request: { ...r, cache: undefined } });
  (s.redirects ?? []).forEach((h, k) => {
    push({ ...s, redirects: without(s.redirects, k) });
    if (h.to.userinfo !== undefined) {
      const hops = [...(s.redirects ?? [])];
      hops[k] = { ...h, to: { target: h.to.target } };
      push({ ...s, redirects: hops });
    }
  });
  for (let i = 0; i < (r.headers?.length ?? 0); i++) push({ ...s, request: { ...r, headers: without(r.headers, i) } });
  const replyVariants = (rep: Reply | undefined, set: (x: Reply) => Scenario) => {
    if (!rep) return;
    if (rep.status !== undefined && rep.status !== 200 && rep.status !== 204) push(set({ ...rep, status: undefined, body: undefined }));
    for (let i = 0; i < (rep.headers?.length ?? 0); i++) push(set({ ...rep, headers: without(rep.headers as HeaderList, i) }));
  };
  replyVariants(s.preflight, (x) => ({ ...s, preflight: x }));
  replyVariants(s.response, (x) => ({ ...s, response: x }));
  (s.redirects ?? []).forEach((h, k) => {
    for (let i = 0; i < (h.headers?.length ?? 0); i++) {
      const hops = [...(s.redirects ?? [])];
      hops[k] = { ...h, headers: without(h.headers, i) };
      push({ ...s, redirects: hops });
    }
  });
  return out;
}

/** Greedy shrink: keep the first smaller variant that still disagrees, until none does. */
export async function shrink(runner: Runner, start: CaseResult, maxRounds = 40): Promise<CaseResult> {
  let best = start;
  let n = 0;
  for (let round = 0; round < maxRounds; round++) {
    const cands = shrinkCandidates(best.scenario).map((c) => ({ ...c, id: `${start.scenario.id}-s${n++}` }));
    if (!cands.length) break;
    runner.lab.add(cands);
    const results = await runner.run(cands);
    const still = results.find((x) => !x.agree && !x.credentialsAmbiguous);
    if (!still) break;
    best = still;
  }
  return best;
}

function verdictToExpect(v: Verdict): Expect {
  if (v.kind === 'ok') return { ok: true };
  if (v.kind === 'cors') return { corsError: v.corsError as never, failedParameter: v.failedParameter };
  return { netError: v.error };
}

/** A scenarios.ts row (TypeScript literal) with Chromium's verdict as `expect` (origins as placeholders). */
export function pasteRow(r: CaseResult, origins: { app: string; api1: string; api2: string }): string {
  const s = r.scenario;
  const unresolve = (text: string) =>
    text.replaceAll(origins.app, '{origin}').replaceAll(origins.api1, '{api1}').replaceAll(origins.api2, '{api2}');
  const row = {
    id: s.id.replace(/^fz-/, 'fuzz-'),
    title: `fuzz: Chromium ${formatVerdict(r.chromium)}, Corsight ${formatVerdict(r.corsight)}`,
    group: 'fuzz',
    request: s.request,
    preflight: s.preflight,
    redirects: s.redirects,
    response: s.response,
    expect: verdictToExpect(r.chromium),
  };
  return unresolve(JSON.stringify(row)) + ',';
}
