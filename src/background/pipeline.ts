import type { Exchange, Verdict } from '../engine/types.ts';
import type { DiagnosedExchange } from '../store/tab-log.ts';

/** What `complete` says of an exchange: completed, or its page's call is expected but not here yet. */
export type Completion = { exchange: Exchange } | { waitFor: 'page-call' };

/**
 * The pipeline's diagnosis step: every captured exchange, from any source, is queued here, judged
 * once by the engine, then handed to the tab's log. Exchanges wait in the queue until the logs
 * are loaded (start-up) and are drained by every reader and every checkpoint, so a report never
 * misses one that arrived before it, except one held for its page's call (below).
 *
 * The page's call (the request context) and the network reach the worker by different paths, and
 * nothing orders them: on a loaded machine the call can come after the request has failed (seen
 * in CI: a preflight-stopped request judged without its header list named the wrong header). An
 * exchange whose call is expected but not here yet waits in the queue, at most `holdMs` after it
 * was queued; then it is judged with what the capture saw.
 */
export class DiagnosisPipeline {
  private readonly queue = new Map<number, Array<{ exchange: Exchange; queuedAt: number }>>();
  private open = false;

  /**
   * `complete`: what the capture did not see, added just before judging (the page's request
   * context). `onHold`: called after a drain that held exchanges, with the time the first hold ends.
   */
  constructor(
    private readonly judge: (exchange: Exchange) => Verdict,
    private readonly append: (tabId: number, diagnosed: DiagnosedExchange[]) => void,
    private readonly complete: (tabId: number, exchange: Exchange) => Completion = (_tabId, exchange) => ({ exchange }),
    private readonly holdMs = 0,
    private readonly onHold: (until: number) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  push(tabId: number, exchange: Exchange): void {
    let list = this.queue.get(tabId);
    if (!list) this.queue.set(tabId, (list = []));
    list.push({ exchange, queuedAt: this.now() });
  }

  /** The logs are loaded: drains from now on. */
  openLogs(): void {
    this.open = true;
  }

  /** Whether the logs are loaded (the worker writes nothing before). */
  get logsOpen(): boolean {
    return this.open;
  }

  /** Drops what the queue holds for `tabId` (its log was cleared or the tab closed). */
  forgetTab(tabId: number): void {
    this.queue.delete(tabId);
  }

  /** Whether exchanges of `tabId` wait in the queue. */
  holds(tabId: number): boolean {
    return (this.queue.get(tabId)?.length ?? 0) > 0;
  }

  /** The exchanges still queued, per tab, in order (a checkpoint stores those a drain held). */
  queued(): Array<[number, Exchange]> {
    const out: Array<[number, Exchange]> = [];
    for (const [tabId, list] of this.queue) for (const item of list) out.push([tabId, item.exchange]);
    return out;
  }

  /**
   * Judges and appends every queued exchange, but those held for their page's call (nothing
   * before the logs are loaded). Returns the tabs that got some.
   */
  drain(): number[] {
    if (!this.open || this.queue.size === 0) return [];
    const now = this.now();
    const tabs: number[] = [];
    let holdEnds = Infinity;
    for (const [tabId, list] of this.queue) {
      const diagnosed: DiagnosedExchange[] = [];
      const held: typeof list = [];
      for (const item of list) {
        const completion = this.complete(tabId, item.exchange);
        if ('exchange' in completion) {
          diagnosed.push({ exchange: completion.exchange, verdict: this.judge(completion.exchange) });
        } else if (now - item.queuedAt < this.holdMs) {
          held.push(item);
          holdEnds = Math.min(holdEnds, item.queuedAt + this.holdMs);
        } else {
          // The call never came (a worker's request, a frame the hook is not in): as captured.
          diagnosed.push({ exchange: item.exchange, verdict: this.judge(item.exchange) });
        }
      }
      if (diagnosed.length > 0) {
        this.append(tabId, diagnosed);
        tabs.push(tabId);
      }
      if (held.length > 0) this.queue.set(tabId, held);
      else this.queue.delete(tabId);
    }
    if (holdEnds !== Infinity) this.onHold(holdEnds);
    return tabs;
  }
}
