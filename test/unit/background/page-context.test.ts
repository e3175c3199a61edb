/** The request-context hook goes into the diagnosed tabs' frames, and only theirs. */
import { describe, expect, it, vi } from 'vitest';
import { PageContextInjector, hostPattern, type DiagnosedThrough, type InjectionApi } from '../../../src/background/page-context.ts';

type Commit = (details: { tabId: number; frameId: number; url: string }) => void;

/** chrome.scripting + chrome.tabs.get + chrome.webNavigation.onCommitted, recorded. */
function fakeApi(inject: InjectionApi['inject'] = async () => undefined, urls: Record<number, string> = {}) {
  const listeners = new Set<Commit>();
  const api = {
    inject: vi.fn(inject),
    mark: vi.fn(async (_tabId: number, _frames: number[] | 'all', _through: DiagnosedThrough | undefined) => undefined),
    register: vi.fn(async (_patterns: string[]) => undefined),
    tabUrl: vi.fn(async (tabId: number) => urls[tabId]),
    onCommitted: {
      addListener: vi.fn((l: Commit) => void listeners.add(l)),
      removeListener: vi.fn((l: Commit) => void listeners.delete(l)),
    },
  };
  /** A navigation commit, as webNavigation reports it to every listener. */
  const commit = (tabId: number, frameId: number, url = 'https://app.example/') => {
    for (const l of listeners) l({ tabId, frameId, url });
  };
  return { api, listeners, commit };
}

