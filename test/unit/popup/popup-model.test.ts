import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/index.ts';
import type { Exchange } from '../../../src/engine/types.ts';
import { chooseStack, clip, fixLine, groupLabel, groupPlan, groupProblems, pageAccess, tabIdOverride } from '../../../src/popup/model.ts';
import { STACKS, generateSnippet } from '../../../src/snippets/index.ts';
import { toReportEntry, type ReportEntry } from '../../../src/store/report.ts';
import { API, FAILED, PAGE, URL1, acao, ex, h, preflight, res } from '../engine/helpers.ts';

let seq = 0;
const entry = (exchange: Exchange): ReportEntry => toReportEntry({ seq: ++seq, exchange, verdict: diagnose(exchange) }, diagnose);

const headerDenied = (name: string, url = URL1): Exchange =>
  ex({
    requestHeaders: [h(name, 'v')],
    hops: [{ url }],
    preflight: preflight('GET', [name.toLowerCase()], res(204, acao(PAGE)), url),
    outcome: FAILED,
  });
const noAcao = (url = URL1) => ex({ hops: [{ url, response: res(200) }], outcome: FAILED });
const fine = () => ex();

describe('pageAccess', () => {
  it('lets Corsight run on http(s) and file pages', () => {
    for (const url of ['https://example.com/', 'http://127.0.0.1:8080/x', 'file:///tmp/a.html']) expect(pageAccess(url).restricted, url).toBe(false);
  });
  it('explains browser pages, the web store and hidden URLs', () => {
    for (const url of ['chrome://settings', 'about:blank', 'devtools://devtools/bundled/inspector.html', 'chrome-extension://abc/x.html', 'view-source:https://a.com', null, '', 'not a url']) {
      const a = pageAccess(url);
      expect(a.restricted, String(url)).toBe(true);
      if (a.restricted) expect(a.reason).toMatch(/browser pages/);
    }
    for (const url of ['https://chromewebstore.google.com/detail/x', 'https://chrome.google.com/webstore/category/extensions']) {
      const a = pageAccess(url);
      expect(a.restricted && a.reason, url).toMatch(/Chrome Web Store/);
    }
    expect(pageAccess('https://chrome.google.com/other').restricted).toBe(false);
  });
});

describe('tabIdOverride', () => {
  it('reads ?tabId=N and ignores anything else', () => {
    expect(tabIdOverride('?tabId=42')).toBe(42);
    expect(tabIdOverride('?x=1&tabId=0')).toBe(0);
    expect(tabIdOverride('')).toBeUndefined();
    expect(tabIdOverride('?tabId=-1')).toBeUndefined();
    expect(tabIdOverride('?tabId=4x')).toBeUndefined();
  });
});

