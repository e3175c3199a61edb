/**
 * Commands to one target (a service worker, a DevTools page, a frame) through a browser-level CDP
 * session: Target.attachToTarget without flattening, then Target.sendMessageToTarget, answers
 * matched by id. For targets Playwright gives no session of their own.
 */
import type { CDPSession } from 'playwright-core';

export type TargetCommand = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/** Attaches to `targetId`; the returned function sends one command and resolves with its result (rejects with its error). */
export async function attachToTarget(cdp: CDPSession, targetId: string): Promise<TargetCommand> {
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId, flatten: false })) as { sessionId: string };
  let nextId = 0;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  cdp.on('Target.receivedMessageFromTarget', (event: { sessionId?: string; message: string }) => {
    if (event.sessionId !== undefined && event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
    const entry = message.id === undefined ? undefined : waiting.get(message.id);
    if (!entry) return;
    waiting.delete(message.id!);
    if (message.error) entry.reject(new Error(message.error.message));
    else entry.resolve(message.result);
  });
  return async (method, params = {}) => {
    const id = ++nextId;
    const answer = new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    return answer;
  };
}
