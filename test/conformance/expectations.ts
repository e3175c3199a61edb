/**
 * Known disagreements between Chromium and Corsight, each with the reason it is accepted.
 * Keep this near empty: a disagreement is fixed in the engine (with a unit test) unless the
 * extension cannot observe what Chromium decided. Every entry here is of that kind.
 */
export interface KnownDisagreement {
  id: string;
  reason: string;
}

const RENDERER =
  'decided before any network activity: no request on the wire (no CDP Network event, no webRequest event, no HAR entry); only the DevTools Audits issue names it, which the extension cannot read';
const WORKER =
  "a dedicated worker's requests are not on the page's CDP session (the worker target reports only loadingFailed, without URL or headers), so no Exchange can be built from CDP; the extension's webRequest capture does see them";
const LNA =
  'the wire shows only net::ERR_FAILED with no response: the Local Network Access code exists only in Chromium\'s own report (corsErrorStatus / Audits), which the observed Exchange deliberately leaves out (the engine maps Exchange.reportedCorsError when a capture source has it)';

export const EXPECTED_DISAGREEMENTS: readonly KnownDisagreement[] = [
  { id: 'redirect-mode-error', reason: 'redirect mode is not on the wire: a redirect that was not followed and net::ERR_FAILED fit redirect: "error" (Chromium: no CORS code) and credentials include with no ACAC on the redirect (the hypothesis the engine keeps) equally' },
  { id: 'redirect-after-preflight-second-denied', reason: 'the Exchange keeps one preflight; the second preflight (after a cross-origin 307, Origin: null) fails while the engine judges the redirected hop with the page origin (TODO engine: model one preflight per hop)' },
  { id: 'same-origin-mode-cross', reason: RENDERER },
  { id: 'no-cors-redirect-manual', reason: RENDERER },
  { id: 'scheme-ftp', reason: RENDERER },
  { id: 'worker-acao-ok', reason: WORKER },
  { id: 'worker-no-acao', reason: WORKER },
  { id: 'worker-cred-star', reason: WORKER },
  { id: 'worker-preflight-denied', reason: WORKER },
  { id: 'lna-public-page-denied', reason: LNA },
  { id: 'lna-insecure-page', reason: LNA },
  { id: 'lna-target-space-mismatch', reason: LNA },
  { id: 'lna-public-page-no-acao', reason: LNA },
];

export const expectedById = new Map(EXPECTED_DISAGREEMENTS.map((e) => [e.id, e.reason]));
