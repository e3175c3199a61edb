import { jsString } from '../escape.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const webpackDevServer: StackGenerator = {
  info: stackInfo('webpack-dev-server'),
  filename: 'webpack.config.js',
  pitfalls: [
    'DEVELOPMENT ONLY: the page calls /api on its own origin, so CORS never applies. Production still needs the server-side fix.',
    'webpack-dev-server 5 takes `proxy` as an array of { context, target } objects; the object form of v4 is gone.',
  ],
  code: (p) => ({
    code: [
      'export default {',
      '  devServer: {',
      '    proxy: [',
      '      {',
      '        // The page fetches /api/... on the dev server; it forwards them server-side.',
      "        context: ['/api'],",
      `        target: ${jsString(p.targetOrigin ?? 'https://api.example.com')},`,
      '        changeOrigin: true,',
      "        // /api/users -> <target>/users: drop the prefix the page added.",
      "        pathRewrite: { '^/api': '' },",
      '      },',
      '    ],',
      '  },',
      '};',
    ].join('\n'),
  }),
};
