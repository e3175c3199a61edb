/**
 * Keeps the service worker from being idled out while any part needs it (a captured tab, a running
 * trial): any extension API call resets Chromium's 30 s idle timer, so one periodic ping serves
 * every holder, and it stops when the last one lets go.
 */
export class WorkerKeepalive {
  private readonly holders = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly ping: () => void,
    private readonly everyMs: number,
  ) {}

  /** Whether `holder` needs the worker alive from now on. */
  set(holder: string, needed: boolean): void {
    if (needed) this.holders.add(holder);
    else this.holders.delete(holder);
    if (this.holders.size > 0 && this.timer === undefined) {
      this.timer = setInterval(this.ping, this.everyMs);
    } else if (this.holders.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
