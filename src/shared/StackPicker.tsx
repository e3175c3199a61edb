import { useId } from 'react';
import { STACKS } from '../snippets/catalog.ts';
import type { StackKind } from '../snippets/types.ts';

const KIND_LABEL: Record<StackKind, string> = { framework: 'Frameworks', proxy: 'Servers and proxies', cloud: 'Cloud' };
const KINDS: readonly StackKind[] = ['framework', 'proxy', 'cloud'];

/** The server stack a fix snippet is written for, grouped by kind (the panel and the popup). */
export function StackPicker({ stack, onStack }: { stack: string; onStack(id: string): void }) {
  const id = useId();
  return (
    <span className="stack-picker">
      <label htmlFor={id}>Server</label>
      <select id={id} value={stack} onChange={(e) => onStack(e.target.value)} data-testid="stack-picker">
        {KINDS.map((kind) => (
          <optgroup key={kind} label={KIND_LABEL[kind]}>
            {STACKS.filter((s) => s.kind === kind).map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
                {s.devOnly ? ' (development only)' : ''}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </span>
  );
}
