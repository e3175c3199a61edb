/**
 * The worker's side of the DevTools pages: which tabs have DevTools open (a page holds a port
 * open), which of those pages listen to the network log, and asking one to start. A page starts
 * idle, because an onRequestFinished listener costs every request (docs/capture.md); the worker
 * sends `activate` when the tab is to be diagnosed and the page answers `active` once its backlog
 * (getHAR() since the last navigation) has been sent.
 */
import type { DevtoolsPortCommand } from '../messages/protocol.ts';
import { PortsByTab } from './ports-by-tab.ts';

/** What the link needs of a runtime port. */
export interface CommandPort {
  postMessage(message: DevtoolsPortCommand): void;
}

export class DevtoolsLink<P extends CommandPort> {
  private readonly ports = new PortsByTab<P>();
  private readonly active = new Set<number>();
  /** Per tab, an `activate` sent and what waits for the page's `active`. */
  private readonly waiters = new Map<number, { waiting: Array<() => void> }>();

  /** `backlogWaitMs`: how long activate() waits for the page's answer before giving up. */
  constructor(private readonly backlogWaitMs: number) {}

  /** DevTools is open on the tab. */
  isOpen(tabId: number): boolean {
    return this.ports.has(tabId);
  }

  openTabs(): number[] {
    return this.ports.tabs();
  }

  activeTabs(): number[] {
    return [...this.active];
  }

  connected(tabId: number, port: P): void {
    this.ports.add(tabId, port);
  }

  /** A page went away; with the last one the tab is neither open nor listening. */
  disconnected(tabId: number, port: P): void {
    if (this.ports.remove(tabId, port)) this.active.delete(tabId);
  }

  /**
   * The tab is to be diagnosed: if DevTools is open on it and its page is not listening yet, ask
   * it to. Resolves once the page says its backlog has arrived, or after backlogWaitMs (the page
   * was reloading?), after which the next call asks again.
   */
  activate(tabId: number): Promise<void> {
    const ports = this.ports.of(tabId);
    if (ports.size === 0 || this.active.has(tabId)) return Promise.resolve();
    return new Promise((resolve) => {
      let request = this.waiters.get(tabId);
      if (!request) {
        const sent: { waiting: Array<() => void> } = (request = { waiting: [] });
        this.waiters.set(tabId, sent);
        for (const port of ports) port.postMessage({ type: 'activate' });
        setTimeout(() => {
          if (this.waiters.get(tabId) === sent) this.waiters.delete(tabId);
          for (const done of sent.waiting.splice(0)) done();
        }, this.backlogWaitMs);
      }
      request.waiting.push(resolve);
    });
  }

  /** The page says it listens, its backlog sent. */
  markActive(tabId: number): void {
    this.active.add(tabId);
    const request = this.waiters.get(tabId);
    this.waiters.delete(tabId);
    for (const done of request?.waiting.splice(0) ?? []) done();
  }

  /** Sends a command to every DevTools page of the tab. */
  post(tabId: number, command: DevtoolsPortCommand): void {
    for (const port of this.ports.of(tabId)) port.postMessage(command);
  }
}
