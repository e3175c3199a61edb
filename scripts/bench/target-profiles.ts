/**
 * CPU profiles of several of a browser's targets at once (the inspected page, the DevTools
 * front-end, an extension's DevTools page, its service worker), for the benchmarks that ask where
 * a page load's extra time goes. Each target gets V8's sampling profiler through the browser's
 * CDP session (Target.attachToTarget, not flattened); busy time is the sampled time that was not
 * idle. Not a benchmark itself.
 */
import type { CDPSession } from 'playwright-core';
import type { LaunchedBrowser } from '../../test/harness/browser.ts';
import { attachToTarget, type TargetCommand } from '../../test/harness/cdp-target.ts';

export interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

/** A V8 CPU profile, as Profiler.stop returns it. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface TargetProfile {
  label: string;
  profile: CpuProfile;
  /** Sampled time spent outside "(idle)", in ms. */
  busyMs: number;
}

const SAMPLING_INTERVAL_US = 200;

/** Busy milliseconds of a profile: every sample's time delta, except those that landed in (idle). */
export function busyMs(profile: CpuProfile): number {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let us = 0;
  for (let i = 0; i < profile.samples.length; i++) if (!idle.has(profile.samples[i]!)) us += profile.timeDeltas[i] ?? 0;
  return us / 1000;
}

/**
 * Self time (ms) per function whose script URL starts with `urlPrefix`, largest first: where an
 * extension's own code spends a profile's time.
 */
export function selfTimeByFunction(profile: CpuProfile, urlPrefix: string, top = 12): Array<{ name: string; ms: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    if (!node || !node.callFrame.url.startsWith(urlPrefix)) continue;
    const file = node.callFrame.url.slice(node.callFrame.url.lastIndexOf('/') + 1);
    const name = `${node.callFrame.functionName || '(anonymous)'} (${file}:${node.callFrame.lineNumber + 1})`;
    ms.set(name, (ms.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...ms].map(([name, t]) => ({ name, ms: t })).sort((a, b) => b.ms - a.ms).slice(0, top);
}

/** Sampled milliseconds in scripts whose URL starts with `urlPrefix` (an extension's own code). */
export function msInScripts(profile: CpuProfile, urlPrefix: string): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let us = 0;
  for (let i = 0; i < profile.samples.length; i++) if (byId.get(profile.samples[i]!)?.callFrame.url.startsWith(urlPrefix)) us += profile.timeDeltas[i] ?? 0;
  return us / 1000;
}

/**
 * Starts the profiler in every current target `labelOf` names; `stop()` returns their profiles.
 * Targets that close before `stop()` are left out.
 */
export async function profileTargets(browser: LaunchedBrowser, labelOf: (target: TargetInfo) => string | undefined): Promise<{ stop(): Promise<TargetProfile[]> }> {
  const browserContext = browser.context.browser();
  if (!browserContext) throw new Error('profileTargets needs a browser with a CDP connection');
  const cdp: CDPSession = await browserContext.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
  const sessions: Array<{ label: string; send: TargetCommand }> = [];
  for (const target of targetInfos) {
    const label = labelOf(target);
    if (label === undefined) continue;
    let send: TargetCommand;
    try {
      send = await attachToTarget(cdp, target.targetId);
    } catch {
      // Closed since it was listed (the page that set the run up, its DevTools window).
      continue;
    }
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await send('Profiler.start');
    sessions.push({ label, send });
  }
  return {
    async stop() {
      const out: TargetProfile[] = [];
      for (const { label, send } of sessions) {
        try {
          const { profile } = (await send('Profiler.stop')) as { profile: CpuProfile };
          out.push({ label, profile, busyMs: busyMs(profile) });
        } catch {
          // The target went away (a worker stopped, a frame navigated): nothing to report for it.
        }
      }
      await cdp.detach().catch(() => undefined);
      return out;
    },
  };
}
