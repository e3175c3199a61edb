import { crx } from '@crxjs/vite-plugin';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { manifestFor, type TargetBrowser } from './manifest.config.ts';
import { noHtmlSink } from './scripts/vite-no-html-sink.ts';
import { BRIDGE_FILE, BRIDGE_KEY, BRIDGE_MESSAGE, installTestBridge } from './src/test-bridge/bridge.ts';
import { installPageRequestHook, installPageRequestRelay } from './src/context/page-hook.ts';
import { PAGE_CONTEXT_FILES, PAGE_CONTEXT_MARK, PAGE_REQUEST_EVENT, PAGE_REQUESTS_MESSAGE } from './src/context/page-request.ts';

/**
 * The request context's scripts as plain files, for chrome.scripting.registerContentScripts
 * (which takes files, not functions): the same self-contained functions the worker injects with
 * executeScript, called with the sessionStorage mark as their gate. `__name`: a no-op for a transform that
 * keeps function names.
 */
function pageContextScripts(testBridge: boolean): Plugin {
  const call = (fn: (...args: never[]) => void, args: unknown[]) =>
    `(() => {\n  const __name = (f) => f;\n  (${fn.toString()})(${args.map((a) => JSON.stringify(a)).join(', ')});\n})();\n`;
  return {
    name: 'corsight-page-context-scripts',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: PAGE_CONTEXT_FILES.hook, source: call(installPageRequestHook, [PAGE_REQUEST_EVENT, PAGE_CONTEXT_MARK, true]) });
      this.emitFile({ type: 'asset', fileName: PAGE_CONTEXT_FILES.relay, source: call(installPageRequestRelay, [PAGE_REQUEST_EVENT, PAGE_REQUESTS_MESSAGE, PAGE_CONTEXT_MARK]) });
      // Test build only (src/test-bridge/bridge.ts): how Firefox tests read the worker.
      if (testBridge) this.emitFile({ type: 'asset', fileName: BRIDGE_FILE, source: call(installTestBridge, [BRIDGE_KEY, BRIDGE_MESSAGE]) });
    },
  };
}

/** CORSIGHT_BROWSER=firefox builds the Firefox add-on into dist-firefox/; the default is Chrome's, into dist/. */
function targetBrowser(): TargetBrowser {
  const value = process.env.CORSIGHT_BROWSER ?? 'chrome';
  if (value !== 'chrome' && value !== 'firefox') throw new Error(`CORSIGHT_BROWSER is "${value}": use chrome or firefox`);
  return value;
}

export default defineConfig(({ mode }) => {
  const browser = targetBrowser();
  return {
  plugins: [react(), crx({ manifest: manifestFor(browser) as Parameters<typeof crx>[0]['manifest'], browser }), pageContextScripts(mode === 'test'), noHtmlSink()],
  // The test build (`vite build --mode test`) keeps the worker's raw capture rings for the tests'
  // debug messages; the release build has neither (src/build-flags.d.ts).
  define: { __CORSIGHT_TEST_API__: JSON.stringify(mode === 'test'), __CORSIGHT_BROWSER__: JSON.stringify(browser) },
  build: {
    outDir: browser === 'firefox' ? 'dist-firefox' : 'dist',
    emptyOutDir: true,
    // The panel page is opened by devtools.panels.create() from JS, so @crxjs cannot find it
    // in the manifest: list it as an entry of its own.
    rollupOptions: { input: { panel: 'src/panel/index.html' } },
    // Extension pages load from disk: no need to chase small bundles, keep names readable.
    chunkSizeWarningLimit: 1000,
  },
  server: { cors: false },
  };
});
