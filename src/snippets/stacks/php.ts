import { phpString } from '../escape.ts';
import { list, preflightHeaders, rawHeaders } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const php: StackGenerator = {
  info: stackInfo('php'),
  filename: 'index.php (front controller, first lines)',
  pitfalls: [
    'Run this before any output and before session/auth checks: headers cannot be sent after the body starts, and preflights carry no cookies.',
    'If Apache or nginx in front also adds CORS headers, remove one side: two Access-Control-Allow-Origin values are refused.',
  ],
  code: (p) => {
    const [, ...rest] = rawHeaders(p, '');
    const pre = preflightHeaders(p);
    const header = (k: string, v: string): string => `header(${phpString(`${k}: ${v}`)});`;
    const lines = [
      '<?php',
      `$allowedOrigins = ${list(p.origins, phpString)};`,
      "$origin = $_SERVER['HTTP_ORIGIN'] ?? '';",
      '$allowed = in_array($origin, $allowedOrigins, true);',
      '',
      "header('Vary: Origin', false);",
      'if ($allowed) {',
      "    header('Access-Control-Allow-Origin: ' . $origin);",
      ...rest.map(([k, v]) => `    ${header(k, v)}`),
      '}',
      '',
      '// Preflight: answered here, before sessions, auth and routing.',
      "if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS' && isset($_SERVER['HTTP_ACCESS_CONTROL_REQUEST_METHOD'])) {",
    ];
    if (pre.length) lines.push('    if ($allowed) {', ...pre.map(([k, v]) => `        ${header(k, v)}`), '    }');
    lines.push('    http_response_code(204);', '    exit;', '}');
    return { code: lines.join('\n') };
  },
};
