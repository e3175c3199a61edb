import { originOfUrl } from '../capture/assembler.ts';
import { HarStream } from '../capture/har.ts';
import type { Exchange } from '../engine/types.ts';
import { ask } from '../messages/client.ts';
import { DEVTOOLS_PORT, type DevtoolsPortMessage } from '../messages/protocol.ts';

/**
 * The DevTools page loads whenever DevTools opens on a tab, panel shown or not, so the network
 * log is listened to here (a panel would miss everything before it is first shown).
 *
 * The HAR entries are mapped to Exchanges HERE, incrementally (HarStream), not in the worker:
 * the pairing state (a preflight waiting for its actual request, a redirect chain waiting for
 * its next hop) lives exactly as long as its source, DevTools, and is not lost when the service
 * worker is stopped; and an Exchange is a fraction of a HAR entry's size (no timings, cookies,
 * content), so less crosses the process boundary. The worker diagnoses and stores.
 */
chrome.devtools.panels.create('CORS', 'icons/icon-32.png', 'src/panel/index.html');

const tabId = chrome.devtools.inspectedWindow.tabId;
/**
 * HAR entries are queued as they come and mapped once the page is quiet: QUIET_MS after the last
 * entry, or at the latest MAX_WAIT_MS after the first queued one, or when MAX_QUEUED are waiting.
 * Mapping while the page is busy competes with it for the CPU (measured: npm run bench, capture).
 */
const QUIET_MS = 150;
const MAX_WAIT_MS = 1000;
const MAX_QUEUED = 2000;

let outbox: Exchange[] = [];
let queued: unknown[] = [];
let quietTimer: ReturnType<typeof setTimeout> | undefined;
let firstQueuedAt = 0;

async function send(batch: Exchange[], attempt = 0): Promise<void> {
  try {
    await ask({ type: 'devtools/exchanges', tabId, exchanges: batch });
  } catch {
    // The worker may be restarting: try again shortly (sendMessage wakes it).
    if (attempt < 5) {
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      await send(batch, attempt + 1);
    }
  }
}

const stream = new HarStream((exchange) => outbox.push(exchange), { source: 'devtools', idPrefix: `dt${tabId}` });

/** Maps the queued entries and sends the exchanges they completed in one message. */
function mapQueued(): void {
  if (quietTimer !== undefined) clearTimeout(quietTimer);
  quietTimer = undefined;
  const entries = queued;
  queued = [];
  for (const entry of entries) stream.push(plain(entry));
  if (outbox.length === 0) return;
  const batch = outbox;
  outbox = [];
  void send(batch);
}

function enqueue(entry: unknown): void {
  const now = Date.now();
  if (queued.length === 0) firstQueuedAt = now;
  queued.push(entry);
  if (queued.length >= MAX_QUEUED) return mapQueued();
  if (quietTimer !== undefined) clearTimeout(quietTimer);
  quietTimer = setTimeout(mapQueued, Math.max(0, Math.min(QUIET_MS, firstQueuedAt + MAX_WAIT_MS - now)));
}

function plain(entry: unknown): Record<string, unknown> {
  // The entry carries a getContent() function: keep the plain HAR fields only.
  const { getContent: _ignored, ...har } = entry as Record<string, unknown>;
  return har;
}

// Chains whose next hop never came (a redirect that was not followed) are emitted after 2 s.
setInterval(() => {
  stream.flush();
  if (queued.length === 0 && outbox.length > 0) mapQueued();
}, 1000);

chrome.devtools.network.onRequestFinished.addListener(enqueue);

chrome.devtools.network.onNavigated.addListener((url) => {
  // Entries of the previous page are mapped under the previous page's origin.
  mapQueued();
  stream.reset(originOfUrl(url));
});

// Backfill: what the network log already holds (since the last navigation) when DevTools opened.
chrome.devtools.inspectedWindow.eval('location.origin', (...args: unknown[]) => {
  const origin = args[0];
  if (typeof origin === 'string' && origin !== 'null') stream.pageOrigin = origin;
  chrome.devtools.network.getHAR((log) => {
    for (const entry of log?.entries ?? []) enqueue(entry);
  });
});

// Presence: the worker counts the tab as "DevTools open" while this port is connected.
function connect(): void {
  const port = chrome.runtime.connect({ name: DEVTOOLS_PORT });
  port.postMessage({ type: 'devtools', tabId } satisfies DevtoolsPortMessage);
  port.onDisconnect.addListener(() => {
    // The worker stopped (or restarted): reconnect, which starts it again.
    setTimeout(connect, 250);
  });
}
connect();
