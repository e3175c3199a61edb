/**
 * The snippet generators (src/snippets/registry.ts), loaded on first use: a third of the panel's
 * and popup's script is the code of every stack's writer, needed only once a fix is shown or
 * copied (bundle budgets, issue 20). One load per page, shared.
 */
import { useEffect, useState } from 'react';

type SnippetWriters = typeof import('../snippets/registry.ts');

let loading: Promise<SnippetWriters> | undefined;

export function loadSnippetWriters(): Promise<SnippetWriters> {
  loading ??= import('../snippets/registry.ts');
  return loading;
}

/** The writers once loaded (undefined until then); starts the load. */
export function useSnippetWriters(): SnippetWriters | undefined {
  const [writers, setWriters] = useState<SnippetWriters | undefined>(undefined);
  useEffect(() => {
    let current = true;
    void loadSnippetWriters().then((loaded) => {
      if (current) setWriters(loaded);
    });
    return () => {
      current = false;
    };
  }, []);
  return writers;
}
