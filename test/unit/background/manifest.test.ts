/** The manifest asks for little and allows no code from elsewhere (issue 16, hardening). */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(fs.readFileSync(new URL('../../../manifest.json', import.meta.url), 'utf8')) as {
  permissions: string[];
  content_security_policy: { extension_pages: string };
};

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name!, values]));
}

describe('manifest', () => {
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
});
