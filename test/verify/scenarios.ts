/** The classic failures replayed for every stack: one FixPlan each, and the request to send. */
import type { FixAction, FixPlan } from '../../src/engine/types.ts';

export interface VerifyRequest {
  path: string;
  method: string;
  headers?: Record<string, string>;
  credentials?: RequestCredentials;
}

export interface Scenario {
  id: string;
  /** What the bare backend does wrong (the original failure). */
  title: string;
  request: VerifyRequest;
  /** Status the page must read once fixed. */
  expectStatus: number;
  /** A response header the page must be able to read. */
  readHeader?: string;
  /** `targetOrigin` is the server the page called (the dev-server proxies forward to it). */
  plan(pageOrigin: string, targetOrigin?: string): FixPlan;
}

/** A second allowed origin that no page uses: forces the per-request (dynamic) origin path. */
export const OTHER_ALLOWED_ORIGIN = 'http://127.0.0.9:9';

const act = (...ids: FixAction['id'][]): FixAction[] => ids.map((id) => ({ id, text: id }));

function plan(origins: string[], p: Partial<FixPlan['policy']> = {}, actions: FixAction[] = [], targetOrigin = 'http://127.0.0.1'): FixPlan {
  return {
    targetOrigin,
    policy: { allowOrigins: origins, allowCredentials: false, allowMethods: [], allowHeaders: [], exposeHeaders: [], ...p },
    headers: [],
    actions,
    serverFixable: true,
  };
}

export const SCENARIOS: Scenario[] = [
  {
    id: 'no-acao',
    title: 'GET, no Access-Control-Allow-Origin',
    request: { path: '/data', method: 'GET' },
    expectStatus: 200,
    plan: (o, t) => plan([o], {}, [], t),
  },
  {
    id: 'two-origins',
    title: 'origin chosen per request (two allowed origins)',
    request: { path: '/data', method: 'GET' },
    expectStatus: 200,
    plan: (o, t) => plan([OTHER_ALLOWED_ORIGIN, o], {}, act('vary-origin'), t),
  },
  {
    id: 'credentials',
    title: 'credentials: include',
    request: { path: '/data', method: 'GET', credentials: 'include' },
    expectStatus: 200,
    plan: (o, t) => plan([o], { allowCredentials: true }, [], t),
  },
  {
    id: 'put',
    title: 'PUT (preflight; backend 404s OPTIONS)',
    request: { path: '/data', method: 'PUT' },
    expectStatus: 200,
    plan: (o, t) => plan([o], { allowMethods: ['PUT'] }, act('answer-preflight-2xx'), t),
  },
  {
    id: 'custom-header',
    title: 'custom request header x-api-key',
    request: { path: '/data', method: 'GET', headers: { 'x-api-key': 'k' } },
    expectStatus: 200,
    plan: (o, t) => plan([o], { allowHeaders: ['x-api-key'] }, act('answer-preflight-2xx'), t),
  },
  {
    id: 'preflight-auth',
    title: 'preflight to an auth-protected route (401 without key)',
    request: { path: '/private', method: 'GET', headers: { 'x-api-key': 'k' } },
    expectStatus: 200,
    plan: (o, t) => plan([o], { allowHeaders: ['x-api-key'] }, act('answer-preflight-before-auth'), t),
  },
  {
    id: 'expose',
    title: 'page reads X-Request-Id',
    request: { path: '/data', method: 'GET' },
    expectStatus: 200,
    readHeader: 'X-Request-Id',
    plan: (o, t) => plan([o], { exposeHeaders: ['X-Request-Id'] }, [], t),
  },
  {
    id: 'error-500',
    title: '500 response must carry CORS headers',
    request: { path: '/error', method: 'GET' },
    expectStatus: 500,
    plan: (o, t) => plan([o], {}, act('cors-headers-on-error-responses'), t),
  },
  {
    id: 'full',
    title: 'credentials + PUT + x-api-key + expose + max-age, auth route, 2 origins',
    request: { path: '/private', method: 'PUT', headers: { 'x-api-key': 'k' }, credentials: 'include' },
    expectStatus: 200,
    readHeader: 'X-Request-Id',
    plan: (o, t) =>
      plan(
        [o, OTHER_ALLOWED_ORIGIN],
        { allowCredentials: true, allowMethods: ['PUT'], allowHeaders: ['x-api-key'], exposeHeaders: ['X-Request-Id'], maxAgeSeconds: 600 },
        act('answer-preflight-before-auth', 'cors-headers-on-error-responses'),
        t,
      ),
  },
];
