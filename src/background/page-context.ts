/**
 * Puts the request-context hook (src/context/page-hook.ts) into the frames of diagnosed tabs, and
 * only there. A tab is diagnosed while its webRequest capture runs or its DevTools page listens.
 *
 * Two ways in, because an injection at a navigation's commit usually loses the race to the
 * document's first inline script (measured: the bench page's first script saw the hook in 3 of 9
 * webRequest reloads), and the calls a page makes while loading are the ones users diagnose:
 * - document_start: while tabs are diagnosed, the hook and relay files are registered as content
 *   scripts for their top documents' hosts. They install only in a document whose tab is marked
 *   diagnosed (a sessionStorage key: one tab, one origin, kept across reloads) and return at once
 *   anywhere else; the worker sets the mark in a tab's frames when it becomes diagnosed and after
 *   each of their commits, and removes it when it stops.
 * - executeScript: when a tab becomes diagnosed (every frame, for the calls from then on) and at
 *   every commit of one of its frames (a frame on another host, or the first document on a new
 *   origin, which has no mark yet). The navigation listener exists only while a tab is diagnosed.
 *
 * Not covered: dedicated and shared workers' own fetches (no way in), and calls made before the
 * hook arrived in a document the registered files do not reach.
 */
import { installPageRequestHook, installPageRequestRelay } from '../context/page-hook.ts';
import { PAGE_CONTEXT_FILES, PAGE_CONTEXT_MARK, PAGE_REQUEST_EVENT, PAGE_REQUESTS_MESSAGE } from '../context/page-request.ts';

/** How a tab is diagnosed, which the mark tells the hook (PAGE_CONTEXT_MARK: which stacks to take). */
export type DiagnosedThrough = 'webRequest' | 'devtools';

type CommitListener = (details: { tabId: number; frameId: number; url: string }) => void;

/** The parts of chrome.scripting, chrome.tabs and chrome.webNavigation used here (a fake in unit tests). */
export interface InjectionApi {
  inject(tabId: number, frameIds: number[] | 'all'): Promise<void>;
  /** Sets the diagnosed mark in the tab's frames, saying how the tab is diagnosed; undefined removes it. */
  mark(tabId: number, frameIds: number[] | 'all', through: DiagnosedThrough | undefined): Promise<void>;
  /** Registers the document_start scripts for these match patterns, replacing any; [] removes them. */
  register(patterns: string[]): Promise<void>;
  tabUrl(tabId: number): Promise<string | undefined>;
  onCommitted: {
    addListener(listener: CommitListener): void;
    removeListener(listener: CommitListener): void;
  };
}

/** The match pattern of a URL's host (any port, any path), or undefined when not http(s). */
export function hostPattern(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? `${u.protocol}//${u.hostname}/*` : undefined;
}

export class PageContextInjector {
  /** The diagnosed tabs, and how each is diagnosed (the value its frames are marked with). */
  private readonly tabs = new Map<number, DiagnosedThrough>();
  /** Each diagnosed tab's top document host pattern. */
  private readonly patterns = new Map<number, string>();
  private listening = false;
  private enabled = true;
  /** The patterns last registered ('' for none; undefined until the first registration of this worker). */
  private registered: string | undefined;
  private registration: Promise<void> = Promise.resolve();
  /** Injections that failed (a page the extension may not script: the Web Store, chrome://). */
  failures = 0;

  constructor(private readonly api: InjectionApi) {}

  /** The setting: off hooks no more documents (those hooked keep their hook until they go). */
  setEnabled(enabled: boolean, diagnosed: readonly number[], throughDevtools: ReadonlySet<number> = new Set()): void {
    this.enabled = enabled;
    this.update(diagnosed, throughDevtools);
  }

  /**
   * The diagnosed tabs now, and which of them are diagnosed through DevTools: hooks the new
   * ones, marks again those whose way changed, unmarks the others.
   */
  update(diagnosed: readonly number[], throughDevtools: ReadonlySet<number> = new Set()): void {
    const want = new Map<number, DiagnosedThrough>();
    if (this.enabled) for (const tabId of diagnosed) want.set(tabId, throughDevtools.has(tabId) ? 'devtools' : 'webRequest');
    for (const [tabId, through] of want) {
      const before = this.tabs.get(tabId);
      if (before === through) continue;
      if (before === undefined) this.attempt(this.api.inject(tabId, 'all'));
      this.attempt(this.api.mark(tabId, 'all', through));
      if (before === undefined) void this.learnPattern(tabId);
    }
    for (const tabId of this.tabs.keys()) {
      if (want.has(tabId)) continue;
      this.attempt(this.api.mark(tabId, 'all', undefined));
      this.patterns.delete(tabId);
    }
    this.tabs.clear();
    for (const [tabId, through] of want) this.tabs.set(tabId, through);
    if (this.tabs.size > 0 && !this.listening) {
      this.api.onCommitted.addListener(this.onCommitted);
      this.listening = true;
    } else if (this.tabs.size === 0 && this.listening) {
      this.api.onCommitted.removeListener(this.onCommitted);
      this.listening = false;
    }
    this.syncRegistration();
  }

