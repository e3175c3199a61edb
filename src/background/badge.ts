/**
 * The toolbar badge of a tab, as a pure function of the tab's state, plus one small function
 * that applies it with chrome.action. The worker decides when to call them (docs/popup.md).
 *
 * - Captured tab (DevTools open or "Diagnose this tab"): the number of blocked requests, red.
 * - Tab not captured: the likely-CORS failures counted by the cheap watch, amber and prefixed
 *   with "~" (a guess, not a diagnosis).
 * - Nothing to report: no badge.
 * The badge fits in four characters ("999+", "~99+"); the title carries the exact number.
 */

export interface BadgeState {
  /** DevTools capture or webRequest capture is on for the tab. */
  capturing: boolean;
  /** Blocked requests in the tab's log (counts.blocked). */
  blocked: number;
  /** Likely-CORS failures seen by the cheap watch (TabReport.likelyCorsFailures). */
  likelyCorsFailures: number;
  /** Servers whose responses a "Try this fix" trial edits in this tab (none: no trial). */
  trialOrigins?: readonly string[];
}

export interface Badge {
  /** '' = no badge. */
  text: string;
  /** Badge background. */
  color: string;
  /** Badge text color (contrast with `color`). */
  textColor: string;
  /** Tooltip of the toolbar button. */
  title: string;
}

export const BADGE_BLOCKED_COLOR = '#c5221f';
export const BADGE_LIKELY_COLOR = '#f9ab00';
export const BADGE_TRIAL_COLOR = '#7b1fa2';
export const BADGE_IDLE_TITLE = 'Corsight: why did the browser block that cross-origin request?';

function count(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function badgeFor(state: BadgeState): Badge {
  // A trial modifies responses: that is said first, whatever else the tab has.
  if (state.trialOrigins && state.trialOrigins.length > 0) {
    return {
      text: 'TRY',
      color: BADGE_TRIAL_COLOR,
      textColor: '#ffffff',
      title: `Corsight is trying a fix in this tab: responses of ${state.trialOrigins.join(', ')} are being modified. Open Corsight to end it.`,
    };
  }
  if (state.capturing) {
    const n = count(state.blocked);
    if (n === 0) return { text: '', color: BADGE_BLOCKED_COLOR, textColor: '#ffffff', title: `${BADGE_IDLE_TITLE}\nCapturing this tab: nothing blocked so far.` };
    return {
      text: n > 999 ? '999+' : String(n),
      color: BADGE_BLOCKED_COLOR,
      textColor: '#ffffff',
      title: `${plural(n, 'request', 'requests')} blocked by CORS on this tab; open Corsight for the fix`,
    };
  }
  const n = count(state.likelyCorsFailures);
  if (n === 0) return { text: '', color: BADGE_LIKELY_COLOR, textColor: '#000000', title: BADGE_IDLE_TITLE };
  return {
    text: n > 99 ? '~99+' : `~${n}`,
    color: BADGE_LIKELY_COLOR,
    textColor: '#000000',
    title: `${n} failed ${n === 1 ? 'request looks like a CORS error' : 'requests look like CORS errors'}; open Corsight to diagnose`,
  };
}

/** Shows `badge` on the tab's toolbar button. Never throws (the tab may be gone). */
export async function applyBadge(tabId: number, badge: Badge): Promise<void> {
  const action = globalThis.chrome?.action;
  if (!action) return;
  await Promise.all([
    action.setBadgeText({ tabId, text: badge.text }),
    action.setBadgeBackgroundColor({ tabId, color: badge.color }),
    action.setBadgeTextColor?.({ tabId, color: badge.textColor }),
    action.setTitle({ tabId, title: badge.title }),
  ]).catch(() => undefined);
}

/**
 * The badges of all tabs: applies a tab's badge only when it changed (each change costs four
 * extension API calls), and collects tabs to update at the next checkpoint.
 */
export class TabBadges {
  private readonly applied = new Map<number, string>();
  private readonly dirty = new Set<number>();

  constructor(private readonly stateOf: (tabId: number) => BadgeState) {}

  update(tabId: number): void {
    const badge = badgeFor(this.stateOf(tabId));
    const key = `${badge.text}\n${badge.color}\n${badge.textColor}\n${badge.title}`;
    if (this.applied.get(tabId) === key) return;
    this.applied.set(tabId, key);
    void applyBadge(tabId, badge);
  }

  /** The tab's state changed: update its badge with the next `updateDirty()`. */
  markDirty(tabId: number): void {
    this.dirty.add(tabId);
  }

  updateDirty(): void {
    for (const tabId of this.dirty) this.update(tabId);
    this.dirty.clear();
  }

  /** Chromium reset the tab's badge (it navigated) or the tab is gone: apply it again next time. */
  forget(tabId: number): void {
    this.applied.delete(tabId);
  }
}
