import type { ReactNode } from 'react';
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
      <span className={`c-verdict v-${row.status}`} title={row.record.verdict.headline}>
        {row.record.exchange.underTrial && (
          <>
            <span className="trial-tag">trial</span>{' '}
          </>
        )}
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
  // Only the status filter is set and no row has that status: say so, rather than "no match".
  const onlyStatus = !filter.text && !filter.target;
  if (onlyStatus && filter.status === 'blocked' && counts.blocked === 0) {
    return (
      <EmptyFilter title="Nothing blocked" action="Show all requests" onAction={onShowAll}>
        The browser allowed all {rows} cross-origin requests{counts.warning ? `; ${counts.warning} have warnings worth a look` : ''}.
      </EmptyFilter>
    );
  }
  if (onlyStatus && filter.status === 'warning' && counts.warning === 0) {
    return (
      <EmptyFilter title="No warnings" action="Show all requests" onAction={onShowAll}>
        No cross-origin request has a warning.
      </EmptyFilter>
    );
  }
  return (
    <EmptyFilter title="No request matches" action="Clear the filter" onAction={onShowAll}>
      None of the {rows} requests matches {filter.text ? <>“{filter.text}”</> : 'this filter'}.
    </EmptyFilter>
  );
}

/** The list is empty because of the filter: why, and the one button that shows rows again. */
function EmptyFilter({ title, action, onAction, children }: { title: string; action: string; onAction(): void; children: ReactNode }) {
  return (
    <div className="empty" data-testid="empty">
      <h2>{title}</h2>
      <p>{children}</p>
      <button type="button" className="link-button" onClick={onAction}>
        {action}
      </button>
    </div>
  );
}
