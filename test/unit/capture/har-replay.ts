import { HarStream } from '../../../src/capture/har/stream.ts';
import type { Exchange } from '../../../src/engine/types.ts';

/**
 * Feeds recorded HAR entries to a HarStream as a live DevTools log would (5 ms apart on a fake
 * clock), then flushes every chain: what the DevTools page would have sent.
 */
export function streamHar(entries: readonly unknown[], pageOrigin: string): { exchanges: Exchange[]; skipped: number } {
  const exchanges: Exchange[] = [];
  let now = 0;
  const stream = new HarStream((e) => exchanges.push(e), { now: () => now });
  stream.pageOrigin = pageOrigin;
  for (const entry of entries) {
    now += 5;
    stream.push(entry);
  }
  stream.flush(true);
  return { exchanges, skipped: stream.skipped };
}
