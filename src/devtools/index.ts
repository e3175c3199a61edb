import { ask } from '../messages/client.ts';

/**
 * The DevTools page loads whenever DevTools opens on a tab, panel shown or not, so the network
 * log is listened to here (a panel would miss everything before it is first shown).
 */
chrome.devtools.panels.create('CORS', 'icons/icon-32.png', 'src/panel/index.html');

const tabId = chrome.devtools.inspectedWindow.tabId;

chrome.devtools.network.onRequestFinished.addListener((entry) => {
  // The entry carries a getContent() function: send the plain HAR fields only.
  const { getContent: _ignored, ...har } = entry as chrome.devtools.network.Request & { getContent?: unknown };
  void ask({ type: 'devtools/har-entries', tabId, entries: [har] }).catch(() => undefined);
});
