import { rubyString } from '../escape.ts';
import { methodsWithSafelisted } from '../prepare.ts';
import { list } from '../render.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const RAILS_ALLOW_START = '  allow do';
export const RAILS_ALLOW_END = '  end';

export const rails: StackGenerator = {
  info: stackInfo('rails'),
  filename: 'config/initializers/cors.rb',
  pitfalls: [
    'insert_before 0 puts Rack::Cors outside everything (auth, Devise/Warden, exception pages), so preflights and errors get CORS headers.',
    'Plain Rack: `use Rack::Cors do ... end` as the first middleware in config.ru, with the same allow block.',
    'rack-cors upper-cases methods in Access-Control-Allow-Methods: a page sending a lower-case non-standard method (e.g. `patch`) is refused; send PATCH.',
  ],
  code: (p) => {
    const opts = [
      p.headers.length > 0 && `headers: ${list(p.headers, rubyString)}`,
      `methods: ${list(methodsWithSafelisted(p).map((m) => m.toLowerCase()), rubyString)}`,
      p.credentials && 'credentials: true',
      p.expose.length > 0 && `expose: ${list(p.expose, rubyString)}`,
      p.maxAge !== undefined && `max_age: ${p.maxAge}`,
    ].filter((x): x is string => typeof x === 'string');
    return {
      code: [
        '# Gemfile: gem "rack-cors"',
        'Rails.application.config.middleware.insert_before 0, Rack::Cors do',
        RAILS_ALLOW_START,
        `    origins ${p.origins.map(rubyString).join(', ')}`,
        '    resource "*",',
        opts.map((o, i) => `      ${o}${i < opts.length - 1 ? ',' : ''}`).join('\n'),
        RAILS_ALLOW_END,
        'end',
      ].join('\n'),
    };
  },
};