/** Lets the injector's promise chains settle (no timing involved). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('PageContextInjector', () => {
  it('hooks every frame of a newly diagnosed tab and starts listening to commits, once', () => {
    const { api, listeners } = fakeApi();
    const injector = new PageContextInjector(api);
    injector.update([5]);
    expect(api.inject.mock.calls).toEqual([[5, 'all']]);
    expect(api.onCommitted.addListener).toHaveBeenCalledTimes(1);
    expect(injector.isHooked(5)).toBe(true);
    // The same tab again: already hooked, already listening.
    injector.update([5]);
    expect(api.inject).toHaveBeenCalledTimes(1);
    expect(api.onCommitted.addListener).toHaveBeenCalledTimes(1);
    expect(listeners.size).toBe(1);
  });

  it('hooks the frame that commits a navigation in a diagnosed tab', () => {
    const { api, commit } = fakeApi();
    const injector = new PageContextInjector(api);
    injector.update([5]);
    api.inject.mockClear();
    commit(5, 3);
    expect(api.inject.mock.calls).toEqual([[5, [3]]]);
  });

  it('does nothing for a commit in a tab that is not diagnosed', () => {
    const { api, commit } = fakeApi();
    const injector = new PageContextInjector(api);
    injector.update([5]);
    api.inject.mockClear();
    commit(6, 0);
    expect(api.inject).not.toHaveBeenCalled();
    expect(injector.isHooked(6)).toBe(false);
  });

  it('stops listening when no tab is diagnosed any more', () => {
    const { api, listeners, commit } = fakeApi();
    const injector = new PageContextInjector(api);
    injector.update([5]);
    injector.update([]);
    expect(api.onCommitted.removeListener).toHaveBeenCalledTimes(1);
    // The listener removed is the one added.
    expect(api.onCommitted.removeListener.mock.calls[0]?.[0]).toBe(api.onCommitted.addListener.mock.calls[0]?.[0]);
    expect(listeners.size).toBe(0);
    expect(injector.isHooked(5)).toBe(false);
    api.inject.mockClear();
    commit(5, 0);
    expect(api.inject).not.toHaveBeenCalled();
  });

  it('hooks nothing and listens to nothing while the setting is off', () => {
    const { api } = fakeApi();
    const injector = new PageContextInjector(api);
    injector.setEnabled(false, [5]);
    expect(api.inject).not.toHaveBeenCalled();
    expect(api.onCommitted.addListener).not.toHaveBeenCalled();
    expect(injector.isHooked(5)).toBe(false);
  });

  it('turned off, stops listening; turned on again, hooks the diagnosed tabs again', () => {
    const { api, listeners } = fakeApi();
    const injector = new PageContextInjector(api);
    injector.update([5]);
    injector.setEnabled(false, [5]);
    expect(listeners.size).toBe(0);
    expect(injector.isHooked(5)).toBe(false);
    injector.setEnabled(true, [5]);
    expect(api.inject.mock.calls).toEqual([[5, 'all'], [5, 'all']]);
    expect(listeners.size).toBe(1);
  });

  it('counts an injection the browser refuses (chrome://, the Web Store) without throwing', async () => {
    const { api, commit } = fakeApi(async () => {
      throw new Error('Cannot access contents of the page');
    });
    const injector = new PageContextInjector(api);
    expect(() => injector.update([5])).not.toThrow();
    await settle();
    expect(injector.failures).toBe(1);
    expect(() => commit(5, 2)).not.toThrow();
    await settle();
    expect(injector.failures).toBe(2);
    // Still diagnosed: the next navigation may be scriptable.
    expect(injector.isHooked(5)).toBe(true);
  });

  it('registers the document_start scripts for the diagnosed tabs\' hosts only, marks their frames, and removes both when done', async () => {
    const { api, commit } = fakeApi(undefined, { 5: 'https://app.example:8443/page?q=1', 6: 'http://localhost:3000/' });
    const injector = new PageContextInjector(api);
    injector.update([5]);
    await settle();
    await injector.settled();
    expect(api.mark.mock.calls).toEqual([[5, 'all', 'webRequest']]);
    expect(api.register.mock.calls.at(-1)).toEqual([['https://app.example/*']]);
    injector.update([5, 6]);
    await settle();
    await injector.settled();
    expect(api.register.mock.calls.at(-1)).toEqual([['http://localhost/*', 'https://app.example/*']]);
    // Tab 5 goes to another host: its new document is marked, the registration follows it.
    commit(5, 0, 'https://other.example/x');
    await injector.settled();
    expect(api.mark.mock.calls.at(-1)).toEqual([5, [0], 'webRequest']);
    expect(api.register.mock.calls.at(-1)).toEqual([['http://localhost/*', 'https://other.example/*']]);
    // A subframe's commit is hooked and marked but does not change the registration.
    const registrations = api.register.mock.calls.length;
    commit(6, 4, 'https://ads.example/frame');
    await injector.settled();
    expect(api.mark.mock.calls.at(-1)).toEqual([6, [4], 'webRequest']);
    expect(api.register.mock.calls.length).toBe(registrations);
    injector.update([]);
    await injector.settled();
    expect(api.mark.mock.calls.slice(-2)).toEqual([[5, 'all', undefined], [6, 'all', undefined]]);
    expect(api.register.mock.calls.at(-1)).toEqual([[]]);
  });

  it('registers nothing for a tab whose page is not http(s)', async () => {
    const { api } = fakeApi(undefined, { 5: 'chrome://settings/' });
    const injector = new PageContextInjector(api);
    injector.update([5]);
    await settle();
    await injector.settled();
    expect(api.register.mock.calls.every(([patterns]) => patterns.length === 0)).toBe(true);
    expect(hostPattern('file:///tmp/a.html')).toBeUndefined();
    expect(hostPattern('http://[::1]:8080/x')).toBe('http://[::1]/*');
  });

  it('marks a tab diagnosed through DevTools as such, marks it again when that changes, and hooks it once', async () => {
    const { api, commit } = fakeApi(undefined, { 5: 'https://app.example/' });
    const injector = new PageContextInjector(api);
    injector.update([5], new Set([5]));
    expect(api.mark.mock.calls).toEqual([[5, 'all', 'devtools']]);
    // A frame committed later gets the tab's current mark.
    commit(5, 3, 'https://app.example/frame');
    expect(api.mark.mock.calls.at(-1)).toEqual([5, [3], 'devtools']);
    // Nothing changed: nothing marked again.
    injector.update([5], new Set([5]));
    expect(api.mark.mock.calls).toHaveLength(2);
    // DevTools closed, the webRequest capture goes on: the same tab, marked for every stack.
    injector.update([5]);
    expect(api.mark.mock.calls.at(-1)).toEqual([5, 'all', 'webRequest']);
    // Injected at the start and at the frame's commit only: a change of way is no new hook.
    expect(api.inject.mock.calls).toEqual([[5, 'all'], [5, [3]]]);
    await settle();
    await injector.settled();
  });
});
