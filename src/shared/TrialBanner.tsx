import { useEffect, useState } from 'react';
import type { TrialState } from '../trial/state.ts';
import { hostOf } from './host.ts';

function remaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Shown in the panel and the popup while a "Try this fix" trial edits the tab's responses: what
 * is modified, for how long, and one button that ends it.
 */
export function TrialBanner({ trial, onEnd }: { trial: TrialState; onEnd: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="banner trial" role="status" data-testid="trial-banner">
      <strong>Trying a fix for {trial.origins.map(hostOf).join(', ')} in this tab:</strong> responses are being modified; the server is
      unchanged. Ends in {remaining(trial.endsAt - now)}.{' '}
      <button type="button" className="tb-button button" onClick={onEnd} data-testid="trial-end">
        End trial
      </button>
    </div>
  );
}
