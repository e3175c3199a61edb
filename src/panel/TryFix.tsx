import { useState } from 'react';
import type { FixPlan } from '../engine/types.ts';
import { untriableReason } from '../trial/rules.ts';
import type { TrialState } from '../trial/state.ts';

export type StartTrial = (plans: FixPlan[], pageOrigin: string, reload: boolean) => Promise<{ trial: TrialState } | { refused: string }>;

/**
 * "Try this fix in this tab": the plans' headers as session rules for this tab only, then the
 * user reloads (or repeats the action) and sees the same requests judged by Chromium again.
 */
export function TryFix({ plans, pageOrigin, start }: { plans: FixPlan[]; pageOrigin: string; start: StartTrial }) {
  // Not offered where headers cannot prove anything: say why instead.
  const cannot = plans.map(untriableReason).find((r) => r !== null);
  if (cannot) {
    return (
      <p className="muted try-refused" data-testid="try-refused">
        No trial in this tab for this one: {cannot}
      </p>
    );
  }
  return <TryButtons plans={plans} pageOrigin={pageOrigin} start={start} />;
}

function TryButtons({ plans, pageOrigin, start }: { plans: FixPlan[]; pageOrigin: string; start: StartTrial }) {
  const [outcome, setOutcome] = useState<{ kind: 'idle' } | { kind: 'busy' } | { kind: 'on' } | { kind: 'refused' | 'error'; text: string }>({ kind: 'idle' });
  const run = async (reload: boolean) => {
    setOutcome({ kind: 'busy' });
    try {
      const r = await start(plans, pageOrigin, reload);
      setOutcome('refused' in r ? { kind: 'refused', text: r.refused } : { kind: 'on' });
    } catch (e) {
      setOutcome({ kind: 'error', text: `Could not start the trial: ${String(e)}` });
    }
  };
  return (
    <div className="try-fix" data-testid="try-fix">
      <button type="button" className="tb-button" disabled={outcome.kind === 'busy'} onClick={() => void run(true)} data-testid="try-reload">
        Try this fix in this tab and reload
      </button>
      <button type="button" className="tb-button" disabled={outcome.kind === 'busy'} onClick={() => void run(false)} data-testid="try-only">
        Try it, I will repeat the request
      </button>
      <span className="muted">Only this tab's responses are modified, for 10 minutes; your server is not changed.</span>
      {outcome.kind === 'on' && <p role="status">Trial on: the requests of this tab are now judged with these headers.</p>}
      {(outcome.kind === 'refused' || outcome.kind === 'error') && (
        <p role="alert" className="try-refused" data-testid="try-refused">
          {outcome.text}
        </p>
      )}
    </div>
  );
}
