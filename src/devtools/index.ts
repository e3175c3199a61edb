import { originOfUrl } from '../capture/request-facts.ts';
import { BatchSender, OutgoingBatches } from '../capture/devtools/batches.ts';
import { BackfillMerge } from '../capture/devtools/har-backfill.ts';
import { BurstPacer } from '../capture/devtools/burst-pacer.ts';
import { HarStream } from '../capture/har/stream.ts';
import type { Exchange } from '../engine/types.ts';
import { ask } from '../messages/client.ts';
import { DEVTOOLS_PORT, type DevtoolsPortCommand, type DevtoolsPortMessage } from '../messages/protocol.ts';

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
chrome.devtools.panels.create('CORS', 'icons/icon-32.png', 'src/panel/index.html', (panel) => {
  // Someone watching the rows live gets them at each tick, burst or not (burst-pacer.ts).
  panel.onShown.addListener(() => {
    pacer.holdsBursts = false;
  });
  panel.onHidden.addListener(() => {
    pacer.holdsBursts = true;
  });
});

const tabId = chrome.devtools.inspectedWindow.tabId;

/** Exchanges mapped since the last send: every step that maps entries sends them right after. */
let outbox: Exchange[] = [];
/**
 * Numbered batches kept until a worker checkpoint holds them: this page outlives worker restarts,
 * so it, not a worker-side journal, is the durable copy (src/capture/devtools/batches.ts).
 */
const outgoing = new OutgoingBatches<Exchange>(`${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}`);
/** A batch unanswered this long is sent again (the worker was being stopped as it went). */
const ANSWER_WAIT_MS = 3000;
const RETRY_MS = 1000;
const sender = new BatchSender<Exchange>(
  outgoing,
  ({ items, ...id }) => ask({ type: 'devtools/exchanges', tabId, exchanges: items, batch: id }),
  ANSWER_WAIT_MS,
  RETRY_MS,
);

/**
 * Exchanges per batch at most: a burst released at once (burst-pacer.ts) goes in several, so
 * the worker handles each quickly and answers within ANSWER_WAIT_MS on a slow machine.
 */
const MAX_BATCH = 100;

function flushOutbox(): void {
  if (outbox.length === 0) return;
  for (let from = 0; from < outbox.length; from += MAX_BATCH) outgoing.add(outbox.slice(from, from + MAX_BATCH));
  outbox = [];
  void sender.sendPending();
}

const stream = new HarStream(
  (exchange) => {
    outbox.push(exchange);
  },
  { source: 'devtools', idPrefix: `dt${tabId}` },
);

const merge = new BackfillMerge();
/** Listening (after the worker's `activate`); stays so until DevTools closes. */
let active = false;
/** The getHAR() backlog has been sent: the worker may be told `active`. */
let backlogSent = false;
let port: chrome.runtime.Port | undefined;

/**
 * Entries are read field by field (their getContent() function is never called, nor are they
 * copied or sent): copying them cost a tenth of this page's own time. During a burst of requests
 * they are only held, by reference, and read and sent once it is over (at most 5 s later), so that
 * this work does not compete with the loading page (burst-pacer.ts).
 */
const pacer = new BurstPacer<unknown>((entries) => {
  for (const entry of entries) stream.push(entry);
  flushOutbox();
});

function onRequestFinished(entry: unknown): void {
  if (merge.live(entry)) pacer.push(entry);
}

// DevTools closing: send what is held (best effort: a message sent while the page unloads may
// not arrive; what was sent before is the worker's).
addEventListener('pagehide', () => pacer.releaseNow());

/** Starts listening, then takes the backlog since the last navigation; tells the worker once sent. */
function activate(): void {
  if (active) return;
  active = true;
  // Chains whose next hop never came (a redirect that was not followed) are emitted after 2 s.
  setInterval(() => {
    stream.flush();
    flushOutbox();
  }, 1000);
  // Listener first, backlog second: a request finishing in between is in both, and taken once.
  chrome.devtools.network.onRequestFinished.addListener(onRequestFinished);
  chrome.devtools.network.getHAR((log) => {
    for (const entry of merge.backlog(log?.entries ?? [])) stream.push(entry);
    flushOutbox();
    // The worker answers a report it was asked for once this arrives (after the backlog).
    void sender.sendPending().then(() => {
      backlogSent = true;
      port?.postMessage({ type: 'active', tabId } satisfies DevtoolsPortMessage);
    });
  });
}

chrome.devtools.network.onNavigated.addListener((url) => {
  // The previous document's entries are mapped with its origin before the reset.
  pacer.releaseNow();
  stream.reset(originOfUrl(url));
  flushOutbox();
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
  const reconnecting = port !== undefined;
  const current = chrome.runtime.connect({ name: DEVTOOLS_PORT });
  port = current;
  current.postMessage({ type: backlogSent ? 'active' : 'devtools', tabId } satisfies DevtoolsPortMessage);
  if (reconnecting) {
    // A new worker: what no checkpoint confirmed goes again (it skips what its logs hold).
    sender.reconnected();
  }
  current.onMessage.addListener((message: unknown) => {
    const command = message as Partial<DevtoolsPortCommand> | null;
    if (command?.type === 'activate') {
      // Already listening (a worker that did not know yet): just say so again.
      if (backlogSent) current.postMessage({ type: 'active', tabId } satisfies DevtoolsPortMessage);
      else activate();
    }
    else if (command?.type === 'persisted' && command.page === outgoing.page && typeof command.upTo === 'number') outgoing.persisted(command.upTo);
  });
  current.onDisconnect.addListener(() => {
    // The worker stopped (or restarted): reconnect, which starts it again.
    setTimeout(connect, 250);
  });
}
connect();
