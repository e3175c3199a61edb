import browser from 'webextension-polyfill';
import type { CorsightRequest, ResponseFor } from './protocol.ts';

/**
 * Typed request to the service worker. Pages talk to the worker only through this. Rejects when
 * there is no answer to use: the worker was stopped while it handled the request
 * (webextension-polyfill resolves "the message port closed before a response was received" to
 * undefined), or its handler threw (the worker answers `{error}`).
 */
export async function ask<R extends CorsightRequest>(request: R): Promise<ResponseFor<R>> {
  const answer: unknown = await browser.runtime.sendMessage(request);
  if (answer === undefined || answer === null) {
    throw new Error(`Corsight's service worker stopped before it answered "${request.type}". Try again: the next request starts it.`);
  }
  if (isErrorAnswer(answer)) throw new Error(`Corsight's service worker could not handle "${request.type}": ${answer.error}`);
  return answer as ResponseFor<R>;
}

/** The worker's answer when a handler threw (src/background/index.ts); no response type has only `error`. */
function isErrorAnswer(answer: unknown): answer is { error: string } {
  if (typeof answer !== 'object' || answer === null) return false;
  const keys = Object.keys(answer);
  return keys.length === 1 && keys[0] === 'error' && typeof (answer as { error: unknown }).error === 'string';
}
