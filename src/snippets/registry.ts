import { ACTION_TEXT } from '../engine/plan.ts';
import type { FixPlan } from '../engine/types.ts';
import { preparePolicy } from './prepare.ts';
import { commentValue } from './escape.ts';
import { commentPrefix } from './render.ts';
import { apache } from './stacks/apache.ts';
import { apiGateway } from './stacks/api-gateway.ts';
import { aspnet } from './stacks/aspnet.ts';
import { caddy } from './stacks/caddy.ts';
import { cloudflareWorkers } from './stacks/cloudflare-workers.ts';
import { django } from './stacks/django.ts';
import { express } from './stacks/express.ts';
import { fastapi } from './stacks/fastapi.ts';
import { fastify } from './stacks/fastify.ts';
import { flask } from './stacks/flask.ts';
import { go } from './stacks/go.ts';
import { haproxy } from './stacks/haproxy.ts';
import { hono } from './stacks/hono.ts';
import { koa } from './stacks/koa.ts';
import { nestjs } from './stacks/nestjs.ts';
import { nextjs } from './stacks/nextjs.ts';
import { nginx } from './stacks/nginx.ts';
import { php } from './stacks/php.ts';
import { rails } from './stacks/rails.ts';
import { s3 } from './stacks/s3.ts';
import { socketio } from './stacks/socketio.ts';
import { spring } from './stacks/spring.ts';
import { traefik } from './stacks/traefik.ts';
import { vite } from './stacks/vite.ts';
import { webpackDevServer } from './stacks/webpack-dev-server.ts';
import type { Snippet, StackGenerator } from './types.ts';

const GENERATORS: StackGenerator[] = [
  express,
  fastify,
  koa,
  hono,
  nestjs,
  nextjs,
  socketio,
  vite,
  webpackDevServer,
  nginx,
  apache,
  caddy,
  haproxy,
  traefik,
  django,
  flask,
  fastapi,
  rails,
  php,
  go,
  spring,
  aspnet,
  s3,
  cloudflareWorkers,
  apiGateway,
];

const BY_ID = new Map(GENERATORS.map((g) => [g.info.id, g]));

/**
 * The notes a snippet adds for the plan's actions: the engine's wording, looked up by id (a plan
 * read from a file carries text of its own, which is never repeated).
 */
export function actionNotes(actions: FixPlan['actions']): string[] {
  return actions.flatMap((a) => (Object.hasOwn(ACTION_TEXT, a.id) ? [ACTION_TEXT[a.id]] : []));
}

/** Builds the fix snippet of one stack for one plan. Throws for an unknown stack id. */
export function generateSnippet(stackId: string, plan: FixPlan): Snippet {
  const gen = BY_ID.get(stackId);
  if (!gen) throw new Error(`unknown stack: ${JSON.stringify(stackId)}`);
  const { info } = gen;
  const p = preparePolicy(plan);
  const notes: string[] = [];
  if (!p.serverFixable) notes.push('Corsight found no server change that fixes this request: the change is on the page side (see the diagnosis).');
  if (info.devOnly) notes.push('Development only: this hides the problem while developing; deploy a server-side fix too.');
  if (p.credentials) notes.push('Credentials are allowed: only the exact origins listed get access, never "*" or a reflected Origin.');
  let code: string;
  const prefix = commentPrefix(info.language);
  // `*` for a server reached with Origin: null after a cross-origin redirect: the raw headers say
  // it; the stack generators write exact origins only (not yet `*`).
  const anyOriginNote = 'Requests reaching this server after a redirect from another origin carry Origin: null and need Access-Control-Allow-Origin: * (no credentials): this snippet does not write that, send it as the plan\'s headers show.';
  if (p.origins.length === 0 && !info.devOnly) {
    if (plan.policy.allowAnyOrigin) {
      code = prefix ? `${prefix} Corsight: answer Access-Control-Allow-Origin: * here (see the plan's headers); not generated for this stack yet.` : '{}';
      notes.push(anyOriginNote);
    } else {
      code = prefix
        ? `${prefix} Corsight: the plan names no valid origin to allow, so there is nothing safe to write.`
        : '{}';
      notes.push('The plan names no valid origin to allow: no configuration was generated.');
    }
  } else {
    if (plan.policy.allowAnyOrigin) notes.push(anyOriginNote);
    const out = gen.code(p);
    code = out.code;
    notes.push(...(out.notes ?? []));
  }
  notes.push(...gen.pitfalls);
  for (const text of actionNotes(p.actions)) if (!notes.includes(text)) notes.push(text);
  if (p.rejected.length) {
    if (prefix) {
      // What and why only: a value from the page or an imported file never reaches the code, not
      // even a comment (Python reads `coding:` on line 1 or 2; `?>` ends PHP; `*/` a block).
      const header = p.rejected.map((r) => `${prefix} Corsight: skipped ${r.what === 'origin' ? 'an' : 'a'} ${r.what}: ${r.why} (the value is in the notes).`).join('\n');
      code = info.language === 'php' && code.startsWith('<?php\n') ? `<?php\n${header}\n${code.slice(6)}` : `${header}\n${code}`;
    }
    // Notes are shown as text, never as code.
    notes.push(...p.rejected.map((r) => `Skipped the ${r.what} ${commentValue(r.value)}: ${r.why}.`));
  }
  return { stack: info.id, language: info.language, filename: gen.filename, code: `${code}\n`, notes };
}
