import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { STACKS } from '../snippets/catalog.ts';
import { loadSnippetWriters } from '../shared/snippet-writers.ts';
import type { CaptureState, TabReport } from '../store/report.ts';
import { chooseStack, fixLine, groupLabel, groupPlan, groupProblems, hostOf, pageAccess, type ProblemGroup } from './model.ts';
import { CopyButton } from '../shared/CopyButton.tsx';
import { StackPicker } from '../shared/StackPicker.tsx';
import { currentTab, endTrial, openLogInTab, readReport, readSettings, saveSettings, saveStack, startCapture, startTrial, stopCapture, type TabRef } from './source.ts';
import type { Settings } from '../messages/protocol.ts';
import { TrialBanner } from '../shared/TrialBanner.tsx';
import { untriableReason } from '../trial/rules.ts';
import type { FixPlan } from '../engine/types.ts';

type Load =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'restricted'; reason: string }
  | { kind: 'ready'; tab: TabRef; report: TabReport };

/** Re-reads after "Diagnose this tab", while the reloaded page runs its requests again. */
const REREAD_AFTER_START_MS = [1500, 4000];


function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function Popup() {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [stack, setStack] = useState('express');
  const [busy, setBusy] = useState<'start' | 'stop' | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);

  const refresh = useCallback(async (tab: TabRef) => {
    try {
      const report = await readReport(tab.id);
      setLoad({ kind: 'ready', tab, report });
    } catch (e) {
      setLoad({ kind: 'error', message: `Corsight could not read this tab: ${String((e as Error)?.message ?? e)}` });
    }
  }, []);

  useEffect(() => {
    let cancelled = false;
    void readSettings()
      .then((s) => {
        if (cancelled) return;
        setStack(chooseStack(s.snippetStack, STACKS));
        setSettings(s);
      })
      .catch(() => undefined);
    void (async () => {
      const tab = await currentTab().catch(() => undefined);
      if (cancelled) return;
      if (!tab) return setLoad({ kind: 'error', message: 'Corsight found no tab to check.' });
      const access = pageAccess(tab.url);
      if (access.restricted) return setLoad({ kind: 'restricted', reason: access.reason });
      await refresh(tab);
    })();
    const pending = timers.current;
    return () => {
      cancelled = true;
      for (const t of pending) clearTimeout(t);
    };
  }, [refresh]);

  const setCapture = (capture: CaptureState) =>
    setLoad((l) => (l.kind === 'ready' ? { ...l, report: { ...l.report, capture } } : l));

  const onStart = async (reload: boolean) => {
    if (load.kind !== 'ready') return;
    setBusy('start');
    setActionError(null);
    try {
      setCapture(await startCapture(load.tab.id, reload));
      for (const ms of REREAD_AFTER_START_MS) timers.current.push(setTimeout(() => void refresh(load.tab), ms));
    } catch (e) {
      setActionError(`Could not start capturing: ${String((e as Error)?.message ?? e)}`);
    } finally {
      setBusy(null);
    }
  };

  const onStop = async () => {
    if (load.kind !== 'ready') return;
    setBusy('stop');
    setActionError(null);
    try {
      setCapture(await stopCapture(load.tab.id));
    } catch (e) {
      setActionError(`Could not stop capturing: ${String((e as Error)?.message ?? e)}`);
    } finally {
      setBusy(null);
    }
  };

  const changeSettings = async (patch: Partial<Settings>) => {
    // The box follows the click at once; the worker's answer confirms it.
    setSettings((s) => (s ? { ...s, ...patch } : s));
    try {
      setSettings(await saveSettings(patch));
    } catch (e) {
      setActionError(`Could not save the setting: ${String((e as Error)?.message ?? e)}`);
    }
  };

  const onStack = (id: string) => {
    setStack(id);
    void saveStack(id).catch(() => undefined);
  };

  return (
    <main className="popup" aria-busy={load.kind === 'loading'} data-state={stateName(load)}>
      <header className="popup-head">
        <h1>Corsight</h1>
        {load.kind === 'ready' && <CaptureStatus capture={load.report.capture} />}
      </header>
      {load.kind === 'loading' && <p className="muted">Reading this tab…</p>}
      {load.kind === 'error' && (
        <p className="error" role="alert">
          {load.message}
        </p>
      )}
      {load.kind === 'restricted' && (
        <p className="restricted" data-testid="restricted">
          {load.reason}
        </p>
      )}
      {load.kind === 'ready' && (
        <TabView
          report={load.report}
          tab={load.tab}
          stack={stack}
          busy={busy}
          onStart={onStart}
          onStop={onStop}
          onStack={onStack}
          onRefresh={() => void refresh(load.tab)}
        />
      )}
      {actionError && (
        <p className="error" role="alert">
          {actionError}
        </p>
      )}
      {settings && <SettingsView settings={settings} onChange={(patch) => void changeSettings(patch)} />}
    </main>
  );
}

