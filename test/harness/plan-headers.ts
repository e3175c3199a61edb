/**
 * How a server that follows a fix plan to the letter answers: the lab's rewritten scenarios
 * (test/conformance/plans.ts) and the reference server of the snippet check (test/verify) both
 * use it, so "the plan works" means the same thing in both.
 */
import type { FixPlan, ResponseKind } from '../../src/engine/types.ts';
import { PREFLIGHT_STATUS_ACTIONS } from '../../src/trial/rules.ts';

/** The plan asks the server to answer preflights itself with a 2xx. */
export function answersPreflightItself(plan: FixPlan): boolean {
  return plan.actions.some((a) => PREFLIGHT_STATUS_ACTIONS.has(a.id));
}

export function isAccessControlHeader(name: string): boolean {
  return name.toLowerCase().startsWith('access-control-');
}

/** The response kind of an actual (non-OPTIONS) response by its status. */
export function responseKindOf(status: number | undefined): ResponseKind {
  return (status ?? 200) >= 400 ? 'error' : 'actual';
}

/**
 * The header lines the plan puts on one response of this kind, for a request whose Origin header
 * is `requestOrigin`. Several allowed origins (or `*` beside credentialed origins): one value,
 * the request's Origin when it is listed, `*` for any other when the plan allows any.
 */
export function headersUnderPlan(plan: FixPlan, kind: ResponseKind, requestOrigin: string | undefined): Array<[string, string]> {
  const { allowOrigins, allowAnyOrigin, allowCredentials } = plan.policy;
  const perRequest = allowOrigins.length > 1 || (allowAnyOrigin === true && allowCredentials);
  const out: Array<[string, string]> = [];
  for (const h of plan.headers) {
    if (!h.on.includes(kind)) continue;
    if (h.name.toLowerCase() === 'access-control-allow-origin' && perRequest) {
      if (requestOrigin !== undefined && allowOrigins.includes(requestOrigin)) out.push([h.name, requestOrigin]);
      else if (allowAnyOrigin) out.push([h.name, '*']);
      continue;
    }
    out.push([h.name, h.value]);
  }
  return out;
}
