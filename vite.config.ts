import { crx } from '@crxjs/vite-plugin';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import manifest from './manifest.json' with { type: 'json' };
import { installPageRequestHook, installPageRequestRelay } from './src/context/page-hook.ts';
import { PAGE_CONTEXT_FILES, PAGE_CONTEXT_GATE, PAGE_REQUEST_EVENT, PAGE_REQUESTS_MESSAGE } from './src/context/page-request.ts';

/**
 * The request context's scripts as plain files, for chrome.scripting.registerContentScripts
 * (which takes files, not functions): the same self-contained functions the worker injects with
 * executeScript, called with the sessionStorage gate. `__name`: a no-op for a transform that
 * keeps function names.
 */
function pageContextScripts(): Plugin {
  const call = (fn: (...args: never[]) => void, args: string[]) =>
    `(() => {\n  const __name = (f) => f;\n  (${fn.toString()})(${args.map((a) => JSON.stringify(a)).join(', ')});\n})();\n`;
  return {
    name: 'corsight-page-context-scripts',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: PAGE_CONTEXT_FILES.hook, source: call(installPageRequestHook, [PAGE_REQUEST_EVENT, PAGE_CONTEXT_GATE]) });
      this.emitFile({ type: 'asset', fileName: PAGE_CONTEXT_FILES.relay, source: call(installPageRequestRelay, [PAGE_REQUEST_EVENT, PAGE_REQUESTS_MESSAGE, PAGE_CONTEXT_GATE]) });
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [react(), crx({ manifest: manifest as Parameters<typeof crx>[0]['manifest'] }), pageContextScripts()],
  // The test build (`vite build --mode test`) keeps the worker's raw capture rings for the tests'
  // debug messages; the release build has neither (src/build-flags.d.ts).
  define: { __CORSIGHT_TEST_API__: JSON.stringify(mode === 'test') },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The panel page is opened by devtools.panels.create() from JS, so @crxjs cannot find it
    // in the manifest: list it as an entry of its own.
    rollupOptions: { input: { panel: 'src/panel/index.html' } },
    // Extension pages load from disk: no need to chase small bundles, keep names readable.
    chunkSizeWarningLimit: 1000,
  },
  server: { cors: false },
}));
