/**
 * Corsight's pure CORS engine. No browser API, no DOM: runs in the service worker, the
 * panel, the CLI and the tests alike.
 */
export { diagnose, judge } from './diagnose.ts';
export { isExplained } from './explained.ts';
export { firefoxVerdict, firefoxReasonOf, type FirefoxVerdict } from './firefox.ts';
export { mergeFixPlans, buildFixPlan, plannedHeaders, ACTION_TEXT, SUGGESTED_MAX_AGE } from './plan.ts';
export type { PlanInput } from './plan.ts';
export {
  isCorsSafelistedMethod,
  normalizeMethod,
  isCorsUnsafeRequestHeaderByte,
  isCorsSafelistedRequestHeader,
  isSimpleRangeHeaderValue,
  isForbiddenRequestHeaderName,
  corsUnsafeRequestHeaderNames,
  needsPreflight,
  isOkStatus,
  isRedirectStatus,
  corsCheck,
  checkPreflightAccess,
  parsePreflightResult,
  ensureAllowedCrossOriginMethod,
  ensureAllowedCrossOriginHeaders,
  accessControlMaxAge,
  isCorsSafelistedResponseHeaderName,
  parseExposeHeaders,
  checkRedirectLocation,
  redirectTaintsOrigin,
  CHROMIUM_MAX_AGE_CAP,
  FIREFOX_MAX_AGE_CAP,
  DEFAULT_MAX_AGE,
} from './fetch.ts';
export type { CheckFailure, EffectiveCredentials, PreflightResult, HeaderCheck, MaxAge, RedirectTarget } from './fetch.ts';
export { FINDINGS, FINDING_IDS } from './findings.ts';
export type { FindingId, FindingSpec } from './findings.ts';
export { getHeader } from './headers.ts';
export { EchoedOrigins, logFindings, type EchoedOriginsFinding } from './log-findings.ts';
export * from './types.ts';
