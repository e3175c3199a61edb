import { useEffect, useState } from 'react';
import { copyText } from './clipboard.ts';

interface Props {
  /** The text, or a function computing it on click (it may throw or reject: then "Copy failed"). */
  text: string | (() => string | Promise<string>);
  label: string;
  className: string;
  /** Read to screen readers after the label, e.g. what exactly is copied. */
  srDetail?: string;
  testId?: string;
}

/** A button that copies `text` and says so (visibly and to screen readers). */
export function CopyButton({ text, label, className, srDetail, testId }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(t);
  }, [state]);
  const copy = async () => {
    let value = '';
    try {
      value = typeof text === 'function' ? await text() : text;
    } catch {
      value = '';
    }
    setState(value && (await copyText(value)) ? 'copied' : 'failed');
  };
  return (
    <button type="button" className={className} data-testid={testId} onClick={copy}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}</span>
      {srDetail && <span className="sr-only"> ({srDetail})</span>}
    </button>
  );
}
