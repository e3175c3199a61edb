/**
 * HAR import cost: harToExchanges() over files of N entries, with and without redirect hops
 * whose target never comes (each such chain waits for its next hop). Prints figures, asserts
 * nothing. Before the stream's chains and preflights were indexed by URL (issue 16), 4,000
 * entries with non-matching redirectURLs took about 3 s and grew with the square of N.
 *   npx tsx scripts/bench/har-import.ts
 */
import { harToExchanges } from '../../src/capture/har/file.ts';

function entry(i: number, redirect: boolean) {
  return {
    startedDateTime: new Date(1_700_000_000_000 + i).toISOString(),
    time: 1,
    _resourceType: 'fetch',
    request: { method: 'GET', url: `https://api${i % 7}.example.com/r/${i}`, headers: [{ name: 'Origin', value: 'https://app.example.com' }] },
    response: {
      status: redirect ? 302 : 200,
      headers: [{ name: 'Access-Control-Allow-Origin', value: '*' }],
      redirectURL: redirect ? `https://nowhere.example.com/${i}` : '',
    },
  };
}

for (const n of [4_000, 16_000, 64_000]) {
  for (const redirect of [false, true]) {
    const entries = Array.from({ length: n }, (_, i) => entry(i, redirect));
    const t0 = performance.now();
    const out = harToExchanges({ log: { entries } });
    const ms = performance.now() - t0;
    console.log(`har import: ${n} entries, ${redirect ? 'each redirected to a URL never requested' : 'no redirects'}: ${ms.toFixed(0)} ms (${((ms * 1000) / n).toFixed(1)} µs per entry), ${out.exchanges.length} exchanges`);
  }
}
