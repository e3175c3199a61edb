/**
 * The pages following a tab's log live (the panel, the popup), each through a port: the worker
 * posts them the tab's new records, a fresh snapshot after a reset, and capture changes.
 */
import type { SubscriptionEvent } from '../messages/protocol.ts';
import { PortsByTab } from './ports-by-tab.ts';

export interface EventPort {
  postMessage(message: SubscriptionEvent): void;
}

export class Subscribers<P extends EventPort> extends PortsByTab<P> {
  /** Posts to every follower of the tab; `event` is built only when there is one. */
  post(tabId: number, event: SubscriptionEvent | (() => SubscriptionEvent | undefined)): void {
    const ports = this.of(tabId);
    if (ports.size === 0) return;
    const message = typeof event === 'function' ? event() : event;
    if (message) for (const port of ports) port.postMessage(message);
  }
}
