/** Live followers of a tab's log: who gets what, and no work for tabs nobody follows. */
import { describe, expect, it } from 'vitest';
import { Subscribers } from '../../../src/background/subscribers.ts';
import type { SubscriptionEvent } from '../../../src/messages/protocol.ts';

class FakePort {
  got: SubscriptionEvent[] = [];
  postMessage(message: SubscriptionEvent): void {
    this.got.push(message);
  }
}

describe('Subscribers', () => {
  it('posts to the followers of that tab only, until they leave', () => {
    const subs = new Subscribers<FakePort>();
    const panel = new FakePort();
    const popup = new FakePort();
    const other = new FakePort();
    subs.add(1, panel);
    subs.add(1, popup);
    subs.add(2, other);
    const event: SubscriptionEvent = { type: 'capture', capture: { devtools: true, webRequest: false, cheapWatch: true } };
    subs.post(1, event);
    subs.remove(1, popup);
    subs.post(1, event);
    expect([panel.got.length, popup.got.length, other.got.length]).toEqual([2, 1, 0]);
  });

  it('builds a lazy event only for a tab someone follows', () => {
    const subs = new Subscribers<FakePort>();
    let built = 0;
    const build = () => (built++, undefined);
    subs.post(3, build);
    expect(built).toBe(0);
    const port = new FakePort();
    subs.add(3, port);
    subs.post(3, build);
    expect([built, port.got.length]).toEqual([1, 0]);
  });
});
