import type { CaptureState } from '../store/report.ts';
import { StatusIcon } from './icons.tsx';
import { countRows, formatClock, formatDuration, type Filter, type Row } from './model.ts';

/** One line of the request list. */
export function RowView({ row }: { row: Row }) {
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

/** What the list shows when no row is visible: why, and what to do. */
interface EmptyProps {
  rows: number;
  counts: ReturnType<typeof countRows>;
  filter: Filter;
  imported: boolean;
  capture: CaptureState | null;
  onShowAll(): void;
  onImport(): void;
}

export function EmptyState({ rows, counts, filter, imported, onShowAll, onImport }: EmptyProps) {
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
