import { goString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import { list } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const go: StackGenerator = {
  info: stackInfo('go'),
  filename: 'main.go',
  pitfalls: [
    'Wrap the outermost handler (outside auth middleware) so preflights are answered before auth runs.',
    'rs/cors also refuses actual requests whose method is not in AllowedMethods: keep GET, HEAD and POST in the list.',
    'AllowOriginFunc returning true for everything with AllowCredentials reflects any origin: keep AllowedOrigins exact.',
  ],
  code: (p) => {
    const q = (v: string[]): string => list(v, goString, '[]string{', '}');
    const entries: Array<[string, string]> = [['AllowedOrigins', q(p.origins)]];
    if (p.credentials) entries.push(['AllowCredentials', 'true']);
    if (p.methods.length) entries.push(['AllowedMethods', q(methodsWithSafelisted(p))]);
    if (p.headers.length) entries.push(['AllowedHeaders', q(p.headers)]);
    if (p.expose.length) entries.push(['ExposedHeaders', q(p.expose)]);
    if (p.maxAge !== undefined) entries.push(['MaxAge', String(p.maxAge)]);
    const width = Math.max(...entries.map(([k]) => k.length)) + 1;
    return {
      code: [
        '// import "github.com/rs/cors"',
        'c := cors.New(cors.Options{',
        ...entries.map(([k, v]) => `\t${`${k}:`.padEnd(width)} ${v},`),
        '})',
        '// Wrap the outermost handler (outside auth) so preflights are answered first.',
        'handler := c.Handler(mux)',
      ].join('\n'),
    };
  },
};
