import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { findStack } from '../snippets/index.ts';
import type { CaptureState, ExchangeRecord } from '../store/report.ts';
import { Detail } from './Detail.tsx';
import { download } from './dom.ts';
import { buildReport } from '../store/report.ts';
import { exchangesToHar, importFile } from './exporters.ts';
import { StatusIcon } from './icons.tsx';
import {
  EMPTY_FILTER,
  STATUS_LABEL,
  countRows,
  filterRows,
  formatClock,
  formatDuration,
  targetOrigins,
  mergeRows,
  toRow,
  type Filter,
  type Row,
  type StatusFilter,
} from './model.ts';
import type { ConnectionStatus, PanelSource } from './source.ts';
import { VirtualList } from './VirtualList.tsx';
import './panel.css';

export const ROW_HEIGHT = 21;
/** The panel keeps at most this many rows (the worker's log is bounded too). */
const MAX_ROWS = 50_000;
const DEFAULT_STACK = 'express';
const STACK_KEY = 'corsight.snippetStack';

interface Imported {
  name: string;
  rows: Row[];
  skipped: number;
}

function mark(name: string): void {
  performance.mark(name);
}

function fileStamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

export function Panel({ source }: { source: PanelSource }) {
  const [live, setLive] = useState<Row[]>([]);
  const [imported, setImported] = useState<Imported | null>(null);
  const [conn, setConn] = useState<ConnectionStatus>({ state: 'connecting' });
  const [capture, setCapture] = useState<CaptureState | null>(null);
  const [preserve, setPreserve] = useState(false);
  const [dropped, setDropped] = useState(0);
  const [stack, setStackState] = useState<string>(() => {
    const saved = localStorage.getItem(STACK_KEY);
    return saved && findStack(saved) ? saved : DEFAULT_STACK;
  });
  const [filter, setFilter] = useState<Filter>(EMPTY_FILTER);
  const [activeSeq, setActiveSeq] = useState<number | null>(null);
  const [openSeq, setOpenSeq] = useState<number | null>(null);
  const [notice, setNotice] = useState<string>('');
  const listRef = useRef<HTMLDivElement | null>(null);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const headingRef = useRef<HTMLHeadingElement | null>(null);
  const fileRef = useRef<HTMLInputElement | null>(null);
  const focusHeading = useRef(false);

  // Live log of the inspected tab.
  useEffect(() => {
    return source.subscribe((event) => {
      if (event.type === 'snapshot') {
        mark('corsight:rows-received');
        setLive(event.report.entries.slice(-MAX_ROWS).map((e) => toRow({ seq: e.seq, exchange: e.exchange, diagnosis: e.diagnosis })));
        setPreserve(event.report.preserveLog);
        setCapture(event.report.capture);
        setDropped(event.report.dropped);
      } else if (event.type === 'records') {
        mark('corsight:rows-received');
        const fresh = event.records.map(toRow);
        setLive((prev) => mergeRows(prev, fresh, MAX_ROWS));
        if (event.dropped) setDropped((d) => d + event.dropped);
      } else if (event.type === 'capture') {
        setCapture(event.capture);
      }
    }, setConn);
  }, [source]);

  // The remembered snippet stack.
  useEffect(() => {
    let stopped = false;
    source
      .getSettings()
      .then((s) => {
        if (!stopped && s.snippetStack && findStack(s.snippetStack)) setStackState(s.snippetStack);
      })
      .catch(() => undefined);
    return () => {
      stopped = true;
    };
  }, [source]);

  const setStack = useCallback(
    (id: string) => {
      setStackState(id);
      localStorage.setItem(STACK_KEY, id);
      source.setSettings({ snippetStack: id }).catch(() => undefined);
    },
    [source],
  );

  const rows = imported?.rows ?? live;
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
    let text: string;
    if (!imported) {
      try {
        text = JSON.stringify(await source.report(), null, 2);
      } catch {
        text = JSON.stringify(buildReport(live.map((r) => r.record), { tabId: source.tabId, url: null, preserveLog: preserve, dropped }), null, 2);
      }
    } else {
      text = JSON.stringify(buildReport(imported.rows.map((r) => r.record), { tabId: undefined, url: imported.name }), null, 2);
    }
    download(`corsight-report-${fileStamp()}.json`, text);
  };

  const exportHar = () => {
    const har = exchangesToHar(rows.map((r) => r.record.exchange));
    download(`corsight-${fileStamp()}.har`, JSON.stringify(har, null, 2), 'application/json');
  };

  const onImport = async (file: File | undefined) => {
    if (!file) return;
    try {
      const text = await file.text();
      const t0 = performance.now();
      const result = importFile(text);
      mark('corsight:rows-received');
      const records: ExchangeRecord[] = result.records;
      setImported({ name: file.name, rows: records.map(toRow), skipped: result.skipped });
      setOpenSeq(null);
      setActiveSeq(null);
      setNotice(`Imported ${records.length} cross-origin exchanges from ${file.name} in ${Math.round(performance.now() - t0)} ms${result.skipped ? ` (${result.skipped} other entries skipped)` : ''}.`);
    } catch (e) {
      setNotice(`Could not import ${file.name}: ${(e as Error).message}`);
    } finally {
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  const setStatus = (status: StatusFilter) => setFilter((f) => ({ ...f, status }));
  const filterButtons: Array<{ id: StatusFilter; label: string; count: number }> = [
    { id: 'all', label: 'All', count: counts.all },
    { id: 'blocked', label: 'Blocked', count: counts.blocked },
    { id: 'warning', label: 'Warnings', count: counts.warning },
  ];

  return (
    <div className={`panel${openRow ? ' with-detail' : ''}`}>
      <div className="toolbar" role="toolbar" aria-label="CORS log">
        <button type="button" className="tb-button" onClick={clear} title={imported ? 'Close the imported file' : 'Clear the log'}>
          {imported ? 'Close file' : 'Clear'}
        </button>
        <label className="tb-check" title="Keep the log across page loads">
          <input type="checkbox" checked={preserve} disabled={Boolean(imported)} onChange={(e) => void togglePreserve(e.target.checked)} /> Preserve log
        </label>
        <span className="tb-sep" />
        <input
          ref={searchRef}
          type="search"
          className="tb-search"
          placeholder="Filter  /"
          aria-label="Filter by URL, origin or verdict (press / to focus)"
          value={filter.text}
          onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value }))}
          onKeyDown={onSearchKey}
        />
        <span role="radiogroup" aria-label="Show" className="tb-segment">
          {filterButtons.map((b) => (
            <button
              key={b.id}
              type="button"
              role="radio"
              aria-checked={filter.status === b.id}
              className={`tb-button seg${filter.status === b.id ? ' on' : ''}`}
              onClick={() => setStatus(b.id)}
              data-filter={b.id}
            >
              {b.label} <span className="count">{b.count}</span>
            </button>
          ))}
        </span>
        <select
          className="tb-select"
          aria-label="Target origin"
          value={filter.target}
          onChange={(e) => setFilter((f) => ({ ...f, target: e.target.value }))}
        >
          <option value="">All target origins</option>
          {origins.map((o) => (
            <option key={o.origin} value={o.origin}>
              {o.origin} ({o.count}
              {o.blocked ? `, ${o.blocked} blocked` : ''})
            </option>
          ))}
        </select>
        <span className="spacer" />
        <button type="button" className="tb-button" onClick={() => fileRef.current?.click()} title="Diagnose a HAR file">
          Import HAR…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".har,.json,application/json"
          hidden
          data-testid="import-file"
          onChange={(e) => void onImport(e.target.files?.[0])}
        />
        <button type="button" className="tb-button" onClick={() => void exportReport()} disabled={rows.length === 0} title="Save the JSON report">
          Export report
        </button>
        <button type="button" className="tb-button" onClick={exportHar} disabled={rows.length === 0} title="Save the captured exchanges as HAR">
          Export HAR
        </button>
      </div>

      {imported && (
        <div className="banner" role="status">
          Showing <strong>{imported.name}</strong>: {imported.rows.length} cross-origin exchanges, diagnosed in this panel.{' '}
          <button type="button" className="link-button" onClick={() => setImported(null)}>
            Back to the live log
          </button>
        </div>
      )}
      {!imported && conn.state === 'unreachable' && (
        <div className="banner warn" role="status">
          The Corsight service worker is not answering ({conn.message}). Retrying; you can still import a HAR file.
        </div>
      )}
      <div className="sr-only" role="status" aria-live="polite">
        {notice}
      </div>
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
          )}
        </section>
        {openRow && (
          <section className="detail-pane" aria-label="Request detail">
            <Detail
              key={openRow.seq}
              row={openRow}
              rows={rows}
              stack={stack}
              onStack={setStack}
              onClose={close}
              openResource={source.openResource}
              headingRef={headingRef}
            />
          </section>
        )}
      </div>

      <footer className="statusbar">
        <span>
          {visible.length === rows.length ? `${rows.length} requests` : `${visible.length} / ${rows.length} requests`}
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
        {dropped > 0 && !imported && <span className="muted">{dropped} older requests dropped</span>}
        <span className="spacer" />
        {!imported && capture && (
          <span className="muted">{capture.devtools ? 'Source: DevTools network log' : capture.webRequest ? 'Source: webRequest capture' : 'Not capturing'}</span>
        )}
      </footer>
    </div>
  );
}

