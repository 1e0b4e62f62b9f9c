/**
 * Where the extension's script time goes, per function: a V8 CPU profile (CDP Profiler) of the
 * page target, which samples every world of the page (the MAIN-world hook and the ISOLATED-world
 * content script share the page's isolate). Self time is summed per function and per script
 * URL. Profiling slows scripts down: only the split is meant, never an A/B figure.
 */
import type { CDPSession } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId?: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  /** `function (script file:line)`. */
  where: string;
  url: string;
  ms: number;
}

export interface ProfileSummary {
  /** Self time per function of extension scripts, largest first. */
  functions: SelfTime[];
  /** Self time per extension script URL (path only). */
  scripts: Record<string, number>;
  /** Self time of V8's own buckets (garbage collector, program, idle) and of page scripts. */
  other: Record<string, number>;
  /** Self time of native callees by name (`send`, `postMessage`, …), wherever they were called from. */
  natives: Record<string, number>;
}

/**
 * A native the page called through an extension's wrapper: `native` is its name, `caller` the
 * wrapper's function name and `file` its script's path. Such time is the page's own call (the
 * page pays it without the extension too), counted under `other[PAGE_CALLS_THROUGH_WRAPPERS]`.
 */
export type ForwardedNative = (native: string, caller: string, file: string) => boolean;

/** The `other` bucket of natives a wrapper forwarded for the page (see ForwardedNative). */
export const PAGE_CALLS_THROUGH_WRAPPERS = "page's natives through a wrapper";

/** Runs `run` under the sampling profiler (`intervalUs` between samples). */
export async function profileScript(cdp: CDPSession, run: () => Promise<void>, intervalUs = 50, forwarded?: ForwardedNative): Promise<ProfileSummary> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
  let profile: Profile;
  try {
    await run();
  } finally {
    ({ profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile });
    await cdp.send('Profiler.disable');
  }
  return summarise(profile, forwarded);
}

export function summarise(profile: Profile, forwarded?: ForwardedNative): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; the sample's own time is the next delta, capped
  // at a few intervals: a gap in sampling (the sampler thread held up) is no function's time.
  const interval = median(deltas.slice(1));
  for (let i = 0; i < samples.length; i++) {
    const ms = Math.min(deltas[i + 1] ?? 0, 4 * interval) / 1000;
    selfMs.set(samples[i]!, (selfMs.get(samples[i]!) ?? 0) + ms);
  }
  // A native callee (postMessage, a constructor, an API binding: script id 0, no URL) has its
  // time counted to its nearest scripted caller. A page function without a URL (one evaluated
  // by the bench) is script of its own, not its caller's: the page's onmessage called through
  // the hook's wrapper is the page's time, not the hook's.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isNative = (n: ProfileNode) => !n.callFrame.url && (n.callFrame.scriptId === undefined || n.callFrame.scriptId === '0');
  const scripted = (id: number): ProfileNode => {
    const node = byId.get(id)!;
    if (!isNative(node)) return node;
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const p = byId.get(up)!;
      if (!isNative(p)) return p;
    }
    return node;
  };
  const functions = new Map<string, SelfTime>();
  const scripts: Record<string, number> = {};
  const other: Record<string, number> = {};
  const natives: Record<string, number> = {};
  const fileOf = (url: string) => (url.startsWith('chrome-extension://') ? new URL(url).pathname.slice(1) : url);
  for (const [id, ms] of selfMs) {
    const own = byId.get(id)!;
    const { callFrame } = scripted(id);
    const url = callFrame.url;
    // V8's own buckets ("(program)", "(garbage collector)", "(idle)") are no callee.
    if (isNative(own) && !own.callFrame.functionName.startsWith('(')) {
      const name = own.callFrame.functionName || '(anonymous)';
      natives[name] = (natives[name] ?? 0) + ms;
      // The page's own call (e.g. WebSocket send) that an extension's wrapper passed on: the page's time.
      if (url && forwarded?.(own.callFrame.functionName, callFrame.functionName, fileOf(url))) {
        other[PAGE_CALLS_THROUGH_WRAPPERS] = (other[PAGE_CALLS_THROUGH_WRAPPERS] ?? 0) + ms;
        continue;
      }
    }
    if (!url.startsWith('chrome-extension://')) {
      const key = url ? 'page scripts' : `(${callFrame.functionName.replace(/[()]/g, '') || 'anonymous'})`;
      other[key] = (other[key] ?? 0) + ms;
      continue;
    }
    const file = fileOf(url);
    scripts[file] = (scripts[file] ?? 0) + ms;
    const where = `${callFrame.functionName || '(anonymous)'} (${file}:${callFrame.lineNumber + 1})`;
    const entry = functions.get(where) ?? { where, url: file, ms: 0 };
    entry.ms += ms;
    functions.set(where, entry);
  }
  return { functions: [...functions.values()].sort((a, b) => b.ms - a.ms), scripts, other, natives };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
}

/** The mean of several profiles (per function, per script, per bucket). */
export function mergeProfiles(profiles: readonly ProfileSummary[]): ProfileSummary {
  const n = Math.max(1, profiles.length);
  const functions = new Map<string, SelfTime>();
  const scripts: Record<string, number> = {};
  const other: Record<string, number> = {};
  const natives: Record<string, number> = {};
  for (const p of profiles) {
    for (const f of p.functions) {
      const entry = functions.get(f.where) ?? { ...f, ms: 0 };
      entry.ms += f.ms / n;
      functions.set(f.where, entry);
    }
    for (const [k, v] of Object.entries(p.scripts)) scripts[k] = (scripts[k] ?? 0) + v / n;
    for (const [k, v] of Object.entries(p.other)) other[k] = (other[k] ?? 0) + v / n;
    for (const [k, v] of Object.entries(p.natives)) natives[k] = (natives[k] ?? 0) + v / n;
  }
  return { functions: [...functions.values()].sort((a, b) => b.ms - a.ms), scripts, other, natives };
}
