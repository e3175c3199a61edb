/**
 * Local Network Access without the browser's report (issue 15, class 5): the address spaces a
 * host shows, and the verdict from webRequest's LNA error or from the page's request context.
 * Facts measured on Chromium 156 (lab group `lna`, test/e2e/request-context.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { addressSpaceOfHost } from '../../../src/engine/address-space.ts';
import { diagnose } from '../../../src/engine/index.ts';
import type { Exchange } from '../../../src/engine/types.ts';
import { FAILED, PAGE, acao, ex, res } from './helpers.ts';

const LNA_ERROR = { kind: 'failed', error: 'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS' } as const;
const LOOPBACK = 'http://127.0.0.1:8080/api';
const PRIVATE = 'http://192.168.1.20/api';

const verdict = (e: Exchange) => {
  const d = diagnose(e);
  return d.status === 'blocked' ? (d.corsError ?? 'blocked') : d.status;
};

describe('addressSpaceOfHost', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.8.9.10', 'loopback'], ['[::1]', 'loopback'], ['localhost', 'loopback'], ['api.localhost', 'loopback'],
    ['10.1.2.3', 'local'], ['172.16.0.1', 'local'], ['172.31.255.1', 'local'], ['192.168.0.9', 'local'], ['169.254.1.1', 'local'],
    ['printer.local', 'local'], ['[fd00::1]', 'local'], ['[fe80::1]', 'local'], ['[::ffff:192.168.0.1]', 'local'],
    ['172.32.0.1', 'public'], ['8.8.8.8', 'public'], ['[2001:db8::1]', 'public'],
  ])('%s is %s', (host, space) => {
    expect(addressSpaceOfHost(host)).toBe(space);
  });

  it('a host name shows no address', () => {
    expect(addressSpaceOfHost('api.example.com')).toBeUndefined();
  });
});

describe('Local Network Access from what an extension sees', () => {
  it("webRequest's LNA error from a secure page: permission denied, with or without the request context", () => {
    expect(verdict(ex({ hops: [{ url: LOOPBACK }], outcome: LNA_ERROR }))).toBe('LocalNetworkAccessPermissionDenied');
    expect(verdict(ex({ hops: [{ url: LOOPBACK }], outcome: LNA_ERROR, localNetwork: { secureContext: true, permission: 'prompt' } }))).toBe('LocalNetworkAccessPermissionDenied');
  });

  it('the same error from an http page on a public host: insecure (no permission can be asked)', () => {
    expect(verdict(ex({ initiatorOrigin: 'http://app.example.com', hops: [{ url: LOOPBACK }], outcome: LNA_ERROR }))).toBe('InsecureLocalNetwork');
  });

  it('net::ERR_FAILED with no response: Local Network Access only with the page context that shows it', () => {
    // Without a request context this is a network error like any other.
    expect(verdict(ex({ hops: [{ url: PRIVATE }], outcome: FAILED }))).not.toMatch(/LocalNetwork/);
    expect(verdict(ex({ hops: [{ url: PRIVATE }], outcome: FAILED, localNetwork: { secureContext: true, permission: 'denied' } }))).toBe('LocalNetworkAccessPermissionDenied');
    // The permission still reads "prompt": nothing shows the browser refused it.
    expect(verdict(ex({ hops: [{ url: PRIVATE }], outcome: FAILED, localNetwork: { secureContext: true, permission: 'prompt' } }))).not.toMatch(/LocalNetwork/);
    expect(verdict(ex({ initiatorOrigin: 'http://lna.test', hops: [{ url: PRIVATE }], outcome: FAILED, localNetwork: { secureContext: false } }))).toBe('InsecureLocalNetwork');
  });

  it('a targetAddressSpace the target is not in: invalid, whatever the page', () => {
    expect(verdict(ex({ hops: [{ url: LOOPBACK }], outcome: FAILED, localNetwork: { secureContext: true, targetAddressSpace: 'local' } }))).toBe('InvalidLocalNetworkAccess');
    expect(verdict(ex({ hops: [{ url: PRIVATE }], outcome: FAILED, localNetwork: { secureContext: true, targetAddressSpace: 'loopback' } }))).toBe('InvalidLocalNetworkAccess');
  });

  it('never for a public target, a request that got a response, or a non-secure page as private as its target', () => {
    expect(verdict(ex({ hops: [{ url: 'http://8.8.8.8/x' }], outcome: FAILED, localNetwork: { secureContext: true, permission: 'denied' } }))).not.toMatch(/LocalNetwork/);
    expect(verdict(ex({ hops: [{ url: PRIVATE, response: res(200) }], outcome: FAILED, localNetwork: { secureContext: true, permission: 'denied' } }))).toBe('MissingAllowOriginHeader');
    expect(verdict(ex({ initiatorOrigin: 'http://192.168.1.5', hops: [{ url: PRIVATE }], outcome: FAILED, localNetwork: { secureContext: false } }))).not.toMatch(/LocalNetwork/);
  });

  it('says it is not CORS, and why, in the explanation', () => {
    const d = diagnose(ex({ hops: [{ url: LOOPBACK }], outcome: LNA_ERROR }));
    expect(d.explanation[0]).toMatch(/^Local Network Access, not CORS: 127\.0\.0\.1 is a loopback address, the browser ended the request with net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS/);
    expect(d.fixPlan?.actions.map((a) => a.id)).toEqual(['local-network-access']);
  });

  it('a passing request stays ok', () => {
    expect(verdict(ex({ hops: [{ url: LOOPBACK, response: res(200, acao(PAGE)) }], localNetwork: { secureContext: true, permission: 'granted' } }))).toBe('ok');
  });
});