function RowView({ row }: { row: Row }) {
  return (
    <>
      <span className="c-status">
        <StatusIcon status={row.status} />
      </span>
      <span className="c-method mono">{row.method}</span>
      <span className="c-url mono" title={row.url}>
        {row.shortUrl}
      </span>
      <span className="c-origins mono" title={`${row.from} → ${row.to}`}>
        {row.from} → {row.to}
      </span>
      <span className={`c-verdict v-${row.status}`} title={row.record.diagnosis.headline}>
        {row.verdict}
      </span>
      <span className="c-time" title={formatClock(row.startedAt)}>
        {formatDuration(row.durationMs)}
      </span>
    </>
  );
}

interface EmptyProps {
  rows: number;
  counts: ReturnType<typeof countRows>;
  filter: Filter;
  imported: boolean;
  capture: CaptureState | null;
  onShowAll(): void;
  onImport(): void;
}

function EmptyState({ rows, counts, filter, imported, onShowAll, onImport }: EmptyProps) {
  if (rows === 0) {
    return (
      <div className="empty" data-testid="empty">
        <h2>Nothing cross-origin yet</h2>
        <p>
          Corsight lists every request this page makes to another origin (another scheme, host or port), says whether the browser
          allowed it, and what the server must send when it did not.
        </p>
        <p>
          {imported ? 'This file has no cross-origin requests.' : 'Reload the page (Ctrl+R / ⌘R) to see its requests from the start, or use the page.'}{' '}
          You can also{' '}
          <button type="button" className="link-button" onClick={onImport}>
            import a HAR file
          </button>
          .
        </p>
      </div>
    );
  }
  if (filter.status === 'blocked' && counts.blocked === 0 && !filter.text && !filter.target) {
    return (
      <div className="empty" data-testid="empty">
        <h2>Nothing blocked</h2>
        <p>
          The browser allowed all {rows} cross-origin requests{counts.warning ? `; ${counts.warning} have warnings worth a look` : ''}.
        </p>
        <button type="button" className="link-button" onClick={onShowAll}>
          Show all requests
        </button>
      </div>
    );
  }
  if (filter.status === 'warning' && counts.warning === 0 && !filter.text && !filter.target) {
    return (
      <div className="empty" data-testid="empty">
        <h2>No warnings</h2>
        <p>No cross-origin request has a warning.</p>
        <button type="button" className="link-button" onClick={onShowAll}>
          Show all requests
        </button>
      </div>
    );
  }
  return (
    <div className="empty" data-testid="empty">
      <h2>No request matches</h2>
      <p>
        None of the {rows} requests matches {filter.text ? <>“{filter.text}”</> : 'this filter'}.
      </p>
      <button type="button" className="link-button" onClick={onShowAll}>
        Clear the filter
      </button>
    </div>
  );
}
