import { crx } from '@crxjs/vite-plugin';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

export default defineConfig({
  plugins: [react(), crx({ manifest: manifest as Parameters<typeof crx>[0]['manifest'] })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The panel page is opened by devtools.panels.create() from JS, so @crxjs cannot find it
    // in the manifest: list it as an entry of its own.
    rollupOptions: { input: { panel: 'src/panel/index.html' } },
    // Extension pages load from disk: no need to chase small bundles, keep names readable.
    chunkSizeWarningLimit: 1000,
  },
  server: { cors: false },
});
