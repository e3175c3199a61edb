/** Starts the import worker (import-worker.ts) for one file; `cancel` stops it at once. */
import type { ImportProgress, ImportResult } from './exporters.ts';
import type { ImportReply, ImportRequest } from './import-worker.ts';

export interface RunningImport {
  done: Promise<ImportResult>;
  cancel(): void;
}

export function startImport(file: File, onProgress: (progress: ImportProgress) => void): RunningImport {
  const worker = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module' });
  let settle: { resolve(result: ImportResult): void; reject(error: Error): void } | undefined;
  const done = new Promise<ImportResult>((resolve, reject) => (settle = { resolve, reject }));
  const records: ImportResult['records'] = [];
  worker.addEventListener('message', (event: MessageEvent<ImportReply>) => {
    const reply = event.data;
    if (reply.kind === 'progress') onProgress(reply.progress);
    else if (reply.kind === 'records') records.push(...reply.records);
    else {
      worker.terminate();
      if (reply.kind === 'done') {
        onProgress(reply.progress);
        settle?.resolve({ records, skipped: reply.skipped, dropped: reply.dropped });
      } else settle?.reject(new Error(reply.message));
    }
  });
  worker.addEventListener('error', (event) => {
    worker.terminate();
    settle?.reject(new Error(event.message || 'the import worker failed to start'));
  });
  const request: ImportRequest = { file };
  worker.postMessage(request);
  return {
    done,
    cancel: () => {
      worker.terminate();
      settle?.reject(new ImportCancelled());
    },
  };
}

export class ImportCancelled extends Error {
  override readonly name = 'ImportCancelled';
  constructor() {
    super('import cancelled');
  }
}
