/** ask(): the worker's answer, or an error a user can act on when there is none to use. */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const sendMessage = vi.fn<(message: unknown) => Promise<unknown>>();
vi.mock('webextension-polyfill', () => ({ default: { runtime: { sendMessage: (m: unknown) => sendMessage(m) } } }));
const { ask } = await import('../../../src/messages/client.ts');

describe('ask', () => {
  beforeEach(() => sendMessage.mockReset());

  it("resolves with the worker's answer", async () => {
    sendMessage.mockResolvedValue({ cleared: true });
    await expect(ask({ type: 'tab/clear', tabId: 3 })).resolves.toEqual({ cleared: true });
    expect(sendMessage).toHaveBeenCalledWith({ type: 'tab/clear', tabId: 3 });
  });

  it('rejects, naming the request, when the worker answered nothing (stopped while handling it)', async () => {
    sendMessage.mockResolvedValue(undefined);
    await expect(ask({ type: 'tab/report', tabId: 3 })).rejects.toThrow(/stopped before it answered "tab\/report"\. Try again/);
  });

  it("rejects with the worker's error when its handler threw", async () => {
    sendMessage.mockResolvedValue({ error: 'Error: storage quota exceeded' });
    await expect(ask({ type: 'settings/get' })).rejects.toThrow('could not handle "settings/get": Error: storage quota exceeded');
  });

  it('passes an answer that merely has an error field among others', async () => {
    const answer = { accepted: 0, error: 'x' };
    sendMessage.mockResolvedValue(answer);
    await expect(ask({ type: 'devtools/exchanges', tabId: 3, exchanges: [] })).resolves.toBe(answer);
  });
});
