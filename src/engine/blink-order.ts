/**
 * The order in which Chromium checks request header names against a preflight answer.
 * Chromium source read at the 156.0.8078.114 tag (see fetch.ts).
 *
 * Chromium (services/network/cors/preflight_result.cc, EnsureAllowedCrossOriginHeaders) walks
 * CorsUnsafeNotForbiddenRequestHeaderNames (services/network/cors/cors_util.cc) and names the
 * FIRST name the preflight did not allow. That list is not sorted: it follows the request's
 * net::HttpRequestHeaders vector (CORS-unsafe names first; when the safelisted values add up to
 * more than 1024 bytes, the safelisted names follow, in the same order). The vector is filled
 * from Blink's ResourceRequest header map (platform/network/http_header_map.h), a WTF HashMap
 * keyed with CaseFoldingHashTraits: its iteration order is bucket order, i.e. the case-folded
 * name hashed with rapidhash (third_party/rapidhash, StringHasher::ComputeHashAndMaskTop8Bits:
 * 24 bits kept), masked by the table size, collisions resolved by triangular probing
 * (wtf/hash_table.h), the table sized for the key count (CalculateCapacity, minimum 8).
 *
 * Measured on Chromium 156 (96 probe cases with 2 to 6 failing headers, fetch and XHR): this
 * model names the same header as Chromium in 91; the misses depend on the exact key set and
 * insertion order of the network-side map, which the wire does not show. Input: the provisional
 * request headers (DevTools lists them in the renderer map's order, so its bucket order is
 * checkable) minus Referer, which Blink carries as the referrer, not as a header.
 */

const MASK64 = (1n << 64n) - 1n;
const SECRET0 = 0x2d358dccaa6c78a5n;
const SECRET1 = 0x8bb84b93962eacc9n;
const SECRET2 = 0x4b33a62ed433d4a3n;
const SEED = 0xbdd89aa982704029n;

function mum(a: bigint, b: bigint): [bigint, bigint] {
  const r = a * b;
  return [r & MASK64, (r >> 64n) & MASK64];
}

function mix(a: bigint, b: bigint): bigint {
  const [lo, hi] = mum(a, b);
  return lo ^ hi;
}

/**
 * WTF CaseFoldingHash of an ASCII header name: rapidhash over the UTF-16LE code units of the
 * lower-cased name (the case-folding reader always produces UTF-16), top 8 bits masked.
 */
export function caseFoldingHash(name: string): number {
  const lower = name.toLowerCase();
  const n = lower.length * 2;
  const byte = (o: number): number => {
    const c = lower.charCodeAt(o >> 1);
    return (o & 1) === 0 ? c & 0xff : (c >> 8) & 0xff;
  };
  const r32 = (o: number): bigint => BigInt((byte(o) | (byte(o + 1) << 8) | (byte(o + 2) << 16)) >>> 0) + (BigInt(byte(o + 3)) << 24n);
  const r64 = (o: number): bigint => r32(o) | (r32(o + 4) << 32n);
  const len = BigInt(n);
  let seed = SEED ^ mix(SEED ^ SECRET0, SECRET1) ^ len;
  let a: bigint;
  let b: bigint;
  if (n <= 16) {
    if (n >= 4) {
      const last = n - 4;
      a = (r32(0) << 32n) | r32(last);
      const delta = (n & 24) >> (n >> 3);
      b = (r32(delta) << 32n) | r32(last - delta);
    } else if (n > 0) {
      // One character: the case-folding reader returns the folded code unit.
      a = BigInt(lower.charCodeAt(0));
      b = 0n;
    } else {
      a = 0n;
      b = 0n;
    }
  } else {
    let i = n;
    let p = 0;
    if (i > 48) {
      let see1 = seed;
      let see2 = seed;
      do {
        seed = mix(r64(p) ^ SECRET0, r64(p + 8) ^ seed);
        see1 = mix(r64(p + 16) ^ SECRET1, r64(p + 24) ^ see1);
        see2 = mix(r64(p + 32) ^ SECRET2, r64(p + 40) ^ see2);
        p += 48;
        i -= 48;
      } while (i >= 48);
      seed ^= see1 ^ see2;
    }
    if (i > 16) {
      seed = mix(r64(p) ^ SECRET2, r64(p + 8) ^ seed ^ SECRET1);
      if (i > 32) seed = mix(r64(p + 16) ^ SECRET2, r64(p + 24) ^ seed);
    }
    a = r64(p + i - 16);
    b = r64(p + i - 8);
  }
  [a, b] = mum(a ^ SECRET1, b ^ seed);
  const h = Number(mix(a ^ SECRET0 ^ len, b ^ SECRET1) & 0xffffffn);
  return h === 0 ? 0x800000 : h;
}

/** WTF CalculateCapacity: the table size a map of `count` keys gets (minimum 8). */
export function hashTableSize(count: number): number {
  let size = count;
  for (let m = count; m; m >>= 1) size |= m;
  return Math.max(8, (size + 1) * 2);
}

/**
 * Lower-case header names in Blink's header-map iteration order: each name (deduplicated
 * case-insensitively, first spelling kept) is inserted, in the given order, into a table sized
 * for all of them; the table is then read bucket by bucket.
 */
export function blinkHeaderMapOrder(names: readonly string[]): string[] {
  const keys: string[] = [];
  for (const n of names) {
    const lower = n.toLowerCase();
    if (!keys.includes(lower)) keys.push(lower);
  }
  const size = hashTableSize(keys.length);
  const table: Array<string | undefined> = Array.from({ length: size }, () => undefined);
  for (const k of keys) {
    let i = caseFoldingHash(k) & (size - 1);
    let probe = 0;
    while (table[i] !== undefined) i = (i + ++probe) & (size - 1);
    table[i] = k;
  }
  return table.filter((k): k is string => k !== undefined);
}
