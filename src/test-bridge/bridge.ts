/**
 * Test-only bridge for Firefox (absent from release builds): Firefox's WebDriver BiDi cannot
 * script moz-extension:// pages (https://bugzilla.mozilla.org/show_bug.cgi?id=1755014), so a test
 * reads the worker through a content script on its own local page. The page posts
 * `{ [BRIDGE_KEY]: 'ask', id, request }`; the content script sends it to the background as a
 * BRIDGE_MESSAGE, where `tabId: 'this-tab'` becomes the sending tab's id; the answer comes back as
 * `{ [BRIDGE_KEY]: 'answer', id, answer }`. Only the test build registers it (worker: test API).
 */
export const BRIDGE_KEY = 'corsightTestBridge';
export const BRIDGE_MESSAGE = 'test/bridge';
export const BRIDGE_FILE = 'test-bridge.js';
export const THIS_TAB = 'this-tab';

/** The content script (isolated world), self-contained: it is emitted as a file from its source. */
export function installTestBridge(key: string, messageType: string): void {
  const api = (globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome;
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { [k: string]: unknown; id?: unknown; request?: unknown } | null;
    if (event.source !== window || !data || data[key] !== 'ask') return;
    const reply = (answer: unknown) => window.postMessage({ [key]: 'answer', id: data.id, answer }, window.location.origin);
    Promise.resolve(api.runtime.sendMessage({ type: messageType, request: data.request })).then(reply, (e: unknown) => reply({ error: String(e) }));
  });
}

/** The request a bridge message carries, with `this-tab` replaced by the sending tab, or undefined. */
export function bridgedRequest(message: unknown, senderTabId: number | undefined): unknown {
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== BRIDGE_MESSAGE) return undefined;
  const request = (message as { request?: unknown }).request;
  if (typeof request !== 'object' || request === null) return undefined;
  const copy = { ...(request as Record<string, unknown>) };
  if (copy.tabId === THIS_TAB) copy.tabId = senderTabId;
  return copy;
}
