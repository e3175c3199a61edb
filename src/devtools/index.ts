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
const BATCH_MS = 100;

let outbox: Exchange[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

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

function flushOutbox(): void {
  timer = undefined;
  if (outbox.length === 0) return;
  const batch = outbox;
  outbox = [];
  void send(batch);
}

const stream = new HarStream(
  (exchange) => {
    outbox.push(exchange);
    if (timer === undefined) timer = setTimeout(flushOutbox, BATCH_MS);
  },
  { source: 'devtools', idPrefix: `dt${tabId}` },
);

function plain(entry: unknown): Record<string, unknown> {
  // The entry carries a getContent() function: keep the plain HAR fields only.
  const { getContent: _ignored, ...har } = entry as Record<string, unknown>;
  return har;
}

// Chains whose next hop never came (a redirect that was not followed) are emitted after 2 s.
setInterval(() => stream.flush(), 1000);

chrome.devtools.network.onRequestFinished.addListener((entry) => stream.push(plain(entry)));

chrome.devtools.network.onNavigated.addListener((url) => stream.reset(originOfUrl(url)));

// Backfill: what the network log already holds (since the last navigation) when DevTools opened.
chrome.devtools.inspectedWindow.eval('location.origin', (...args: unknown[]) => {
  const origin = args[0];
  if (typeof origin === 'string' && origin !== 'null') stream.pageOrigin = origin;
  chrome.devtools.network.getHAR((log) => {
    for (const entry of log?.entries ?? []) stream.push(plain(entry));
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
