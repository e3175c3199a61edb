/**
 * The one manifest source: `manifestFor('chrome')` and `manifestFor('firefox')` differ only where
 * the browsers do (each difference names the document behind it); everything else is shared.
 */
import pkg from './package.json' with { type: 'json' };

export type TargetBrowser = 'chrome' | 'firefox';

/** The add-on id Firefox keys storage and updates on (AMO requires one for MV3). */
export const GECKO_ID = 'corsight@corsight.extension';

/**
 * Firefox 142: `browser_specific_settings.gecko.data_collection_permissions` is read from 140 on
 * desktop and web-ext lint warns below 142 for Android; declarativeNetRequest, storage.session,
 * scripting and module background scripts are all older.
 */
export const FIREFOX_MIN_VERSION = '142.0';

const BACKGROUND_ENTRY = 'src/background/index.ts';

function sharedManifest() {
  return {
    manifest_version: 3,
    name: 'Corsight',
    version: pkg.version,
    description: 'Why did the browser block that cross-origin request, and what exactly must the server send? A CORS panel for DevTools.',
    icons: {
      '16': 'icons/icon-16.png',
      '32': 'icons/icon-32.png',
      '48': 'icons/icon-48.png',
      '128': 'icons/icon-128.png',
    },
    action: {
      default_title: 'Corsight',
      default_popup: 'src/popup/index.html',
      default_icon: { '16': 'icons/icon-16.png', '32': 'icons/icon-32.png' },
    },
    devtools_page: 'src/devtools/index.html',
    permissions: ['webRequest', 'storage', 'declarativeNetRequestWithHostAccess', 'scripting', 'webNavigation'],
    host_permissions: ['<all_urls>'],
    content_security_policy: {
      extension_pages: "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; connect-src 'self'; img-src 'self' data:; style-src 'self'",
    },
  };
}

function chromeManifest() {
  return {
    ...sharedManifest(),
    minimum_chrome_version: '120',
    background: { service_worker: BACKGROUND_ENTRY, type: 'module' as const },
  };
}

function firefoxManifest() {
  return {
    ...sharedManifest(),
    // Firefox runs MV3 backgrounds as event pages, not service workers:
    // https://developer.mozilla.org/docs/Mozilla/Add-ons/WebExtensions/manifest.json/background
    background: { scripts: [BACKGROUND_ENTRY], type: 'module' as const },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: FIREFOX_MIN_VERSION,
        // Nothing is collected or sent anywhere (docs/security.md):
        // https://extensionworkshop.com/documentation/develop/firefox-builtin-data-consent/
        data_collection_permissions: { required: ['none' as const] },
      },
    },
  };
}

export function manifestFor(browser: 'chrome'): ReturnType<typeof chromeManifest>;
export function manifestFor(browser: 'firefox'): ReturnType<typeof firefoxManifest>;
export function manifestFor(browser: TargetBrowser): ReturnType<typeof chromeManifest> | ReturnType<typeof firefoxManifest>;
export function manifestFor(browser: TargetBrowser) {
  return browser === 'chrome' ? chromeManifest() : firefoxManifest();
}
