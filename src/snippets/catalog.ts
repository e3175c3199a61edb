/**
 * The stacks Corsight writes fixes for: what pages list and pick (id, label, language, how the
 * snippet is verified), without the generators (registry.ts), which the panel and popup load only
 * when they write a snippet.
 */
import type { StackInfo } from './types.ts';

/** Every supported stack, in display order. */
export const STACKS: readonly StackInfo[] = [
  { id: 'express', label: 'Express (cors)', language: 'javascript', kind: 'framework', verification: 'chromium' },
  { id: 'fastify', label: 'Fastify (@fastify/cors)', language: 'javascript', kind: 'framework', verification: 'chromium' },
  { id: 'koa', label: 'Koa (@koa/cors)', language: 'javascript', kind: 'framework', verification: 'chromium' },
  { id: 'hono', label: 'Hono (hono/cors)', language: 'typescript', kind: 'framework', verification: 'chromium' },
  { id: 'nestjs', label: 'NestJS (enableCors)', language: 'typescript', kind: 'framework', verification: 'chromium' },
  { id: 'nextjs', label: 'Next.js (proxy.ts)', language: 'typescript', kind: 'framework', verification: 'chromium' },
  { id: 'socketio', label: 'Socket.IO v4 (cors option)', language: 'javascript', kind: 'framework', verification: 'chromium' },
  { id: 'vite', label: 'Vite dev-server proxy (dev only)', language: 'javascript', kind: 'proxy', devOnly: true, verification: 'chromium' },
  { id: 'webpack-dev-server', label: 'webpack-dev-server proxy (dev only)', language: 'javascript', kind: 'proxy', devOnly: true, verification: 'chromium' },
  { id: 'nginx', label: 'nginx', language: 'nginx', kind: 'proxy', verification: 'chromium' },
  { id: 'apache', label: 'Apache httpd', language: 'apache', kind: 'proxy', verification: 'chromium' },
  { id: 'caddy', label: 'Caddy', language: 'caddyfile', kind: 'proxy', verification: 'chromium' },
  { id: 'haproxy', label: 'HAProxy', language: 'haproxy', kind: 'proxy', verification: 'chromium' },
  { id: 'traefik', label: 'Traefik (headers middleware)', language: 'yaml', kind: 'proxy', verification: 'syntax' },
  { id: 'django', label: 'Django (django-cors-headers)', language: 'python', kind: 'framework', verification: 'chromium' },
  { id: 'flask', label: 'Flask (flask-cors)', language: 'python', kind: 'framework', verification: 'chromium' },
  { id: 'fastapi', label: 'FastAPI / Starlette (CORSMiddleware)', language: 'python', kind: 'framework', verification: 'chromium' },
  { id: 'rails', label: 'Rails / Rack (rack-cors)', language: 'ruby', kind: 'framework', verification: 'chromium' },
  { id: 'php', label: 'Plain PHP', language: 'php', kind: 'framework', verification: 'chromium' },
  { id: 'go', label: 'Go (rs/cors)', language: 'go', kind: 'framework', verification: 'chromium' },
  { id: 'spring', label: 'Spring Boot (WebMvcConfigurer)', language: 'java', kind: 'framework', verification: 'syntax' },
  { id: 'aspnet', label: 'ASP.NET Core (CORS middleware)', language: 'csharp', kind: 'framework', verification: 'golden' },
  { id: 's3', label: 'AWS S3 bucket CORS', language: 'json', kind: 'cloud', verification: 'golden' },
  { id: 'cloudflare-workers', label: 'Cloudflare Workers', language: 'javascript', kind: 'cloud', verification: 'chromium' },
  { id: 'api-gateway', label: 'AWS API Gateway (HTTP API CORS)', language: 'json', kind: 'cloud', verification: 'golden' },
];

export type StackId = (typeof STACKS)[number]['id'];

const BY_ID = new Map(STACKS.map((info) => [info.id, info]));

/** The stack entry for an id, or undefined. */
export function findStack(stackId: string): StackInfo | undefined {
  return BY_ID.get(stackId);
}

/** The entry of a stack this code names (a generator's own): throws for an id not listed above. */
export function stackInfo(stackId: string): StackInfo {
  const info = BY_ID.get(stackId);
  if (!info) throw new Error(`stack ${JSON.stringify(stackId)} is not in the catalog`);
  return info;
}
