/**
 * Every difference between the Chrome and the Firefox build, in one place, each with the document
 * or bug behind it. The build sets __CORSIGHT_BROWSER__ (vite.config.ts, CORSIGHT_BROWSER);
 * manifest differences live in manifest.config.ts.
 */
import { originOfUrl } from '../capture/request-facts.ts';

export type BrowserName = 'chrome' | 'firefox';

/** The browser this build is for. */
export const TARGET_BROWSER: BrowserName = __CORSIGHT_BROWSER__;

export function isFirefox(): boolean {
  return TARGET_BROWSER === 'firefox';
}

/**
 * webRequest's `extraHeaders`: Chrome shows preflights, Origin and Cookie only with it
 * (https://developer.chrome.com/docs/extensions/reference/api/webRequest#life-cycle-of-requests);
 * Firefox shows them without it and rejects the unknown option
 * (https://developer.mozilla.org/docs/Mozilla/Add-ons/WebExtensions/API/webRequest/onBeforeSendHeaders).
 * Read from the API itself, so a browser that adds or drops it is followed.
 */
export function webRequestExtraInfo(base: string[]): string[] {
  const specs = chrome.webRequest.OnBeforeSendHeadersOptions as Record<string, string> | undefined;
  return specs && 'EXTRA_HEADERS' in specs ? [...base, 'extraHeaders'] : base;
}

/**
 * The origin that started a request. Chrome's webRequest gives `initiator`
 * (https://developer.chrome.com/docs/extensions/reference/api/webRequest#type-OnBeforeRequestDetails);
 * Firefox gives none and gives `originUrl`, the URL of the document or worker that made it
 * (https://developer.mozilla.org/docs/Mozilla/Add-ons/WebExtensions/API/webRequest/onBeforeRequest#originurl).
 * Without it a request whose first hop is same-origin (no Origin header) has no page origin.
 * Called for every webRequest event: a string scan (originOfUrl), no URL parsing.
 */
export function requestInitiator(details: { initiator?: string; originUrl?: string }): string | undefined {
  if (details.initiator !== undefined) return details.initiator;
  return details.originUrl === undefined ? undefined : originOfUrl(details.originUrl);
}

/**
 * The webRequest error a CORS refusal usually ends in, for the cheap watch: Chrome's
 * `net::ERR_FAILED`; Firefox's `NS_ERROR_DOM_BAD_URI`, which it reports for a refused preflight
 * (measured, Firefox 153 ESR: ../shared/docs/toolchain.md). Firefox ends a request whose actual
 * response it refused as a completed 200, so there the cheap watch sees only preflight refusals.
 */
export const LIKELY_CORS_ERROR: string = isFirefox() ? 'NS_ERROR_DOM_BAD_URI' : 'net::ERR_FAILED';

/**
 * Whether webRequest's onCompleted means the browser's CORS check passed. Chrome ends a CORS
 * refusal in onErrorOccurred (net::ERR_FAILED); Firefox ends a refused response in onCompleted
 * 200 with no error (measured, Firefox 153 ESR: ../shared/docs/toolchain.md "Firefox"), so there
 * the headers alone decide (engine Outcome.corsUnchecked).
 */
export function webRequestCompletionShowsCors(): boolean {
  return !isFirefox();
}

/**
 * Whether a tab with DevTools open is diagnosed from the DevTools network log (free while DevTools
 * is open) rather than webRequest. Chrome: yes (its webRequest needs `extraHeaders`, which slows
 * every page by 20-50%: docs/capture.md). Firefox: no. Its `devtools.network` lists a refused
 * preflight but not the request it guarded, nor why (no `_error`): 128 of the lab's 405 scenarios
 * had no entry to judge (Firefox 153 ESR); its webRequest shows both, needs no `extraHeaders`, and
 * cost the bench page less than the DevTools listener did (1.188 vs no extension, against 1.104
 * vs DevTools alone, which itself costs: `npx tsx scripts/bench/firefox-capture.ts`).
 */
export function diagnoseThroughDevtoolsNetwork(): boolean {
  return !isFirefox();
}
