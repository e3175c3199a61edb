/**
 * Plans proven in the browser: for every case the engine reports blocked, the lab server's answers
 * are rewritten from the engine's own fix plan exactly as a server following it would answer
 * (every Access-Control-* header replaced by the plan's headers for that kind of response, the
 * preflight made 2xx where the plan says so: test/harness/plan-headers.ts), the same request is replayed in Chromium, and Chromium must let it through.
 * The same is done with the plans of all failing cases merged per origin (what a user pasting the
 * panel's combined plan gets). Plans whose fix is not a header (stop redirecting, change the
 * page's request) are counted apart, with the reason.
 */
import { mergeFixPlans } from '../../src/engine/index.ts';
import type { Diagnosis, Exchange, FixActionId, FixPlan, ResponseKind } from '../../src/engine/types.ts';
import type { LabOrigins, RedirectHop, Reply, Scenario, Target } from '../lab/scenarios.ts';
import { NOT_BY_HEADERS, PREFLIGHT_STATUS_ACTIONS } from '../../src/trial/rules.ts';
import { answersPreflightItself, isAccessControlHeader, responseKindOf } from '../harness/plan-headers.ts';
import { applyPlaceholders, TARGETS } from '../lab/scenarios.ts';
import { expectedById } from './expectations.ts';
import type { CaseResult, Verdict } from './harness.ts';

/**
 * Actions no rewritten answer performs: the page's request or the redirect itself must change.
 * The trial's list (src/trial/rules.ts) less the preflight status: the lab server answers OPTIONS
 * with 204 itself where the plan says so, which a trial's header edits cannot.
 */
const STRUCTURAL_ACTIONS: ReadonlySet<FixActionId> = new Set([...NOT_BY_HEADERS].filter((id) => !PREFLIGHT_STATUS_ACTIONS.has(id)));

export type PlanOutcome =
  /** `rounds` > 1: passed once the hops the first run never reached were planned too. */
  | { kind: 'pass'; rounds: number }
  | { kind: 'fail'; chromium: Verdict }
  | { kind: 'structural'; reason: string }
  /** The engine's verdict was not Chromium's (conformance reports it): its plan is not judged. */
  | { kind: 'misdiagnosed'; passed: boolean };

/** Every plan of a diagnosis: the failing stage's origin first, then the other origins of a redirect chain. */
export function plansOf(d: Diagnosis): FixPlan[] {
  return d.fixPlan ? [d.fixPlan, ...(d.chainPlans ?? [])] : [];
}

/** Why a blocked diagnosis's plans cannot be proven by rewriting headers; null when they can. */
export function structuralReason(d: Diagnosis): string | null {
  const plans = plansOf(d);
  if (plans.length === 0) return 'no fix plan';
  if (plans.every((p) => !p.serverFixable)) return `not server-fixable: ${plans.flatMap((p) => p.actions.map((a) => a.id)).join(', ') || 'no action'}`;
  const structural = plans.flatMap((p) => p.actions.map((a) => a.id)).filter((id) => STRUCTURAL_ACTIONS.has(id));
  if (structural.length > 0) return [...new Set(structural)].join(', ');
  return null;
}

/** One reply as a server following `plan` writes it for this kind of response: its own Access-Control-* lines go. */
export function replyUnderPlan<R extends Reply | RedirectHop>(reply: R, plan: FixPlan, kind: ResponseKind): R {
  return { ...reply, headers: (reply.headers ?? []).filter(([n]) => !isAccessControlHeader(n)), plan: { plan, kind } };
}

/** The lab server answering hop `k` of a scenario (0: the URL the page requested), or undefined when it is not a lab server. */
function hopTarget(s: Scenario, k: number, origins: LabOrigins): Target | undefined {
  if (k === 0) return s.request.url ? undefined : s.request.target;
  const hop = s.redirects?.[k - 1];
  if (!hop) return undefined;
  if (hop.location === undefined) return hop.to.target;
  try {
    const origin = new URL(applyPlaceholders(hop.location, origins, { id: s.id })).origin;
    return TARGETS.find((t) => origins[t] === origin);
  } catch {
    return undefined;
  }
}

/**
 * The scenario as it runs once every lab server named by a plan follows it (new id: `<id>--<tag>`).
 * Hops answered by a server no plan names keep their answers.
 */
