/**
 * "What if the server answered...": the detail view lets the user rewrite the response headers
 * of the preflight and of each hop and see the engine's verdict at once. Pure: the exchange with
 * the edited answers, judged by the same diagnose(). No browser change.
 */
import { diagnose } from '../engine/index.ts';
import type { Diagnosis, Exchange, HttpHeader, ObservedResponse } from '../engine/types.ts';
import { shortenUrl } from './model.ts';

/** One answer of the exchange the user may rewrite. */
export interface EditableAnswer {
  /** `pf:<hop>` for a preflight answer, `r:<hop>` for a response. */
  key: string;
  label: string;
  status: number;
  headers: HttpHeader[];
}

/** The answers that were seen, in the order the browser got them. */
export function editableAnswers(ex: Exchange): EditableAnswer[] {
  const out: EditableAnswer[] = [];
  const pf = ex.preflight;
  if (pf.kind === 'sent' && pf.response) out.push({ key: 'pf:0', label: `Preflight answer (OPTIONS ${shortenUrl(pf.url)})`, status: pf.response.status, headers: pf.response.headers });
  ex.hops.forEach((hop, i) => {
    const hpf = hop.preflight;
    if (i > 0 && hpf?.kind === 'sent' && hpf.response) out.push({ key: `pf:${i}`, label: `Preflight answer of the redirect target (OPTIONS ${shortenUrl(hpf.url)})`, status: hpf.response.status, headers: hpf.response.headers });
    if (hop.response) out.push({ key: `r:${i}`, label: `${i === 0 ? 'Response' : `Response after redirect ${i}`} (${ex.method} ${shortenUrl(hop.url)})`, status: hop.response.status, headers: hop.response.headers });
  });
  return out;
}

/** Header lines as the user edits them: `Name: value`, one per line. */
export function headersAsText(headers: readonly HttpHeader[]): string {
  return headers.map((h) => `${h.name}: ${h.value}`).join('\n');
}

/** The lines back as headers; a line without a name and a colon is reported, not guessed. */
export function parseHeaderText(text: string): { headers: HttpHeader[]; errors: string[] } {
  const headers: HttpHeader[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      errors.push(`Line ${i + 1} is not "Name: value": ${JSON.stringify(line.slice(0, 60))}.`);
      return;
    }
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  });
  return { headers, errors };
}

function withHeaders(r: ObservedResponse | undefined, headers: HttpHeader[] | undefined): ObservedResponse | undefined {
  return r && headers ? { ...r, headers } : r;
}

/** The exchange with the edited answers (keys of editableAnswers). */
export function exchangeWithAnswers(ex: Exchange, edits: ReadonlyMap<string, HttpHeader[]>): Exchange {
  const pf = ex.preflight;
  const preflight = pf.kind === 'sent' && edits.has('pf:0') ? { ...pf, response: withHeaders(pf.response, edits.get('pf:0')) } : pf;
  const hops = ex.hops.map((hop, i) => {
    const out = { ...hop };
    const hpf = hop.preflight;
    if (i > 0 && hpf?.kind === 'sent' && edits.has(`pf:${i}`)) out.preflight = { ...hpf, response: withHeaders(hpf.response, edits.get(`pf:${i}`)) };
    if (edits.has(`r:${i}`)) out.response = withHeaders(hop.response, edits.get(`r:${i}`));
    return out;
  });
  return { ...ex, preflight, hops };
}

/**
 * The verdict on the edited exchange, as if the browser had got those answers: the credentials
 * mode of the real diagnosis is kept (not guessed again from an outcome that no longer applies),
 * and the outcome is the one the edited answers lead to (so no "outcome mismatch" is reported).
 */
export function whatIfDiagnosis(ex: Exchange, edits: ReadonlyMap<string, HttpHeader[]>, real: Diagnosis): Diagnosis {
  const edited: Exchange = { ...exchangeWithAnswers(ex, edits), credentials: real.credentialsAssumed };
  const passed = diagnose({ ...edited, outcome: { kind: 'completed' } });
  if (passed.status !== 'blocked') return passed;
  return diagnose({ ...edited, outcome: { kind: 'failed', error: 'net::ERR_FAILED' } });
}
