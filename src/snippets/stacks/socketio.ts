import { corsPackageOptions } from './express.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const socketio: StackGenerator = {
  info: stackInfo('socketio'),
  filename: 'server.js',
  pitfalls: [
    'Since Socket.IO v3 CORS is off by default: the `cors` option is required for the HTTP long-polling transport.',
    'The cors option covers Socket.IO\'s own path (/socket.io/) only; your other HTTP routes need their own CORS setup.',
    'WebSocket upgrades are not subject to CORS: check the Origin with `allowRequest` if that matters to you.',
  ],
  code: (p) => ({
    code: [
      "import { createServer } from 'node:http';",
      "import { Server } from 'socket.io';",
      '',
      'const httpServer = createServer();',
      'const io = new Server(httpServer, {',
      '  cors: {',
      corsPackageOptions(p, '    '),
      '  },',
      '});',
    ].join('\n'),
  }),
};