export function scenarioUnderPlans(s: Scenario, plans: readonly FixPlan[], origins: LabOrigins, tag: string): Scenario {
  const byOrigin = new Map(mergeFixPlans(plans).map((p) => [p.targetOrigin, p]));
  const planAt = (k: number): FixPlan | undefined => {
    const t = hopTarget(s, k, origins);
    return t ? byOrigin.get(origins[t]) : undefined;
  };
  const preflightUnder = (reply: Reply | undefined, plan: FixPlan): Reply => {
    const base = replyUnderPlan(reply ?? { status: 204 }, plan, 'preflight');
    return answersPreflightItself(plan) ? { ...base, status: 204 } : base;
  };
  const redirects = s.redirects ?? [];
  const out: Scenario = { ...s, id: `${s.id}--${tag}`, title: `${s.title} (${tag})`, expect: { ok: true } };
  delete out.preflightLater;
  // Every hop gets its preflight answer explicitly: a hop without one answered with the
  // scenario's, which is rewritten below for the last hop's server only.
  const newRedirects: RedirectHop[] = redirects.map((hop, k) => {
    const preflight = hop.preflight ?? s.preflight ?? { status: 204 };
    const plan = planAt(k);
    if (!plan) return { ...hop, preflight };
    return { ...replyUnderPlan(hop, plan, 'actual'), preflight: preflightUnder(preflight, plan) };
  });
  if (newRedirects.length) out.redirects = newRedirects;
  const lastPlan = planAt(redirects.length);
  if (lastPlan) {
    out.preflight = preflightUnder(s.preflight, lastPlan);
    out.response = replyUnderPlan(s.response, lastPlan, responseKindOf(s.response.status));
    if (s.conditional) out.conditional = replyUnderPlan(s.conditional, lastPlan, responseKindOf(s.conditional.status));
  }
  return out;
}

/** What proving needs of a running lab: its origins, serving more scenarios, running them. */
export interface PlanRunner {
  lab: { origins: LabOrigins; add(scenarios: readonly Scenario[]): void };
  run(scenarios: readonly Scenario[]): Promise<CaseResult[]>;
}

/** Stages of an exchange that got an answer: `pf:<hop>` (a preflight), `r:<hop>` (a response). */
function answeredStages(ex: Exchange | undefined): Set<string> {
  const out = new Set<string>();
  if (!ex) return out;
  if (ex.preflight.kind === 'sent' && ex.preflight.response) out.add('pf:0');
  ex.hops.forEach((hop, i) => {
    if (hop.response) out.add(`r:${i}`);
    if (hop.preflight?.kind === 'sent' && hop.preflight.response) out.add(`pf:${i}`);
  });
  return out;
}

/** The stage a blocked replay failed at, in answeredStages' terms. */
function failedStage(r: CaseResult): string | undefined {
  const stage = r.diagnosis?.stage;
  if (!stage || !r.exchange) return undefined;
  if (stage.kind === 'preflight') return `pf:${stage.hop ?? 0}`;
  if (stage.kind === 'redirect') return `r:${stage.hop}`;
  if (stage.kind === 'actual') return `r:${r.exchange.hops.findLastIndex((h) => h.response !== undefined)}`;
  return undefined;
}

/** At most this many rounds of "apply, replay, plan the hop reached now" per case. */
const MAX_ROUNDS = 4;

/**
 * Proves the plans of every case the engine reports blocked (sets `planOwn`), and, with
 * `combined`, the plans of all those cases merged per origin on each of them (`planCombined`).
 *
 * A request the browser stopped early never reached the later servers of its redirect chain (a
 * failed preflight hides that the response redirects), so no plan can name them. When the replay
 * fails at a stage no earlier run of the case got an answer from, the plan of that replay is added
 * and the case replayed again, as a user retrying after the fix would; a replay failing at a stage
 * already seen is a failed plan.
 */
