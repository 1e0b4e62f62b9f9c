/**
 * Where the extension runs: the softphone sites of the configuration, and only those the
 * browser granted host access to. For them the page hook (MAIN world) and the content script
 * are registered with `scripting.registerContentScripts`; registered scripts start on a tab's
 * next load, so a site that becomes active is also injected into the tabs already open on it
 * (`injectOpenTabs`). Registrations are renewed by difference on install, update and start
 * (file names change between builds) and whenever the sites or permissions change.
 */
import { browser } from '../platform/browser';
// File names of the two page scripts (crxjs builds each as one IIFE); not code the worker runs.
// eslint-disable-next-line no-restricted-imports
import pageHookFile from '../page/page-hook.ts?script&iife';
// eslint-disable-next-line no-restricted-imports
import contentScriptFile from '../content/content-script.ts?script&iife';
// The content script's coaching part, injected on the first evidence of a call (content/content-script.ts),
// and the coaching UI, injected when a call first needs it (content/ui-loader.ts): never at page start.
// eslint-disable-next-line no-restricted-imports
import contentCoachingFile from '../content/content-coaching.ts?script&iife';
// eslint-disable-next-line no-restricted-imports
import contentUiFile from '../content/content-ui.ts?script&iife';
import type { SoftphoneSite } from '../core/coach/config';
import type { SiteStatus } from '../core/messages';
import { CONTENT_RUNNING_KEY } from '../core/page-signal';

const PAGE_HOOK_ID = 'second-ring-page-hook';
const CONTENT_ID = 'second-ring-content';

async function granted(pattern: string): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: [pattern] });
  } catch {
    return false; // not a pattern the browser accepts
  }
}

/** Sites with their permission state; `policyPatterns` marks those that come from policy. */
export async function siteStatuses(sites: readonly SoftphoneSite[], policyPatterns: ReadonlySet<string>): Promise<SiteStatus[]> {
  const registered = await registeredPatterns();
  return Promise.all(
    sites.map(async (site) => ({
      site,
      granted: await granted(site.pattern),
      registered: registered.has(site.pattern),
      fromPolicy: policyPatterns.has(site.pattern),
    })),
  );
}

async function registeredPatterns(): Promise<Set<string>> {
  const scripts = await browser.scripting.getRegisteredContentScripts({ ids: [CONTENT_ID] }).catch(() => []);
  return new Set(scripts.flatMap((s) => s.matches ?? []));
}

let syncing: Promise<unknown> = Promise.resolve();

export interface SyncOptions {
  /**
   * Policy has not answered yet (browser start): sites registered now stay registered, since
   * the policy that named them may still come. Once it was read or clearly failed, false.
   */
  policyPending?: boolean;
  /**
   * The sites in force are not known (the stored configuration was refused and no valid one is
   * known): nothing registered is removed.
   */
  keepRegistered?: boolean;
  /** Called with the patterns that became active (registered now, not before). */
  activated?: (patterns: string[]) => void;
}

const registration = (id: string, patterns: string[]) =>
  id === PAGE_HOOK_ID
    ? { id, matches: patterns, js: [pageHookFile], world: 'MAIN' as const, runAt: 'document_start' as const, allFrames: true, persistAcrossSessions: true }
    : { id, matches: patterns, js: [contentScriptFile], runAt: 'document_start' as const, allFrames: true, persistAcrossSessions: true };

/**
 * Make the registrations match the granted sites, by difference: a site that stays never loses
 * its scripts, not even for a moment (pages loading in that moment would go uncoached). Runs
 * serialised, so overlapping calls cannot race. Resolves with the patterns that became active:
 * newly added sites, or all of them when the registrations were gone (install, update: the
 * browser wipes dynamic registrations then, `persistAcrossSessions` or not).
 */
export function syncRegistrations(sites: readonly SoftphoneSite[], options: SyncOptions = {}): Promise<string[]> {
  const run = syncing.then(async () => {
    const patterns: string[] = [];
    for (const site of sites) if (!patterns.includes(site.pattern) && (await granted(site.pattern))) patterns.push(site.pattern);
    const ours = (await browser.scripting.getRegisteredContentScripts()).filter((s) => s.id === PAGE_HOOK_ID || s.id === CONTENT_ID);
    // Both scripts, of this build: anything else is renewed whole.
    const current =
      ours.length === 2 && ours.every((s) => (s.js ?? []).includes(s.id === PAGE_HOOK_ID ? pageHookFile : contentScriptFile));
    const before = current ? (ours.find((s) => s.id === CONTENT_ID)?.matches ?? []) : [];
    // Sites registered now stay while the sites in force are not known yet (policy pending) or
    // not known at all (a refused configuration), whichever build registered them.
    if (options.policyPending || options.keepRegistered)
      for (const kept of ours.flatMap((s) => s.matches ?? [])) if (!patterns.includes(kept)) patterns.push(kept);
    const same = current && before.length === patterns.length && patterns.every((p) => before.includes(p));
    if (!same) {
      if (patterns.length === 0) {
        await browser.scripting.unregisterContentScripts({ ids: ours.map((s) => s.id) });
      } else if (current) {
        await browser.scripting.updateContentScripts([PAGE_HOOK_ID, CONTENT_ID].map((id) => ({ id, matches: patterns })));
      } else {
        if (ours.length) await browser.scripting.unregisterContentScripts({ ids: ours.map((s) => s.id) });
        await browser.scripting.registerContentScripts([registration(PAGE_HOOK_ID, patterns), registration(CONTENT_ID, patterns)]);
      }
    }
    const activated = patterns.filter((p) => !before.includes(p));
    if (activated.length) options.activated?.(activated);
    return activated;
  });
  syncing = run.catch((error: unknown) => console.error('[Second Ring] content scripts not registered:', error));
  return run.catch(() => []);
}

