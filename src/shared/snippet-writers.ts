/**
 * The snippet generators (src/snippets/registry.ts), loaded on first use: every stack's writer
 * (about 11 KB gzipped) is needed only once a fix is shown or copied, not to open the panel or
 * the popup (bundle budgets, issue 20). One load per page, shared; a failed load is retried by
 * the next caller.
 */
import { useEffect, useState } from 'react';

type SnippetWriters = typeof import('../snippets/registry.ts');

let loading: Promise<SnippetWriters> | undefined;
let loaded: SnippetWriters | undefined;

export function loadSnippetWriters(): Promise<SnippetWriters> {
  loading ??= import('../snippets/registry.ts').then(
    (writers) => (loaded = writers),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The writers once loaded (undefined while loading, `{ error }` when the load failed); starts the load. */
export function useSnippetWriters(): SnippetWriters | { error: string } | undefined {
  const [writers, setWriters] = useState<SnippetWriters | { error: string } | undefined>(loaded);
  useEffect(() => {
    if (loaded) return;
    let current = true;
    loadSnippetWriters().then(
      (ready) => current && setWriters(ready),
      (error: unknown) => current && setWriters({ error: `the snippet writers did not load (${String(error)}); reopen the panel` }),
    );
    return () => {
      current = false;
    };
  }, []);
  return writers;
}
