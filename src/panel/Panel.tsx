import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ExchangeRecord, TabReport } from '../store/report.ts';
import { redactForExport, redactReport } from '../store/redact.ts';
import { diagnose, logFindings } from '../engine/index.ts';
import { Detail } from './Detail.tsx';
import { TrialBanner } from '../shared/TrialBanner.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { download } from './dom.ts';
import { buildReport } from '../store/report.ts';
import { explainExchange } from './explained.ts';
import { exchangesToHar, IMPORT_LIMIT, type ImportProgress } from './exporters.ts';
import { ImportCancelled, startImport, type RunningImport } from './import-client.ts';
import {
  EMPTY_FILTER,
  STATUS_LABEL,
  countRows,
  filterRows,
  targetOrigins,
  toRow,
  type Filter,
  type Row,
} from './model.ts';
import type { PanelSource } from './source.ts';
import { VirtualList } from './VirtualList.tsx';
import { mark, useLiveLog, useSnippetStack } from './hooks.ts';
import { EmptyState, RowView } from './Rows.tsx';
import { StatusBar } from './StatusBar.tsx';
import { Toolbar } from './Toolbar.tsx';
import './panel.css';

export const ROW_HEIGHT = 21;

interface Imported {
  name: string;
  rows: Row[];
  skipped: number;
}

const MB = 1024 * 1024;

function importProgressText(p: ImportProgress, size: number): string {
  const percent = size > 0 ? `${Math.min(100, Math.floor((p.bytes / size) * 100))}% (${(p.bytes / MB).toFixed(0)} of ${(size / MB).toFixed(0)} MB), ` : '';
  return `${percent}${p.entries.toLocaleString('en-US')} entries, ${p.exchanges.toLocaleString('en-US')} cross-origin`;
}

function fileStamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

