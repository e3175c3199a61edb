/**
 * Bundle sizes against their budgets (issue 20): the release build (Chrome's; Firefox's is the
 * same code) with vite's manifest, and for each page the gzipped size of its entry chunk, every
 * chunk it imports statically, and its CSS. Budgets: worker <= 40 KB, panel <= 90 KB, popup <=
 * 60 KB gzipped. Prints figures; asserts nothing.   npx tsx scripts/bench/bundle.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'vite';
import { REPO_ROOT } from '../../test/harness/browser.ts';

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  isEntry?: boolean;
}

const PAGES: ReadonlyArray<{ name: string; entry: string; budgetKb?: number }> = [
  { name: 'worker', entry: 'src/background/index.ts', budgetKb: 40 },
  { name: 'panel', entry: 'src/panel/index.html', budgetKb: 90 },
  { name: 'popup', entry: 'src/popup/index.html', budgetKb: 60 },
  { name: 'DevTools page', entry: 'src/devtools/index.html' },
];

process.env.NODE_ENV = 'production';
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corsight-bundle-'));
try {
  await build({ root: REPO_ROOT, logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true, manifest: true } });
  const manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const gzipped = (file: string) => zlib.gzipSync(fs.readFileSync(path.join(outDir, file))).length;
  /** The entry's files: its chunk, its static imports (transitively) and their CSS. */
  const filesOf = (key: string, seen = new Set<string>()): Set<string> => {
    const chunk = manifest[key];
    if (!chunk || seen.has(chunk.file)) return seen;
    seen.add(chunk.file);
    for (const css of chunk.css ?? []) seen.add(css);
    for (const imported of chunk.imports ?? []) filesOf(imported, seen);
    return seen;
  };
  console.log('bundle sizes (release build, gzipped: the page\'s entry, its static imports and CSS)');
  for (const page of PAGES) {
    const key = Object.keys(manifest).find((k) => k === page.entry || k.endsWith(page.entry));
    if (!key) {
      console.log(`  ${page.name.padEnd(20)} not in the build's manifest (${page.entry})`);
      continue;
    }
    const loaded = filesOf(key);
    const files = [...loaded];
    const kb = files.reduce((n, f) => n + gzipped(f), 0) / 1024;
    const verdict = page.budgetKb === undefined ? '' : `   budget <= ${page.budgetKb} KB: ${kb <= page.budgetKb ? 'met' : 'missed'}`;
    // What the page imports only when needed (import()), with what that brings that is not loaded yet.
    const onDemand = new Set<string>();
    for (const f of files) {
      const chunkKey = Object.keys(manifest).find((k) => manifest[k]?.file === f);
      for (const dynamic of (chunkKey && manifest[chunkKey]?.dynamicImports) || []) for (const d of filesOf(dynamic)) if (!loaded.has(d)) onDemand.add(d);
    }
    const later = onDemand.size ? `; on demand ${([...onDemand].reduce((n, f) => n + gzipped(f), 0) / 1024).toFixed(1)} KB more` : '';
    console.log(`  ${page.name.padEnd(20)} ${kb.toFixed(1).padStart(6)} KB in ${files.length} file(s)${verdict}${later}`);
  }
} finally {
  fs.rmSync(outDir, { recursive: true, force: true });
}
