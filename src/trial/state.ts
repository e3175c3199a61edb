/** What the panel and popup show of a tab's "Try this fix" trial (src/background/trials.ts runs it). */
export interface TrialState {
  /** The servers whose responses are edited in this tab. */
  origins: string[];
  /** The page origin the trial allows. */
  pageOrigin: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
  endsAt: number;
}
