/**
 * `npm run conformance -- --browser firefox` as a test: the engine, fed the HAR Firefox's own
 * DevTools write for the lab, gives Firefox's verdict (its console, over WebDriver BiDi) for every
 * scenario Firefox can run, except those listed in test/conformance/firefox.ts or that the file
 * itself cannot show (docs/conformance.md, "Firefox"). Skipped, with the reason, without Firefox.
 */
import { describe, expect, it } from 'vitest';
import { printFirefoxConformance } from '../conformance/firefox-report.ts';
import { findFirefox, needsFirefox } from '../harness/firefox.ts';
import { IFRAME_SCENARIOS, SCENARIOS, WORKER_SCENARIOS } from '../lab/scenarios.ts';

const FIREFOX = findFirefox();

describe.skipIf(!FIREFOX)(needsFirefox('conformance (firefox)'), () => {
  it('Corsight gives Firefox\'s own verdict on Firefox\'s HAR of the lab; every disagreement is explained', async () => {
    expect(await printFirefoxConformance([...SCENARIOS, ...WORKER_SCENARIOS, ...IFRAME_SCENARIOS])).toBe(0);
  }, 300_000);
});
