import { describe, expect, it } from 'vitest';
import { chargeTasks } from '../../../scripts/bench/browser-trace.ts';

const BROWSER = 10;
const RENDERER = 20;
const UI = 1;
const IO = 2;

/** The trace's process and thread names, as Chromium writes them. */
const metadata = [
  { name: 'process_name', ph: 'M', pid: BROWSER, tid: 0, ts: 0, args: { name: 'Browser' } },
  { name: 'process_name', ph: 'M', pid: RENDERER, tid: 0, ts: 0, args: { name: 'Renderer' } },
  { name: 'thread_name', ph: 'M', pid: BROWSER, tid: UI, ts: 0, args: { name: 'CrBrowserMain' } },
  { name: 'thread_name', ph: 'M', pid: BROWSER, tid: IO, ts: 0, args: { name: 'Chrome_IOThread' } },
];

const task = (tid: number, ts: number, dur: number, tdur: number | undefined, src = 'content/browser/a/b/c.cc', func = 'Post') => ({
  name: 'ThreadControllerImpl::RunTask',
  ph: 'X',
  pid: BROWSER,
  tid,
  ts,
  dur,
  tdur,
  args: { src_file: src, src_func: func },
});
const mojo = (tid: number, ts: number, dur: number, tag: string, name = 'Receive mojo message') => ({
  name,
  ph: 'X',
  pid: BROWSER,
  tid,
  ts,
  dur,
  args: { chrome_mojo_event_info: { mojo_interface_tag: tag } },
});

describe('trace attribution', () => {
  it('charges a task that handled a Mojo message to its interface, others to where they were posted, and counts them', () => {
    const charged = chargeTasks([
      ...metadata,
      task(UI, 100, 50, 40),
      mojo(UI, 101, 48, 'extensions.mojom.EventRouter'),
      task(UI, 200, 30, 20),
      mojo(UI, 201, 28, 'extensions.mojom.EventRouter'),
      task(UI, 300, 10, 8, 'base/x/y/timer.cc', 'Start'),
      task(IO, 100, 10, undefined, 'ipc/ipc_mojo_bootstrap.cc', 'SendMessage'),
    ]);
    expect(charged.get('Browser/CrBrowserMain: mojo extensions.mojom.EventRouter')).toEqual({ ms: 0.06, n: 2 });
    // The path keeps the file's own folder; the function is the one that posted the task.
    expect(charged.get('Browser/CrBrowserMain: posted from y/timer.cc:Start')).toEqual({ ms: 0.008, n: 1 });
    // No thread time recorded: the wall time stands in.
    expect(charged.get('Browser/Chrome_IOThread: posted from ipc/ipc_mojo_bootstrap.cc:SendMessage')).toEqual({ ms: 0.01, n: 1 });
    expect(charged.size).toBe(3);
  });

  it('a short message inside a task (the reply to a call it made) does not make the task that message\'s', () => {
    const charged = chargeTasks([
      ...metadata,
      task(UI, 100, 100, 90, 'parser/html_document_parser.cc', 'SchedulePumpTokenizer'),
      mojo(UI, 150, 3, 'content_settings.mojom.ContentSettingsManager', 'Receive mojo reply'),
    ]);
    expect([...charged.keys()]).toEqual(['Browser/CrBrowserMain: posted from parser/html_document_parser.cc:SchedulePumpTokenizer']);
  });

  it('counts a task nested in another once, and a message after a task ends is not that task’s', () => {
    const charged = chargeTasks([
      ...metadata,
      task(UI, 100, 100, 90),
      // A nested run loop's task, inside the outer one's time.
      task(UI, 120, 20, 15),
      mojo(UI, 250, 40, 'blink.mojom.LocalFrame'),
      task(UI, 300, 10, 10),
    ]);
    expect([...charged.values()].reduce((sum, { ms }) => sum + ms, 0)).toBeCloseTo(0.1);
    expect([...charged.values()].reduce((sum, { n }) => sum + n, 0)).toBe(2);
    expect(charged.has('Browser/CrBrowserMain: mojo blink.mojom.LocalFrame')).toBe(false);
  });

  it('names each process apart, and leaves out one the trace does not name', () => {
    const renderer = { ...task(UI, 100, 10, 10), pid: RENDERER };
    const unnamed = { ...task(UI, 100, 10, 10), pid: 30 };
    expect([...chargeTasks([...metadata, renderer, unnamed]).keys()]).toEqual(['Renderer/thread: posted from b/c.cc:Post']);
  });
});
