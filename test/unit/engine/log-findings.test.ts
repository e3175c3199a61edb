import { describe, expect, it } from 'vitest';
import { logFindings, type Exchange } from '../../../src/engine/index.ts';

const API = 'https://api.example.net';

function answered(origin: string, acao: string | null, extra: Array<[string, string]> = [['Access-Control-Allow-Credentials', 'true']], url = `${API}/me`): Exchange {
  const headers = [...(acao === null ? [] : [{ name: 'Access-Control-Allow-Origin', value: acao }]), ...extra.map(([name, value]) => ({ name, value }))];
  return {
    initiatorOrigin: origin,
    method: 'GET',
    requestHeaders: [{ name: 'Origin', value: origin }, { name: 'Cookie', value: 'sid=1' }],
    mode: 'cors',
    credentials: 'include',
    redirect: 'follow',
    hops: [{ url, response: { status: 200, headers } }],
    preflight: { kind: 'none' },
    outcome: { kind: 'completed' },
  };
}

describe('logFindings: a server that named two different asking origins with credentials', () => {
  it('is reported once per server, with the origins in the order seen and the probe to run', () => {
    const found = logFindings([
      answered('https://app.example.com', 'https://app.example.com'),
      answered('https://app.example.com', 'https://app.example.com'),
      answered('https://evil.example', 'https://evil.example'),
    ]);
    expect(found.map((f) => [f.server, f.origins, f.privateNetwork])).toEqual([[API, ['https://app.example.com', 'https://evil.example'], false]]);
    expect(found[0]?.text).toContain(`corsight check ${API}/ --origin https://app.example.com --probe`);
  });

  it('says when Private Network Access was granted too', () => {
    const found = logFindings([
      answered('https://a.example', 'https://a.example', [['Access-Control-Allow-Credentials', 'true'], ['Access-Control-Allow-Private-Network', 'true']]),
      answered('https://b.example', 'https://b.example'),
    ]);
    expect(found[0]?.privateNetwork).toBe(true);
    expect(found[0]?.text).toMatch(/Private Network Access/);
  });

  it('is not reported for one origin, without credentials, for `*`, for another origin than the one that asked, or for null', () => {
    const none = logFindings([
      answered('https://a.example', 'https://a.example'),
      answered('https://b.example', 'https://b.example', []),
      answered('https://c.example', '*'),
      answered('https://d.example', 'https://a.example'),
      answered('null', 'null'),
      // Not serialized origins (an imported file can hold anything): never in a command to run.
      answered('https://f.example/', 'https://f.example/'),
      answered('https://g.example; rm -rf ~', 'https://g.example; rm -rf ~'),
      answered('https://e.example', 'https://e.example', [['Access-Control-Allow-Credentials', 'true']], 'https://other.example.net/x'),
    ]);
    expect(none).toEqual([]);
  });

  it('reads preflight answers too, and keeps at most ten origins', () => {
    const viaPreflight = (origin: string): Exchange => ({
      ...answered(origin, null, []),
      preflight: { kind: 'sent', url: `${API}/me`, requestHeaders: [{ name: 'Origin', value: origin }], response: { status: 204, headers: [{ name: 'Access-Control-Allow-Origin', value: origin }, { name: 'Access-Control-Allow-Credentials', value: 'true' }] } },
    });
    const found = logFindings(Array.from({ length: 12 }, (_, i) => viaPreflight(`https://o${i}.example`)));
    expect(found[0]?.origins).toHaveLength(10);
    // The page's own server naming the page is not a cross-origin answer.
    expect(logFindings([answered(API, API), answered('https://x.example', 'https://x.example')])).toEqual([]);
  });
});
