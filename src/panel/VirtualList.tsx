import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { scrollToReveal, visibleRange } from './virtual.ts';

interface Props<T> {
  items: readonly T[];
  rowHeight: number;
  /** Index of the keyboard cursor, -1 for none. */
  activeIndex: number;
  getKey(item: T): string | number;
  renderRow(item: T, index: number, active: boolean): ReactNode;
  /** The row shown in the detail pane, if any. */
  selectedKey?: string | number | undefined;
  onRowClick?(item: T, index: number): void;
  rowLabel?(item: T): string;
  /** id prefix of rows, for aria-activedescendant. */
  idPrefix: string;
  label: string;
  onKeyDown?(event: KeyboardEvent<HTMLDivElement>): void;
  listRef?: React.Ref<HTMLDivElement>;
}

/**
 * A small fixed-row-height virtual list (a listbox): only the rows in view (plus a margin) are in
 * the DOM, positioned absolutely inside a spacer as tall as all rows.
 */
export function VirtualList<T>(props: Props<T>) {
  const { items, rowHeight, activeIndex, getKey, renderRow, idPrefix, label, onKeyDown, listRef, selectedKey, onRowClick, rowLabel } = props;
  const scroller = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keep the cursor in view.
  useEffect(() => {
    const el = scroller.current;
    if (!el || activeIndex < 0) return;
    const next = scrollToReveal(activeIndex, el.scrollTop, el.clientHeight, rowHeight);
    if (next !== el.scrollTop) el.scrollTop = next;
  }, [activeIndex, rowHeight]);

  // A shorter list (filter) may leave the scroll position past the end.
  const maxTop = Math.max(0, items.length * rowHeight - height);
  const top = Math.min(scrollTop, maxTop);
  const { start, end } = visibleRange(top, height, rowHeight, items.length);
  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    const item = items[i] as T;
    const key = getKey(item);
    const index = i;
    rows.push(
      <div
        key={key}
        id={`${idPrefix}${key}`}
        role="option"
        aria-selected={key === selectedKey}
        aria-posinset={i + 1}
        aria-setsize={items.length}
        aria-label={rowLabel?.(item)}
        className={`vrow${i === activeIndex ? ' active' : ''}${key === selectedKey ? ' selected' : ''}`}
        style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}
        onClick={() => onRowClick?.(item, index)}
      >
        {renderRow(item, i, i === activeIndex)}
      </div>,
    );
  }
  const active = activeIndex >= 0 ? items[activeIndex] : undefined;
  return (
    <div
      ref={(el) => {
        scroller.current = el;
        if (typeof listRef === 'function') listRef(el);
        else if (listRef) (listRef as React.MutableRefObject<HTMLDivElement | null>).current = el;
      }}
      className="vlist"
      role="listbox"
      aria-label={label}
      tabIndex={0}
      aria-activedescendant={active !== undefined ? `${idPrefix}${getKey(active)}` : undefined}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
    >
      <div className="vspacer" role="presentation" style={{ height: items.length * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
