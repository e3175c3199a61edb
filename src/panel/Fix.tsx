import { useMemo } from 'react';
import type { FixPlan } from '../engine/types.ts';
import type { Snippet } from '../snippets/types.ts';
import { CopyButton } from '../shared/CopyButton.tsx';
import { useSnippetWriters } from '../shared/snippet-writers.ts';
import { planAsHttp } from './detail-model.ts';

/** The fix for one plan: snippet for the chosen stack, the headers as HTTP, structural actions. */
export function FixView({ plan, stack }: { plan: FixPlan; stack: string }) {
  const writers = useSnippetWriters();
  const snippet = useMemo((): Snippet | { error: string } | undefined => {
    if (!writers || 'error' in writers) return writers;
    try {
      return writers.generateSnippet(stack, plan);
    } catch (e) {
      return { error: String(e) };
    }
  }, [writers, plan, stack]);
  const http = useMemo(() => planAsHttp(plan), [plan]);
  // The snippet's notes repeat the plan's actions (so a copied snippet stands alone); the panel
  // lists the actions above it already.
  const notes = useMemo(() => {
    if (!writers || 'error' in writers || !snippet || 'error' in snippet) return [];
    const repeated = new Set(writers.actionNotes(plan.actions));
    return snippet.notes.filter((n) => !repeated.has(n));
  }, [writers, snippet, plan]);

  return (
    <div className="fix">
      {plan.actions.length > 0 && (
        <ul className="actions">
          {plan.actions.map((a) => (
            <li key={a.id} data-action={a.id}>
              {a.text}
            </li>
          ))}
        </ul>
      )}
      {plan.serverFixable && (
        <>
          {!snippet ? (
            <p className="muted" data-testid="snippet-loading">Writing the snippet…</p>
          ) : 'error' in snippet ? (
            <p className="error">Could not write a snippet for this server: {snippet.error}</p>
          ) : (
            <figure className="code-block">
              <figcaption>
                <span className="mono">{snippet.filename}</span>
                <CopyButton text={snippet.code} label="Copy" className="tb-button copy" />
              </figcaption>
              <pre className="mono" data-testid="snippet" tabIndex={0} aria-label={`Fix for ${snippet.filename}`}>
                <code>{snippet.code}</code>
              </pre>
              {notes.length > 0 && (
                <ul className="notes">
                  {notes.map((n, i) => (
                    <li key={i}>{n}</li>
                  ))}
                </ul>
              )}
            </figure>
          )}
          {http && (
            <figure className="code-block">
              <figcaption>
                <span>Response headers, as plain HTTP</span>
                <CopyButton text={http} label="Copy" className="tb-button copy" />
              </figcaption>
              <pre className="mono" data-testid="plan-http" tabIndex={0} aria-label="Required response headers">
                <code>{http}</code>
              </pre>
            </figure>
          )}
        </>
      )}
    </div>
  );
}
