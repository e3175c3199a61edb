/**
 * The "Try this fix" trials: per tab, the declarativeNetRequest session rules that make a fix plan
 * true for that tab only (src/trial/rules.ts), and their end. A trial ends when the user ends it,
 * the tab closes or goes to another site, or its time is up; it lives in this worker's memory
 * only, so a new worker instance removes every session rule it finds (rules it does not know) and
 * the worker is kept alive while a trial runs. Tested through getSessionRules() in
 * test/e2e/trial.test.ts.
 */
import { sessionRules, type SessionRule, type TrialTarget } from '../trial/rules.ts';
import type { TrialState } from '../trial/state.ts';
import type { WorkerKeepalive } from './keepalive.ts';


/** The declarativeNetRequest calls the trials make (chrome.declarativeNetRequest in the worker). */
export interface SessionRulesApi {
  updateSessionRules(options: { addRules?: SessionRule[]; removeRuleIds?: number[] }): Promise<void>;
  getSessionRules(): Promise<Array<{ id: number }>>;
}

interface ActiveTrial {
  state: TrialState;
  targets: TrialTarget[];
  ruleIds: number[];
  /** Scheme and host of the tab's page: leaving them ends the trial (stricter than a site). */
  site: string;
  timer: ReturnType<typeof setTimeout>;
}

/** Default and bounds of a trial's duration. */
export const TRIAL_DEFAULT_MS = 10 * 60_000;
export const TRIAL_MIN_MS = 1000;
export const TRIAL_MAX_MS = 60 * 60_000;

function siteOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    // Same scheme and host: a navigation within the page's own origin or its other ports stays.
    return `${u.protocol}//${u.hostname}`;
  } catch {
    return null;
  }
}

export class Trials {
  private readonly byTab = new Map<number, ActiveTrial>();
  private nextRuleId = 1;
  /** Serializes rule updates: each waits for the one before. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly api: SessionRulesApi,
    /** The tab's trial started or ended (badge, subscribers). */
    private readonly onChange: (tabId: number) => void,
    /** The worker stays alive while a trial runs: its end (and its rules) must not be forgotten. */
    private readonly keepalive: WorkerKeepalive,
  ) {}

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** At start-up: every session rule is from an earlier worker instance, whose trials are gone. */
  removeUnknownRules(): Promise<number> {
    return this.serially(async () => {
      const known = new Set([...this.byTab.values()].flatMap((t) => t.ruleIds));
      const stale = (await this.api.getSessionRules()).map((r) => r.id).filter((id) => !known.has(id));
      if (stale.length) await this.api.updateSessionRules({ removeRuleIds: stale });
      return stale.length;
    });
  }

  state(tabId: number): TrialState | undefined {
    return this.byTab.get(tabId)?.state;
  }

  targets(tabId: number): readonly TrialTarget[] | undefined {
    return this.byTab.get(tabId)?.targets;
  }

  /** Starts (or replaces) the tab's trial. `pageUrl`: the tab's URL, whose site the trial stays on. */
  async start(tabId: number, pageOrigin: string, pageUrl: string | null, targets: TrialTarget[], durationMs: number, now = Date.now()): Promise<TrialState> {
    const ms = Math.min(TRIAL_MAX_MS, Math.max(TRIAL_MIN_MS, Math.round(durationMs)));
    const site = siteOf(pageUrl) ?? siteOf(pageOrigin) ?? '';
    await this.serially(async () => {
      const old = this.byTab.get(tabId);
      const rules = targets.flatMap((t) => {
        const r = sessionRules(t, tabId, this.nextRuleId);
        this.nextRuleId += r.length;
        return r;
      });
      await this.api.updateSessionRules({ addRules: rules, ...(old ? { removeRuleIds: old.ruleIds } : {}) });
      if (old) clearTimeout(old.timer);
      const state: TrialState = { origins: targets.map((t) => t.origin), pageOrigin, startedAt: now, endsAt: now + ms };
      const timer = setTimeout(() => void this.end(tabId), ms);
      this.byTab.set(tabId, { state, targets, ruleIds: rules.map((r) => r.id), site, timer });
    });
    this.keepalive.set('trials', this.byTab.size > 0);
    this.onChange(tabId);
    return this.byTab.get(tabId)!.state;
  }

  /** Ends the tab's trial: its rules are removed. False when there was none. */
  async end(tabId: number): Promise<boolean> {
    const ended = await this.serially(async () => {
      const trial = this.byTab.get(tabId);
      if (!trial) return false;
      this.byTab.delete(tabId);
      clearTimeout(trial.timer);
      await this.api.updateSessionRules({ removeRuleIds: trial.ruleIds });
      return true;
    });
    if (ended) {
      this.keepalive.set('trials', this.byTab.size > 0);
      this.onChange(tabId);
    }
    return ended;
  }

  /** The tab navigates: a trial ends when it leaves the trial's site. */
  navigated(tabId: number, url: string | undefined): void {
    const trial = this.byTab.get(tabId);
    if (!trial || url === undefined) return;
    if (siteOf(url) !== trial.site) void this.end(tabId);
  }
}
