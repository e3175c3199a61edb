/**
 * `corsight har FILE`: the file read as a stream by the importer the panel uses too
 * (capture/har/import.ts, bounded memory), each exchange judged by the engine and printed as it
 * comes. Pure apart from the IO it is given.
 */
import { HarReadError } from '../capture/har/har-reader.ts';
import { HarFileImport } from '../capture/har/import.ts';
import { diagnose, EchoedOrigins, judge } from '../engine/index.ts';
import type { Exchange } from '../engine/types.ts';
import { buildReport, countStatuses, type ExchangeRecord } from '../store/report.ts';
import type { HarCommand } from './args.ts';
import { renderAcross, renderExchange, renderGithub, renderGithubAcross, renderSummary, type Style } from './render.ts';

export interface HarRunIo {
  /** The file's text, in chunks. */
  chunks: AsyncIterable<string>;
  /** Its size in bytes, for progress (absent: no percentage). */
  totalBytes?: number;
  out(line: string): void;
  err(line: string): void;
  /** A progress line (a terminal only; absent otherwise). */
  progress?(text: string): void;
  style: Style;
}

const MB = 1024 * 1024;

/** Runs the command; returns the exit code (0 nothing blocked, 1 blocked, 2 input error). */
export async function runHar(cmd: HarCommand, io: HarRunIo): Promise<number> {
  const records: ExchangeRecord[] = [];
  let counts = { ok: 0, warning: 0, blocked: 0 };
  let seq = 0;
  // What no single exchange shows (engine/log-findings.ts), gathered as the file streams by.
  const echoes = new EchoedOrigins();
  const onExchange = (exchange: Exchange): void => {
    echoes.add(exchange);
    // The verdict for every exchange; the explanation only for those printed (buildReport
    // explains each record of a JSON report).
    const verdict = judge(exchange);
    counts[verdict.status]++;
    seq++;
    if (cmd.format === 'json') {
      records.push({ seq, exchange, verdict });
      return;
    }
    const listed = verdict.status === 'blocked' || (verdict.status === 'warning' && !cmd.onlyBlocked);
    if (!listed) return;
    const diagnosis = diagnose(exchange);
    if (cmd.format === 'github') io.out(renderGithub(exchange, diagnosis, cmd.file));
    else {
      for (const line of renderExchange(exchange, diagnosis, io.style, cmd.stack)) io.out(line);
      io.out('');
    }
  };
  const file = new HarFileImport(onExchange, cmd.origin !== undefined ? { pageOrigin: cmd.origin } : {});
  let nextProgress = MB;
  try {
    for await (const chunk of io.chunks) {
      file.push(chunk);
      if (io.progress && file.consumedBytes >= nextProgress) {
        nextProgress = file.consumedBytes + MB;
        const done = io.totalBytes ? ` ${Math.min(99, Math.floor((file.consumedBytes / io.totalBytes) * 100))}% (${(file.consumedBytes / MB).toFixed(0)} of ${(io.totalBytes / MB).toFixed(0)} MB),` : ` ${(file.consumedBytes / MB).toFixed(0)} MB,`;
        io.progress(`reading ${cmd.file}:${done} ${file.entries.toLocaleString('en-US')} entries`);
      }
    }
    file.end();
  } catch (e) {
    if (e instanceof HarReadError) {
      io.err(`corsight: ${cmd.file}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (cmd.format === 'json') {
    counts = countStatuses(records);
    io.out(JSON.stringify(buildReport(records, { tabId: undefined, url: null }, diagnose), null, 2));
  } else {
    for (const finding of cmd.onlyBlocked ? [] : echoes.findings()) io.out(cmd.format === 'github' ? renderGithubAcross(finding, cmd.file) : renderAcross(finding, io.style).join('\n') + '\n');
    io.out(renderSummary(counts, file.skipped));
  }
  return counts.blocked > 0 ? 1 : 0;
}
