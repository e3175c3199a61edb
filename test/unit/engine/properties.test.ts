import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CORS_ERROR_CODES,
  corsCheck,
  corsUnsafeRequestHeaderNames,
  diagnose,
  isCorsSafelistedRequestHeader,
  mergeFixPlans,
  type Diagnosis,
  type Exchange,
  type FixPlan,
  type HttpHeader,
  type ObservedResponse,
} from '../../../src/engine/index.ts';
import { FINDINGS, FINDING_IDS } from '../../../src/engine/findings.ts';

const RUNS = 2000;
let generated = 0;
afterAll(() => {
  console.log(`[fast-check] engine properties: ${generated} generated cases in total`);
});

const BIG = 'a'.repeat(64 * 1024);
const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\r', '\n', '\t', ' ', ',', '*', '"', '\u007f', 'é', '\u2028', '\ud800'), maxLength: 40 }),
  fc.constantFrom('', ' ', '*', 'null', 'true', 'True', BIG, '\u0000', 'https://app.example.com', 'https://app.example.com/', 'https://*.example.com', 'http://[::1', '::::', 'https://u:p@x.example', 'javascript:alert(1)'),
);
const origin = fc.oneof(
  fc.constantFrom('https://app.example.com', 'http://localhost:3000', 'null', '', 'not an origin', 'https://APP.example.com:443', BIG),
  fc.webUrl().map((u) => { try { return new URL(u).origin; } catch { return u; } }),
  hostile,
);
const url = fc.oneof(
  fc.constantFrom('https://api.example.com/x', 'https://app.example.com/y', 'http://api.example.com:8080/', 'ftp://f.example/', 'data:,x', 'chrome-extension://id/x', 'https://u:p@api.example.com/', 'https://:@api.example.com/', '//x', ''),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  hostile,
);
const headerName = fc.oneof(
  fc.constantFrom('Access-Control-Allow-Origin', 'access-control-allow-credentials', 'Access-Control-Allow-Methods', 'Access-Control-Allow-Headers', 'Access-Control-Max-Age', 'Access-Control-Expose-Headers', 'Vary', 'Location', 'Set-Cookie', 'Content-Type', 'Authorization', 'Cookie', 'Range', 'Accept-Language', 'X-Api-Key', 'Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'),
  hostile,
);
const header: fc.Arbitrary<HttpHeader> = fc.record({ name: headerName, value: hostile });
const headers: fc.Arbitrary<HttpHeader[]> = fc.oneof(
  fc.array(header, { maxLength: 12 }),
  fc.constant(Array.from({ length: 1000 }, (_, i) => ({ name: 'Access-Control-Allow-Origin', value: `https://o${i}.example` }))),
  fc.constant<HttpHeader[]>([{ name: 'Access-Control-Allow-Origin', value: BIG }, { name: 'X-Big', value: BIG }]),
);
const response: fc.Arbitrary<ObservedResponse> = fc.record(
  { status: fc.oneof(fc.constantFrom(0, 200, 204, 301, 302, 304, 307, 401, 403, 404, 407, 500), fc.integer({ min: -1000, max: 100000 })), headers, fromCache: fc.boolean() },
  { requiredKeys: ['status', 'headers'] },
);
const method = fc.oneof(fc.constantFrom('GET', 'get', 'POST', 'PUT', 'patch', 'PATCH', 'DELETE', 'OPTIONS', 'PURGE', '', 'G E T', 'ÄÖ'), hostile);
const exchange: fc.Arbitrary<Exchange> = fc.record({
  initiatorOrigin: origin,
  method,
  requestHeaders: headers,
  mode: fc.constantFrom('cors', 'no-cors', 'same-origin', 'navigate', 'unknown'),
  credentials: fc.constantFrom('omit', 'same-origin', 'include', 'unknown'),
  redirect: fc.constantFrom('follow', 'error', 'manual', 'unknown'),
  hops: fc.array(fc.record({ url, response: fc.option(response, { nil: undefined }), requestHeaders: fc.option(headers, { nil: undefined }) }), { minLength: 0, maxLength: 4 }),
  preflight: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.constant({ kind: 'cached' as const }),
    fc.record({ kind: fc.constant('sent' as const), url, requestHeaders: headers, response: fc.option(response, { nil: undefined }), error: fc.option(hostile, { nil: undefined }) }),
  ),
  outcome: fc.oneof(
    fc.constant({ kind: 'completed' as const }),
    fc.record({ kind: fc.constant('failed' as const), error: fc.oneof(fc.constantFrom('net::ERR_FAILED', 'net::ERR_CONNECTION_REFUSED', 'net::ERR_ABORTED', 'NS_ERROR_DOM_BAD_URI'), hostile) }),
  ),
  resourceType: fc.option(fc.constantFrom('fetch', 'xmlhttprequest', 'image', 'script', 'main_frame', 'font', 'other'), { nil: undefined }),
  forcedPreflight: fc.option(fc.boolean(), { nil: undefined }),
  reportedCorsError: fc.option(fc.record({ corsError: fc.oneof(fc.constantFrom('InsecurePrivateNetwork', 'LocalNetworkAccessPermissionDenied', 'AllowOriginMismatch'), hostile), failedParameter: fc.option(hostile, { nil: undefined }) }), { nil: undefined }),
}, { requiredKeys: ['initiatorOrigin', 'method', 'requestHeaders', 'mode', 'credentials', 'redirect', 'hops', 'preflight', 'outcome'] });

