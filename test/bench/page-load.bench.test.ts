/**
 * Page load A/B (quality-bar.md "Page load"): the SIP lab's JsSIP softphone page, whose UA
 * opens its "sip" WebSocket during load (to this bench's server, which accepts and stays
 * silent: registered or not makes no difference to the hook), loaded N times in Chromium with
 * the extension and N times without, alternating. Per load: CDP Performance.getMetrics
 * ScriptDuration and TaskDuration (cumulative for the page since navigation, read once the
 * renderer is idle), Navigation Timing loadEventStart and domContentLoadedEventStart, and
 * long tasks ≥ 50 ms from a PerformanceObserver registered before any page script.
 */
import { describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import { abOrder, getMetrics, hookInstalled, sleep, waitIdle, type Arm, type ArmName } from './lib/arms';
import { usePhonePageArms } from './lib/phone-page-arms';
import { figure, scaled, writePart, type Figure } from './lib/results';
import { bootstrapMedianDiff, median, round, summary } from './lib/stats';
import { traceScriptTime, type ScriptTimeBySource } from './lib/trace';
import { mergeProfiles, profileScript, type ProfileSummary } from './lib/cpu-profile';

// 30 per arm: with 15 the CI of a 5 ms difference spanned about 6 ms (1.2–7.6 ms), too wide to tell 3 ms from 5.
const LOADS = scaled(30);
const WARMUP = 1;
const TRACED = 3;

interface LoadSample {
  arm: ArmName;
  round: number;
  warmup: boolean;
  scriptMs: number;
  taskMs: number;
  loadEventStart: number;
  domContentLoaded: number;
  longTasks: { start: number; duration: number }[];
  heapUsed: number;
  hook: boolean;
}

const phones = usePhonePageArms();
const phoneUrl = () => phones.phoneUrl();

async function loadOnce(arm: Arm, round: number, warmup: boolean): Promise<LoadSample> {
  const page: Page = await arm.context.newPage();
  try {
    const cdp = await arm.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
      w.__longTasks = [];
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      } catch {
        // No longtask support: reported as none.
      }
    });
    await page.goto(phoneUrl(), { waitUntil: 'load' });
    await page.waitForFunction(
      () => document.body.dataset.ready === 'true' && window.phone.eventLog.some((e) => e.name === 'transport-connected'),
      undefined,
      { timeout: 15_000, polling: 50 },
    );
    // Let whatever runs after load (the content script's hello, idle callbacks) finish.
    await sleep(200);
    await waitIdle(cdp, { intervalMs: 100, epsMs: 0.5, maxMs: 3_000 });
    const m = await getMetrics(cdp);
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const w = window as unknown as { __longTasks?: { start: number; duration: number }[] };
      return { load: n?.loadEventStart ?? Number.NaN, dcl: n?.domContentLoadedEventStart ?? Number.NaN, longTasks: w.__longTasks ?? [] };
    });
    return {
      arm: arm.name,
      round,
      warmup,
      scriptMs: (m.ScriptDuration ?? Number.NaN) * 1000,
      taskMs: (m.TaskDuration ?? Number.NaN) * 1000,
      loadEventStart: nav.load,
      domContentLoaded: nav.dcl,
      longTasks: nav.longTasks,
      heapUsed: m.JSHeapUsedSize ?? Number.NaN,
      hook: await hookInstalled(page),
    };
  } finally {
    await page.close();
  }
}

