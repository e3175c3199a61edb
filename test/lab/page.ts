/**
 * The lab page served by the app origin: a button per scenario, "Run all", a result line per
 * scenario, and `window.corsightLab.run(id)` / `runAll()`.
 *
 * The page script is plain browser JavaScript kept as a string (it runs in Chromium, not in
 * Node, and must not depend on any bundler helper).
 */
import type { Scenario } from './scenarios.ts';

/** What `corsightLab.run(id)` resolves to (also in the result line's `data-result`). */
export interface LabRunResult {
  id: string;
  /** The exact URL requested (the scenario URL plus a per-run `r=` query against caches). */
  url: string;
  /** The request settled without a network/CORS error (the page got a response). */
  ok: boolean;
  status?: number;
  /** Response type for fetch (`basic`, `cors`, `opaque`, `opaqueredirect`). */
  type?: string;
  error?: string;
  /** The response header named by `request.readHeader`, as the page reads it (null: not exposed). */
  header?: string | null;
  /** For a scenario with `again`: the first request's result (the main fields are the second's). */
  first?: Omit<LabRunResult, 'id' | 'url' | 'first'>;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function labPageHtml(scenarios: readonly Scenario[]): string {
  const rows = scenarios
    .map(
      (s) =>
        `<li data-id="${esc(s.id)}"><button id="run-${esc(s.id)}" data-run="${esc(s.id)}">${esc(s.title)}</button> ` +
        `<code>${esc(s.id)}</code> <span class="result" id="result-${esc(s.id)}" data-state="idle"></span></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Corsight CORS lab</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1rem; }
li { margin: 2px 0; }
.result[data-state="done"][data-ok="true"] { color: #07711b; }
.result[data-state="done"][data-ok="false"] { color: #b00020; }
</style>
</head>
<body>
<h1>Corsight CORS lab</h1>
<p><button id="run-all">Run all</button> <span id="summary" data-state="idle"></span></p>
<ul id="scenarios">
${rows}
</ul>
<script src="/lab.js"></script>
</body>
</html>
`;
}

/**
 * The fetch used by the page, the dedicated worker (`worker-fetch`) and the iframe
 * (`iframe-fetch`): plain JS source of `function doFetch(req, url, again)`.
 */
const DO_FETCH = String.raw`
  function doFetch(req, url, again) {
    const init = {
      method: (again && again.method) || req.method || 'GET',
      headers: (again && again.headers) || req.headers || [],
      credentials: (again && again.credentials) || req.credentials || 'same-origin',
      mode: req.mode || 'cors',
      redirect: req.redirect || 'follow',
    };
    if (req.targetAddressSpace) init.targetAddressSpace = req.targetAddressSpace;
    if (req.cache) init.cache = req.cache;
    if (req.body !== undefined && req.body !== null) init.body = req.body;
    return fetch(url, init).then(
      (res) => {
        const read = req.readHeader ? { header: res.headers.get(req.readHeader) } : {};
        return res.text().then(
          () => ({ ok: true, status: res.status, type: res.type, ...read }),
          (e) => ({ ok: true, status: res.status, type: res.type, ...read, error: 'body: ' + String(e && e.message || e) }),
        );
      },
      (e) => ({ ok: false, error: String(e && e.message || e) }),
    );
  }
`;

/** The dedicated worker of `worker-fetch`: runs one fetch per message and posts the result. */
export function labWorkerScript(): string {
  return `'use strict';
${DO_FETCH}
onmessage = (ev) => { const d = ev.data; doFetch(d.req, d.url, d.again).then((r) => postMessage(r)); };
`;
}

/** The iframe document of `iframe-fetch`: only its script. */
export function labFrameHtml(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Corsight CORS lab frame</title></head>
<body><script src="/frame.js"></script></body>
</html>
`;
}

/**
 * The iframe's script: says it is ready, then runs one fetch per message from the lab page and
 * posts the result back (any origin: the frame may be cross-site; the page checks the source).
 */
export function labFrameScript(): string {
  return `'use strict';
${DO_FETCH}
addEventListener('message', (ev) => {
  if (ev.source !== parent) return;
  const d = ev.data;
  doFetch(d.req, d.url, d.again).then((r) => parent.postMessage({ labFrameResult: r }, '*'));
});
parent.postMessage({ labFrameReady: true }, '*');
`;
}

export function labPageScript(): string {
  return String.raw`'use strict';
(() => {
  const session = Math.random().toString(36).slice(2, 8);
  let counter = 0;
  let scenarios = [];
  // A cookie for the lab's host (cookies ignore ports): requests with credentials carry it, so
  // a Cookie request header on the wire proves credentials "include", as on real sites.
  document.cookie = 'corsight_lab=1; path=/';
  const load = () => fetch('/scenarios.json').then((r) => r.json()).then((list) => { scenarios = list; });
  let ready = load();

  function withNonce(url) {
    counter += 1;
    if (!/^https?:/.test(url)) return url;
    return url + (url.includes('?') ? '&' : '?') + 'r=' + session + '-' + counter;
  }
` + DO_FETCH + String.raw`
  function doXhr(req, url, again) {
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open((again && again.method) || req.method || 'GET', url, true);
      for (const [n, v] of (again && again.headers) || req.headers || []) x.setRequestHeader(n, v);
      const cred = (again && again.credentials) || req.credentials;
      if (cred === 'include') x.withCredentials = true;
      if (req.uploadListener) x.upload.onprogress = () => {};
      x.onload = () => resolve({ ok: true, status: x.status });
      x.onerror = () => resolve({ ok: false, error: 'XMLHttpRequest error' });
      x.onabort = () => resolve({ ok: false, error: 'XMLHttpRequest abort' });
      x.ontimeout = () => resolve({ ok: false, error: 'XMLHttpRequest timeout' });
      x.send(req.body === undefined ? null : req.body);
    });
  }

  function crossOrigin(req, again) {
    return ((again && again.credentials) || req.credentials) === 'include' ? 'use-credentials' : 'anonymous';
  }

  /** Append an element and settle on its load/error event. */
  function viaElement(el, parent) {
    return new Promise((resolve) => {
      el.onload = () => { el.remove(); resolve({ ok: true }); };
      el.onerror = () => { el.remove(); resolve({ ok: false, error: el.tagName.toLowerCase() + ' error event' }); };
      parent.appendChild(el);
    });
  }

  // Room for every scenario's entry (the default buffer keeps 250).
  performance.setResourceTimingBufferSize(100000);

  /** The Resource Timing status of the last entry for url (0: no response was let through). */
  async function timingStatus(url) {
    for (let i = 0; i < 20; i++) {
      const e = performance.getEntriesByName(url).at(-1);
      if (e) return e.responseStatus;
      await new Promise((r) => setTimeout(r, 10));
    }
    return undefined;
  }

  function doFont(req, url) {
    const family = 'lab-font-' + session + '-' + counter;
    const style = document.createElement('style');
    style.textContent = '@font-face { font-family: "' + family + '"; src: url("' + url + '"); }';
    document.head.appendChild(style);
    const face = Array.from(document.fonts).find((f) => f.family === family || f.family === '"' + family + '"');
    if (!face) return Promise.resolve({ ok: false, error: 'no FontFace for the @font-face rule' });
    const settle = async (loaded, e) => {
      style.remove();
      // The lab serves no real font: a decoding failure still means the response got through.
      const st = await timingStatus(url);
      if (loaded || (st !== undefined && st > 0)) return { ok: true, status: st, error: loaded ? undefined : 'font: ' + String(e && e.message || e) };
      return { ok: false, error: 'font: ' + String(e && e.message || e) };
    };
    return face.load().then(() => settle(true), (e) => settle(false, e));
  }

  function doEventSource(req, url) {
    return new Promise((resolve) => {
      const es = new EventSource(url, { withCredentials: req.credentials === 'include' });
      let opened = false;
      es.onopen = () => { opened = true; };
      // Closing on the first message would cancel the load (CDP: ERR_ABORTED): wait for the
      // error event the end of the response brings (the stream closed), then close.
      es.onerror = () => { es.close(); resolve(opened ? { ok: true } : { ok: false, error: 'EventSource error' }); };
    });
  }

  function doWorkerFetch(req, url, again) {
    return new Promise((resolve) => {
      const w = new Worker('/worker.js');
      w.onmessage = (ev) => { w.terminate(); resolve(ev.data); };
      w.onerror = (ev) => { w.terminate(); resolve({ ok: false, error: 'worker: ' + ev.message }); };
      w.postMessage({ req, url, again });
    });
  }

  // The iframe of the last iframe-fetch stays until the next one: removed at once, its target
  // could go away while observers (CDP, the DevTools network log) still await its last events.
  let lastFrame;
  function doIframeFetch(req, url, again, frameUrl) {
    if (lastFrame) lastFrame.remove();
    return new Promise((resolve) => {
      const frame = document.createElement('iframe');
      lastFrame = frame;
      const onMessage = (ev) => {
        if (ev.source !== frame.contentWindow || !ev.data) return;
        if (ev.data.labFrameReady) frame.contentWindow.postMessage({ req, url, again }, '*');
        else if (ev.data.labFrameResult) {
          window.removeEventListener('message', onMessage);
          resolve(ev.data.labFrameResult);
        }
      };
      window.addEventListener('message', onMessage);
      frame.src = frameUrl;
      document.body.appendChild(frame);
    });
  }

  function perform(req, url, again, frameUrl) {
    switch (req.kind) {
      case 'fetch': return doFetch(req, url, again);
      case 'xhr': return doXhr(req, url, again);
      case 'font': return doFont(req, url);
      case 'module-script': {
        const s = document.createElement('script');
        s.type = 'module';
        if (req.credentials === 'include') s.crossOrigin = 'use-credentials';
        s.src = url;
        return viaElement(s, document.head);
      }
      case 'script': {
        const s = document.createElement('script');
        s.crossOrigin = crossOrigin(req, again);
        s.src = url;
        return viaElement(s, document.head);
      }
      case 'img': {
        const i = document.createElement('img');
        i.crossOrigin = crossOrigin(req, again);
        i.src = url;
        return viaElement(i, document.body);
      }
      case 'preload': {
        const l = document.createElement('link');
        l.rel = 'preload';
        l.as = 'fetch';
        l.crossOrigin = crossOrigin(req, again);
        l.href = url;
        return viaElement(l, document.head);
      }
      case 'eventsource': return doEventSource(req, url);
      case 'worker-fetch': return doWorkerFetch(req, url, again);
      case 'iframe-fetch': return doIframeFetch(req, url, again, frameUrl);
      default: return Promise.resolve({ ok: false, error: 'unsupported request kind ' + req.kind });
    }
  }

  function show(id, state, result) {
    const el = document.getElementById('result-' + id);
    if (!el) return;
    el.dataset.state = state;
    if (result) {
      el.dataset.ok = String(result.ok);
      el.dataset.result = JSON.stringify(result);
      el.textContent = result.ok ? 'ok ' + result.status : 'failed: ' + result.error;
    } else {
      delete el.dataset.ok;
      delete el.dataset.result;
      el.textContent = state;
    }
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function run(id) {
    await ready;
    let s = scenarios.find((x) => x.id === id);
    if (!s) { ready = load(); await ready; s = scenarios.find((x) => x.id === id); }
    if (!s) throw new Error('unknown scenario ' + id);
    const url = withNonce(s.url);
    show(id, 'running');
    const attempt = async (again) => {
      try { return await perform(s.request, url, again, s.frameUrl); } catch (e) { return { ok: false, error: String(e && e.message || e) }; }
    };
    let r = await attempt(undefined);
    if (s.request.again) {
      const first = r;
      await sleep(s.request.again.delayMs || 0);
      r = await attempt(s.request.again);
      r.first = first;
      // Let the browser report the second request's end before the result is read.
      await sleep(30);
    }
    const result = Object.assign({ id, url }, r);
    show(id, 'done', result);
    return result;
  }

  async function runAll() {
    await ready;
    const summary = document.getElementById('summary');
    summary.dataset.state = 'running';
    const out = [];
    for (const s of scenarios) out.push(await run(s.id));
    summary.dataset.state = 'done';
    summary.textContent = out.filter((r) => r.ok).length + ' ok, ' + out.filter((r) => !r.ok).length + ' failed';
    return out;
  }

  document.addEventListener('click', (ev) => {
    const t = ev.target;
    if (!(t instanceof HTMLElement)) return;
    if (t.id === 'run-all') { void runAll(); return; }
    const id = t.dataset.run;
    if (id) void run(id);
  });

  window.corsightLab = { ready, run, runAll, scenarios: () => scenarios, refresh: () => (ready = load()) };
  // /?autorun: every scenario before the load event (held by an image the server sends only
  // after /release), so a browser's own HAR export at load holds them all.
  if (new URLSearchParams(location.search).has('autorun')) {
    const hold = document.createElement('img');
    hold.src = '/hold';
    hold.alt = '';
    document.body.appendChild(hold);
    void runAll().finally(() => fetch('/release'));
  }
})();
`;
}
