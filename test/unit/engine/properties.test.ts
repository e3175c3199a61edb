import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CORS_ERROR_CODES,
  corsCheck,
  corsUnsafeRequestHeaderNames,
  diagnose,
  isCorsSafelistedRequestHeader,
  isExplained,
  judge,
  mergeFixPlans,
  type Diagnosis,
  type FixPlan,
} from '../../../src/engine/index.ts';
import { FINDINGS, FINDING_IDS } from '../../../src/engine/findings.ts';
import { sortedLowercaseSet } from '../../../src/engine/fetch.ts';
import { exchange, header } from './arbitraries.ts';

const RUNS = 2000;
let generated = 0;
afterAll(() => {
  console.log(`[fast-check] engine properties: ${generated} generated cases in total`);
});


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

  it(`judge gives diagnose's verdict, without its evidence, paragraphs, plans and Firefox's name (${RUNS} runs)`, () => {
    fc.assert(fc.property(exchange, (e) => {
      generated++;
      const diagnosis = diagnose(e);
      const verdict = judge(structuredClone(e));
      const expected: Record<string, unknown> = { ...diagnosis };
      for (const key of ['explanation', 'evidence', 'fixPlan', 'chainPlans', 'firefoxReason']) delete expected[key];
      for (const key of Object.keys(expected)) if (expected[key] === undefined) delete expected[key];
      expect(verdict).toStrictEqual(expected);
      expect(isExplained(verdict)).toBe(false);
      expect(isExplained(diagnosis)).toBe(true);
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

  it(`the sorted lowercase set of header names is sort() of the unique lowered names (${RUNS} runs)`, () => {
    // Short names over few letters, so that lists repeat names in other cases and orders.
    const name = fc.stringMatching(/^[a-cA-C-]{1,3}$/);
    fc.assert(fc.property(fc.array(name, { maxLength: 12 }), (names) => {
      generated++;
      expect(sortedLowercaseSet(names)).toEqual([...new Set(names.map((n) => n.toLowerCase()))].sort());
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
