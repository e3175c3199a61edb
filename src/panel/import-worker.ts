/**
 * The panel's file import, off the panel's thread: a dedicated worker reads the File as a stream
 * of text, imports and diagnoses it (exporters.ts FileImport) and posts progress about every
 * 100 ms, then the records. A 200 MB HAR never sits in memory as one string, and the panel keeps
 * scrolling and answering keys meanwhile.
 */
import { FileImport, type ImportProgress, type ImportResult } from './exporters.ts';

export interface ImportRequest {
  file: File;
  pageOrigin?: string;
}

export type ImportReply =
  | { kind: 'progress'; progress: ImportProgress }
  | { kind: 'records'; records: ImportResult['records'] }
  | { kind: 'done'; skipped: number; dropped: number; progress: ImportProgress }
  | { kind: 'error'; message: string };

const PROGRESS_EVERY_MS = 100;
/**
 * Records go back in batches: each message is decoded on the panel's thread as one task, and
 * 50,000 records in one message held that thread for over a second (measured,
 * test/e2e/panel-import.test.ts).
 */
const RECORDS_PER_MESSAGE = 1000;

async function run({ file, pageOrigin }: ImportRequest): Promise<ImportReply> {
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  const importer = new FileImport(pageOrigin ? { pageOrigin } : {});
  let last = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      importer.push(value);
      const now = performance.now();
      if (now - last >= PROGRESS_EVERY_MS) {
        last = now;
        post({ kind: 'progress', progress: importer.progress });
      }
    }
    const result = importer.end();
    for (let i = 0; i < result.records.length; i += RECORDS_PER_MESSAGE) post({ kind: 'records', records: result.records.slice(i, i + RECORDS_PER_MESSAGE) });
    return { kind: 'done', skipped: result.skipped, dropped: result.dropped, progress: importer.progress };
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

function post(reply: ImportReply): void {
  (self as unknown as { postMessage(message: ImportReply): void }).postMessage(reply);
}

self.addEventListener('message', (event: MessageEvent<ImportRequest>) => {
  void run(event.data).then(post);
});
