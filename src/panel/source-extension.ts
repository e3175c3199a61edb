import browser, { type Runtime } from 'webextension-polyfill';
import { ask } from '../messages/client.ts';
import { SUBSCRIBE_PORT, type SubscribeMessage, type SubscriptionEvent } from '../messages/protocol.ts';
import type { ConnectionStatus, PanelSource } from './source.ts';

/**
 * The panel's only door to the browser: the message API of the service worker (ask + the live
 * subscription port) and chrome.devtools for the inspected tab, the theme and Sources.
 */
const RETRY_MS = [250, 500, 1000, 2000, 5000];

function devtools(): typeof chrome.devtools | undefined {
  return (globalThis as { chrome?: typeof chrome }).chrome?.devtools;
}

/** The tab a panel opened outside DevTools follows: `?tab=N` (the popup's "Open the log in a tab"). */
function tabFromAddress(): number | undefined {
  const value = new URLSearchParams(globalThis.location?.search ?? '').get('tab');
  if (value === null || !/^[1-9][0-9]{0,15}$/.test(value)) return undefined;
  return Number(value);
}

export function createExtensionSource(): PanelSource {
  const dt = devtools();
  const rawTabId = dt?.inspectedWindow?.tabId;
  const tabId = typeof rawTabId === 'number' ? rawTabId : tabFromAddress();
  const openResource = dt?.panels?.openResource;

  return {
    tabId,
    themeName: dt?.panels?.themeName,

    subscribe(onEvent: (event: SubscriptionEvent) => void, onStatus?: (status: ConnectionStatus) => void) {
      let stopped = false;
      let port: Runtime.Port | undefined;
      let attempt = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;

      const connect = () => {
        if (stopped || tabId === undefined) return;
        onStatus?.({ state: 'connecting' });
        let gotEvent = false;
        try {
          port = browser.runtime.connect({ name: SUBSCRIBE_PORT });
        } catch (e) {
          onStatus?.({ state: 'unreachable', message: String(e) });
          schedule();
          return;
        }
        port.onMessage.addListener((message: unknown) => {
          if (!gotEvent) {
            gotEvent = true;
            attempt = 0;
            onStatus?.({ state: 'live' });
          }
          onEvent(message as SubscriptionEvent);
        });
        port.onDisconnect.addListener((p: Runtime.Port) => {
          port = undefined;
          if (stopped) return;
          const error = p.error?.message ?? (globalThis as { chrome?: typeof chrome }).chrome?.runtime?.lastError?.message;
          onStatus?.({ state: 'unreachable', message: error ?? 'The Corsight service worker closed the connection.' });
          schedule();
        });
        const hello: SubscribeMessage = { type: 'subscribe', tabId };
        port.postMessage(hello);
      };
      // A worker restarted by the browser drops the port: reconnect, a fresh snapshot follows.
      const schedule = () => {
        if (stopped) return;
        const delay = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)] ?? 5000;
        timer = setTimeout(connect, delay);
      };
      connect();
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        port?.disconnect();
      };
    },

    report() {
      if (tabId === undefined) return Promise.reject(new Error('No inspected tab.'));
      return ask({ type: 'tab/report', tabId });
    },
    async clear() {
      if (tabId === undefined) return;
      await ask({ type: 'tab/clear', tabId });
    },
    async setPreserveLog(preserve: boolean) {
      if (tabId === undefined) return preserve;
      return (await ask({ type: 'tab/preserve-log', tabId, preserve })).preserveLog;
    },
    getSettings() {
      return ask({ type: 'settings/get' });
    },
    setSettings(patch) {
      return ask({ type: 'settings/set', patch });
    },
    ...(tabId !== undefined
      ? {
          startTrial: (plans, pageOrigin, reload) => ask({ type: 'trial/start', tabId, plans, pageOrigin, reload }),
          endTrial: async () => (await ask({ type: 'trial/end', tabId })).ended,
        } satisfies Pick<PanelSource, 'startTrial' | 'endTrial'>
      : {}),
    ...(openResource
      ? { openResource: (url: string, lineNumber: number, columnNumber?: number) => openResource(url, lineNumber, columnNumber ?? 0, () => undefined) }
      : {}),
  };
}
