import type { CaptureState } from '../store/report.ts';
import { StatusIcon } from './icons.tsx';
import type { countRows } from './model.ts';

interface StatusBarProps {
  /** Rows shown (after the filter) and kept. */
  shown: number;
  total: number;
  counts: ReturnType<typeof countRows>;
  /** Older requests the worker's bounded log dropped (0 for an imported file). */
  dropped: number;
  /** Where the live log comes from (null for an imported file). */
  capture: CaptureState | null;
}

/** The panel's bottom line: counts by verdict, what was dropped, and the capture source. */
export function StatusBar({ shown, total, counts, dropped, capture }: StatusBarProps) {
  return (
    <footer className="statusbar">
      <span>
        {shown === total ? `${total} requests` : `${shown} / ${total} requests`}
      </span>
      <span>
        <StatusIcon status="blocked" /> {counts.blocked} blocked
      </span>
      <span>
        <StatusIcon status="warning" /> {counts.warning} warnings
      </span>
      <span>
        <StatusIcon status="ok" /> {counts.ok} ok
      </span>
      {dropped > 0 && <span className="muted">{dropped} older requests dropped</span>}
      <span className="spacer" />
      {capture && (
        <span className="muted">{capture.devtools ? 'Source: DevTools network log' : capture.webRequest ? 'Source: webRequest capture' : 'Not capturing'}</span>
      )}
    </footer>
  );
}
