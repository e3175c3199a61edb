/**
 * Records the HAR that Firefox's own DevTools writes for the whole lab into
 * test/fixtures/lab-firefox.har (how: test/harness/firefox-har.ts). test/e2e/cli-har-firefox.test.ts
 * reads it when Firefox is not installed. Re-run after changing the lab:
 *   apt-get install firefox-esr && npx tsx scripts/record-firefox-har.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../test/harness/browser.ts';
import { findFirefox, recordFirefoxHar } from '../test/harness/firefox-har.ts';
import { startLab } from '../test/lab/server.ts';

const OUT = path.join(REPO_ROOT, 'test/fixtures/lab-firefox.har');

const firefox = findFirefox();
if (!firefox) {
  console.error('record-firefox-har: no firefox-esr (or firefox) on PATH; install it with apt-get install firefox-esr');
  process.exit(2);
}
const lab = await startLab();
try {
  const tty = process.stderr.isTTY;
  const { version, har, seconds } = await recordFirefoxHar(firefox, lab, { onProgress: (text) => tty && process.stderr.write(`\r${text}   `) });
  if (tty) process.stderr.write('\n');
  fs.writeFileSync(OUT, JSON.stringify(har) + '\n');
  console.log(`${version}: ${har.log.entries.length} entries in ${seconds.toFixed(0)} s -> ${path.relative(REPO_ROOT, OUT)} (${(fs.statSync(OUT).size / 1024).toFixed(0)} KB)`);
} finally {
  await lab.close();
}
