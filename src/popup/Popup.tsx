/** Foundation popup: points to the panel until the per-tab summary exists. */
export function Popup() {
  return (
    <main style={{ padding: 12, width: 280 }}>
      <h1 style={{ fontSize: 14, margin: '0 0 8px' }}>Corsight</h1>
      <p>Open DevTools and choose the <strong>CORS</strong> panel to see why cross-origin requests on this page fail.</p>
    </main>
  );
}
