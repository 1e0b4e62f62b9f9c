/**
 * Where the extension's script time goes: a Chromium trace (CDP Tracing, devtools.timeline)
 * of one page load, with the top-level script events (EvaluateScript = compile + run of a
 * script, FunctionCall = a callback: event listener, timer, message handler) summed by the
 * script's URL. Tracing slows the page down, so these loads are never part of the A/B figures.
 */
import type { CDPSession } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  args?: { data?: { url?: string } };
}

export interface ScriptTimeBySource {
  /** The MAIN-world page hook (src/page). */
  hook: number;
  /** The ISOLATED-world content script and any other extension script. */
  content: number;
  /** Everything else (the page's own scripts, Playwright's init script). */
  page: number;
}

export async function traceScriptTime(cdp: CDPSession, run: () => Promise<void>): Promise<ScriptTimeBySource> {
  const events: TraceEvent[] = [];
  const onData = (d: { value: unknown[] }) => void events.push(...(d.value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', onData);
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline', transferMode: 'ReportEvents' });
  try {
    await run();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', onData);
  }
  const out: ScriptTimeBySource = { hook: 0, content: 0, page: 0 };
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined || (e.name !== 'EvaluateScript' && e.name !== 'FunctionCall')) continue;
    const url = e.args?.data?.url ?? '';
    const ms = e.dur / 1000;
    if (url.startsWith('chrome-extension://')) {
      if (url.includes('/src/page/')) out.hook += ms;
      else out.content += ms;
    } else {
      out.page += ms;
    }
  }
  return out;
}
