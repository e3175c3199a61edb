import { jsString } from '../escape.ts';
import { list } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const vite: StackGenerator = {
  info: stackInfo('vite'),
  filename: 'vite.config.js',
  pitfalls: [
    'DEVELOPMENT ONLY: the page then calls /api on its own origin, so CORS never applies. Production still needs the server-side fix.',
    'Call relative URLs (/api/...) from the page; absolute URLs to the API bypass the proxy.',
    'server.cors configures Vite itself as a server (which pages on other origins may read the dev server), not your API; its default admits every localhost origin, the proxied /api included, so the snippet narrows it to your page.',
  ],
  code: (p) => ({
    code: [
      "import { defineConfig } from 'vite';",
      '',
      'export default defineConfig({',
      '  server: {',
      ...(p.origins.length
        ? [
            "    // Vite's default server.cors lets every localhost page read the dev server, /api included;",
            "    // allow only your page's origin.",
            `    cors: { origin: ${list(p.origins, jsString)} },`,
          ]
        : []),
      '    proxy: {',
      '      // The page fetches /api/... on the dev server; Vite forwards it server-side.',
      "      '/api': {",
      `        target: ${jsString(p.targetOrigin ?? 'https://api.example.com')},`,
      '        changeOrigin: true,',
      "        // /api/users -> <target>/users: drop the prefix the page added.",
      "        rewrite: (path) => path.replace(/^\\/api/, ''),",
      '      },',
      '    },',
      '  },',
      '});',
    ].join('\n'),
  }),
};
