/**
 * What watching costs a page in Firefox: load time of a page firing 500 cross-origin fetches
 * (half of them preflighted), in real Firefox ESR over WebDriver BiDi, with the Firefox test build
 * (dist-firefox/, for the bridge that starts a capture). Configurations, interleaved, a fresh
 * browser each run, medians:
 *   none        no extension
 *   idle        Corsight installed, the tab not diagnosed (the cheap watch only)
 *   webrequest  Corsight capturing the tab with webRequest (capture/start)
 *   devtools    DevTools open on the tab, Corsight's DevTools page listening (tab/report asked)
 *   devtools-bare  DevTools open, no extension
 * Prints figures, asserts nothing.   npx tsx scripts/bench/firefox-capture.ts [rounds] (default 5)
 */
import http from 'node:http';
import type { Page } from 'puppeteer-core';
import { askWorker, findFirefox, FIREFOX_EXTENSION_DIR, launchFirefox } from '../../test/harness/firefox.ts';
import { formatInterval, median, ratioOfMedians } from './stats.ts';
import { benchApi, benchPageScript } from './bench-page.ts';
import { listenOnLoopback } from '../../test/e2e/pipeline-support.ts';

const ROUNDS = Number(process.argv[2] ?? 5);
const REQUESTS = 500;
type Config = 'none' | 'idle' | 'webrequest' | 'devtools' | 'devtools-bare';
const CONFIGS: Config[] = ['none', 'idle', 'webrequest', 'devtools', 'devtools-bare'];

const firefox = findFirefox();
if (!firefox) {
  console.log('firefox-capture bench: skipped, Firefox is not installed (apt-get install firefox-esr, or npm run install:servers)');
  process.exit(0);
}

/** The bench's local servers (closed at the end). */
const servers: http.Server[] = [];

const apiOrigin = await listenOnLoopback(servers, benchApi);
const pageScript = benchPageScript(apiOrigin, REQUESTS);
const appOrigin = await listenOnLoopback(servers, (req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(req.url?.startsWith('/bench') ? `<!doctype html><title>bench</title><script>${pageScript}</script>` : '<!doctype html><title>blank</title>');
});

async function once(config: Config): Promise<number> {
  const devtools = config === 'devtools' || config === 'devtools-bare';
  const withExtension = config !== 'none' && config !== 'devtools-bare';
  const launched = await launchFirefox({ executablePath: firefox, ...(withExtension ? { extensionDir: FIREFOX_EXTENSION_DIR } : {}), ...(devtools ? { args: ['--devtools'] } : {}) });
  try {
    const page: Page = devtools ? (await launched.browser.pages())[0]! : await launched.browser.newPage();
    await page.goto(`${appOrigin}/blank`);
    if (config === 'webrequest') await askWorker(page, { type: 'capture/start', reload: false });
    if (config === 'devtools') {
      await new Promise((r) => setTimeout(r, 2000));
      const report = await askWorker(page, { type: 'tab/report' });
      if (!report.capture.devtools) throw new Error('devtools: the DevTools page is not listening');
    }
    if (devtools) await new Promise((r) => setTimeout(r, 1000));
    await page.goto(`${appOrigin}/bench`);
    await page.waitForFunction('window.__t !== undefined', { timeout: 60_000 });
    return (await page.evaluate('window.__t')) as number;
  } finally {
    await launched.close();
  }
}

const times = new Map<Config, number[]>(CONFIGS.map((c) => [c, []]));
await once('none');
for (let round = 0; round < ROUNDS; round++) {
  const order = CONFIGS.map((_, i) => CONFIGS[(i + round) % CONFIGS.length]!);
  for (const config of order) times.get(config)!.push(await once(config));
  process.stderr.write(`\rround ${round + 1}/${ROUNDS}`);
}
process.stderr.write('\n');
for (const c of CONFIGS) console.log(`${c.padEnd(14)} median ${median(times.get(c)!).toFixed(0)} ms  [${times.get(c)!.map((t) => t.toFixed(0)).join(', ')}]`);
// Each ratio with its bootstrap 95% interval (stats.ts).
const ratio = (a: Config, b: Config) => formatInterval(ratioOfMedians(times.get(a)!, times.get(b)!));
console.log(`firefox: idle / none ${ratio('idle', 'none')}; webRequest capture / none ${ratio('webrequest', 'none')}; DevTools listening / DevTools without extension ${ratio('devtools', 'devtools-bare')}; webRequest capture / DevTools listening ${ratio('webrequest', 'devtools')}`);
for (const server of servers) server.close();