const STATUSES = new Set(['ok', 'blocked', 'warning']);
const STAGES = new Set(['none', 'mode', 'preflight', 'actual', 'redirect']);
const CODES = new Set<string>(CORS_ERROR_CODES);

/** Never `*` with credentials, never `null`, never reflect-any: `*` only for Origin: null without credentials. */
function checkPlan(p: FixPlan): void {
  expect(typeof p.targetOrigin).toBe('string');
  expect(p.policy.allowOrigins).not.toContain('*');
  expect(p.policy.allowOrigins).not.toContain('null');
  for (const h of p.headers) {
    expect(h.on.length).toBeGreaterThan(0);
    if (h.name !== 'Access-Control-Allow-Origin') continue;
    expect(h.value).not.toBe('null');
    if (h.value === '*') {
      expect(p.policy.allowCredentials).toBe(false);
      expect(p.policy.allowAnyOrigin).toBe(true);
    }
  }
}

function wellFormed(d: Diagnosis): void {
  expect(STATUSES.has(d.status)).toBe(true);
  expect(STAGES.has(d.stage.kind)).toBe(true);
  if (d.corsError !== undefined) {
    expect(CODES.has(d.corsError)).toBe(true);
    expect(typeof d.failedParameter).toBe('string');
    expect(d.status).toBe('blocked');
  }
  expect(typeof d.headline).toBe('string');
  expect(d.headline.length).toBeGreaterThan(0);
  expect(Array.isArray(d.explanation)).toBe(true);
  for (const p of d.explanation) expect(typeof p).toBe('string');
  for (const c of d.crossOriginBecause) expect(['scheme', 'host', 'port']).toContain(c);
  for (const e of d.evidence) {
    expect(['request', 'preflight', 'actual', 'redirect']).toContain(e.stage);
    expect(typeof e.ok).toBe('boolean');
  }
  for (const f of d.findings) {
    expect(FINDING_IDS).toContain(f.id);
    expect(f.severity).toBe(FINDINGS[f.id as keyof typeof FINDINGS].severity);
  }
  expect(['omit', 'same-origin', 'include']).toContain(d.credentialsAssumed);
  if (d.fixPlan) checkPlan(d.fixPlan);
  expect(JSON.parse(JSON.stringify(d))).toEqual(d);
}

describe('properties (fast-check)', () => {
  it(`diagnose never throws and returns a well-formed verdict (${RUNS} runs)`, () => {
    fc.assert(fc.property(exchange, (e) => {
      generated++;
      wellFormed(diagnose(e));
    }), { numRuns: RUNS });
  });

  it(`diagnose is deterministic (${RUNS} runs)`, () => {
    fc.assert(fc.property(exchange, (e) => {
      generated++;
      expect(diagnose(e)).toEqual(diagnose(structuredClone(e)));
    }), { numRuns: RUNS });
  });

  it(`no plan has * with credentials, null or reflect-any, merged or not (${RUNS} runs)`, () => {
    fc.assert(fc.property(exchange, (e) => {
      generated++;
      const diagnoses = [diagnose(e), diagnose({ ...e, credentials: 'include' })];
      const plans = diagnoses.flatMap((d) => (d.fixPlan ? [d.fixPlan, ...(d.chainPlans ?? [])] : []));
      for (const p of plans) checkPlan(p);
      for (const p of mergeFixPlans(plans)) checkPlan(p);
    }), { numRuns: RUNS });
  });

  it(`corsCheck: the exact origin with ACAC true always passes, * fails only with credentials (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.webUrl(), fc.array(header, { maxLength: 5 }), (u, extra) => {
      generated++;
      const o = new URL(u).origin;
      const rest = extra.filter((x) => !/^access-control-allow-(origin|credentials)$/i.test(x.name));
      expect(corsCheck([...rest, { name: 'Access-Control-Allow-Origin', value: o }, { name: 'Access-Control-Allow-Credentials', value: 'true' }], o, 'include')).toBeNull();
      expect(corsCheck([...rest, { name: 'Access-Control-Allow-Origin', value: '*' }], o, 'omit')).toBeNull();
      expect(corsCheck([...rest, { name: 'Access-Control-Allow-Origin', value: '*' }], o, 'include')?.code).toBe('WildcardOriginNotAllowed');
    }), { numRuns: RUNS });
  });

  it(`CORS-unsafe names are sorted, lower-case, unique, and never safelisted-only (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.array(header, { maxLength: 20 }), (hs) => {
      generated++;
      const names = corsUnsafeRequestHeaderNames(hs);
      expect(names).toEqual([...new Set(names)].sort());
      for (const n of names) expect(n).toBe(n.toLowerCase());
      const total = hs.filter((x) => isCorsSafelistedRequestHeader(x.name, x.value)).reduce((s, x) => s + x.value.length, 0);
      if (total <= 1024) {
        for (const x of hs) if (isCorsSafelistedRequestHeader(x.name, x.value) && !hs.some((y) => y.name.toLowerCase() === x.name.toLowerCase() && !isCorsSafelistedRequestHeader(y.name, y.value))) expect(names).not.toContain(x.name.toLowerCase());
      }
    }), { numRuns: RUNS });
  });
});
