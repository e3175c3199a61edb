import type { KeyboardEvent, RefObject } from 'react';
import type { countRows, Filter, StatusFilter, targetOrigins } from './model.ts';

interface ToolbarProps {
  /** An imported file is shown instead of the live log. */
  importedFile: boolean;
  preserve: boolean;
  filter: Filter;
  onFilter(filter: Filter): void;
  counts: ReturnType<typeof countRows>;
  origins: ReturnType<typeof targetOrigins>;
  hasRows: boolean;
  searchRef: RefObject<HTMLInputElement | null>;
  onSearchKey(e: KeyboardEvent<HTMLInputElement>): void;
  fileRef: RefObject<HTMLInputElement | null>;
  onClear(): void;
  onPreserve(next: boolean): void;
  onImport(file: File | undefined): void;
  onExportReport(): void;
  onExportHar(): void;
  /** Exports keep cookies, credentials and query strings (off: they are redacted). */
  includeSecrets: boolean;
  onIncludeSecrets(next: boolean): void;
}

/** The panel's toolbar: clear, preserve log, filters, import and export. */
export function Toolbar(props: ToolbarProps) {
  const { importedFile, preserve, filter, onFilter, counts, origins, hasRows, searchRef, onSearchKey, fileRef, onClear, onPreserve, onImport, onExportReport, onExportHar, includeSecrets, onIncludeSecrets } = props;
  const filterButtons: Array<{ id: StatusFilter; label: string; count: number }> = [
    { id: 'all', label: 'All', count: counts.all },
    { id: 'blocked', label: 'Blocked', count: counts.blocked },
    { id: 'warning', label: 'Warnings', count: counts.warning },
  ];
  return (
    <div className="toolbar" role="toolbar" aria-label="CORS log">
      <button type="button" className="tb-button" onClick={onClear} title={importedFile ? 'Close the imported file' : 'Clear the log'}>
        {importedFile ? 'Close file' : 'Clear'}
      </button>
      <label className="tb-check" title="Keep the log across page loads">
        <input type="checkbox" checked={preserve} disabled={importedFile} onChange={(e) => onPreserve(e.target.checked)} /> Preserve log
      </label>
      <span className="tb-sep" />
      <input
        ref={searchRef}
        type="search"
        className="tb-search"
        placeholder="Filter  /"
        aria-label="Filter by URL, origin or verdict (press / to focus)"
        value={filter.text}
        onChange={(e) => onFilter({ ...filter, text: e.target.value })}
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
            onClick={() => onFilter({ ...filter, status: b.id })}
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
        onChange={(e) => onFilter({ ...filter, target: e.target.value })}
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
        onChange={(e) => onImport(e.target.files?.[0])}
      />
      <label className="tb-check" title="Off (the default): cookie and authorization values, query values and URL passwords are replaced by redacted-by-corsight in the files">
        <input type="checkbox" checked={includeSecrets} onChange={(e) => onIncludeSecrets(e.target.checked)} data-testid="include-secrets" /> Include
        secrets
      </label>
      <button type="button" className="tb-button" onClick={onExportReport} disabled={!hasRows} title="Save the JSON report">
        Export report
      </button>
      <button type="button" className="tb-button" onClick={onExportHar} disabled={!hasRows} title="Save the captured exchanges as HAR">
        Export HAR
      </button>
    </div>
  );
}
