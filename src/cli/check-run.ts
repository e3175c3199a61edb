/**
 * `corsight check` end to end: one check, or the probes, printed (or as JSON), and the exit code.
 */
import { diagnose } from '../engine/index.ts';
import { buildReport } from '../store/report.ts';
import type { CheckCommand } from './args.ts';
import { runCheck, type CheckRequest, type Send } from './check-command.ts';
import { renderProbes, runProbes } from './probe.ts';
import { renderExchange, renderGithub, type Style } from './render.ts';

/** Returns the exit code: 1 when blocked (or, probing, when a probe origin is trusted), else 0. */
export async function runCheckCommand(cmd: CheckCommand, send: Send, io: { out(line: string): void; style: Style }): Promise<number> {
  const request: CheckRequest = { url: cmd.url, origin: cmd.origin, method: cmd.method, headers: cmd.headers, credentials: cmd.credentials };
  if (cmd.body !== undefined) request.body = cmd.body;
  if (cmd.probe) {
    const results = await runProbes({ url: cmd.url, origin: cmd.origin, method: cmd.method, headers: cmd.headers, ...(cmd.body !== undefined ? { body: cmd.body } : {}) }, send);
    if (cmd.format === 'json') io.out(JSON.stringify({ format: 'corsight-probe', version: 1, url: cmd.url, origin: cmd.origin, probes: results.map(({ diagnosis: _d, ...r }) => r) }, null, 2));
    else if (cmd.format === 'github') {
      for (const r of results) if (r.severity === 'high' || r.severity === 'medium') io.out(`::error title=CORS trusts ${r.kind}::${cmd.url} trusts ${r.origin}${r.withCredentials ? ' with credentials' : ''}: ${r.risk}`);
    } else for (const line of renderProbes(results, cmd.url)) io.out(line);
    return results.some((r) => r.severity === 'high' || r.severity === 'medium') ? 1 : 0;
  }
  const { exchange, diagnosis } = await runCheck(request, send);
  if (cmd.format === 'json') io.out(JSON.stringify(buildReport([{ seq: 1, exchange, verdict: diagnosis }], { tabId: undefined, url: null }, diagnose), null, 2));
  else if (cmd.format === 'github') {
    if (diagnosis.status !== 'ok') io.out(renderGithub(exchange, diagnosis, cmd.url));
  } else if (diagnosis.status === 'ok') {
    io.out(`OK ${exchange.method} ${exchange.hops[0]?.url ?? ''}`);
    io.out(`  from ${exchange.initiatorOrigin}: ${diagnosis.headline}`);
  } else {
    for (const line of renderExchange(exchange, diagnosis, io.style, cmd.stack)) io.out(line);
  }
  return diagnosis.status === 'blocked' ? 1 : 0;
}
