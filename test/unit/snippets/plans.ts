import type { FixPlan } from '../../../src/engine/types.ts';

/** One origin, a plain GET that lacked Access-Control-Allow-Origin. */
export const SIMPLE_PLAN: FixPlan = {
  targetOrigin: 'https://api.example.com',
  policy: {
    allowOrigins: ['https://app.example.com'],
    allowCredentials: false,
    allowMethods: [],
    allowHeaders: [],
    exposeHeaders: [],
  },
  headers: [{ name: 'Access-Control-Allow-Origin', value: 'https://app.example.com', on: ['actual', 'error'], why: 'missing' }],
  actions: [],
  serverFixable: true,
};

/** Credentials + PUT + x-api-key + an exposed header + max-age, two origins. */
export const FULL_PLAN: FixPlan = {
  targetOrigin: 'https://api.example.com',
  policy: {
    allowOrigins: ['https://app.example.com', 'https://admin.example.com'],
    allowCredentials: true,
    allowMethods: ['PUT'],
    allowHeaders: ['x-api-key'],
    exposeHeaders: ['X-Request-Id'],
    maxAgeSeconds: 600,
  },
  headers: [],
  actions: [
    { id: 'answer-preflight-before-auth', text: 'Answer the preflight before auth.' },
    { id: 'cors-headers-on-error-responses', text: 'Add CORS headers to error responses.' },
  ],
  serverFixable: true,
};
