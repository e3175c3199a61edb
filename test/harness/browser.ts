/**
 * Launch a local Chromium (never downloaded: the system one, or apt's) through playwright-core,
 * optionally with the Corsight extension loaded, in a fresh temporary profile.
 */
import { execFileSync, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { findProgram, isExecutableFile } from './tools.ts';

/** The repository root (this file is test/harness/browser.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where `vite build` writes the extension. */
// CORSIGHT_EXTENSION_DIR: a private build (npx vite build --mode test --outDir DIR) so parallel work does not clobber dist/.
export const DEFAULT_EXTENSION_DIR = process.env.CORSIGHT_EXTENSION_DIR ? path.resolve(process.env.CORSIGHT_EXTENSION_DIR) : path.join(REPO_ROOT, 'dist');

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
  '/usr/local/bin/chromium',
  '/usr/local/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const INSTALL_HINT =
  'No Chromium/Chrome found. Install one from your system packages, e.g. on Debian/Ubuntu: ' +
  '`sudo apt-get update && sudo apt-get install -y chromium`, or set CHROME_PATH=/path/to/chrome. ' +
  '(Browsers are never downloaded by this project.)';

/** A Chrome or Chromium already on this machine (the usual locations, then PATH), or undefined. */
export function installedChromium(): string | undefined {
  return (
    CANDIDATES.find(isExecutableFile) ??
    ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'].map((name) => findProgram(name)).find(Boolean)
  );
}

/**
 * CHROME_PATH, else /usr/bin/chromium, else the usual Chrome/Chromium locations and PATH names;
 * if none and we are root with apt-get, `apt-get install -y chromium`; else throws how to install.
 */
export function findChromium(): string {
  const env = process.env.CHROME_PATH;
  if (env) {
    if (!isExecutableFile(env)) throw new Error(`CHROME_PATH=${env} is not an executable file.`);
    return env;
  }
  const found = installedChromium();
  if (found) return found;
  const apt = findProgram('apt-get');
  if (apt && process.getuid?.() === 0) {
    execSync('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium', { stdio: 'inherit' });
    const after = installedChromium();
    if (after) return after;
  }
  throw new Error(INSTALL_HINT);
}

export interface LaunchOptions {
  /** Load this unpacked extension (e.g. DEFAULT_EXTENSION_DIR). */
  extensionDir?: string;
  /** Default true (new headless; extensions work there). */
  headless?: boolean;
  /** Open DevTools for every tab (--auto-open-devtools-for-tabs). */
  devtools?: boolean;
  /** Extra Chromium flags. */
  args?: string[];
}

export interface LaunchedBrowser {
  context: BrowserContext;
  /** Set when an extension was loaded. */
  extensionId?: string;
  /** The extension's MV3 service worker, ready (one evaluate round trip done). */
  serviceWorker?: Worker;
  executablePath: string;
  profileDir: string;
  /** Close the browser and remove the temporary profile. */
  close(): Promise<void>;
}

export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function extensionIdFromUrl(url: string): string | undefined {
  const m = /^chrome-extension:\/\/([a-p]{32})\//.exec(url);
  return m?.[1];
}

/** The extension's service worker, waiting for it and doing one round trip (listener race). */
export async function waitForServiceWorker(context: BrowserContext, timeoutMs = 20_000): Promise<Worker> {
  let worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  if (!worker) {
    worker = await context.waitForEvent('serviceworker', {
      predicate: (w) => w.url().startsWith('chrome-extension://'),
      timeout: timeoutMs,
    });
  }
  // The worker is listed before its top-level code has registered its listeners.
  await worker.evaluate(() => 1);
  return worker;
}

/** The id of the loaded extension (from its service worker). */
export async function extensionId(context: BrowserContext): Promise<string> {
  const worker = await waitForServiceWorker(context);
  const id = extensionIdFromUrl(worker.url());
  if (!id) throw new Error(`cannot read an extension id from ${worker.url()}`);
  return id;
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const executablePath = findChromium();
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-profile-'));
  const args = [...BASE_ARGS];
  if (options.extensionDir) {
    const dir = path.resolve(options.extensionDir);
    if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
      fs.rmSync(profileDir, { recursive: true, force: true });
      throw new Error(`No extension at ${dir}: ${path.join(dir, 'manifest.json')} is missing. Build it first with \`npx vite build\`.`);
    }
    args.push(`--disable-extensions-except=${dir}`, `--load-extension=${dir}`);
  }
  if (options.devtools) args.push('--auto-open-devtools-for-tabs');
  args.push(...(options.args ?? []));

  const cleanup = () => fs.rmSync(profileDir, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless: options.headless ?? true,
      args,
      // playwright's default would add --disable-extensions.
      ignoreDefaultArgs: options.extensionDir ? ['--disable-extensions'] : [],
    });
  } catch (e) {
    cleanup();
    throw e;
  }

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await context.close().catch(() => undefined);
    cleanup();
  };

  const launched: LaunchedBrowser = { context, executablePath, profileDir, close };
  if (options.extensionDir) {
    try {
      const worker = await waitForServiceWorker(context);
      launched.serviceWorker = worker;
      launched.extensionId = extensionIdFromUrl(worker.url());
    } catch (e) {
      await close();
      throw new Error(`The extension in ${options.extensionDir} loaded no service worker: ${String(e)}`);
    }
  }
  return launched;
}

/** Open `chrome-extension://<id>/<path>` in a new tab. */
export async function openExtensionPage(context: BrowserContext, pagePath: string, id?: string): Promise<Page> {
  const extId = id ?? (await extensionId(context));
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extId}/${pagePath.replace(/^\//, '')}`);
  return page;
}

/** Chromium's version string (e.g. "Chromium 156.0.x"), for reports. */
export function chromiumVersion(executablePath = findChromium()): string {
  return execFileSync(executablePath, ['--version'], { encoding: 'utf8' }).trim();
}
