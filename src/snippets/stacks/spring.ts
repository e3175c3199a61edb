import { javaString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const spring: StackGenerator = {
  info: stackInfo('spring'),
  filename: 'CorsConfig.java',
  pitfalls: [
    'With Spring Security, also call http.cors(Customizer.withDefaults()): otherwise the security filter rejects preflights (401/403) before this mapping runs.',
    'allowedOrigins("*") cannot be combined with allowCredentials(true); allowedOriginPatterns("*") can, and reflects every origin: keep exact origins.',
  ],
  code: (p) => {
    const args = (v: string[]): string => v.map(javaString).join(', ');
    const calls = [
      `.allowedOrigins(${args(p.origins)})`,
      `.allowedMethods(${args(methodsWithSafelisted(p))})`,
      p.headers.length > 0 && `.allowedHeaders(${args(p.headers)})`,
      p.expose.length > 0 && `.exposedHeaders(${args(p.expose)})`,
      p.credentials && '.allowCredentials(true)',
      p.maxAge !== undefined && `.maxAge(${p.maxAge})`,
    ].filter((x): x is string => typeof x === 'string');
    calls[calls.length - 1] += ';';
    return {
      code: [
        'import org.springframework.context.annotation.Configuration;',
        'import org.springframework.web.servlet.config.annotation.CorsRegistry;',
        'import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;',
        '',
        '@Configuration',
        'public class CorsConfig implements WebMvcConfigurer {',
        '    @Override',
        '    public void addCorsMappings(CorsRegistry registry) {',
        '        registry.addMapping("/**")',
        ...calls.map((c) => `            ${c}`),
        '    }',
        '}',
      ].join('\n'),
    };
  },
};
