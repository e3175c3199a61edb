/**
 * Everything the popup asks of the browser and of the worker: the only popup module that
 * touches chrome.* (tabs) or the message API. `?tabId=N` on the popup URL picks the tab
 * (tests, screenshots); otherwise the active tab of the current window.
 */
import { ask } from '../messages/client.ts';
import type { Settings } from '../messages/protocol.ts';
import type { FixPlan } from '../engine/types.ts';
import type { CaptureState, TabReport } from '../store/report.ts';
import type { TrialState } from '../trial/state.ts';
import { tabIdOverride } from './model.ts';

export interface TabRef {
  id: number;
  /** null when Chromium does not show Corsight the URL (browser pages). */
  url: string | null;
}

export async function currentTab(search = location.search): Promise<TabRef | undefined> {
  const forced = tabIdOverride(search);
  if (forced !== undefined) {
    try {
      const tab = await chrome.tabs.get(forced);
      return { id: forced, url: tab.url || tab.pendingUrl || null };
    } catch {
      return undefined;
    }
  }
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  if (tab?.id === undefined) return undefined;
  return { id: tab.id, url: tab.url || tab.pendingUrl || null };
}

export const readReport = (tabId: number): Promise<TabReport> => ask({ type: 'tab/report', tabId });
export const readSettings = (): Promise<Settings> => ask({ type: 'settings/get' });
export const saveSettings = (patch: Partial<Settings>): Promise<Settings> => ask({ type: 'settings/set', patch });
export const saveStack = (snippetStack: string): Promise<Settings> => saveSettings({ snippetStack });
export const startCapture = async (tabId: number, reload: boolean): Promise<CaptureState> =>
  (await ask({ type: 'capture/start', tabId, reload })).capture;
export const openLogInTab = async (tabId: number): Promise<void> => {
  await ask({ type: 'tab/open-log', tabId });
};
export const stopCapture = async (tabId: number): Promise<CaptureState> => (await ask({ type: 'capture/stop', tabId })).capture;

export const startTrial = (tabId: number, plans: FixPlan[], pageOrigin: string): Promise<{ trial: TrialState } | { refused: string }> =>
  ask({ type: 'trial/start', tabId, plans, pageOrigin, reload: true });
export const endTrial = async (tabId: number): Promise<boolean> => (await ask({ type: 'trial/end', tabId })).ended;