function stateName(load: Load): string {
  if (load.kind !== 'ready') return load.kind;
  const c = load.report.capture;
  return c.webRequest || c.devtools ? 'captured' : load.report.entries.length ? 'stopped' : 'not-captured';
}

function CaptureStatus({ capture }: { capture: CaptureState }) {
  const text = capture.devtools ? 'Capturing (DevTools)' : capture.webRequest ? 'Capturing' : 'Not capturing';
  return (
    <span className={`capture-status ${capture.devtools || capture.webRequest ? 'on' : 'off'}`} data-testid="capture-status">
      {text}
    </span>
  );
}

interface TabViewProps {
  report: TabReport;
  tab: TabRef;
  stack: string;
  busy: 'start' | 'stop' | null;
  onStart(reload: boolean): void;
  onStop(): void;
  onStack(id: string): void;
  onRefresh(): void;
}

function TabView({ report, tab, stack, busy, onStart, onStop, onStack, onRefresh }: TabViewProps) {
  const capturing = report.capture.webRequest || report.capture.devtools;
  const host = tab.url ? hostOf(new URL(tab.url).origin) : '';
  const trial = report.capture.trial;
  // "Try this fix" for a group: this tab only, then the page reloads; the report shows the result.
  const onTry = async (plan: FixPlan, pageOrigin: string): Promise<string | null> => {
    const r = await startTrial(tab.id, [plan], pageOrigin);
    if ('refused' in r) return r.refused;
    onRefresh();
    return null;
  };
  return (
    <>
      {trial && (
        <TrialBanner
          trial={trial}
          onEnd={() => {
            void endTrial(tab.id).finally(onRefresh);
          }}
        />
      )}
      {host && (
        <p className="tab-host muted" title={tab.url ?? ''}>
          {host}
        </p>
      )}
      {(capturing || report.entries.length > 0) && <Summary report={report} stack={stack} onStack={onStack} capturing={capturing} onTry={trial ? undefined : onTry} />}
      {!capturing && <Diagnose report={report} busy={busy === 'start'} onStart={onStart} />}
      {capturing && (
        <div className="actions">
          {report.capture.webRequest && (
            <button type="button" className="button" onClick={onStop} disabled={busy === 'stop'} data-testid="stop">
              {busy === 'stop' ? 'Stopping…' : 'Stop capturing'}
            </button>
          )}
          <button type="button" className="button secondary" onClick={onRefresh} data-testid="refresh">
            Refresh
          </button>
          <button
            type="button"
            className="button secondary"
            data-testid="open-log"
            title="The CORS panel in a tab of its own, following this tab: no DevTools needed"
            onClick={() => void openLogInTab(tab.id).then(() => window.close())}
          >
            Open the log in a tab
          </button>
          {report.capture.devtools && !report.capture.webRequest && <span className="muted">DevTools is open on this tab: its network log feeds Corsight.</span>}
        </div>
      )}
    </>
  );
}

function Diagnose({ report, busy, onStart }: { report: TabReport; busy: boolean; onStart(reload: boolean): void }) {
  const [reload, setReload] = useState(true);
  const id = useId();
  const n = report.likelyCorsFailures;
  return (
    <section className="diagnose" aria-label="Diagnose this tab">
      {n > 0 ? (
        <p className="likely" data-testid="likely">
          <strong>{plural(n, 'failed request')}</strong> on this page {n === 1 ? 'looks' : 'look'} like {n === 1 ? 'a CORS error' : 'CORS errors'}.
        </p>
      ) : report.entries.length === 0 ? (
        <p className="muted" data-testid="likely">
          {report.capture.cheapWatch ? 'No failed request on this page looks like a CORS error so far.' : 'Corsight is not watching this page for failed requests.'}
        </p>
      ) : null}
      <p className="muted">Diagnose the tab to see why the browser blocked them and what the server must send.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onStart(reload);
        }}
      >
        <label className="check" htmlFor={id}>
          <input id={id} type="checkbox" checked={reload} onChange={(e) => setReload(e.target.checked)} data-testid="reload" />
          Reload the page so its requests run again
        </label>
        <button type="submit" className="button primary" disabled={busy} data-testid="diagnose">
          {busy ? 'Starting…' : 'Diagnose this tab'}
        </button>
      </form>
    </section>
  );
}

type TryGroup = (plan: FixPlan, pageOrigin: string) => Promise<string | null>;

