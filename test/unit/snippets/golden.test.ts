import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTION_TEXT } from '../../../src/engine/plan.ts';
import type { FixPlan } from '../../../src/engine/types.ts';
import { STACKS, actionNotes, findStack, generateSnippet } from '../../../src/snippets/index.ts';
import { FULL_PLAN, SIMPLE_PLAN } from './plans.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const golden = (id: string, plan: string): string => fs.readFileSync(path.join(HERE, 'golden', `${id}.${plan}.txt`), 'utf8');

describe.each(STACKS.map((s) => [s.id] as const))('golden %s', (id) => {
  it('simple plan: one origin, GET', () => {
    expect(generateSnippet(id, SIMPLE_PLAN).code).toBe(golden(id, 'simple'));
  });
  it('full plan: credentials, PUT, x-api-key, exposed header, max-age, two origins', () => {
    expect(generateSnippet(id, FULL_PLAN).code).toBe(golden(id, 'full'));
  });
  it('carries notes, a filename and the stack language', () => {
    const s = generateSnippet(id, FULL_PLAN);
    expect(s.stack).toBe(id);
    expect(s.language).toBe(findStack(id)?.language);
    expect(s.filename.length).toBeGreaterThan(0);
    expect(s.notes.length).toBeGreaterThan(0);
    // The plan's actions become notes, in the engine's wording.
    for (const action of FULL_PLAN.actions) expect(s.notes).toContain(ACTION_TEXT[action.id]);
  });
  it('words actions by their id, never with the text a plan from a file carries', () => {
    const plan = { ...FULL_PLAN, actions: FULL_PLAN.actions.map((a) => ({ ...a, text: 'IMPORTED <b>text</b>' })) };
    const notes = generateSnippet(id, plan).notes;
    expect(notes.join('\n')).not.toContain('IMPORTED');
    for (const action of FULL_PLAN.actions) expect(notes).toContain(ACTION_TEXT[action.id]);
  });
});

describe('actionNotes', () => {
  it('words known actions as the engine does and skips ids it does not know', () => {
    const actions = [
      { id: 'vary-origin', text: 'from a file' },
      { id: 'no-such-action', text: 'from a file' },
      { id: 'constructor', text: 'from a file' },
    ] as unknown as FixPlan['actions'];
    expect(actionNotes(actions)).toEqual([ACTION_TEXT['vary-origin']]);
  });
});

describe('registry', () => {
  it('every stack has golden files and is documented in docs/snippets.md', () => {
    const doc = fs.readFileSync(path.join(HERE, '..', '..', '..', 'docs', 'snippets.md'), 'utf8');
    for (const s of STACKS) {
      expect(fs.existsSync(path.join(HERE, 'golden', `${s.id}.simple.txt`)), s.id).toBe(true);
      expect(fs.existsSync(path.join(HERE, 'golden', `${s.id}.full.txt`)), s.id).toBe(true);
      expect(doc, s.id).toContain(`| \`${s.id}\` |`);
    }
  });
  it('marks as chromium exactly the stacks verify:snippets runs, and the docs say so', async () => {
    const { ADAPTERS } = await import('../../verify/servers.ts');
    const chromium = STACKS.filter((s) => s.verification === 'chromium').map((s) => s.id);
    expect([...chromium].sort()).toEqual(ADAPTERS.map((a) => a.id).sort());
    const doc = fs.readFileSync(path.join(HERE, '..', '..', '..', 'docs', 'snippets.md'), 'utf8');
    for (const s of STACKS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${s.id}\` |`)) ?? '';
      expect(row.split('|')[5]?.trim(), s.id).toBe(s.verification);
    }
  });
  it('has unique ids and covers the three kinds', () => {
    expect(new Set(STACKS.map((s) => s.id)).size).toBe(STACKS.length);
    expect(new Set(STACKS.map((s) => s.kind))).toEqual(new Set(['framework', 'proxy', 'cloud']));
  });
  it('labels the dev-server proxies as dev only', () => {
    for (const id of ['vite', 'webpack-dev-server']) {
      expect(findStack(id)?.devOnly).toBe(true);
      expect(generateSnippet(id, SIMPLE_PLAN).notes.join(' ')).toMatch(/development only/i);
    }
  });
  it('throws on an unknown stack', () => {
    expect(() => generateSnippet('cobol', SIMPLE_PLAN)).toThrow(/unknown stack/);
  });
  it('adds Vary: Origin where the origin is chosen per request', () => {
    for (const id of ['nginx', 'apache', 'caddy', 'haproxy', 'php', 'nextjs', 'cloudflare-workers']) {
      expect(generateSnippet(id, FULL_PLAN).code, id).toMatch(/Vary/);
    }
    expect(generateSnippet('nginx', SIMPLE_PLAN).code).not.toMatch(/Vary/);
  });
  it('sends CORS headers on error responses in the proxies', () => {
    expect(generateSnippet('nginx', FULL_PLAN).code.split('\n').filter((l) => l.startsWith('add_header')).every((l) => l.endsWith(' always;'))).toBe(true);
    expect(generateSnippet('apache', FULL_PLAN).code).not.toMatch(/^Header set/m);
    expect(generateSnippet('haproxy', FULL_PLAN).code).not.toMatch(/http-response set-header/);
  });
});
