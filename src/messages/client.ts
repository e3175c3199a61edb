import browser from 'webextension-polyfill';
import type { CorsightRequest, ResponseFor } from './protocol.ts';

/** Typed request to the service worker. Pages talk to the worker only through this. */
export async function ask<R extends CorsightRequest>(request: R): Promise<ResponseFor<R>> {
  return (await browser.runtime.sendMessage(request)) as ResponseFor<R>;
}
