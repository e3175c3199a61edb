import type { WorkerKeepalive } from './keepalive.ts';
import { watchRequests } from '../capture/webrequest/listeners.ts';
import type { RawWebRequestEvent } from '../capture/webrequest/raw-event.ts';
import { RingBuffer } from './ring-buffer.ts';

/**
 * Capture control for the webRequest source (DevTools closed, capture/start): which tabs are
 * captured, their tab-filtered `extraHeaders` listeners, and the worker's keepalive while any is.
 *
 * Worker restarts: the captured-tab set lives in storage.session, which a woken worker can only
 * read asynchronously, but Chromium delivers the waking event at once. So the constructor (run
 * at the worker's synchronous top level) registers start-up listeners for every tab, which hold
 * what they see until `adoptStoredTabs` names the captured tabs; then tab-filtered listeners
 * replace them after a short overlap, events seen by both taken once. Measured (docs/capture.md):
 * listeners added only after reading storage lost about 1% of the requests straddling a stop.
 * An extraHeaders listener taxes every request of every tab, hence the short life of the
 * start-up ones.
 *
 * Events reach `sink` in delivery order; until `release()` (the assembler has its restored
 * state) they are held, so replayed journal events come before them.
 */
export class CaptureControl {
  private readonly captured = new Set<number>();
  private readonly tabListeners = new Map<number, () => void>();
  private tabsKnown = false;
  private readonly startupEvents: RawWebRequestEvent[] = [];
  /** Events seen by both the start-up and the tab listeners while they overlap (key: id, phase, time). */
  private overlapSeen: Set<string> | undefined = new Set();
  private stopStartupListeners: (() => void) | undefined;
  private released = false;
  private readonly heldEvents: RawWebRequestEvent[] = [];
  /** Raw events of captured tabs, for tests (debug/raw-events): filled in the test build only. */
  readonly rawEvents = new RingBuffer<RawWebRequestEvent>(2000);
  /** The longest delay seen between an event's time stamp and its arrival here (debug/state). */
  maxEventDelayMs = 0;

  constructor(
    private readonly sink: (event: RawWebRequestEvent) => void,
    private readonly options: { keepalive: WorkerKeepalive; startupOverlapMs: number; maxStartupEvents: number },
  ) {
    this.stopStartupListeners = watchRequests(undefined, (event) => {
      if (!this.tabsKnown) {
        if (this.startupEvents.length < this.options.maxStartupEvents) this.startupEvents.push(event);
      } else if (this.captured.has(event.tabId)) this.onEvent(event);
    });
  }

  has(tabId: number): boolean {
    return this.captured.has(tabId);
  }

  tabs(): number[] {
    return [...this.captured];
  }

  /** The captured tabs as the previous worker stored them: listen to them, pass on what the start-up listeners held. */
  adoptStoredTabs(tabIds: readonly number[]): void {
    for (const tabId of tabIds) this.start(tabId);
    this.tabsKnown = true;
    for (const event of this.startupEvents.splice(0)) if (this.captured.has(event.tabId)) this.onEvent(event);
    // An event Chromium dispatched to the start-up listeners just before the swap still reaches them.
    if (this.captured.size === 0) this.endStartupListeners();
    else setTimeout(() => this.endStartupListeners(), this.options.startupOverlapMs);
  }

  /** Start-up failed: stop waiting for the stored set. */
  giveUpStoredTabs(): void {
    this.tabsKnown = true;
    this.endStartupListeners();
    this.release();
  }

  /** The sink may take events now: the held ones first, in order. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const event of this.heldEvents.splice(0)) this.sink(event);
  }

  /** Listens to a tab (idempotent). Returns whether it was newly captured. */
  start(tabId: number): boolean {
    if (this.captured.has(tabId)) return false;
    this.captured.add(tabId);
    this.tabListeners.set(tabId, watchRequests(tabId, (event) => this.onEvent(event)));
    // Not idled out while the user has asked to capture a tab (forced stops: the start-up listeners).
    this.options.keepalive.set('capture', true);
    return true;
  }

  /** Stops listening to a tab. Returns whether it was captured. */
  stop(tabId: number): boolean {
    if (!this.captured.delete(tabId)) return false;
    this.tabListeners.get(tabId)?.();
    this.tabListeners.delete(tabId);
    if (this.tabListeners.size === 0) this.options.keepalive.set('capture', false);
    return true;
  }

  private endStartupListeners(): void {
    this.stopStartupListeners?.();
    this.stopStartupListeners = undefined;
    this.overlapSeen = undefined;
  }

  /** Both listener sets feed this: an event they both saw is taken once. */
  private onEvent(event: RawWebRequestEvent): void {
    if (this.overlapSeen) {
      const key = `${event.requestId}|${event.phase}|${event.timeStamp}`;
      if (this.overlapSeen.has(key)) return;
      this.overlapSeen.add(key);
    }
    if (__CORSIGHT_TEST_API__) this.rawEvents.push(event);
    const delay = Date.now() - event.timeStamp;
    if (delay > this.maxEventDelayMs) this.maxEventDelayMs = delay;
    if (!this.released) this.heldEvents.push(event);
    else this.sink(event);
  }
}
