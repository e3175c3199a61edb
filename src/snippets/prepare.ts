import type { FixPlan } from '../engine/types.ts';
import { isSerializedOrigin } from '../engine/url.ts';
import type { PreparedPolicy, RejectedValue } from './types.ts';

/**
 * RFC 9110 token characters minus `$`, `%` and backtick, which several config formats treat
 * as interpolation (nginx `$var`, mod_headers `%{..}`, HAProxy `%[..]`, Caddy, shells). No
 * registered method or header name uses them.
 */
const TOKEN = /^[A-Za-z0-9!#&'*+.^_|~-]{1,128}$/;

const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);

export { isSerializedOrigin };

export function isToken(s: string): boolean {
  return TOKEN.test(s);
}


function dedupe(values: string[], key: (s: string) => string = (s) => s): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of values) {
    const k = key(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

/** Validates every value of the plan; what is refused is listed in `rejected`. */
export function preparePolicy(plan: FixPlan): PreparedPolicy {
  const rejected: RejectedValue[] = [];
  const policy = plan.policy;
  const origins: string[] = [];
  for (const o of policy.allowOrigins ?? []) {
    if (o === '*' || o === 'null') {
      rejected.push({ what: 'origin', value: o, why: 'allowing it would let any site in' });
    } else if (isSerializedOrigin(o)) {
      origins.push(o);
    } else {
      rejected.push({ what: 'origin', value: o, why: 'not a serialized origin (scheme://host[:port])' });
    }
  }
  const tokens = (values: string[] | undefined, what: RejectedValue['what']): string[] =>
    (values ?? []).filter((v) => {
      if (isToken(v)) return true;
      rejected.push({ what, value: v, why: 'not a valid HTTP token' });
      return false;
    });
  const methods = dedupe(tokens(policy.allowMethods, 'method')).filter((m) => !SAFELISTED_METHODS.has(m));
  const headers = dedupe(tokens(policy.allowHeaders, 'request header').map((h) => h.toLowerCase()));
  const expose = dedupe(tokens(policy.exposeHeaders, 'response header'), (h) => h.toLowerCase());
  let maxAge: number | undefined;
  if (policy.maxAgeSeconds !== undefined) {
    if (Number.isInteger(policy.maxAgeSeconds) && policy.maxAgeSeconds >= 0) {
      maxAge = Math.min(policy.maxAgeSeconds, 86400);
    } else {
      rejected.push({ what: 'max-age', value: String(policy.maxAgeSeconds), why: 'not a whole number of seconds' });
    }
  }
  const targetOrigin = isSerializedOrigin(plan.targetOrigin) ? plan.targetOrigin : null;
  const result: PreparedPolicy = {
    targetOrigin,
    origins: dedupe(origins),
    credentials: policy.allowCredentials === true,
    methods,
    headers,
    expose,
    dynamic: dedupe(origins).length > 1,
    rejected,
    actions: plan.actions ?? [],
    serverFixable: plan.serverFixable,
  };
  if (maxAge !== undefined) result.maxAge = maxAge;
  return result;
}

/** Methods for libraries that check the requested method against their list. */
export function methodsWithSafelisted(p: PreparedPolicy): string[] {
  return dedupe(['GET', 'HEAD', 'POST', ...p.methods]);
}
