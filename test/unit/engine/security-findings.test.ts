/** Passive security findings: policies that trust too much, seen in traffic that passed. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/engine/index.ts';
import type { Diagnosis } from '../../../src/engine/types.ts';
import { PAGE, URL1, acao, ex, h, res } from './helpers.ts';

describe('https-allows-http-origin', () => {
  const ids = (d: Diagnosis) => d.findings.map((f) => f.id);
  it('an https server allowing a plain-http page origin is reported, with credentials said', () => {
    const page = 'http://app.example.com';
    const d = diagnose(ex({ initiatorOrigin: page, hops: [{ url: URL1, response: res(200, acao(page), h('Access-Control-Allow-Credentials', 'true')) }] }));
    expect(d.status).not.toBe('blocked');
    expect(ids(d)).toContain('https-allows-http-origin');
    expect(d.findings.find((f) => f.id === 'https-allows-http-origin')?.message).toContain('with credentials');
  });
  it('also when the value is written in upper case or behind a space trim() removes (the finding reads the trimmed value)', () => {
    for (const value of ['HTTP://app.example.com', '\u00a0http://app.example.com', '\u000bhttp://app.example.com']) {
      const d = diagnose(ex({ initiatorOrigin: 'https://app.example.com', hops: [{ url: URL1, response: res(200, acao(value)) }] }));
      expect(ids(d), JSON.stringify(value)).toContain('https-allows-http-origin');
    }
  });
  it('not for loopback pages, https pages, or an http server', () => {
    for (const page of ['http://localhost:3000', 'http://127.0.0.1:8080', PAGE]) {
      const d = diagnose(ex({ initiatorOrigin: page, hops: [{ url: URL1, response: res(200, acao(page)) }] }));
      expect(ids(d), page).not.toContain('https-allows-http-origin');
    }
    const plain = diagnose(ex({ initiatorOrigin: 'http://app.example.com', hops: [{ url: 'http://api.example.com/x', response: res(200, acao('http://app.example.com')) }] }));
    expect(ids(plain)).not.toContain('https-allows-http-origin');
  });
});