export function Panel({ source }: { source: PanelSource }) {
  const { live, setLive, conn, capture, preserve, setPreserve, dropped, setDropped } = useLiveLog(source);
  const [stack, setStack] = useSnippetStack(source);
  const [imported, setImported] = useState<Imported | null>(null);
  const [filter, setFilter] = useState<Filter>(EMPTY_FILTER);
  const [activeSeq, setActiveSeq] = useState<number | null>(null);
  const [openSeq, setOpenSeq] = useState<number | null>(null);
  const [notice, setNotice] = useState<string>('');
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [importing, setImporting] = useState<{ name: string; size: number; progress: ImportProgress; run: RunningImport } | null>(null);
  const listRef = useRef<HTMLDivElement | null>(null);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const headingRef = useRef<HTMLHeadingElement | null>(null);
  const fileRef = useRef<HTMLInputElement | null>(null);
  const focusHeading = useRef(false);

  const rows = imported?.rows ?? live;
  // What no single request shows (engine/log-findings.ts): the whole list at once.
  const acrossRequests = useMemo(() => logFindings(rows.map((r) => r.record.exchange)), [rows]);
  const visible = useMemo(() => filterRows(rows, filter), [rows, filter]);
  const counts = useMemo(() => countRows(rows), [rows]);
  const origins = useMemo(() => targetOrigins(rows), [rows]);
  const activeIndex = activeSeq === null ? -1 : visible.findIndex((r) => r.seq === activeSeq);
  const openRow = openSeq === null ? undefined : rows.find((r) => r.seq === openSeq);

  useLayoutEffect(() => {
    mark('corsight:rows-committed');
    const id = requestAnimationFrame(() => mark('corsight:rows-painted'));
    return () => cancelAnimationFrame(id);
  }, [visible]);

  useEffect(() => {
    if (openRow && focusHeading.current) {
      focusHeading.current = false;
      headingRef.current?.focus();
    }
  }, [openRow]);

  const open = (row: Row | undefined, focusDetail = false) => {
    if (!row) return;
    setActiveSeq(row.seq);
    setOpenSeq(row.seq);
    focusHeading.current = focusDetail;
  };
  const close = () => {
    setOpenSeq(null);
    listRef.current?.focus();
  };

  const move = (index: number) => {
    if (visible.length === 0) return;
    const i = Math.max(0, Math.min(visible.length - 1, index));
    const row = visible[i];
    if (!row) return;
    setActiveSeq(row.seq);
    // With the detail open the detail follows the cursor, as in the Network panel.
    if (openSeq !== null) setOpenSeq(row.seq);
  };

  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((listRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const at = activeIndex;
    switch (e.key) {
      case 'ArrowDown':
        move(at < 0 ? 0 : at + 1);
        break;
      case 'ArrowUp':
        move(at < 0 ? 0 : at - 1);
        break;
      case 'PageDown':
        move(at + page);
        break;
      case 'PageUp':
        move(at - page);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(visible.length - 1);
        break;
      case 'Enter':
        open(visible[at < 0 ? 0 : at], true);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  // `/` searches, Esc closes the detail (from anywhere but a form field).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const inField = target?.closest('input, textarea, select') !== null && target?.closest('input, textarea, select') !== undefined;
      if (e.key === '/' && !inField && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (e.key === 'Escape' && !inField && openSeq !== null) {
        e.preventDefault();
        setOpenSeq(null);
        listRef.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [openSeq]);

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      if (filter.text) setFilter((f) => ({ ...f, text: '' }));
      else listRef.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      if (activeIndex < 0) move(0);
      listRef.current?.focus();
    }
  };

  const clear = async () => {
    setOpenSeq(null);
    setActiveSeq(null);
    if (imported) {
      setImported(null);
      return;
    }
    setLive([]);
    setDropped(0);
    await source.clear().catch((e) => setNotice(`Could not clear the log: ${String(e)}`));
  };

  const togglePreserve = async (next: boolean) => {
    setPreserve(next);
    try {
      setPreserve(await source.setPreserveLog(next));
    } catch (e) {
      setNotice(`Could not change "Preserve log": ${String(e)}`);
    }
  };

  const exportReport = async () => {
    let report: TabReport;
    if (!imported) {
      try {
        report = await source.report();
      } catch {
        report = buildReport(live.map((r) => r.record), { tabId: source.tabId, url: null, preserveLog: preserve, dropped }, explainExchange);
      }
    } else {
      report = buildReport(imported.rows.map((r) => r.record), { tabId: undefined, url: imported.name }, explainExchange);
    }
    // Private by default: the file says whether values were kept.
    const out = includeSecrets ? { ...report, redacted: false } : redactReport(report, diagnose);
    download(`corsight-report-${fileStamp()}.json`, JSON.stringify(out, null, 2));
  };

  const exportHar = () => {
    const exchanges = rows.map((r) => r.record.exchange);
    const har = exchangesToHar(includeSecrets ? exchanges : exchanges.map(redactForExport), undefined, !includeSecrets);
    download(`corsight-${fileStamp()}.har`, JSON.stringify(har, null, 2), 'application/json');
  };

  const onImport = async (file: File | undefined) => {
    if (!file) return;
    if (fileRef.current) fileRef.current.value = '';
    importing?.run.cancel();
    const t0 = performance.now();
    // Read, parsed and diagnosed in a worker: the list stays usable, the bar shows how far it is.
    const run = startImport(file, (progress) => setImporting((now) => (now && now.run === run ? { ...now, progress } : now)));
    setImporting({ name: file.name, size: file.size, progress: { bytes: 0, entries: 0, exchanges: 0 }, run });
    try {
      const result = await run.done;
      mark('corsight:rows-received');
      const records: ExchangeRecord[] = result.records;
      setImported({ name: file.name, rows: records.map(toRow), skipped: result.skipped });
      setOpenSeq(null);
      setActiveSeq(null);
      const extra = [
        result.skipped ? `${result.skipped.toLocaleString('en-US')} other entries skipped` : '',
        result.dropped ? `${result.dropped.toLocaleString('en-US')} more cross-origin exchanges not shown: the panel keeps the first ${IMPORT_LIMIT.toLocaleString('en-US')} (corsight har reads them all)` : '',
      ].filter(Boolean);
      setNotice(`Imported ${records.length.toLocaleString('en-US')} cross-origin exchanges from ${file.name} in ${Math.round(performance.now() - t0).toLocaleString('en-US')} ms${extra.length ? ` (${extra.join('; ')})` : ''}.`);
    } catch (e) {
      if (e instanceof ImportCancelled) setNotice(`Import of ${file.name} cancelled.`);
      else setNotice(`Could not import ${file.name}: ${(e as Error).message}`);
    } finally {
      setImporting((now) => (now?.run === run ? null : now));
    }
  };

  return (
    <div className={`panel${openRow ? ' with-detail' : ''}`}>
      <Toolbar
        importedFile={imported !== null}
        preserve={preserve}
        filter={filter}
        onFilter={setFilter}
        counts={counts}
        origins={origins}
        hasRows={rows.length > 0}
        searchRef={searchRef}
        onSearchKey={onSearchKey}
        fileRef={fileRef}
        onClear={() => void clear()}
        onPreserve={(next) => void togglePreserve(next)}
        onImport={(file) => void onImport(file)}
        onExportReport={() => void exportReport()}
        onExportHar={exportHar}
        includeSecrets={includeSecrets}
        onIncludeSecrets={setIncludeSecrets}
      />

      {importing && (
        <div className="banner import-progress" role="group" aria-label="Import progress" data-testid="import-progress">
          <label htmlFor="import-bar">
            Importing <strong>{importing.name}</strong>: {importProgressText(importing.progress, importing.size)}
          </label>{' '}
          <progress id="import-bar" max={Math.max(1, importing.size)} value={importing.progress.bytes} />{' '}
          <button type="button" className="link-button" onClick={() => importing.run.cancel()}>
            Cancel
          </button>
        </div>
      )}

      {imported && (
        <div className="banner" role="status">
          Showing <strong>{imported.name}</strong>: {imported.rows.length} cross-origin exchanges, diagnosed in this panel.{' '}
          <button type="button" className="link-button" onClick={() => setImported(null)}>
            Back to the live log
          </button>
        </div>
      )}
      {!imported && capture?.trial && (
        <TrialBanner
          trial={capture.trial}
          onEnd={() => void source.endTrial?.().catch((e: unknown) => setNotice(`Could not end the trial: ${String(e)}`))}
        />
      )}
      {!imported && conn.state === 'unreachable' && (
        <div className="banner warn" role="status">
          The Corsight service worker is not answering ({conn.message}). Retrying; you can still import a HAR file.
        </div>
      )}
      <div className="sr-only" role="status" aria-live="polite">
        {notice}
      </div>
      {acrossRequests.map((finding) => (
        <div className="banner across-requests" role="status" data-testid="across-requests" key={finding.server}>
          <strong>Warning across requests:</strong> {finding.text}
        </div>
      ))}

      {notice && (
        <div className="banner" data-testid="notice">
          {notice}{' '}
          <button type="button" className="link-button" onClick={() => setNotice('')} aria-label="Dismiss">
            Dismiss
          </button>
        </div>
      )}

      <div className="main">
        <section className="list-pane" aria-label="Cross-origin requests">
          <div className="list-head" role="presentation">
            <span className="c-status">Status</span>
            <span className="c-method">Method</span>
            <span className="c-url">URL</span>
            <span className="c-origins">From → to</span>
            <span className="c-verdict">Verdict</span>
            <span className="c-time">Time</span>
          </div>
          {visible.length === 0 ? (
            <EmptyState
              rows={rows.length}
              counts={counts}
              filter={filter}
              imported={Boolean(imported)}
              capture={capture}
              onShowAll={() => setFilter(EMPTY_FILTER)}
              onImport={() => fileRef.current?.click()}
            />
          ) : (
            <ErrorBoundary what="The request list">
              <VirtualList
                items={visible}
                rowHeight={ROW_HEIGHT}
                activeIndex={activeIndex}
                selectedKey={openSeq ?? undefined}
                getKey={(r) => r.seq}
                idPrefix="req-"
                label="Cross-origin requests"
                listRef={listRef}
                onKeyDown={onListKey}
                onRowClick={(r) => open(r)}
                rowLabel={(r) => `${STATUS_LABEL[r.status]}: ${r.method} ${r.url}, ${r.verdict}`}
                renderRow={(r) => <RowView row={r} />}
              />
            </ErrorBoundary>
          )}
        </section>
        {openRow && (
          <section className="detail-pane" aria-label="Request detail">
            <ErrorBoundary key={openRow.seq} what="The request detail">
              <Detail
                row={openRow}
                rows={rows}
                stack={stack}
                onStack={setStack}
                onClose={close}
                openResource={source.openResource}
                headingRef={headingRef}
                startTrial={imported ? undefined : source.startTrial}
              />
            </ErrorBoundary>
          </section>
        )}
      </div>

      <StatusBar shown={visible.length} total={rows.length} counts={counts} dropped={imported ? 0 : dropped} capture={imported ? null : capture} />
    </div>
  );
}
