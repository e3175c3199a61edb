import { yamlString } from '../escape.ts';
import type { PreparedPolicy, StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

function yamlList(key: string, values: string[], indent: string): string[] {
  return [`${indent}${key}:`, ...values.map((v) => `${indent}  - ${yamlString(v)}`)];
}

export const traefik: StackGenerator = {
  info: stackInfo('traefik'),
  filename: 'dynamic.yml',
  pitfalls: [
    'List the cors middleware first on the router, before forwardAuth/basicAuth: Traefik answers the preflight itself.',
    'If the backend also sends Access-Control-Allow-Origin, remove it there: two values are refused.',
  ],
  code: (p: PreparedPolicy) => {
    const i = '        ';
    const lines = [
      '# Dynamic configuration (file provider); add "cors" first in the router\'s middlewares.',
      'http:',
      '  middlewares:',
      '    cors:',
      '      headers:',
      ...yamlList('accessControlAllowOriginList', p.origins, i),
    ];
    if (p.credentials) lines.push(`${i}accessControlAllowCredentials: true`);
    if (p.methods.length) lines.push(...yamlList('accessControlAllowMethods', p.methods, i));
    if (p.headers.length) lines.push(...yamlList('accessControlAllowHeaders', p.headers, i));
    if (p.expose.length) lines.push(...yamlList('accessControlExposeHeaders', p.expose, i));
    if (p.maxAge !== undefined) lines.push(`${i}accessControlMaxAge: ${p.maxAge}`);
    lines.push(`${i}addVaryHeader: true`);
    return { code: lines.join('\n') };
  },
};