describe('page load A/B', () => {
  it(`loads the JsSIP softphone ${LOADS}× with and ${LOADS}× without the extension, alternating`, async () => {
    const started = Date.now();
    const samples: LoadSample[] = [];
    for (let r = 0; r < WARMUP + LOADS; r++) {
      for (const name of abOrder(r)) samples.push(await loadOnce(phones.arms[name], r, r < WARMUP));
    }
    const measured = (arm: ArmName) => samples.filter((s) => s.arm === arm && !s.warmup);
    const pick = (arm: ArmName, f: (s: LoadSample) => number) => measured(arm).map(f);
    const delta = (f: (s: LoadSample) => number) => median(pick('with', f)) - median(pick('without', f));
    const ci = (f: (s: LoadSample) => number) => bootstrapMedianDiff(pick('with', f), pick('without', f)).map((x) => round(x, 2)) as [number, number];

    const hookWrong = samples.filter((s) => s.hook !== (s.arm === 'with')).length;
    const longCount = (arm: ArmName) => pick(arm, (s) => s.longTasks.length);
    const loadsWithLong = (arm: ArmName) => measured(arm).filter((s) => s.longTasks.length > 0).length;
    const cold = (arm: ArmName) => samples.find((s) => s.arm === arm && s.warmup);
    const coldWith = cold('with');
    const coldWithout = cold('without');

    // Where the extension's script time goes: traced loads (slower, so not in the A/B).
    const traced: ScriptTimeBySource[] = [];
    for (let t = 0; t < TRACED; t++) {
      const page = await phones.arms.with.context.newPage();
      try {
        const cdp = await phones.arms.with.context.newCDPSession(page);
        traced.push(
          await traceScriptTime(cdp, async () => {
            await page.goto(phoneUrl(), { waitUntil: 'load' });
            await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 15_000, polling: 50 });
            await sleep(300);
          }),
        );
      } finally {
        await page.close();
      }
    }

    // And per function: the sampling profiler over a few more loads (also slowed, also not in the A/B).
    const profiled: ProfileSummary[] = [];
    for (let t = 0; t < TRACED; t++) {
      const page = await phones.arms.with.context.newPage();
      try {
        const cdp = await phones.arms.with.context.newCDPSession(page);
        profiled.push(
          await profileScript(cdp, async () => {
            await page.goto(phoneUrl(), { waitUntil: 'load' });
            await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 15_000, polling: 50 });
            await sleep(300);
          }),
        );
      } finally {
        await page.close();
      }
    }
    const profile = mergeProfiles(profiled);

    const script = (s: LoadSample) => s.scriptMs;
    const task = (s: LoadSample) => s.taskMs;
    const load = (s: LoadSample) => s.loadEventStart;
    const dcl = (s: LoadSample) => s.domContentLoaded;
    const figures: Figure[] = [
      figure({
        id: 'load.scriptAdded',
        label: 'Page load: added script time (ΔScriptDuration, median with − without)',
        value: round(delta(script), 2),
        unit: 'ms',
        limit: 3,
        ci: ci(script),
        note: `95% CI ${ci(script).join('…')} ms; medians ${round(median(pick('with', script)), 1)} vs ${round(median(pick('without', script)), 1)} ms`,
      }),
      figure({
        id: 'load.taskAdded',
        label: 'Page load: added main-thread task time (ΔTaskDuration)',
        value: round(delta(task), 2),
        unit: 'ms',
        note: `95% CI ${ci(task).join('…')} ms; medians ${round(median(pick('with', task)), 1)} vs ${round(median(pick('without', task)), 1)} ms`,
      }),
      figure({
        id: 'load.loadDelay',
        label: 'Page load: load event delay (Δ median loadEventStart)',
        value: round(delta(load), 2),
        unit: 'ms',
        limit: 0,
        ci: ci(load),
        withinNoise: true,
        budget: '0 (within noise: CI includes 0)',
        note: `95% CI ${ci(load).join('…')} ms; medians ${round(median(pick('with', load)), 1)} vs ${round(median(pick('without', load)), 1)} ms. A document_start script holds the parser for its own run time, so ≤ the script budget; more would mean load is held like by a document_idle script`,
      }),
      figure({
        id: 'load.dclDelay',
        label: 'Page load: DOMContentLoaded delay (Δ median)',
        value: round(delta(dcl), 2),
        unit: 'ms',
        limit: 0,
        ci: ci(dcl),
        withinNoise: true,
        budget: '0 (within noise: CI includes 0)',
        note: `95% CI ${ci(dcl).join('…')} ms; medians ${round(median(pick('with', dcl)), 1)} vs ${round(median(pick('without', dcl)), 1)} ms`,
      }),
      figure({
        id: 'load.longTasksAdded',
        label: 'Page load: added long tasks ≥ 50 ms (median count per load, with − without)',
        value: median(longCount('with')) - median(longCount('without')),
        unit: 'tasks',
        limit: 0,
        budget: 'no new (0)',
        note: `loads with a long task: ${loadsWithLong('with')}/${LOADS} with, ${loadsWithLong('without')}/${LOADS} without; longest ${round(Math.max(0, ...measured('with').flatMap((s) => s.longTasks.map((t) => t.duration))), 0)} vs ${round(Math.max(0, ...measured('without').flatMap((s) => s.longTasks.map((t) => t.duration))), 0)} ms`,
      }),
      figure({
        id: 'load.tracedHook',
        label: 'Page load: the page hook’s own script time (trace, median of 3 traced loads)',
        value: round(median(traced.map((t) => t.hook)), 2),
        unit: 'ms',
        note: `content script ${round(median(traced.map((t) => t.content)), 2)} ms (EvaluateScript + callbacks by script URL; tracing slows scripts, so only the split is meant)`,
      }),
    ];
    if (hookWrong > 0) {
      figures.push(figure({ id: 'load.armCheck', label: 'Page load: loads where the hook was (not) installed as expected', value: hookWrong, unit: 'loads', limit: 0 }));
    }
    writePart({
      bench: 'page-load',
      title: `Page load A/B — JsSIP softphone page, ${LOADS} loads per arm (+${WARMUP} warm-up), alternating ABBA`,
      startedAt: new Date(started).toISOString(),
      wallMs: Date.now() - started,
      figures,
      notes: [
        `First load in each fresh browser (warm-up, not in the medians): script ${round(coldWith?.scriptMs ?? Number.NaN, 1)} ms with, ${round(coldWithout?.scriptMs ?? Number.NaN, 1)} ms without; long tasks ${coldWith?.longTasks.length ?? '?'} with, ${coldWithout?.longTasks.length ?? '?'} without.`,
        'ScriptDuration/TaskDuration: CDP Performance.getMetrics of the page target, cumulative from navigation until the renderer is idle after load; they cover scripts of every world in the page (the MAIN-world hook and the ISOLATED-world content script included).',
        'loadEventStart/domContentLoadedEventStart: Navigation Timing, ms from navigation start. Long tasks: PerformanceObserver("longtask") from an init script.',
        `Extension functions by self time (CPU profile of ${TRACED} loads, mean per load; native calls count to their caller): ${profile.functions
          .slice(0, 6)
          .map((f) => `${f.where} ${round(f.ms, 2)} ms`)
          .join('; ')}.`,
      ],
      details: {
        summaries: Object.fromEntries(
          (['with', 'without'] as const).map((a) => [
            a,
            { scriptMs: summary(pick(a, script)), taskMs: summary(pick(a, task)), loadEventStart: summary(pick(a, load)), domContentLoaded: summary(pick(a, dcl)), heapUsed: summary(pick(a, (s) => s.heapUsed)) },
          ]),
        ),
        traced,
        profile: { ...profile, functions: profile.functions.slice(0, 40) },
        samples,
      },
    });
  });
});
