/**
 * npm run install:servers — installs, from Debian's packages, everything the optional checks
 * use: the servers `verify:snippets` runs fixes in, the parsers of the syntax tests, and Chromium
 * when no Chrome/Chromium is found. CI runs this before `npm test`; a newcomer's `npm test`
 * skips what is missing and names this command.
 *
 *   npm run install:servers            install what is missing (root, apt-get)
 *   npm run install:servers -- --list  print the packages and exit
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { installedChromium } from '../test/harness/browser.ts';
import { findProgram, optionalPackages } from '../test/harness/tools.ts';

const wanted = optionalPackages();
if (!process.env.CHROME_PATH && !installedChromium()) wanted.unshift('chromium');

if (process.argv.includes('--list')) {
  console.log(wanted.join(' '));
  process.exit(0);
}

/** The packages of `pkgs` that dpkg reports installed (one dpkg-query call for all). */
function installedOf(pkgs: readonly string[]): Set<string> {
  // Unknown packages make dpkg-query exit 1, but it still prints the status of the others.
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...pkgs], { encoding: 'utf8' });
  const installed = new Set<string>();
  for (const line of (r.stdout ?? '').split('\n')) {
    const [name, ...status] = line.split(' ');
    if (name && status.join(' ').includes('ok installed')) installed.add(name.split(':')[0]!);
  }
  return installed;
}

if (!findProgram('apt-get') || !findProgram('dpkg-query')) {
  console.error(`install:servers needs Debian's apt-get. On another system install the equivalents of: ${wanted.join(' ')}`);
  process.exit(1);
}
const before = installedOf(wanted);
const missing = wanted.filter((pkg) => !before.has(pkg));
if (missing.length === 0) {
  console.log(`install:servers: all ${wanted.length} packages are installed`);
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  console.error(`install:servers: run as root (e.g. sudo npm run install:servers), or install them yourself:\n  sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}

console.log(`install:servers: apt-get install ${missing.join(' ')}`);
// Packaged servers must not start on install (nginx and apache would take port 80); the tests
// start their own. Debian's convention for that is a policy-rc.d that exits 101. A machine that
// already has one keeps it.
const POLICY = '/usr/sbin/policy-rc.d';
const ownPolicy = !fs.existsSync(POLICY);
if (ownPolicy) fs.writeFileSync(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
} finally {
  if (ownPolicy) fs.rmSync(POLICY, { force: true });
}
const after = installedOf(missing);
const still = missing.filter((pkg) => !after.has(pkg));
if (still.length) {
  console.error(`install:servers: apt-get finished but these are not installed: ${still.join(' ')}`);
  process.exit(1);
}
console.log(`install:servers: installed ${missing.length} packages`);
