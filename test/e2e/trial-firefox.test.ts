/**
 * "Try this fix" in Firefox: the Firefox build's declarativeNetRequest session rules, made from the
 * plans Corsight derived for three refused requests (a refused preflighted PUT, a missing
 * Allow-Origin, a refused custom header), make the same requests pass in that tab, preflights
 * included, and ending the trial refuses them again. Real Firefox ESR over WebDriver BiDi; skipped,
 * with the reason, when Firefox is not installed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FixPlan } from '../../src/engine/types.ts';
import { askWorker, findFirefox, FIREFOX_EXTENSION_DIR, launchFirefox, needsFirefox, type LaunchedFirefox } from '../harness/firefox.ts';
import { startLab, type Lab } from '../lab/server.ts';

const FIREFOX = findFirefox();
const IDS = ['fetch-put-denied', 'fetch-get-no-acao', 'fetch-custom-header-denied'];
let lab: Lab | undefined;
let firefox: LaunchedFirefox | undefined;
afterAll(async () => {
  await firefox?.close();
  await lab?.close();
});

describe.skipIf(!FIREFOX)(needsFirefox('trial (firefox)'), () => {
  it('the plans\' headers, tried in the tab, let the refused requests through, and only while the trial lasts', async () => {
    lab = await startLab();
    firefox = await launchFirefox({ executablePath: FIREFOX, extensionDir: FIREFOX_EXTENSION_DIR });
    const page = await firefox.browser.newPage();
    await page.goto(lab.pageUrl);
    await askWorker(page, { type: 'capture/start', reload: false });
    const runAll = async () => {
      const out: boolean[] = [];
      for (const id of IDS) out.push(((await page.evaluate(`window.corsightLab.ready.then(() => window.corsightLab.run(${JSON.stringify(id)}))`)) as { ok: boolean }).ok);
      return out;
    };
    expect(await runAll()).toEqual([false, false, false]);
    let plans: FixPlan[] = [];
    for (let i = 0; i < 40 && plans.length < IDS.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const report = await askWorker(page, { type: 'tab/report' });
      plans = report.entries.filter((e) => e.status === 'blocked' && e.diagnosis.fixPlan).map((e) => e.diagnosis.fixPlan!);
    }
    expect(plans).toHaveLength(IDS.length);
    const started = await askWorker(page, { type: 'trial/start', pageOrigin: lab.origins.app, plans, reload: false });
    expect(started).toHaveProperty('trial');
    expect(await runAll()).toEqual([true, true, true]);
    expect(await askWorker(page, { type: 'trial/end' })).toEqual({ ended: true });
    expect(await runAll()).toEqual([false, false, false]);
  }, 120_000);
});
