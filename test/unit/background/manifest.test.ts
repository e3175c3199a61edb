/** The manifests ask for little and allow no code from elsewhere (issue 16, hardening); one source, two browsers (issue 19). */
import { describe, expect, it } from 'vitest';
import { FIREFOX_MIN_VERSION, GECKO_ID, manifestFor } from '../../../manifest.config.ts';
import pkg from '../../../package.json' with { type: 'json' };

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name!, values]));
}

describe.each(['chrome', 'firefox'] as const)('manifest (%s)', (browser) => {
  const manifest = manifestFor(browser);

  it('asks for webRequest, storage, declarativeNetRequest with host access ("Try this fix"), scripting and webNavigation (the request context) only', () => {
    expect([...manifest.permissions].sort()).toEqual(['declarativeNetRequestWithHostAccess', 'scripting', 'storage', 'webNavigation', 'webRequest']);
  });

  it("extension pages: every fetch directive falls back to the extension itself; no inline, eval or remote code", () => {
    const csp = directives(manifest.content_security_policy.extension_pages);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    for (const [name, values] of csp) {
      for (const value of values) {
        expect(value, `${name} ${value}`).toMatch(/^('self'|'none'|data:)$/);
      }
    }
  });

  it('carries the package version', () => {
    expect(manifest.version).toBe(pkg.version);
  });
});

describe('manifest: where the browsers differ', () => {
  it('Chrome: a module service worker and a minimum Chrome version; nothing for Gecko', () => {
    const chrome = manifestFor('chrome');
    expect(chrome.background).toEqual({ service_worker: 'src/background/index.ts', type: 'module' });
    expect(chrome).not.toHaveProperty('browser_specific_settings');
  });

  it('Firefox: background scripts (an event page), its add-on id, minimum version and no data collected', () => {
    const firefox = manifestFor('firefox');
    expect(firefox.background).toEqual({ scripts: ['src/background/index.ts'], type: 'module' });
    expect(firefox).not.toHaveProperty('minimum_chrome_version');
    expect(firefox.browser_specific_settings.gecko).toEqual({ id: GECKO_ID, strict_min_version: FIREFOX_MIN_VERSION, data_collection_permissions: { required: ['none'] } });
  });
});
