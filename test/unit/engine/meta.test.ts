import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_IDS, FINDINGS } from '../../../src/engine/findings.ts';

const ROOT = join(import.meta.dirname, '../../..');
const ENGINE = join(ROOT, 'src/engine');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

/** Strips comments and string/template contents so words in prose do not count. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/`(?:\\.|[^`\\])*`/g, '``')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""');
}

describe('engine purity', () => {
  const files = sources(ENGINE);
  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(3);
  });
  it.each(files.map((f) => [f.slice(ROOT.length + 1), f]))('%s imports no browser or UI module', (_rel, file) => {
    const text = readFileSync(file, 'utf8');
    const imports = [...text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
      (m) => m[1] ?? m[2] ?? m[3],
    );
    for (const spec of imports) {
      expect(spec).not.toMatch(/^(chrome|webextension-polyfill|react|react-dom)(\/|$)/);
      expect(spec).toMatch(/^\.\.?\//); // only relative imports inside the engine
    }
  });
  it.each(files.map((f) => [f.slice(ROOT.length + 1), f]))('%s uses no DOM or extension globals', (_rel, file) => {
    const body = code(readFileSync(file, 'utf8'));
    for (const global of ['window', 'document', 'navigator', 'chrome', 'browser', 'localStorage', 'XMLHttpRequest', 'fetch']) {
      expect(body, `${global} in ${file}`).not.toMatch(new RegExp(`(?<![\\w.$'"])${global}\\s*[.([]`));
    }
  });
});

/** Relative imports of a source file, resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s*['"](\.[^'"]+)['"]/g)].map((m) => join(file, '..', m[1]!));
}

describe('layers', () => {
  const src = sources(join(ROOT, 'src'));
  it.each(['src/store', 'src/capture'])('%s does not judge: the worker runs judge() and diagnose() and passes them in', (dir) => {
    for (const file of sources(join(ROOT, dir))) {
      expect(importsOf(file), file).not.toContain(join(ENGINE, 'diagnose.ts'));
      expect(importsOf(file), file).not.toContain(join(ENGINE, 'index.ts'));
    }
  });
  it('has no import cycle', () => {
    const graph = new Map(src.map((f) => [f, importsOf(f).filter((d) => src.includes(d))]));
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      expect(state.get(f), `cycle: ${[...path, f].map((p) => p.slice(ROOT.length + 1)).join(' -> ')}`).not.toBe('open');
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of src) visit(f, []);
  });
});

describe('findings table', () => {
  const doc = readFileSync(join(ROOT, 'docs/findings.md'), 'utf8');
  it.each(FINDING_IDS)('%s is documented in docs/findings.md', (id) => {
    expect(doc).toContain(`\`${id}\``);
  });
  it.each(FINDING_IDS)('%s has a title, hint and an https link', (id) => {
    const f = FINDINGS[id];
    expect(f.title.length).toBeGreaterThan(5);
    expect(f.hint.length).toBeGreaterThan(10);
    expect(f.link).toMatch(/^https:\/\/(fetch\.spec\.whatwg\.org|developer\.mozilla\.org)\//);
    expect(['error', 'warning', 'info']).toContain(f.severity);
  });
  it('the table holds the required ids', () => {
    for (const id of [
      'unexposed-response-header', 'dynamic-allow-origin-without-vary', 'wildcard-subdomain-allow-origin', 'list-allow-origin',
      'max-age-above-cap', 'no-cors-opaque-response', 'error-response-without-cors', 'preflight-answered-by-auth',
      'authorization-covered-by-wildcard', 'allow-credentials-not-lowercase-true', 'network-error-not-cors',
    ]) expect(FINDING_IDS).toContain(id);
  });
});
