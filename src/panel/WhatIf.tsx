import { useId, useMemo, useState } from 'react';
import type { Diagnosis, Exchange, HttpHeader } from '../engine/types.ts';
import { StatusIcon } from './icons.tsx';
import { STATUS_LABEL } from './model.ts';
import { editableAnswers, headersAsText, parseHeaderText, whatIfDiagnosis } from './what-if.ts';

/**
 * "What if the server answered...": each answer's header lines in a text box; the engine's
 * verdict on the edited exchange updates as the user types. Nothing leaves the panel.
 */
export function WhatIf({ exchange, diagnosis }: { exchange: Exchange; diagnosis: Diagnosis }) {
  const answers = useMemo(() => editableAnswers(exchange), [exchange]);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const baseId = useId();
  const parsed = useMemo(() => {
    const edits = new Map<string, HttpHeader[]>();
    const errors: string[] = [];
    for (const a of answers) {
      const text = texts[a.key];
      if (text === undefined) continue;
      const p = parseHeaderText(text);
      edits.set(a.key, p.headers);
      errors.push(...p.errors.map((e) => `${a.label}: ${e}`));
    }
    return { edits, errors };
  }, [answers, texts]);
  const verdict = useMemo(
    () => (parsed.edits.size > 0 ? whatIfDiagnosis(exchange, parsed.edits, diagnosis) : diagnosis),
    [exchange, diagnosis, parsed.edits],
  );
  if (answers.length === 0) return null;
  return (
    <details className="what-if" data-testid="what-if">
      <summary>What if the server answered differently? Edit its headers and see the verdict</summary>
      {answers.map((a) => (
        <div key={a.key} className="what-if-answer">
          <label htmlFor={`${baseId}-${a.key}`}>
            {a.label}, status {a.status}
          </label>
          <textarea
            id={`${baseId}-${a.key}`}
            className="mono"
            spellCheck={false}
            rows={Math.min(12, Math.max(3, a.headers.length + 1))}
            value={texts[a.key] ?? headersAsText(a.headers)}
            onChange={(e) => setTexts((t) => ({ ...t, [a.key]: e.target.value }))}
            data-testid={`what-if-${a.key}`}
          />
        </div>
      ))}
      {parsed.errors.length > 0 && (
        <ul className="what-if-errors" role="alert">
          {parsed.errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      )}
      <div className={`what-if-verdict status-${verdict.status}`} role="status" aria-live="polite" data-testid="what-if-verdict" data-status={verdict.status}>
        <StatusIcon status={verdict.status} /> <strong>{STATUS_LABEL[verdict.status]}</strong>
        {verdict.corsError && <code className="what-if-code">{verdict.corsError}</code>} {verdict.headline}
      </div>
      <div className="what-if-actions">
        <button type="button" className="tb-button" onClick={() => setTexts({})} disabled={Object.keys(texts).length === 0}>
          Back to what the server sent
        </button>
      </div>
    </details>
  );
}
