/**
 * The pages following a tab's log live (the panel, the popup), each through a port: the worker
 * posts them the tab's new records, a fresh snapshot after a reset, and capture changes.
 */
import type { SubscriptionEvent } from '../messages/protocol.ts';

export interface EventPort {
  postMessage(message: SubscriptionEvent): void;
}

export class Subscribers<P extends EventPort> {
  private readonly byTab = new Map<number, Set<P>>();

  add(tabId: number, port: P): void {
    let set = this.byTab.get(tabId);
    if (!set) this.byTab.set(tabId, (set = new Set()));
    set.add(port);
  }

  remove(tabId: number, port: P): void {
    const set = this.byTab.get(tabId);
    if (!set) return;
    set.delete(port);
    if (set.size === 0) this.byTab.delete(tabId);
  }

  /** Posts to every follower of the tab; `event` is built only when there is one. */
  post(tabId: number, event: SubscriptionEvent | (() => SubscriptionEvent | undefined)): void {
    const ports = this.byTab.get(tabId);
    if (!ports?.size) return;
    const message = typeof event === 'function' ? event() : event;
    if (message) for (const port of ports) port.postMessage(message);
  }
}
