import type { Settings, SubscriptionEvent } from '../messages/protocol.ts';
import type { FixPlan } from '../engine/types.ts';
import type { TabReport } from '../store/report.ts';
import type { TrialState } from '../trial/state.ts';

/**
 * Everything the panel needs from the outside world, behind one interface: the live log of the
 * inspected tab, the worker's commands and settings, and the few DevTools services (theme,
 * "open in Sources"). The real implementation (source-extension.ts) is the only panel module
 * that touches `chrome.*`; tests and the benchmark use in-memory sources.
 */
export interface PanelSource {
  /** The inspected tab, when known (DevTools always knows it). */
  readonly tabId: number | undefined;
  /** `chrome.devtools.panels.themeName`: 'dark' | 'default'; undefined outside DevTools. */
  readonly themeName: string | undefined;
  /**
   * Follow the tab's log live. `onEvent` receives a `snapshot` first (and after every clear or
   * navigation), then `records` batches. `onStatus` says whether the worker is reachable.
   * Returns an unsubscribe function.
   */
  subscribe(onEvent: (event: SubscriptionEvent) => void, onStatus?: (status: ConnectionStatus) => void): () => void;
  /** The tab's whole report (the JSON export format). */
  report(): Promise<TabReport>;
  clear(): Promise<void>;
  setPreserveLog(preserve: boolean): Promise<boolean>;
  getSettings(): Promise<Settings>;
  setSettings(patch: Partial<Settings>): Promise<Settings>;
  /**
   * "Try this fix": the plans' headers for this tab only (the worker's session rules), or why
   * not; absent where there is no worker (imported files, tests).
   */
  startTrial?: (plans: FixPlan[], pageOrigin: string, reload: boolean) => Promise<{ trial: TrialState } | { refused: string }>;
  endTrial?: () => Promise<boolean>;
  /** Reveal a script location in the Sources panel; absent when DevTools is not around. */
  openResource?: (url: string, lineNumber: number, columnNumber?: number) => void;
}

export type ConnectionStatus = { state: 'connecting' } | { state: 'live' } | { state: 'unreachable'; message: string };
