import { jsString } from '../escape.ts';
import type { StackGenerator } from '../types.ts';

export const vite: StackGenerator = {
  info: { id: 'vite', label: 'Vite dev-server proxy (dev only)', language: 'javascript', kind: 'proxy', devOnly: true, verification: 'golden' },
  filename: 'vite.config.js',
  pitfalls: [
    'DEVELOPMENT ONLY: the page then calls /api on its own origin, so CORS never applies. Production still needs the server-side fix.',
    'Call relative URLs (/api/...) from the page; absolute URLs to the API bypass the proxy.',
    'server.cors configures Vite itself as a server (other sites loading the dev server), not your API.',
  ],
  code: (p) => ({
    code: [
      "import { defineConfig } from 'vite';",
      '',
      'export default defineConfig({',
      '  server: {',
      '    proxy: {',
      '      // The page fetches /api/... on the dev server; Vite forwards it server-side.',
      "      '/api': {",
      `        target: ${jsString(p.targetOrigin ?? 'https://api.example.com')},`,
      '        changeOrigin: true,',
      '      },',
      '    },',
      '  },',
      '});',
    ].join('\n'),
  }),
};
