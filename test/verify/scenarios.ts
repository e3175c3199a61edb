/** The classic failures replayed for every stack: the request to send and what the page must get. */

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
  /**
   * How many page origins call the backend: with 2, the plan is the merge of both pages' plans
   * (the per-request origin path of every stack), and a third origin must stay refused.
   */
  pages: 1 | 2;
}

/**
 * The classic failures. Their fix plans are not written here: each is what Corsight's engine
 * derives from Chromium's own run against the bare backend (test/verify/derive.ts).
 */
export const SCENARIOS: Scenario[] = [
  { id: 'no-acao', title: 'GET, no Access-Control-Allow-Origin', request: { path: '/data', method: 'GET' }, expectStatus: 200, pages: 1 },
  { id: 'two-origins', title: 'origin chosen per request (two page origins)', request: { path: '/data', method: 'GET' }, expectStatus: 200, pages: 2 },
  { id: 'credentials', title: 'credentials: include', request: { path: '/data', method: 'GET', credentials: 'include' }, expectStatus: 200, pages: 1 },
  { id: 'put', title: 'PUT (preflight; backend 404s OPTIONS)', request: { path: '/data', method: 'PUT' }, expectStatus: 200, pages: 1 },
  { id: 'custom-header', title: 'custom request header x-api-key', request: { path: '/data', method: 'GET', headers: { 'x-api-key': 'k' } }, expectStatus: 200, pages: 1 },
  { id: 'preflight-auth', title: 'preflight to an auth-protected route (401 without key)', request: { path: '/private', method: 'GET', headers: { 'x-api-key': 'k' } }, expectStatus: 200, pages: 1 },
  { id: 'expose', title: 'page reads X-Request-Id', request: { path: '/data', method: 'GET' }, expectStatus: 200, readHeader: 'X-Request-Id', pages: 1 },
  { id: 'error-500', title: '500 response must carry CORS headers', request: { path: '/error', method: 'GET' }, expectStatus: 500, pages: 1 },
  {
    id: 'full',
    title: 'credentials + PUT + x-api-key + expose, auth route, 2 page origins',
    request: { path: '/private', method: 'PUT', headers: { 'x-api-key': 'k' }, credentials: 'include' },
    expectStatus: 200,
    readHeader: 'X-Request-Id',
    pages: 2,
  },
];
