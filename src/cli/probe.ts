/**
 * `corsight check URL --origin O --probe`: asks an endpoint one owns whether it trusts origins it
 * should not. Each probe is the same request a page would make, sent from an origin derived from
 * O; the engine judges it as for O: when the browser would let a page at the probe origin read
 * the response, the server trusts that origin. Opt-in: nothing is sent without --probe.
 */
import type { Diagnosis } from '../engine/types.ts';
import { runCheck, type CheckRequest, type Send } from './check-command.ts';

export type ProbeKind = 'unrelated' | 'null' | 'prefix' | 'suffix' | 'unescaped-dot' | 'http' | 'subdomain';

export interface Probe {
  kind: ProbeKind;
  origin: string;
  /** What trusting it means, and the safe fix. */
  risk: string;
}

const FIX = 'Compare the Origin with an exact list of allowed origins (scheme, host and port) and answer only those; never reflect the Origin, and anchor and escape any pattern.';

/** The probe origins for a page origin (those that make sense for it). */
export function probesFor(pageOrigin: string): Probe[] {
  const page = new URL(pageOrigin);
  const scheme = page.protocol;
  const port = page.port ? `:${page.port}` : '';
  const host = page.hostname;
  const probes: Probe[] = [
    { kind: 'unrelated', origin: `${scheme}//corsight-probe.example${port}`, risk: 'any website can read the responses: the server reflects or accepts every Origin' },
    { kind: 'null', origin: 'null', risk: 'sandboxed iframes and local files, which any website can create, are trusted (Origin: null)' },
    { kind: 'prefix', origin: `${scheme}//${host}.corsight-probe.example${port}`, risk: `a domain anyone can register that starts with ${host} is trusted (a "starts with" check)` },
    { kind: 'suffix', origin: `${scheme}//corsightprobe${host}${port}`, risk: `a domain anyone can register that ends with ${host} is trusted (an "ends with" check without a dot)` },
    { kind: 'subdomain', origin: `${scheme}//corsight-probe.${host}${port}`, risk: `every subdomain of ${host} is trusted: one taken-over or user-content subdomain reads the responses` },
  ];
  const dot = host.indexOf('.');
  if (dot > 0 && !/^\d+(\.\d+){3}$/.test(host)) {
    probes.push({ kind: 'unescaped-dot', origin: `${scheme}//${host.slice(0, dot)}x${host.slice(dot + 1)}${port}`, risk: `${host.slice(0, dot)}x${host.slice(dot + 1)} is trusted: a pattern with an unescaped "." matches any character` });
  }
  if (scheme === 'https:') {
    probes.push({ kind: 'http', origin: `http://${host}${port}`, risk: `http://${host} is trusted: anyone on the network path can inject script into that plain-http origin and read the responses` });
  }
  return probes;
}

export interface ProbeResult extends Probe {
  trusted: boolean;
  /** Trusted with credentials (cookies): the response of a logged-in user is readable. */
  withCredentials: boolean;
  /** `info`: answered `*` without credentials, readable by any site by design (public data). */
  severity: 'high' | 'medium' | 'info' | 'none';
  diagnosis: Diagnosis;
}

/** Runs every probe: once without credentials and, when the first is trusted, once with. */
export async function runProbes(request: Omit<CheckRequest, 'origin' | 'credentials'> & { origin: string }, send: Send): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const probe of probesFor(request.origin)) {
    const plain = await runCheck({ ...request, origin: probe.origin, credentials: false }, send);
    const trusted = plain.diagnosis.status !== 'blocked';
    const credentialed = trusted ? await runCheck({ ...request, origin: probe.origin, credentials: true }, send) : undefined;
    const withCredentials = credentialed !== undefined && credentialed.diagnosis.status !== 'blocked';
    const last = plain.exchange.hops.at(-1)?.response?.headers.find((h) => h.name.toLowerCase() === 'access-control-allow-origin')?.value.trim();
    const severity = withCredentials ? 'high' : !trusted ? 'none' : last === '*' ? 'info' : 'medium';
    out.push({ ...probe, trusted, withCredentials, severity, diagnosis: (credentialed ?? plain).diagnosis });
  }
  return out;
}

export const PROBE_NOTICE = 'Probing sends requests with Origin headers of sites that are not yours: use it only on servers you own or may test.';

/** The results as lines for a terminal. */
export function renderProbes(results: readonly ProbeResult[], url: string): string[] {
  const lines = [PROBE_NOTICE, '', `${url}, asked from origins it should not trust:`];
  for (const r of results) {
    const verdict = r.severity === 'high' ? 'TRUSTED, with credentials (high)' : r.severity === 'medium' ? 'trusted, without credentials (medium)' : r.severity === 'info' ? 'public (*, no credentials)' : 'refused';
    lines.push(`  ${r.kind.padEnd(13)} ${r.origin.padEnd(40)} ${verdict}`);
    if (r.severity === 'high' || r.severity === 'medium') lines.push(`    ${r.risk}`);
  }
  const trusted = results.filter((r) => r.severity === 'high' || r.severity === 'medium');
  lines.push('');
  lines.push(trusted.length === 0 ? 'None of the probes was trusted.' : `${trusted.length} of ${results.length} probes trusted. Fix: ${FIX}`);
  return lines;
}
