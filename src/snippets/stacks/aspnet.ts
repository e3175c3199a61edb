import { csharpString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const aspnet: StackGenerator = {
  info: stackInfo('aspnet'),
  filename: 'Program.cs',
  pitfalls: [
    'app.UseCors() must come after UseRouting() and before UseAuthentication()/UseAuthorization(), or preflights get 401.',
    'AllowAnyOrigin() cannot be combined with AllowCredentials(); SetIsOriginAllowed(_ => true) can, and reflects every origin: keep WithOrigins.',
  ],
  code: (p) => {
    const args = (v: string[]): string => v.map(csharpString).join(', ');
    const calls = [
      `.WithOrigins(${args(p.origins)})`,
      `.WithMethods(${args(methodsWithSafelisted(p))})`,
      p.headers.length > 0 && `.WithHeaders(${args(p.headers)})`,
      p.expose.length > 0 && `.WithExposedHeaders(${args(p.expose)})`,
      p.credentials && '.AllowCredentials()',
      p.maxAge !== undefined && `.SetPreflightMaxAge(TimeSpan.FromSeconds(${p.maxAge}))`,
    ].filter((x): x is string => typeof x === 'string');
    calls[calls.length - 1] += '));';
    return {
      code: [
        'const string CorsPolicy = "ApiCors";',
        '',
        'builder.Services.AddCors(options => options.AddPolicy(CorsPolicy, policy => policy',
        ...calls.map((c) => `    ${c}`),
        '',
        '// ... var app = builder.Build(); app.UseRouting();',
        'app.UseCors(CorsPolicy); // before UseAuthentication() and UseAuthorization()',
      ].join('\n'),
    };
  },
};
