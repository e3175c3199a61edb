import type { DiagnosisStatus, FindingSeverity } from '../engine/types.ts';

/** Status icons: shape and text label, never color alone. */
export function StatusIcon({ status, label }: { status: DiagnosisStatus | FindingSeverity; label?: string }) {
  const kind = status === 'blocked' || status === 'error' ? 'blocked' : status === 'warning' ? 'warning' : status === 'info' ? 'info' : 'ok';
  const text = label ?? { blocked: 'Blocked', warning: 'Warning', ok: 'OK', info: 'Info' }[kind];
  return (
    <span className={`icon icon-${kind}`} role="img" aria-label={text} title={text}>
      <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
        {kind === 'blocked' && (
          <>
            <circle cx="6" cy="6" r="5.25" fill="currentColor" />
            <rect x="2.75" y="5" width="6.5" height="2" fill="var(--icon-on)" />
          </>
        )}
        {kind === 'warning' && (
          <>
            <path d="M6 0.8 L11.4 11 H0.6 Z" fill="currentColor" />
            <rect x="5.25" y="4" width="1.5" height="3.8" fill="var(--icon-on)" />
            <rect x="5.25" y="8.6" width="1.5" height="1.5" fill="var(--icon-on)" />
          </>
        )}
        {kind === 'ok' && (
          <>
            <circle cx="6" cy="6" r="5.25" fill="currentColor" />
            <path d="M3.2 6.2 L5.2 8.1 L8.9 4.2" stroke="var(--icon-on)" strokeWidth="1.6" fill="none" />
          </>
        )}
        {kind === 'info' && (
          <>
            <circle cx="6" cy="6" r="5.25" fill="currentColor" />
            <rect x="5.25" y="5" width="1.5" height="4" fill="var(--icon-on)" />
            <rect x="5.25" y="2.6" width="1.5" height="1.5" fill="var(--icon-on)" />
          </>
        )}
      </svg>
    </span>
  );
}
