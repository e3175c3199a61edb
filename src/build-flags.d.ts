/**
 * Set at build time (vite.config.ts `define`): true only in the test build (`vite build --mode
 * test`, what `npm test` loads into Chromium), where the worker keeps the raw capture rings that
 * the `debug/raw-events` and `debug/har-entries` messages read. The release build (`npm run
 * build`) keeps neither: they hold cookies and tokens as captured.
 */
declare const __CORSIGHT_TEST_API__: boolean;

/**
 * Set at build time (vite.config.ts `define`, from CORSIGHT_BROWSER): the browser this build is
 * for. Read only through src/shared/platform.ts, where every browser difference lives.
 */
declare const __CORSIGHT_BROWSER__: 'chrome' | 'firefox';
