/**
 * npm run package: the store packages, in artifacts/ (version from package.json):
 *   corsight-chrome-<v>.zip    the Chrome Web Store upload (the release build, dist/)
 *   corsight-firefox-<v>.zip   the add-on for addons.mozilla.org (dist-firefox/, `web-ext build`)
 *   corsight-sources-<v>.zip   the sources AMO asks for with bundled code (`git archive` of HEAD)
 * Both are release builds (no test bridge, no raw capture rings), built into artifacts/build/. The Firefox build must
 * pass `web-ext lint` with no error and no warning, or nothing is packaged.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import webExt from 'web-ext';
import pkg from '../package.json' with { type: 'json' };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = path.join(root, 'artifacts');
const version = pkg.version;

/** A release build into artifacts/build/<browser>/ (dist/ and dist-firefox/ keep what the tests built). */
function build(browser: 'chrome' | 'firefox'): string {
  const outDir = path.join(artifacts, 'build', browser);
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], {
    cwd: root,
    stdio: 'inherit',
    // Production whatever the caller's NODE_ENV (vitest sets "test", which would bundle React's development build).
    env: { ...process.env, NODE_ENV: 'production', CORSIGHT_BROWSER: browser },
  });
  return outDir;
}

async function zip(sourceDir: string, filename: string): Promise<string> {
  return (await webExt.cmd.build({ sourceDir, artifactsDir: artifacts, filename, overwriteDest: true }, { showReadyMessage: false })).extensionPath;
}

fs.mkdirSync(artifacts, { recursive: true });
const chromeDir = build('chrome');
const firefoxDir = build('firefox');

const lint = await webExt.cmd.lint({ sourceDir: firefoxDir, output: 'none', selfHosted: false }, { shouldExitProgram: false });
const problems = [...lint.errors, ...lint.warnings];
if (problems.length) {
  console.error(`package: web-ext lint found ${lint.errors.length} error(s) and ${lint.warnings.length} warning(s) in ${firefoxDir}; nothing was packaged:`);
  for (const p of problems) console.error(`  ${p.code} ${p.file ?? ''}: ${p.message}`);
  process.exit(1);
}

const out = [
  await zip(chromeDir, `corsight-chrome-${version}.zip`),
  await zip(firefoxDir, `corsight-firefox-${version}.zip`),
];
const sources = path.join(artifacts, `corsight-sources-${version}.zip`);
execFileSync('git', ['archive', '--format=zip', `--output=${sources}`, 'HEAD'], { cwd: root });
out.push(sources);
console.log('web-ext lint (Firefox build): 0 errors, 0 warnings');
for (const file of out) console.log(`${path.relative(root, file)}  ${(fs.statSync(file).size / 1024).toFixed(0)} KB`);
