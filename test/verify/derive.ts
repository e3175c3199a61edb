/**
 * The fix plan of a classic failure, as Corsight derives it: Chromium sends the scenario's request
 * from each page origin to the bare backend, the engine diagnoses what was on the wire, and its
 * plan is applied by a server that follows it to the letter (startPlanServer); while the page
 * still cannot get what it needs (a later failure, or a response header it cannot read), the
 * engine's plan for that run is added, as a user retrying after each fix would. Nothing here
 * knows what the right headers are.
 */
import { diagnose, mergeFixPlans, plannedHeaders } from '../../src/engine/index.ts';
import type { Exchange, FixPlan } from '../../src/engine/types.ts';
import { startPlanServer, type Running } from './backend.ts';
import type { Scenario } from './scenarios.ts';

export interface ObservedAttempt {
  ok: boolean;
  status?: number;
  header?: string | null;
  corsError?: string;
  errorText?: string;
  /** What the extension would have seen of the request. */
  exchange?: Exchange;
}

export type Attempt = (pageOrigin: string, target: string) => Promise<ObservedAttempt>;

export interface DerivedPlan {
  plan: FixPlan;
  /** One line per round: what Chromium said from each page, and whether a plan was added. */
  rounds: string[];
}

const MAX_ROUNDS = 3;

/** The page got what the scenario needs: its status and, where asked, the header readable. */
export function pageIsServed(s: Pick<Scenario, 'expectStatus' | 'readHeader'>, a: ObservedAttempt): boolean {
  return a.ok && a.status === s.expectStatus && (!s.readHeader || a.header === 'abc123');
}

function describe(s: Pick<Scenario, 'readHeader'>, a: ObservedAttempt): string {
  if (!a.ok) return a.corsError ?? a.errorText ?? 'failed';
  return `${a.status}${s.readHeader && a.header !== 'abc123' ? ` (${s.readHeader} unreadable)` : ''}`;
}

export async function derivePlan(s: Scenario, pageOrigins: readonly string[], backend: Running, attempt: Attempt): Promise<DerivedPlan> {
  const plans: FixPlan[] = [];
  const rounds: string[] = [];
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const current = plans.length > 0 ? mergeFixPlans(plans)[0] : undefined;
    const server = current ? await startPlanServer(backend, current) : undefined;
    const seen: string[] = [];
    let added = 0;
    try {
      for (const pageOrigin of pageOrigins) {
        const a = await attempt(pageOrigin, server?.origin ?? backend.origin);
        seen.push(describe(s, a));
        if (pageIsServed(s, a) || !a.exchange) continue;
        const plan = diagnose(a.exchange).fixPlan;
        if (!plan) continue;
        // The plan is for the backend, whichever server stood in front of it this round.
        plans.push({ ...plan, targetOrigin: backend.origin });
        added++;
      }
    } finally {
      await server?.stop();
    }
    rounds.push(`round ${round}: ${seen.join(' / ')}${added ? `, ${added} plan(s) added` : ''}`);
    if (added === 0) break;
  }
  const plan = mergeFixPlans(plans)[0];
  if (!plan) throw new Error(`${s.id}: Chromium let the request to the bare backend through, so there is no failure to plan for (${rounds.join('; ')})`);
  return { plan, rounds };
}

/** The same plan for a page served from another origin (a dev-server proxy serves the page itself). */
export function forPageOrigin(plan: FixPlan, from: string, to: string): FixPlan {
  if (from === to) return plan;
  const policy = { ...plan.policy, allowOrigins: plan.policy.allowOrigins.map((o) => (o === from ? to : o)) };
  return { ...plan, policy, headers: plannedHeaders(policy, plan.headers.some((h) => h.on.includes('preflight'))) };
}