function Summary({ report, stack, onStack, capturing, onTry }: { report: TabReport; stack: string; onStack(id: string): void; capturing: boolean; onTry: TryGroup | undefined }) {
  const problems = useMemo(() => groupProblems(report.entries), [report.entries]);
  const { blocked, warning, ok } = report.counts;
  const total = blocked + warning + ok;
  return (
    <section className="summary" aria-label="Cross-origin requests on this tab">
      <ul className="counts" data-testid="counts">
        <li className="count blocked" data-status="blocked">
          <span className="n">{blocked}</span> blocked
        </li>
        <li className="count warning" data-status="warning">
          <span className="n">{warning}</span> {warning === 1 ? 'warning' : 'warnings'}
        </li>
        <li className="count ok" data-status="ok">
          <span className="n">{ok}</span> OK
        </li>
      </ul>
      {report.acrossRequests?.map((finding) => (
        <p className="across-requests" role="status" data-testid="across-requests" key={finding.server}>
          <strong>Warning across requests:</strong> {finding.text}
        </p>
      ))}
      {total === 0 && capturing && <p className="muted" data-testid="no-data">No cross-origin request seen yet. Use the page (or reload it) to run its requests.</p>}
      {total > 0 && problems.groups.length === 0 && <p className="muted">No CORS problem: {plural(total, 'cross-origin request')} passed.</p>}
      {problems.groups.length > 0 && (
        <>
          <div className="groups-head">
            <h2>Problems</h2>
            <StackPicker stack={stack} onStack={onStack} />
          </div>
          <ul className="groups" data-testid="groups">
            {problems.groups.map((g) => (
              <GroupItem key={g.key} group={g} stack={stack} onTry={onTry} />
            ))}
          </ul>
          {problems.hiddenGroups > 0 && (
            <p className="muted" data-testid="more">
              And {plural(problems.hiddenGroups, 'other problem')} ({plural(problems.hiddenRequests, 'request')}): see the CORS panel.
            </p>
          )}
        </>
      )}
      {report.dropped > 0 && <p className="muted">{plural(report.dropped, 'older request')} no longer kept.</p>}
      {total > 0 && (
        <p className="pointer muted">
          Details of each request: open DevTools (<kbd>F12</kbd>) and choose the <strong>CORS</strong> panel.
        </p>
      )}
    </section>
  );
}

function GroupItem({ group, stack, onTry }: { group: ProblemGroup; stack: string; onTry: TryGroup | undefined }) {
  const plan = useMemo(() => groupPlan(group), [group]);
  const fix = useMemo(() => fixLine(group, plan), [group, plan]);
  const snippet = async () => (plan ? (await loadSnippetWriters()).generateSnippet(stack, plan).code : '');
  // Loaded before the click, so the copy runs within the click's user activation.
  useEffect(() => {
    if (plan?.serverFixable) void loadSnippetWriters();
  }, [plan]);
  const [refused, setRefused] = useState<string | null>(null);
  const tryIt = async () => {
    if (!plan || !onTry) return;
    try {
      setRefused(await onTry(plan, group.pageOrigin));
    } catch (e) {
      setRefused(`Could not start the trial: ${String(e)}`);
    }
  };
  return (
    <li className={`group ${group.status}`} data-testid="group" data-cors-error={group.corsError ?? ''} data-count={group.count} title={group.sampleHeadline}>
      <p className="group-label">
        <span className={`tag ${group.status}`}>{group.status === 'blocked' ? 'Blocked' : 'Warning'}</span> {groupLabel(group)}
      </p>
      <div className="group-fix-row">
        <p className="group-fix" data-testid="fix">
          {fix}
        </p>
        {plan?.serverFixable && (
          <CopyButton text={snippet} label="Copy fix" className="button copy" testId="copy" srDetail={`${stackLabel(stack)} snippet for ${hostOf(group.targetOrigin)}`} />
        )}
        {plan && untriableReason(plan) === null && group.status === 'blocked' && onTry && (
          <button type="button" className="button secondary" onClick={() => void tryIt()} data-testid="try" title="Modify this tab's responses as the fix says, reload, and see the result (10 minutes, this tab only)">
            Try it
          </button>
        )}
      </div>
      {refused && (
        <p className="try-refused" role="alert" data-testid="try-refused">
          {refused}
        </p>
      )}
    </li>
  );
}

function stackLabel(id: string): string {
  return STACKS.find((s) => s.id === id)?.label ?? id;
}

/** The settings, at the bottom: what Corsight watches, reads and keeps. */
function SettingsView({ settings, onChange }: { settings: Settings; onChange(patch: Partial<Settings>): void }) {
  return (
    <details className="settings" data-testid="settings">
      <summary>Settings</summary>
      <label className="check">
        <input type="checkbox" checked={settings.cheapWatch} onChange={(e) => onChange({ cheapWatch: e.target.checked })} data-testid="setting-cheap-watch" />
        Count failed requests that look like CORS errors on tabs not diagnosed (the amber ~N badge)
      </label>
      <label className="check">
        <input type="checkbox" checked={settings.keepSecrets} onChange={(e) => onChange({ keepSecrets: e.target.checked })} data-testid="setting-keep-secrets" />
        Keep cookie and authorization values of captured requests (for Copy as cURL). Off: Corsight keeps only that they were sent.
      </label>
      <label className="check">
        <input type="checkbox" checked={settings.pageContext} onChange={(e) => onChange({ pageContext: e.target.checked })} data-testid="setting-page-context" />
        Read how the page called fetch, XHR and EventSource in the tabs being diagnosed (mode, credentials, redirect, header order). Off: inferred from the network, and the explanation says so.
      </label>
    </details>
  );
}
