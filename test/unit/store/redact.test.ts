/** Private by default: what redaction replaces, what it keeps, and that verdicts do not change. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/index.ts';
import type { Exchange } from '../../../src/engine/types.ts';
import { exchangesToHar, importFile } from '../../../src/panel/exporters.ts';
import { REDACTED, forStorage, redactForExport, redactReport, redactSecrets, redactUrl } from '../../../src/store/redact.ts';
import { buildReport } from '../../../src/store/report.ts';
import { API, FAILED, PAGE, URL1, acao, ex, h, preflight, res } from '../engine/helpers.ts';

const SECRET_URL = `${URL1}?token=s3cr3t&page=2#frag`;
const withSecrets: Exchange = ex({
  credentials: 'unknown',
  requestHeaders: [h('Cookie', 'session=abc123'), h('Authorization', 'Bearer tok-987'), h('X-Api-Key', 'k')],
  hops: [
    { url: SECRET_URL, requestHeaders: [h('Cookie', 'session=abc123'), h('Referer', `${PAGE}/app?user=me`)], response: res(302, acao(PAGE), h('Set-Cookie', 'id=zzz'), h('Location', `https://user:pw@cdn.example.net/f?sig=xyz`)) },
  ],
  preflight: preflight('GET', ['authorization', 'x-api-key'], res(204, acao(PAGE), h('Access-Control-Allow-Headers', 'authorization, x-api-key')), SECRET_URL),
  outcome: FAILED,
});
const SECRETS = ['abc123', 'tok-987', 'zzz', 's3cr3t', 'sig=xyz', 'pw@', 'user=me', 'frag'];

describe('redactUrl', () => {
  it('replaces query values and a userinfo password, keeps names, path and origin, drops the fragment', () => {
    expect(redactUrl('https://a.example/p?x=1&y=&z#f')).toBe(`https://a.example/p?x=${REDACTED}&y=${REDACTED}&z`);
    expect(redactUrl('https://user:pw@a.example/p')).toBe(`https://user:${REDACTED}@a.example/p`);
    expect(redactUrl('/relative?q=1')).toBe(`/relative?q=${REDACTED}`);
    expect(new URL(redactUrl(SECRET_URL)).origin).toBe(API);
  });
});

describe('redactSecrets (at capture)', () => {
  it('replaces credential header values, keeps their presence and everything else', () => {
    const r = redactSecrets(withSecrets);
    const text = JSON.stringify(r);
    for (const s of ['abc123', 'tok-987', 'zzz']) expect(text).not.toContain(s);
    expect(r.requestHeaders.find((x) => x.name === 'Cookie')?.value).toBe(REDACTED);
    expect(r.requestHeaders.find((x) => x.name === 'X-Api-Key')?.value).toBe('k');
    expect(r.hops[0]?.url).toBe(SECRET_URL);
  });

  it('copies nothing when there is nothing to redact (it runs on every captured exchange)', () => {
    const clean = ex({ requestHeaders: [h('X-Api-Key', 'k')], hops: [{ url: URL1, response: res(200, acao(PAGE)) }] });
    expect(redactSecrets(clean)).toBe(clean);
    expect(redactSecrets(withSecrets)).not.toBe(withSecrets);
  });

  it('leaves the verdict and the credentials evidence as they were', () => {
    const cookieOnly = ex({ credentials: 'unknown', hops: [{ url: URL1, requestHeaders: [h('Cookie', 'a=1')], response: res(200, acao('*')) }], outcome: FAILED });
    for (const e of [withSecrets, cookieOnly]) {
      const before = diagnose(e);
      const after = diagnose(redactSecrets(e));
      expect([after.status, after.corsError, after.failedParameter, after.credentialsAssumed]).toEqual([before.status, before.corsError, before.failedParameter, before.credentialsAssumed]);
    }
    expect(diagnose(redactSecrets(cookieOnly)).corsError).toBe('WildcardOriginNotAllowed');
  });
});

describe('redactForExport', () => {
  it('no secret, query value, password or fragment is left anywhere', () => {
    const text = JSON.stringify(redactForExport(withSecrets));
    for (const s of SECRETS) expect(text, s).not.toContain(s);
  });

  it('a redacted HAR imports back with the same verdicts', () => {
    const har = JSON.stringify(exchangesToHar([redactForExport(withSecrets)], undefined, true));
    expect(har).toContain('Redacted by Corsight');
    const back = importFile(har, PAGE).records;
    expect(back).toHaveLength(1);
    const before = diagnose(withSecrets);
    // The Cookie (a hop after the request went cross-origin) proves credentials; the preflight has no ACAC.
    expect(before.corsError).toBe('PreflightInvalidAllowCredentials');
    expect(back[0]?.verdict.corsError).toBe(before.corsError);
    for (const s of SECRETS) expect(har, s).not.toContain(s);
  });

  it('a redacted report says so, its texts carry no secret, its verdicts are the same', () => {
    const report = buildReport([{ seq: 1, exchange: withSecrets, verdict: diagnose(withSecrets) }], { tabId: 3, url: `${PAGE}/?session=abc123` }, diagnose);
    const out = redactReport(report, diagnose);
    expect(out.redacted).toBe(true);
    const text = JSON.stringify(out);
    for (const s of SECRETS) expect(text, s).not.toContain(s);
    expect(out.entries[0]?.corsError).toBe('PreflightInvalidAllowCredentials');
    expect(out.entries[0]?.corsError).toBe(report.entries[0]?.corsError);
  });
});

describe('forStorage (what the worker keeps of a capture)', () => {
  it('cuts nothing Chromium read (Allow-Origin as the 2,001st line stays), redacts secrets unless kept', () => {
    const many = Array.from({ length: 2000 }, (_, i) => h(`X-H${i}`, 'v'));
    const e = ex({ requestHeaders: [h('Cookie', 'session=abc123')], hops: [{ url: URL1, response: res(200, ...many, acao(PAGE)) }] });
    const stored = forStorage(e, false);
    expect(stored.hops[0]?.response?.headers).toHaveLength(2001);
    expect(stored.requestHeaders[0]?.value).toBe(REDACTED);
    expect(diagnose(stored).status).toBe('ok');
    expect(forStorage(e, true)).toBe(e);
  });
});

describe('an exported report imported back', () => {
  it('keeps the "under trial" mark of an exchange judged with a trial\'s headers', () => {
    const trial = { ...ex(), underTrial: true };
    const report = buildReport([{ seq: 1, exchange: trial, verdict: diagnose(trial) }], { tabId: 3, url: null }, diagnose);
    const back = importFile(JSON.stringify({ ...report, redacted: false })).records;
    expect(back[0]?.exchange.underTrial).toBe(true);
  });
});
