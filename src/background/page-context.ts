/**
 * Puts the request-context hook (src/context/page-hook.ts) into the frames of diagnosed tabs, and
 * only there: a tab Corsight is not diagnosing runs none of it. A tab is diagnosed while its
 * webRequest capture runs or its DevTools page listens. The hook goes in when a tab becomes
 * diagnosed (every frame, for the calls from then on) and at every navigation commit of one of
 * its frames, before the document's own scripts (`injectImmediately`). The navigation listener is
 * registered only while some tab is diagnosed.
 *
 * Not covered: dedicated and shared workers' own fetches (no way to inject there), and calls a
 * document made before the hook arrived (a frame whose scripts win the race at commit).
 */
import { installPageRequestHook, installPageRequestRelay } from '../context/page-hook.ts';
import { PAGE_REQUEST_EVENT } from '../context/page-request.ts';
import { PAGE_REQUESTS_MESSAGE } from '../messages/protocol.ts';

/** The parts of chrome.scripting and chrome.webNavigation used here (a fake in unit tests). */
export interface InjectionApi {
  inject(tabId: number, frameIds: number[] | 'all'): Promise<void>;
  onCommitted: {
    addListener(listener: (details: { tabId: number; frameId: number }) => void): void;
    removeListener(listener: (details: { tabId: number; frameId: number }) => void): void;
  };
}

export class PageContextInjector {
  private readonly tabs = new Set<number>();
  private listening = false;
  private enabled = true;
  /** Injections that failed (a page the extension may not script: the Web Store, chrome://). */
  failures = 0;

  constructor(private readonly api: InjectionApi) {}

  /** The setting: off removes nothing from pages already hooked, but hooks no more. */
  setEnabled(enabled: boolean, diagnosed: readonly number[]): void {
    this.enabled = enabled;
    this.update(diagnosed);
  }

  /** The diagnosed tabs now: hooks the new ones, forgets the others. */
  update(diagnosed: readonly number[]): void {
    const want = new Set(this.enabled ? diagnosed : []);
    for (const tabId of want) if (!this.tabs.has(tabId)) void this.inject(tabId, 'all');
    this.tabs.clear();
    for (const tabId of want) this.tabs.add(tabId);
    if (this.tabs.size > 0 && !this.listening) {
      this.api.onCommitted.addListener(this.onCommitted);
      this.listening = true;
    } else if (this.tabs.size === 0 && this.listening) {
      this.api.onCommitted.removeListener(this.onCommitted);
      this.listening = false;
    }
  }

  isHooked(tabId: number): boolean {
    return this.tabs.has(tabId);
  }

  private readonly onCommitted = (details: { tabId: number; frameId: number }): void => {
    if (this.tabs.has(details.tabId)) void this.inject(details.tabId, [details.frameId]);
  };

  private async inject(tabId: number, frames: number[] | 'all'): Promise<void> {
    try {
      await this.api.inject(tabId, frames);
    } catch {
      this.failures++;
    }
  }
}

/** The real injection: the relay in the extension's isolated world, the hook in the page's. */
export const chromeInjection: InjectionApi = {
  async inject(tabId, frameIds) {
    const target = frameIds === 'all' ? { tabId, allFrames: true } : { tabId, frameIds };
    // Both at once: the hook holds its records until the relay answers, in whichever order they land.
    await Promise.all([
      chrome.scripting.executeScript({ target, world: 'MAIN', injectImmediately: true, func: installPageRequestHook, args: [PAGE_REQUEST_EVENT] }),
      chrome.scripting.executeScript({ target, world: 'ISOLATED', injectImmediately: true, func: installPageRequestRelay, args: [PAGE_REQUEST_EVENT, PAGE_REQUESTS_MESSAGE] }),
    ]);
  },
  onCommitted: {
    addListener: (listener) => chrome.webNavigation.onCommitted.addListener(listener),
    removeListener: (listener) => chrome.webNavigation.onCommitted.removeListener(listener),
  },
};
