import { useEffect, useState } from 'react';
import type { RawWebRequestEvent } from '../capture/raw-event.ts';
import { ask } from '../messages/client.ts';
import './panel.css';

interface Props {
  tabId: number | undefined;
}

/** Foundation panel: the raw cross-origin traffic Corsight saw on the inspected tab. */
export function Panel({ tabId }: Props) {
  const [events, setEvents] = useState<RawWebRequestEvent[]>([]);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let stopped = false;
    const refresh = async () => {
      try {
        const reply = await ask({ type: 'debug/raw-events', tabId });
        if (!stopped) setEvents(reply.events);
      } catch (e) {
        if (!stopped) setError(`Could not reach the Corsight service worker: ${String(e)}`);
      }
    };
    void refresh();
    const timer = setInterval(refresh, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [tabId]);

  const requests = events.filter((e) => e.phase === 'beforeSendHeaders');
  return (
    <main className="panel">
      <header className="toolbar">
        <strong>CORS</strong>
        <span className="muted">{requests.length} requests seen{tabId === undefined ? '' : ` on tab ${tabId}`}</span>
      </header>
      {error && <p role="alert" className="error">{error}</p>}
      {requests.length === 0 && !error && (
        <p className="empty">Nothing cross-origin yet. Reload the page to see its requests here.</p>
      )}
      <table className="requests">
        <thead>
          <tr><th>Method</th><th>URL</th><th>Origin</th><th>Type</th></tr>
        </thead>
        <tbody>
          {requests.map((e) => (
            <tr key={`${e.requestId}-${e.method}-${e.timeStamp}`}>
              <td className="mono">{e.method}</td>
              <td className="mono" title={e.url}>{e.url}</td>
              <td className="mono">{e.requestHeaders?.find((h) => h.name.toLowerCase() === 'origin')?.value ?? ''}</td>
              <td>{e.type}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
