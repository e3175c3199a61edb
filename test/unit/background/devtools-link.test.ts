/** The worker's link to the DevTools pages: open tabs, activation and its backlog wait. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DevtoolsLink } from '../../../src/background/devtools-link.ts';
import type { DevtoolsPortCommand } from '../../../src/messages/protocol.ts';

class FakePort {
  sent: DevtoolsPortCommand[] = [];
  postMessage(message: DevtoolsPortCommand): void {
    this.sent.push(message);
  }
}

describe('DevtoolsLink', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks an idle page once, however many wait, and lets them all go when it is active', async () => {
    const link = new DevtoolsLink<FakePort>(3000);
    const port = new FakePort();
    link.connected(5, port);
    let done = 0;
    void link.activate(5).then(() => done++);
    void link.activate(5).then(() => done++);
    expect(port.sent).toEqual([{ type: 'activate' }]);
    link.markActive(5);
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(2);
    // Listening now: nothing more to ask.
    await link.activate(5);
    expect(port.sent).toHaveLength(1);
    expect(link.activeTabs()).toEqual([5]);
  });

  it('gives up after the backlog wait, and asks again on the next call', async () => {
    const link = new DevtoolsLink<FakePort>(3000);
    const port = new FakePort();
    link.connected(5, port);
    let done = false;
    void link.activate(5).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(2999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    void link.activate(5);
    expect(port.sent).toEqual([{ type: 'activate' }, { type: 'activate' }]);
  });

  it('does nothing for a tab without DevTools, and forgets a tab with its last page', async () => {
    const link = new DevtoolsLink<FakePort>(3000);
    await link.activate(9);
    const a = new FakePort();
    const b = new FakePort();
    link.connected(9, a);
    link.connected(9, b);
    link.markActive(9);
    link.post(9, { type: 'persisted', page: 'p', upTo: 3 });
    expect([a.sent, b.sent]).toEqual([[{ type: 'persisted', page: 'p', upTo: 3 }], [{ type: 'persisted', page: 'p', upTo: 3 }]]);
    link.disconnected(9, a);
    expect([link.isOpen(9), link.activeTabs()]).toEqual([true, [9]]);
    link.disconnected(9, b);
    expect([link.isOpen(9), link.activeTabs(), link.openTabs()]).toEqual([false, [], []]);
  });
});
