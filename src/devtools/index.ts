import { originOfUrl } from '../capture/assembler.ts';
import { BackfillMerge } from '../capture/har-backfill.ts';
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
 *
 * Listening on demand: an `onRequestFinished` listener makes DevTools build and post a HAR entry
 * for every request of the tab, which measured ~10% slower page loads with an EMPTY listener
 * (docs/capture.md, "Cost"); a DevTools page without one costs nothing measurable. So this page
 * starts idle and starts listening only when the worker asks (`activate`: the CORS panel or the
 * popup looks at the tab, the cheap watch saw a failure that looks like CORS, or "preserve log"
 * is on); it then reads the backlog since the last navigation with getHAR() and listens from
 * then on, until DevTools closes.
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

const merge = new BackfillMerge();
/** Listening (after the worker's `activate`); stays so until DevTools closes. */
let active = false;
let port: chrome.runtime.Port | undefined;

function onRequestFinished(entry: unknown): void {
  const har = plain(entry);
  if (merge.live(har)) stream.push(har);
}

/** Starts listening, then takes the backlog since the last navigation; tells the worker once sent. */
function activate(): void {
  if (active) return;
  active = true;
  // Chains whose next hop never came (a redirect that was not followed) are emitted after 2 s.
  setInterval(() => stream.flush(), 1000);
  // Listener first, backlog second: a request finishing in between is in both, and taken once.
  chrome.devtools.network.onRequestFinished.addListener(onRequestFinished);
  chrome.devtools.network.getHAR((log) => {
    for (const entry of merge.backlog((log?.entries ?? []).map(plain))) stream.push(entry);
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = outbox;
    outbox = [];
    // The worker answers a report it was asked for once this arrives (after the batch).
    void (batch.length ? send(batch) : Promise.resolve()).then(() => port?.postMessage({ type: 'active', tabId } satisfies DevtoolsPortMessage));
  });
}

chrome.devtools.network.onNavigated.addListener((url) => {
  stream.reset(originOfUrl(url));
  merge.reset();
});

// The page's origin, for entries that carry no Origin header (cheap: one evaluation).
chrome.devtools.inspectedWindow.eval('location.origin', (...args: unknown[]) => {
  const origin = args[0];
  if (typeof origin === 'string' && origin !== 'null' && stream.pageOrigin === undefined) stream.pageOrigin = origin;
});

// Presence: the worker counts the tab as "DevTools open" while this port is connected, and
// sends `activate` on it when the tab is to be diagnosed.
function connect(): void {
  const current = chrome.runtime.connect({ name: DEVTOOLS_PORT });
  port = current;
  current.postMessage({ type: active ? 'active' : 'devtools', tabId } satisfies DevtoolsPortMessage);
  current.onMessage.addListener((message: unknown) => {
    if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'activate') activate();
  });
  current.onDisconnect.addListener(() => {
    // The worker stopped (or restarted): reconnect, which starts it again.
    setTimeout(connect, 250);
  });
}
connect();
