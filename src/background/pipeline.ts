import type { Diagnosis, Exchange } from '../engine/types.ts';
import type { DiagnosedExchange } from '../store/tab-log.ts';

/**
 * The pipeline's diagnosis step: every captured exchange, from any source, is queued here, judged
 * once by the engine, then handed to the tab's log. Exchanges wait in the queue until the logs
 * are loaded (start-up) and are drained by every reader and every checkpoint, so a report never
 * misses one that arrived before it.
 */
export class DiagnosisPipeline {
  private readonly queue = new Map<number, Exchange[]>();
  private open = false;

  /**
   * `complete`: what the capture did not see, added just before judging (the page's request
   * context: its records have had until the drain to arrive).
   */
  constructor(
    private readonly judge: (exchange: Exchange) => Diagnosis,
    private readonly append: (tabId: number, diagnosed: DiagnosedExchange[]) => void,
    private readonly complete: (tabId: number, exchange: Exchange) => Exchange = (_tabId, exchange) => exchange,
  ) {}

  push(tabId: number, exchange: Exchange): void {
    let list = this.queue.get(tabId);
    if (!list) this.queue.set(tabId, (list = []));
    list.push(exchange);
  }

  /** The logs are loaded: drains from now on. */
  openLogs(): void {
    this.open = true;
  }

  /** Whether the logs are loaded (the worker writes nothing before). */
  get logsOpen(): boolean {
    return this.open;
  }

  /** Judges and appends every queued exchange (nothing before the logs are loaded). Returns the tabs that got some. */
  drain(): number[] {
    if (!this.open || this.queue.size === 0) return [];
    const tabs: number[] = [];
    for (const [tabId, list] of this.queue) {
      this.append(
        tabId,
        list.map((captured) => {
          const exchange = this.complete(tabId, captured);
          return { exchange, diagnosis: this.judge(exchange) };
        }),
      );
      tabs.push(tabId);
    }
    this.queue.clear();
    return tabs;
  }
}
