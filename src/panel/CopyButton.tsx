import { useEffect, useState } from 'react';
import { copyText } from '../shared/clipboard.ts';

/** A button that copies `text` and says so (visibly and to screen readers). */
export function CopyButton({ text, label, className }: { text: string | (() => string); label: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button
      type="button"
      className={`tb-button copy ${className ?? ''}`}
      onClick={async () => setState((await copyText(typeof text === 'function' ? text() : text)) ? 'copied' : 'failed')}
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}</span>
    </button>
  );
}
