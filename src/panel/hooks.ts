import { useCallback, useEffect, useState } from 'react';
import { findStack } from '../snippets/catalog.ts';
import type { CaptureState } from '../store/report.ts';
import { mergeRows, toRow, type Row } from './model.ts';
import type { ConnectionStatus, PanelSource } from './source.ts';

/** The panel keeps at most this many rows (the worker's log is bounded too). */
export const MAX_ROWS = 50_000;
const DEFAULT_STACK = 'express';
const STACK_KEY = 'corsight.snippetStack';

/** A performance mark the panel benchmark reads (scripts/bench/panel.ts). */
export function mark(name: string): void {
  performance.mark(name);
}

/** The inspected tab's live log, as the worker sends it: a snapshot, then new records. */
export function useLiveLog(source: PanelSource) {
  const [live, setLive] = useState<Row[]>([]);
  const [conn, setConn] = useState<ConnectionStatus>({ state: 'connecting' });
  const [capture, setCapture] = useState<CaptureState | null>(null);
  const [preserve, setPreserve] = useState(false);
  const [dropped, setDropped] = useState(0);
  useEffect(() => {
    return source.subscribe((event) => {
      if (event.type === 'snapshot') {
        mark('corsight:rows-received');
        setLive(event.report.entries.slice(-MAX_ROWS).map((e) => toRow({ seq: e.seq, exchange: e.exchange, verdict: e.diagnosis })));
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
  return { live, setLive, conn, capture, preserve, setPreserve, dropped, setDropped };
}

/** The stack the snippets are written for: remembered here and in the worker's settings. */
export function useSnippetStack(source: PanelSource): [string, (id: string) => void] {
  const [stack, setStackState] = useState<string>(() => {
    const saved = localStorage.getItem(STACK_KEY);
    return saved && findStack(saved) ? saved : DEFAULT_STACK;
  });
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
  return [stack, setStack];
}
