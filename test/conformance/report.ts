/** Tables and summaries printed by `npm run conformance` and `npm run fuzz`. */
import { formatVerdict, type CaseResult } from './harness.ts';
import { captureOnlyIds, expectedById } from './expectations.ts';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

export function table(results: readonly CaseResult[]): string {
  const rows = results.map((r) => [
    r.scenario.id,
    clip(formatVerdict(r.chromium), 70),
    clip(formatVerdict(r.corsight), 70),
    r.agree ? 'yes' : expectedById.has(r.scenario.id) ? 'NO (expected)' : r.credentialsAmbiguous ? 'NO (credentials unknown)' : 'NO',
  ]);
  const head = ['scenario', "Chromium's verdict", "Corsight's verdict", 'agree?'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, w[i] ?? 0)).join(' | ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('-|-'), ...rows.map(line)].join('\n');
}

/** Scenario count per Chromium code (what Chromium actually said), `ok` and net errors included. */
export function perCode(results: readonly CaseResult[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of results) {
    const k = r.chromium.kind === 'cors' ? r.chromium.corsError : r.chromium.kind === 'ok' ? 'ok' : `(net) ${r.chromium.error}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return new Map([...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

export function perCodeText(results: readonly CaseResult[]): string {
  return [...perCode(results)].map(([k, n]) => `  ${pad(k, 40)} ${n}`).join('\n');
}

export interface Summary {
  agree: number;
  disagree: number;
  unexpected: CaseResult[];
  /** Disagreements only the credentials mode (not on the wire) settles. */
  ambiguous: number;
  /** Listed in expectations.ts but agreeing now (the entry can go). */
  stale: string[];
  /** Chromium's verdict differs from the scenario's hand-written expect. */
  beliefMismatches: CaseResult[];
}

export function summarize(results: readonly CaseResult[]): Summary {
  const agree = results.filter((r) => r.agree).length;
  const dis = results.filter((r) => !r.agree);
  return {
    agree,
    disagree: dis.length,
    unexpected: dis.filter((r) => !expectedById.has(r.scenario.id) && !r.credentialsAmbiguous),
    ambiguous: dis.filter((r) => r.credentialsAmbiguous).length,
    stale: results.filter((r) => r.agree && expectedById.has(r.scenario.id) && !captureOnlyIds.has(r.scenario.id)).map((r) => r.scenario.id),
    beliefMismatches: results.filter((r) => !r.expectHolds),
  };
}