describe('groupProblems', () => {
  it('groups by cause and target server, blocked first, biggest first', () => {
    const other = 'https://cdn.example.net/a.js';
    const entries = [
      entry(headerDenied('X-Api-Key')),
      entry(fine()),
      entry(headerDenied('X-Api-Key', `${API}/v1/other`)),
      entry(headerDenied('X-Api-Key')),
      entry(headerDenied('X-Trace')),
      entry(noAcao(other)),
      entry(noAcao(other)),
    ];
    const { groups, hiddenGroups } = groupProblems(entries);
    expect(hiddenGroups).toBe(0);
    expect(groups.map(groupLabel)).toEqual([
      '3 requests to api.example.com: header x-api-key not allowed by the preflight',
      '2 requests to cdn.example.net: no Access-Control-Allow-Origin header',
      '1 request to api.example.com: header x-trace not allowed by the preflight',
    ]);
    // Every blocked request's plan is there to merge (the group's server picks its own).
    expect(groups[0]!.plans).toHaveLength(6);
  });

  it('merges the fix plans of a group into one line and one snippet', () => {
    const { groups } = groupProblems([entry(headerDenied('X-Api-Key')), entry(headerDenied('X-Api-Key'))]);
    const g = groups[0]!;
    const plan = groupPlan(g)!;
    expect(plan.targetOrigin).toBe(API);
    expect(plan.policy.allowHeaders).toEqual(['x-api-key']);
    expect(fixLine(g, plan)).toBe('Send Access-Control-Allow-Headers: x-api-key on the preflight (OPTIONS) answer.');
    const code = generateSnippet('express', plan).code;
    expect(code).toContain('x-api-key');
    expect(code).toContain(PAGE);
  });

  it('one plan per server fixes every blocked request to it, whatever the group', () => {
    const put = ex({ method: 'PUT', hops: [{ url: URL1 }], preflight: preflight('PUT', [], res(204, acao(PAGE))), outcome: FAILED });
    const { groups } = groupProblems([entry(headerDenied('X-Api-Key')), entry(put)]);
    expect(groups).toHaveLength(2);
    for (const g of groups) {
      const plan = groupPlan(g)!;
      expect(plan.policy.allowHeaders, g.cause).toEqual(['x-api-key']);
      expect(plan.policy.allowMethods, g.cause).toEqual(['PUT']);
    }
  });

  it('the server a redirect leads to is planned in its own group', () => {
    // api -> cdn: the cdn sees Origin: null; its group's plan is the cdn's, not the api's.
    const cdn = 'https://cdn.example.net';
    const redirected = ex({ hops: [{ url: URL1, response: res(302, acao(PAGE), h('Location', `${cdn}/f`)) }, { url: `${cdn}/f`, response: res(200) }], outcome: FAILED });
    const g = groupProblems([entry(redirected)]).groups[0]!;
    expect(g.targetOrigin).toBe(cdn);
    expect(groupPlan(g)?.headers.find((x) => x.name === 'Access-Control-Allow-Origin')?.value).toBe('*');
  });

  it('gives a one-line fix for missing ACAO and credentials', () => {
    const { groups } = groupProblems([entry(noAcao())]);
    expect(fixLine(groups[0]!, groupPlan(groups[0]!))).toBe(`Send Access-Control-Allow-Origin: ${PAGE}.`);
    const cred = ex({ credentials: 'include', hops: [{ url: URL1, response: res(200, acao('*')) }], outcome: FAILED });
    const g = groupProblems([entry(cred)]).groups[0]!;
    expect(g.cause).toBe('Access-Control-Allow-Origin: * on a request with credentials');
    expect(fixLine(g, groupPlan(g))).toBe(`Send Access-Control-Allow-Origin: ${PAGE} and Access-Control-Allow-Credentials: true.`);
  });

  it('keeps header-derived values short and as given (no markup interpretation here)', () => {
    const hostile = `<img src=x onerror=alert(1)>${'A'.repeat(100)}`;
    const e = entry(ex({ hops: [{ url: URL1, response: res(200, acao(hostile)) }], outcome: FAILED }));
    const g = groupProblems([e]).groups[0]!;
    expect(g.cause.length).toBeLessThan(120);
    expect(g.cause).toContain('<img src=x');
    expect(clip('a\nb '.repeat(40), 10)).toBe('a b a b a…');
  });

  it('caps the list and counts the rest', () => {
    const entries = Array.from({ length: 10 }, (_, i) => entry(headerDenied(`X-H${i}`)));
    const p = groupProblems(entries, 4);
    expect(p.groups).toHaveLength(4);
    expect(p.hiddenGroups).toBe(6);
    expect(p.hiddenRequests).toBe(6);
  });

  it('stays fast on a tab with thousands of requests', () => {
    const base = [entry(headerDenied('X-Api-Key')), entry(noAcao()), entry(fine())];
    const entries = Array.from({ length: 20_000 }, (_, i) => base[i % 3]!);
    const t = performance.now();
    const p = groupProblems(entries);
    for (const g of p.groups) fixLine(g, groupPlan(g));
    const ms = performance.now() - t;
    expect(p.groups.map((g) => g.count)).toEqual([6667, 6667]);
    expect(ms).toBeLessThan(500);
  });
});

describe('chooseStack', () => {
  it('uses the saved stack when known, else express', () => {
    expect(chooseStack('nginx', STACKS)).toBe('nginx');
    expect(chooseStack(null, STACKS)).toBe('express');
    expect(chooseStack('no-such-stack', STACKS)).toBe('express');
    expect(STACKS.some((s) => s.id === 'express')).toBe(true);
  });
});