  isHooked(tabId: number): boolean {
    return this.tabs.has(tabId);
  }

  /** Resolves once the document_start registration matches the diagnosed tabs (for tests). */
  settled(): Promise<void> {
    return this.registration;
  }

  private readonly onCommitted: CommitListener = (details) => {
    const through = this.tabs.get(details.tabId);
    if (through === undefined) return;
    this.attempt(this.api.inject(details.tabId, [details.frameId]));
    this.attempt(this.api.mark(details.tabId, [details.frameId], through));
    if (details.frameId !== 0) return;
    const pattern = hostPattern(details.url);
    if (pattern === undefined) this.patterns.delete(details.tabId);
    else this.patterns.set(details.tabId, pattern);
    this.syncRegistration();
  };

  private async learnPattern(tabId: number): Promise<void> {
    const pattern = hostPattern((await this.api.tabUrl(tabId).catch(() => undefined)) ?? '');
    if (!this.tabs.has(tabId) || pattern === undefined) return;
    this.patterns.set(tabId, pattern);
    this.syncRegistration();
  }

  private syncRegistration(): void {
    const want = [...new Set(this.patterns.values())].sort();
    const key = want.join('\n');
    this.registration = this.registration.then(async () => {
      if (key === this.registered) return;
      this.registered = key;
      await this.api.register(want).catch(() => {
        this.failures++;
        this.registered = undefined;
      });
    });
  }

  private attempt(injection: Promise<void>): void {
    injection.catch(() => {
      this.failures++;
    });
  }
}

const HOOK_ID = 'corsight-page-hook';
const RELAY_ID = 'corsight-page-relay';

/** The real thing: the relay in the extension's isolated world, the hook in the page's. */
export const chromeInjection: InjectionApi = {
  async inject(tabId, frameIds) {
    const target = frameIds === 'all' ? { tabId, allFrames: true } : { tabId, frameIds };
    // Both at once: the hook holds its records until the relay answers, in whichever order they land.
    await Promise.all([
      chrome.scripting.executeScript({ target, world: 'MAIN', injectImmediately: true, func: installPageRequestHook, args: [PAGE_REQUEST_EVENT, PAGE_CONTEXT_MARK, false] }),
      chrome.scripting.executeScript({ target, world: 'ISOLATED', injectImmediately: true, func: installPageRequestRelay, args: [PAGE_REQUEST_EVENT, PAGE_REQUESTS_MESSAGE] }),
    ]);
  },
  async mark(tabId, frameIds, through) {
    const target = frameIds === 'all' ? { tabId, allFrames: true } : { tabId, frameIds };
    await chrome.scripting.executeScript({
      target,
      world: 'ISOLATED',
      injectImmediately: true,
      func: (key: string, value: string | null) => {
        try {
          if (value !== null) sessionStorage.setItem(key, value);
          else sessionStorage.removeItem(key);
        } catch {
          // No sessionStorage (opaque origin): the injection at commit covers this document.
        }
      },
      args: [PAGE_CONTEXT_MARK.key, through === undefined ? null : PAGE_CONTEXT_MARK[through]],
    });
  },
  async register(patterns) {
    await chrome.scripting.unregisterContentScripts({ ids: [HOOK_ID, RELAY_ID] }).catch(() => undefined);
    if (patterns.length === 0) return;
    const common = { matches: patterns, runAt: 'document_start' as const, allFrames: true, persistAcrossSessions: false };
    await chrome.scripting.registerContentScripts([
      { id: HOOK_ID, js: [PAGE_CONTEXT_FILES.hook], world: 'MAIN', ...common },
      { id: RELAY_ID, js: [PAGE_CONTEXT_FILES.relay], world: 'ISOLATED', ...common },
    ]);
  },
  async tabUrl(tabId) {
    return (await chrome.tabs.get(tabId)).url;
  },
  onCommitted: {
    addListener: (listener) => chrome.webNavigation.onCommitted.addListener(listener),
    removeListener: (listener) => chrome.webNavigation.onCommitted.removeListener(listener),
  },
};
