import type { Exchange, HttpHeader, ObservedResponse, PreflightObservation } from '../../../src/engine/types.ts';

export const PAGE = 'https://app.example.com';
export const API = 'https://api.example.com';
export const URL1 = `${API}/v1/items`;

export const h = (name: string, value: string): HttpHeader => ({ name, value });

export function res(status: number, ...headers: HttpHeader[]): ObservedResponse {
  return { status, headers };
}

export const acao = (v: string) => h('Access-Control-Allow-Origin', v);

/** A cross-origin fetch from PAGE to URL1; override anything. */
export function ex(over: Partial<Exchange> = {}): Exchange {
  return {
    source: 'test',
    initiatorOrigin: PAGE,
    method: 'GET',
    requestHeaders: [],
    mode: 'cors',
    credentials: 'omit',
    redirect: 'follow',
    hops: [{ url: URL1, response: res(200, acao(PAGE), h('Vary', 'Origin')) }],
    preflight: { kind: 'none' },
    outcome: { kind: 'completed' },
    ...over,
  };
}

/** A preflight as Chromium sends it for `method` and the unsafe names. */
export function preflight(method: string, names: string[], response?: ObservedResponse, url = URL1): PreflightObservation {
  const requestHeaders = [h('Origin', PAGE), h('Access-Control-Request-Method', method)];
  if (names.length) requestHeaders.push(h('Access-Control-Request-Headers', names.join(',')));
  return response ? { kind: 'sent', url, requestHeaders, response } : { kind: 'sent', url, requestHeaders, error: 'net::ERR_CONNECTION_RESET' };
}

export const FAILED = { kind: 'failed', error: 'net::ERR_FAILED' } as const;
