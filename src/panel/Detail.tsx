import { useMemo, useState, type Ref } from 'react';
import { mergeFixPlans } from '../engine/index.ts';
import { FINDINGS } from '../engine/findings.ts';
import type { FixPlan } from '../engine/types.ts';
import { CopyButton } from '../shared/CopyButton.tsx';
import { actualCurl, preflightCurl } from './curl.ts';
import { askedAllowed, timeline } from './detail-model.ts';
import { FixView } from './Fix.tsx';
import { TryFix, type StartTrial } from './TryFix.tsx';
import { WhatIf } from './WhatIf.tsx';
import { StackPicker } from '../shared/StackPicker.tsx';
import { StatusIcon } from './icons.tsx';
import { otherBrowserVerdict } from './other-browser.ts';
import { TARGET_BROWSER } from '../shared/platform.ts';
import { STATUS_LABEL, type Row } from './model.ts';
import { explainedOf } from './explained.ts';
import type { PanelSource } from './source.ts';

interface Props {
  row: Row;
  /** Every row of the log (for the combined fix per target origin). */
  rows: readonly Row[];
  stack: string;
  onStack(id: string): void;
  onClose(): void;
  openResource: PanelSource['openResource'];
  headingRef?: Ref<HTMLHeadingElement>;
  /** "Try this fix in this tab"; absent for imported files and where no worker answers. */
  startTrial?: StartTrial | undefined;
}

const FINDING_INFO = FINDINGS as Record<string, { title: string; hint: string; link: string } | undefined>;

function fileLine(url: string, line: number | undefined): string {
  let name = url;
  try {
    const u = new URL(url);
    name = u.pathname.split('/').filter(Boolean).pop() || u.host;
  } catch {
    /* keep the raw text */
  }
  return line !== undefined ? `${name}:${line + 1}` : name;
}

