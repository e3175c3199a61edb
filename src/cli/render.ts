/**
 * What `corsight har` prints, as text for a terminal (80 columns, colour only when asked) or as
 * GitHub Actions annotations. Pure. Every value comes from the file, so control characters are
 * shown escaped, never written to the terminal.
 */
import type { EchoedOriginsFinding } from '../engine/log-findings.ts';
import type { Diagnosis, Exchange } from '../engine/types.ts';
import { generateSnippet } from '../snippets/index.ts';
import type { StatusCounts } from '../store/report.ts';

const WIDTH = 80;

/** A value from the file as one printable line: control characters escaped, long ones cut. */
export function printable(value: string, max = 400): string {
  // eslint-disable-next-line no-control-regex -- escaping them is the point
  const safe = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return safe.length > max ? `${safe.slice(0, max)}... (${safe.length} characters)` : safe;
}

/** Words wrapped to the width, each line indented. */
export function wrap(text: string, indent: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
}

export const PLAIN: Style = { red: (s) => s, yellow: (s) => s, bold: (s) => s };
export const ANSI: Style = {
  red: (s) => `\u001b[31m${s}\u001b[39m`,
  yellow: (s) => `\u001b[33m${s}\u001b[39m`,
  bold: (s) => `\u001b[1m${s}\u001b[22m`,
};

/** One blocked or warned exchange: what was asked, what was answered, why, and the fix. */
export function renderExchange(exchange: Exchange, diagnosis: Diagnosis, style: Style, stack?: string): string[] {
  const url = printable(exchange.hops[0]?.url ?? '');
  const label = diagnosis.status === 'blocked' ? style.red('BLOCKED') : style.yellow('WARNING');
  const out = [`${label} ${style.bold(printable(exchange.method, 32))} ${url}`];
  out.push(`  from ${printable(exchange.initiatorOrigin)}`);
  if (diagnosis.corsError) {
    const param = diagnosis.failedParameter ? ` (${printable(diagnosis.failedParameter, 120)})` : '';
    out.push(`  ${diagnosis.corsError}${param}`);
  }
  out.push(...wrap(printable(diagnosis.headline, 2000), '  '));
  for (const paragraph of diagnosis.explanation.slice(0, 2)) out.push(...wrap(printable(paragraph, 2000), '  '));
  const asked = diagnosis.evidence.filter((e) => e.stage === 'request');
  const answered = diagnosis.evidence.filter((e) => e.stage !== 'request');
  if (asked.length > 0) {
    out.push('  asked:');
    for (const e of asked) out.push(`    ${e.header}: ${e.seen === null ? '(none)' : printable(e.seen, 200)}`);
  }
  if (answered.length > 0) {
    out.push('  answered:');
    for (const e of answered) {
      const seen = e.seen === null ? '(missing)' : printable(e.seen, 200);
      const needed = !e.ok && e.needed !== undefined ? `   needs: ${printable(e.needed, 200)}` : '';
      out.push(`    ${e.ok ? ' ' : '✗'} ${e.stage} ${e.header}: ${seen}${needed}`);
    }
  }
  const plan = diagnosis.fixPlan;
  if (plan && diagnosis.status === 'blocked') {
    out.push(`  fix on ${printable(plan.targetOrigin)}:`);
    for (const h of plan.headers) out.push(`    ${h.name}: ${printable(h.value, 200)}   (${h.on.join(', ')})`);
    for (const a of plan.actions) out.push(...wrap(a.text, '      ').map((l, i) => (i === 0 ? `    - ${l.slice(6)}` : l)));
    if (stack) {
      const snippet = generateSnippet(stack, plan);
      out.push(`  ${stack} (${snippet.filename}):`);
      for (const line of snippet.code.split('\n')) out.push(`    ${line}`);
      for (const note of snippet.notes.slice(0, 3)) out.push(...wrap(`note: ${note}`, '    '));
    }
  }
  return out;
}

export function renderSummary(counts: StatusCounts, skipped: number): string {
  const total = counts.ok + counts.warning + counts.blocked;
  return `${total} cross-origin request${total === 1 ? '' : 's'}: ${counts.blocked} blocked, ${counts.warning} with warnings, ${counts.ok} ok (${skipped} same-origin or not HTTP, skipped)`;
}

/** GitHub Actions workflow commands escape %, CR and LF in the message. */
function annotation(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function renderGithub(exchange: Exchange, diagnosis: Diagnosis, file: string): string {
  const level = diagnosis.status === 'blocked' ? 'error' : 'warning';
  const title = diagnosis.corsError ? `CORS ${diagnosis.corsError}` : 'CORS warning';
  return `::${level} file=${annotation(file).replace(/[,:]/g, '_')},title=${annotation(title)}::${annotation(`${exchange.method} ${exchange.hops[0]?.url ?? ''}: ${diagnosis.headline}`)}`;
}

/** A finding read across requests (engine/log-findings.ts), after the exchanges it comes from. */
export function renderAcross(finding: EchoedOriginsFinding, style: Style): string[] {
  return [`${style.yellow('WARNING')} across requests: ${finding.id}`, ...wrap(printable(finding.text, 2000), '  ')];
}

export function renderGithubAcross(finding: EchoedOriginsFinding, file: string): string {
  return `::warning file=${annotation(file).replace(/[,:]/g, '_')},title=${annotation(`CORS ${finding.id}`)}::${annotation(finding.text)}`;
}
