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

export function labPageScript(): string {
  return String.raw`'use strict';
(() => {
  const session = Math.random().toString(36).slice(2, 8);
  let counter = 0;
  let scenarios = [];
  const ready = fetch('/scenarios.json').then((r) => r.json()).then((list) => { scenarios = list; });

  function withNonce(url) {
    counter += 1;
    return url + (url.includes('?') ? '&' : '?') + 'r=' + session + '-' + counter;
  }

  function doFetch(req, url) {
    const init = {
      method: req.method || 'GET',
      headers: req.headers || [],
      credentials: req.credentials || 'same-origin',
      mode: req.mode || 'cors',
      redirect: req.redirect || 'follow',
    };
    if (req.body !== undefined && req.body !== null) init.body = req.body;
    return fetch(url, init).then(
      (res) => res.text().then(
        () => ({ ok: true, status: res.status, type: res.type }),
        (e) => ({ ok: true, status: res.status, type: res.type, error: 'body: ' + String(e && e.message || e) }),
      ),
      (e) => ({ ok: false, error: String(e && e.message || e) }),
    );
  }

  function doXhr(req, url) {
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open(req.method || 'GET', url, true);
      for (const [n, v] of req.headers || []) x.setRequestHeader(n, v);
      if (req.credentials === 'include') x.withCredentials = true;
      x.onload = () => resolve({ ok: true, status: x.status });
      x.onerror = () => resolve({ ok: false, error: 'XMLHttpRequest error' });
      x.onabort = () => resolve({ ok: false, error: 'XMLHttpRequest abort' });
      x.ontimeout = () => resolve({ ok: false, error: 'XMLHttpRequest timeout' });
      x.send(req.body === undefined ? null : req.body);
    });
  }

  function perform(req, url) {
    switch (req.kind) {
      case 'fetch': return doFetch(req, url);
      case 'xhr': return doXhr(req, url);
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

  async function run(id) {
    await ready;
    const s = scenarios.find((x) => x.id === id);
    if (!s) throw new Error('unknown scenario ' + id);
    const url = withNonce(s.url);
    show(id, 'running');
    let r;
    try { r = await perform(s.request, url); } catch (e) { r = { ok: false, error: String(e && e.message || e) }; }
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

  window.corsightLab = { ready, run, runAll, scenarios: () => scenarios };
})();
`;
}