export function Detail({ row, rows, stack, onStack, onClose, openResource, headingRef, startTrial }: Props) {
  const { exchange } = row.record;
  const diagnosis = explainedOf(row.record);
  const [scope, setScope] = useState<'one' | 'origin'>('one');

  const steps = useMemo(() => timeline(exchange, diagnosis), [exchange, diagnosis]);
  const table = useMemo(() => askedAllowed(exchange, diagnosis), [exchange, diagnosis]);
  const combined = useMemo((): { plan: FixPlan; count: number } | undefined => {
    const blocked = rows.filter((r) => r.to === row.to && r.status === 'blocked').map((r) => explainedOf(r.record)).filter((d) => d.fixPlan);
    if (blocked.length < 2) return undefined;
    // Each request's plans for every server of its chain: the one shown is this server's.
    const all = mergeFixPlans(blocked.flatMap((d) => [d.fixPlan as FixPlan, ...(d.chainPlans ?? [])]));
    const merged = all.find((p) => p.targetOrigin === (diagnosis.fixPlan?.targetOrigin ?? row.to)) ?? all[0];
    return merged ? { plan: merged, count: blocked.length } : undefined;
  }, [rows, row.to, diagnosis.fixPlan]);
  const plan = scope === 'origin' && combined ? combined.plan : diagnosis.fixPlan;
  const initiator = exchange.initiator;
  const initiatorUrl = initiator?.url;
  const problems = diagnosis.findings;
  const otherBrowser = useMemo(() => otherBrowserVerdict(exchange, diagnosis, TARGET_BROWSER), [exchange, diagnosis]);
  // The running browser's own name for the refusal: Firefox's (MDN) in Firefox, Chromium's in Chrome.
  const codeName = TARGET_BROWSER === 'firefox' ? (diagnosis.firefoxReason ?? diagnosis.corsError) : diagnosis.corsError;

  return (
    <article className={`detail status-${diagnosis.status}`} aria-labelledby="detail-headline" data-seq={row.seq}>
      <header className="detail-head">
        <StatusIcon status={diagnosis.status} />
        <span className="detail-status">{STATUS_LABEL[diagnosis.status]}</span>
        {exchange.underTrial && (
          <span className="trial-tag" title="Seen while a trial modified this tab's responses: judged with the trial's headers" data-testid="under-trial">
            under trial
          </span>
        )}
        {codeName && <code className="code-name">{codeName}</code>}
        <span className="mono detail-url" title={row.url}>
          {exchange.method} {row.url}
        </span>
        <span className="spacer" />
        <button type="button" className="tb-button icon-button" onClick={onClose} aria-label="Close detail (Esc)" title="Close (Esc)">
          ✕
        </button>
      </header>

      <div className="detail-body">
        <h2 id="detail-headline" className="headline" tabIndex={-1} ref={headingRef} data-testid="headline">
          {diagnosis.headline}
        </h2>
        {otherBrowser && (
          <p className="other-browser muted" data-testid="other-browser">
            {otherBrowser}
          </p>
        )}
        <p className="origins">
          <span className="mono">{exchange.initiatorOrigin}</span> → <span className="mono">{row.to}</span>
          {diagnosis.crossOriginBecause.length > 0 && <span className="muted"> (cross-origin: {diagnosis.crossOriginBecause.join(', ')} differ)</span>}
        </p>

        <section aria-labelledby="sec-timeline">
          <h3 id="sec-timeline">What happened</h3>
          <ol className="timeline" data-testid="timeline">
            {steps.map((s, i) => (
              <li key={i} className={`step step-${s.kind}${s.failed ? ' failed' : ''}`} data-failed={s.failed || undefined}>
                {s.note && <span className="step-note">{s.note}</span>}
                <span className="mono step-method">{s.method}</span>
                <span className="mono step-url" title={s.url}>
                  {s.url}
                </span>
                <span className="step-result">
                  {s.failed && <StatusIcon status="blocked" label="Refused here" />} {s.result}
                </span>
                {s.duration && <span className="step-duration muted">{s.duration}</span>}
              </li>
            ))}
          </ol>
        </section>

        {table.length > 0 && (
          <section aria-labelledby="sec-asked">
            <h3 id="sec-asked">Asked vs allowed</h3>
            <table className="asked" data-testid="asked-allowed">
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">Page sent</th>
                  <th scope="col">Server allowed</th>
                  <th scope="col">Needed</th>
                </tr>
              </thead>
              <tbody>
                {table.map((r, i) => (
                  <tr key={i} className={r.ok ? '' : 'mismatch'} data-header={r.key} data-stage={r.stage} data-ok={r.ok}>
                    <th scope="row">
                      {!r.ok && <StatusIcon status="blocked" label="Mismatch" />} {r.label}
                    </th>
                    <td className="mono">{r.asked}</td>
                    <td className="mono">
                      {r.seen === null ? <span className="muted">(absent)</span> : r.seen}
                      <span className="stage-tag">{r.stage === 'request' ? 'no answer' : r.stage}</span>
                    </td>
                    <td className="mono needed">{r.ok ? '' : (r.needed ?? '')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}

        {plan && (
          <section aria-labelledby="sec-fix" className="fix-section">
            <div className="section-head">
              <h3 id="sec-fix">{diagnosis.status === 'blocked' ? 'Fix' : 'Suggested change'}</h3>
              {plan.serverFixable && <StackPicker stack={stack} onStack={onStack} />}
              {combined && (
                <span role="radiogroup" aria-label="Fix scope" className="scope">
                  <label>
                    <input type="radio" name="scope" checked={scope === 'one'} onChange={() => setScope('one')} /> This request
                  </label>
                  <label>
                    <input type="radio" name="scope" checked={scope === 'origin'} onChange={() => setScope('origin')} data-testid="scope-origin" /> All{' '}
                    {combined.count} blocked requests to {row.to}
                  </label>
                </span>
              )}
            </div>
            {!plan.serverFixable && <p className="muted">No server change fixes this: the change belongs in the page.</p>}
            {/* Worth trying: a blocked request, or one whose response headers the page cannot read yet. */}
            {startTrial && !exchange.underTrial && (diagnosis.status === 'blocked' || plan.policy.exposeHeaders.length > 0) && (
              <TryFix
                plans={scope === 'origin' ? [plan] : [plan, ...(diagnosis.chainPlans ?? [])]}
                pageOrigin={exchange.initiatorOrigin}
                start={startTrial}
              />
            )}
            <FixView plan={plan} stack={stack} />
            {scope === 'one' &&
              diagnosis.chainPlans?.map((other) => (
                <div key={other.targetOrigin} className="chain-plan" data-testid="chain-plan">
                  <h4>
                    The request is redirected to <span className="mono">{other.targetOrigin}</span> too: that server must answer as well
                  </h4>
                  <FixView plan={other} stack={stack} />
                </div>
              ))}
          </section>
        )}

        {problems.length > 0 && (
          <section aria-labelledby="sec-findings">
            <h3 id="sec-findings">Warnings and findings</h3>
            <ul className="findings" data-testid="findings">
              {problems.map((f, i) => {
                const info = FINDING_INFO[f.id];
                return (
                  <li key={i} data-finding={f.id}>
                    <StatusIcon status={f.severity} />
                    <div>
                      <strong>{info?.title ?? f.id}</strong>
                      <p>{f.message}</p>
                      {info && (
                        <p className="muted">
                          {info.hint}{' '}
                          <a href={info.link} target="_blank" rel="noreferrer noopener">
                            Learn more
                          </a>
                        </p>
                      )}
                    </div>
                  </li>
                );
              })}
            </ul>
          </section>
        )}

        <WhatIf key={row.seq} exchange={exchange} diagnosis={diagnosis} />

        <section aria-labelledby="sec-why">
          <h3 id="sec-why">Why</h3>
          {diagnosis.explanation.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
          {diagnosis.assumptions.length > 0 && (
            <>
              <h4>Assumed</h4>
              <ul>
                {diagnosis.assumptions.map((a, i) => (
                  <li key={i}>{a}</li>
                ))}
              </ul>
            </>
          )}
        </section>

        <section aria-labelledby="sec-reproduce">
          <h3 id="sec-reproduce">Reproduce</h3>
          <div className="button-row">
            <CopyButton text={() => preflightCurl(exchange)} label="Copy preflight as cURL" className="tb-button copy" />
            <CopyButton text={() => actualCurl(exchange)} label="Copy request as cURL" className="tb-button copy" />
          </div>
          {initiatorUrl && (
            <p className="initiator">
              Initiator:{' '}
              {openResource ? (
                <button
                  type="button"
                  className="link-button mono"
                  title={`Open ${initiatorUrl} in the Sources panel`}
                  onClick={() => openResource(initiatorUrl, initiator?.lineNumber ?? 0, initiator?.columnNumber)}
                >
                  {fileLine(initiatorUrl, initiator?.lineNumber)}
                </button>
              ) : (
                <span className="mono" title={initiatorUrl}>
                  {fileLine(initiatorUrl, initiator?.lineNumber)}
                </span>
              )}
              {initiator?.stack?.[0]?.functionName && <span className="muted mono"> in {initiator.stack[0].functionName}()</span>}
            </p>
          )}
        </section>
      </div>
    </article>
  );
}
