/**
 * IP address spaces for Local Network Access (https://wicg.github.io/local-network-access/,
 * Chromium services/network/public/cpp/ip_address_space_util.cc): `loopback` is more private
 * than `local`, which is more private than `public`. A request from a page to a more private
 * space needs the user's permission (Chromium 142+). Only what a URL's host shows is classified:
 * an IP literal, `localhost` (and `*.localhost`), and `*.local` (mDNS, a local name); any other
 * host name is undefined (its address is not known here).
 */
export type AddressSpace = 'loopback' | 'local' | 'public';

const RANK: Record<AddressSpace, number> = { public: 0, local: 1, loopback: 2 };

/** True when a request from `from` to `to` goes to a more private space (an LNA request). */
export function isMorePrivate(to: AddressSpace, from: AddressSpace): boolean {
  return RANK[to] > RANK[from];
}

function ipv4Space(host: string): AddressSpace | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (a === 127) return 'loopback';
  // 0.0.0.0/8 reaches the local machine (Chromium counts it as loopback).
  if (a === 0) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) return 'local';
  return 'public';
}

function ipv6Space(host: string): AddressSpace | undefined {
  if (!host.startsWith('[') || !host.endsWith(']')) return undefined;
  const ip = host.slice(1, -1).toLowerCase();
  if (ip === '::1' || ip === '::') return 'loopback';
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(ip);
  if (mapped) return ipv4Space(mapped[1] as string);
  const first = Number.parseInt(ip.split(':')[0] || '0', 16);
  // fc00::/7 (unique local) and fe80::/10 (link-local).
  if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80) return 'local';
  return 'public';
}

/** The address space a URL host shows (WHATWG-serialized: IPv6 in brackets, lower case), or undefined. */
export function addressSpaceOfHost(host: string): AddressSpace | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return 'loopback';
  if (h.endsWith('.local')) return 'local';
  return ipv4Space(h) ?? ipv6Space(h);
}

/**
 * https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy for a tuple origin:
 * https/wss, or a loopback host. (The document may still not be a secure context, e.g. inside a
 * non-secure parent; the request context says so when present.)
 */
export function isPotentiallyTrustworthy(scheme: string, host: string): boolean {
  return scheme === 'https' || scheme === 'wss' || addressSpaceOfHost(host) === 'loopback';
}
