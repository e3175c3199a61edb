/**
 * Where the browser's CPU goes during a measured load: a Chromium trace of the top-level tasks
 * (category `toplevel`) of every process, each task's thread time charged to what it handled. A
 * task that handled a Mojo message is charged to that message's interface
 * (`mojo extensions.mojom.…`), any other to the place that posted it (`posted from file:function`),
 * and counted: more tasks of a kind is more work caused, the same number each longer is not.
 * Keys start with the process's and the thread's names (`Browser/CrBrowserMain: …`): the browser's
 * UI thread is the one a page waits on, and Chromium names the extensions' process apart from the
 * pages' renderers. For the benchmarks that ask what a configuration's extra time is made of
 * (issue 20). Not a benchmark itself.
 */
import type { CDPSession } from 'playwright-core';

/** Per key (`process/thread: what`): the tasks' thread ms and how many tasks there were. */
export type TracedTasks = Map<string, { ms: number; n: number }>;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: {
    name?: string;
    src_file?: string;
    src_func?: string;
    chrome_mojo_event_info?: { mojo_interface_tag?: string; watcher_notify_interface_tag?: string };
  };
}

/** The outermost events of a thread's task: everything else runs inside one of them. */
const TASK_EVENTS = new Set(['ThreadControllerImpl::RunTask', 'ThreadPool_RunTask']);
const MOJO_EVENTS = new Set(['Receive mojo message', 'Receive mojo reply', 'SimpleWatcher::OnHandleReady']);

/** Starts tracing on the browser's CDP session; `stop()` ends it and charges every process's tasks. */
export async function startBrowserTrace(cdp: CDPSession): Promise<{ stop: () => Promise<TracedTasks> }> {
  const complete = new Promise<string>((resolve) => cdp.once('Tracing.tracingComplete', (e: { stream?: string }) => resolve(e.stream ?? '')));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel'] }, transferMode: 'ReturnAsStream' } as never);
  return {
    stop: async () => {
      await cdp.send('Tracing.end');
      const stream = await complete;
      if (!stream) throw new Error('the browser ended the trace without a stream to read it from');
      let text = '';
      for (;;) {
        const chunk = (await cdp.send('IO.read', { handle: stream, size: 1 << 20 } as never)) as { data: string; eof: boolean; base64Encoded?: boolean };
        text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
        if (chunk.eof) break;
      }
      await cdp.send('IO.close', { handle: stream } as never);
      return chargeTasks((JSON.parse(text) as { traceEvents: TraceEvent[] }).traceEvents);
    },
  };
}

/** Charges each top-level task of a named process (thread time, else wall time) to one key. */
export function chargeTasks(events: readonly TraceEvent[]): TracedTasks {
  // Names first (a trace may give them after the events they name).
  const processNames = new Map<number, string>();
  const threadNames = new Map<string, string>();
  for (const e of events) {
    if (e.ph !== 'M') continue;
    if (e.name === 'process_name' && e.args?.name) processNames.set(e.pid, e.args.name);
    else if (e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, (e.args?.name ?? '?').replace(/\d+$/, ''));
  }
  // Per thread, complete events in start order: a task's nested events follow it.
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || !processNames.has(e.pid)) continue;
    const key = `${e.pid}:${e.tid}`;
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    list.push(e);
  }
  const charged: TracedTasks = new Map();
  for (const [thread, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts);
    const threadName = `${processNames.get(list[0]!.pid)}/${threadNames.get(thread) ?? 'thread'}`;
    // A task run inside another (a nested run loop) is already in the outer one's time.
    let outerEnd = -Infinity;
    for (let i = 0; i < list.length; i++) {
      const task = list[i]!;
      if (!TASK_EVENTS.has(task.name) || task.ts < outerEnd) continue;
      const end = task.ts + (task.dur ?? 0);
      outerEnd = end;
      let what = `posted from ${(task.args?.src_file ?? '?').replace(/^.*\/(?=[^/]+\/[^/]+$)/, '')}:${task.args?.src_func ?? '?'}`;
      // The task handled a message when the message's event spans at least half of it (the
      // innermost such event names the interface); a short one inside, such as the reply to a
      // call the task made, does not make the task that message's.
      for (let j = i + 1; j < list.length && list[j]!.ts <= end; j++) {
        const nested = list[j]!;
        const info = nested.args?.chrome_mojo_event_info;
        const tag = MOJO_EVENTS.has(nested.name) ? (info?.mojo_interface_tag ?? info?.watcher_notify_interface_tag) : undefined;
        if (tag && 2 * (nested.dur ?? 0) >= (task.dur ?? 0)) what = `mojo ${tag}`;
      }
      const key = `${threadName}: ${what}`;
      const entry = charged.get(key) ?? { ms: 0, n: 0 };
      entry.ms += (task.tdur ?? task.dur ?? 0) / 1000;
      entry.n++;
      charged.set(key, entry);
    }
  }
  return charged;
}
