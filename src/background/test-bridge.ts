import { BRIDGE_FILE } from '../test-bridge/bridge.ts';
import { isFirefox } from '../shared/platform.ts';

export { bridgedRequest } from '../test-bridge/bridge.ts';

const BRIDGE_SCRIPT_ID = 'corsight-test-bridge';

/**
 * Test build in Firefox only: the bridge content script on every http page (tests run on local
 * servers). Chromium's tests read the worker over CDP and need no bridge.
 */
export async function registerTestBridge(): Promise<void> {
  if (!__CORSIGHT_TEST_API__ || !isFirefox()) return;
  await chrome.scripting.unregisterContentScripts({ ids: [BRIDGE_SCRIPT_ID] }).catch(() => undefined);
  await chrome.scripting.registerContentScripts([
    { id: BRIDGE_SCRIPT_ID, js: [BRIDGE_FILE], matches: ['http://*/*'], runAt: 'document_start', persistAcrossSessions: false },
  ]);
}