export async function provePlans(runner: PlanRunner, results: readonly CaseResult[], combined: boolean): Promise<void> {
  interface Pending { r: CaseResult; plans: FixPlan[]; seen: Set<string>; round: number }
  let pending: Pending[] = [];
  const finalPlans = new Map<CaseResult, FixPlan[]>();
  for (const r of results) {
    if (r.diagnosis?.status !== 'blocked') continue;
    const reason = structuralReason(r.diagnosis);
    if (reason) {
      r.planOwn = { kind: 'structural', reason };
      if (combined) r.planCombined = r.planOwn;
    } else {
      pending.push({ r, plans: plansOf(r.diagnosis), seen: answeredStages(r.exchange), round: 1 });
    }
  }
  // Chromium's verdict is the engine's, or only the credentials mode the wire does not show
  // differs; a known disagreement (expectations.ts) is an accuracy matter, reported there.
  const judged = (r: CaseResult) => r.agree || (r.credentialsAmbiguous === true && !expectedById.has(r.scenario.id));
  while (pending.length > 0) {
    const batch = pending.map((x) => ({ x, scenario: scenarioUnderPlans(x.r.scenario, x.plans, runner.lab.origins, `plan${x.round}`) }));
    runner.lab.add(batch.map((b) => b.scenario));
    const replayed = await runner.run(batch.map((b) => b.scenario));
    pending = [];
    batch.forEach(({ x }, i) => {
      const replay = replayed[i];
      const chromium = replay?.chromium ?? { kind: 'net', error: 'not run' };
      finalPlans.set(x.r, x.plans);
      if (chromium.kind === 'ok') {
        x.r.planOwn = judged(x.r) ? { kind: 'pass', rounds: x.round } : { kind: 'misdiagnosed', passed: true };
        return;
      }
      const stage = replay ? failedStage(replay) : undefined;
      const reached = replay?.diagnosis?.status === 'blocked' && stage !== undefined && !x.seen.has(stage);
      if (reached && replay?.diagnosis && x.round < MAX_ROUNDS) {
        const reason = structuralReason(replay.diagnosis);
        if (reason) {
          x.r.planOwn = judged(x.r) ? { kind: 'structural', reason: `${reason} (at a stage reached once the plan was applied)` } : { kind: 'misdiagnosed', passed: false };
          return;
        }
        for (const st of answeredStages(replay.exchange)) x.seen.add(st);
        pending.push({ r: x.r, plans: [...x.plans, ...plansOf(replay.diagnosis)], seen: x.seen, round: x.round + 1 });
        return;
      }
      x.r.planOwn = judged(x.r) ? { kind: 'fail', chromium } : { kind: 'misdiagnosed', passed: false };
    });
  }
  if (!combined || finalPlans.size === 0) return;
  // Every case's plans (with the hops reached in later rounds) merged per origin, on every case.
  const merged = mergeFixPlans([...finalPlans.values()].flat());
  const cases = [...finalPlans.keys()];
  const scenarios = cases.map((r) => scenarioUnderPlans(r.scenario, merged, runner.lab.origins, 'combined-plan'));
  runner.lab.add(scenarios);
  const replayed = await runner.run(scenarios);
  cases.forEach((r, i) => {
    const chromium = replayed[i]?.chromium ?? { kind: 'net', error: 'not run' };
    if (!judged(r)) r.planCombined = { kind: 'misdiagnosed', passed: chromium.kind === 'ok' };
    else r.planCombined = chromium.kind === 'ok' ? { kind: 'pass', rounds: 1 } : { kind: 'fail', chromium };
  });
}

export interface PlanCounts {
  pass: number;
  /** Of `pass`: passed only once a hop the first run never reached was planned too. */
  laterHops: number;
  fail: number;
  structural: number;
  misdiagnosed: number;
}

export function countPlans(results: readonly CaseResult[], which: 'planOwn' | 'planCombined'): PlanCounts {
  const out: PlanCounts = { pass: 0, laterHops: 0, fail: 0, structural: 0, misdiagnosed: 0 };
  for (const r of results) {
    const o = r[which];
    if (o) out[o.kind]++;
    if (o?.kind === 'pass' && o.rounds > 1) out.laterHops++;
  }
  return out;
}

export function plansLine(label: string, c: PlanCounts): string {
  const wrong = c.misdiagnosed ? ` (${c.misdiagnosed} more on a verdict Chromium contradicts, not judged)` : '';
  const later = c.laterHops ? ` (${c.laterHops} once a hop the first run never reached was planned too)` : '';
  return `${label}: ${c.pass} pass${later}, ${c.fail} fail, ${c.structural} structural${wrong}`;
}