/** What a frame answers when asked whether our content script already runs in it. */
interface FrameProbe {
  url: string;
  running: string | null;
}

/**
 * Runs in the content script's isolated world of each frame (the page never sees it): the
 * frame's address and the version of the content script running there, if any.
 */
function probeFrame(key: string): FrameProbe {
  const running = (globalThis as unknown as Record<string, unknown>)[key];
  return { url: location.href, running: typeof running === 'string' ? running : null };
}

export interface InjectedFrame {
  tabId: number;
  frameId: number;
  url: string;
  /** When the injection of both scripts was asked for and when it was done (epoch ms). */
  startedAt: number;
  doneAt: number;
}

/**
 * Inject the page hook (MAIN world) and then the content script into every open frame of
 * `patterns`' sites that does not already run this version's content script: tabs opened
 * before the extension was installed, updated or given the site do not reload on their own.
 * The hook goes first so the content script's handshake finds it; each refuses a second copy.
 */
export async function injectOpenTabs(patterns: readonly string[], sites: readonly string[] = patterns): Promise<InjectedFrame[]> {
  if (patterns.length === 0) return [];
  const version = browser.runtime.getManifest().version;
  const tabs = await browser.tabs.query({ url: [...patterns] }).catch(() => []);
  const injected = await Promise.all(
    tabs.map(async (tab): Promise<InjectedFrame[]> => {
      if (tab.id === undefined) return [];
      const tabId = tab.id;
      const startedAt = Date.now();
      try {
        const probes = await browser.scripting.executeScript({
          target: { tabId, allFrames: true },
          func: probeFrame,
          args: [CONTENT_RUNNING_KEY],
          injectImmediately: true,
        });
        const frames = probes.filter((p) => {
          const probe = p.result as FrameProbe | undefined;
          return probe !== undefined && probe.running !== version && sites.some((pattern) => patternMatches(pattern, probe.url));
        });
        if (frames.length === 0) return [];
        const target = { tabId, frameIds: frames.map((f) => f.frameId) };
        await browser.scripting.executeScript({ target, files: [pageHookFile], world: 'MAIN', injectImmediately: true });
        await browser.scripting.executeScript({ target, files: [contentScriptFile], injectImmediately: true });
        const doneAt = Date.now();
        return frames.map((f) => ({ tabId, frameId: f.frameId, url: (f.result as FrameProbe).url, startedAt, doneAt }));
      } catch (error) {
        // A tab that closed or navigated meanwhile, or a page we may not script (an error page).
        console.warn(`[Second Ring] could not reach open tab ${tabId}:`, error);
        return [];
      }
    }),
  );
  return injected.flat();
}

/**
 * Load one of the content script's on-demand parts into one frame of a tab, in its isolated world
 * beside the content script that asked (executeScript needs no web-accessible file). False when
 * the frame is gone.
 */
async function injectIntoFrame(tabId: number, frameId: number, files: string[], what: string): Promise<boolean> {
  try {
    await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files, injectImmediately: true });
    return true;
  } catch (error) {
    console.warn(`[Second Ring] ${what} not loaded into tab ${tabId}:`, error);
    return false;
  }
}

/** The coaching UI (nudges, card, Preact), when a call first needs it. */
export const injectContentUi = (tabId: number, frameId: number): Promise<boolean> => injectIntoFrame(tabId, frameId, [contentUiFile], 'coaching UI');

/**
 * The coaching part (parser, tracker, adapters), on the first evidence of a call in that frame;
 * `withUi`: a call is starting, and the UI comes in the same injection (run in order, one round trip).
 */
export const injectContentCoaching = (tabId: number, frameId: number, withUi = false): Promise<boolean> =>
  injectIntoFrame(tabId, frameId, withUi ? [contentCoachingFile, contentUiFile] : [contentCoachingFile], 'coaching part');

/** Chrome's own matcher is not exposed; this one covers the patterns SITE_PATTERN accepts. */
export function patternMatches(pattern: string, url: string): boolean {
  const m = /^(https?):\/\/(\*\.)?([^/:]+)(:\d+)?(\/.*)$/i.exec(pattern);
  if (!m) return false;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  const [, scheme, wildcard, host, port, path] = m;
  if (`${scheme}:`.toLowerCase() !== target.protocol) return false;
  const hostOk = wildcard ? target.hostname === host || target.hostname.endsWith(`.${host}`) : target.hostname === host;
  if (!hostOk) return false;
  if (port && `:${target.port}` !== port) return false;
  const pathRegex = new RegExp(`^${(path ?? '/*').split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return pathRegex.test(target.pathname + target.search);
}

/** The configured site a page belongs to (the first that matches), if any. */
export function siteFor(sites: readonly SoftphoneSite[], url: string | undefined): SoftphoneSite | null {
  if (!url) return null;
  return sites.find((s) => patternMatches(s.pattern, url)) ?? null;
}
