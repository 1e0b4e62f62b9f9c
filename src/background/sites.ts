/**
 * Where the extension runs: the softphone sites of the configuration, and only those the
 * browser granted host access to. For them the page hook (MAIN world) and the content script
 * are registered with `scripting.registerContentScripts`; registered scripts start on a tab's
 * next load. Registrations are renewed on install, update and start (file names change
 * between builds) and whenever the sites or permissions change.
 */
import { browser } from '../platform/browser';
// File names of the two page scripts (crxjs builds each as one IIFE); not code the worker runs.
// eslint-disable-next-line no-restricted-imports
import pageHookFile from '../page/page-hook.ts?script&iife';
// eslint-disable-next-line no-restricted-imports
import contentScriptFile from '../content/content-script.ts?script&iife';
import type { SoftphoneSite } from '../core/coach/config';
import type { SiteStatus } from '../core/messages';

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

let syncing: Promise<void> = Promise.resolve();

/**
 * Make the registrations match the granted sites; serialised, so overlapping calls cannot race.
 * `keepRegistered`: the sites in force are not known (a refused configuration), so nothing
 * registered is removed.
 */
export function syncRegistrations(sites: readonly SoftphoneSite[], options: { keepRegistered?: boolean } = {}): Promise<void> {
  syncing = syncing.then(async () => {
    const patterns: string[] = [];
    for (const site of sites) if (!patterns.includes(site.pattern) && (await granted(site.pattern))) patterns.push(site.pattern);
    if (options.keepRegistered) for (const pattern of await registeredPatterns()) if (!patterns.includes(pattern)) patterns.push(pattern);
    const ours = (await browser.scripting.getRegisteredContentScripts()).filter((s) => s.id === PAGE_HOOK_ID || s.id === CONTENT_ID);
    if (ours.length) await browser.scripting.unregisterContentScripts({ ids: ours.map((s) => s.id) });
    if (patterns.length === 0) return;
    await browser.scripting.registerContentScripts([
      {
        id: PAGE_HOOK_ID,
        matches: patterns,
        js: [pageHookFile],
        world: 'MAIN',
        runAt: 'document_start',
        allFrames: true,
        persistAcrossSessions: true,
      },
      { id: CONTENT_ID, matches: patterns, js: [contentScriptFile], runAt: 'document_start', allFrames: true, persistAcrossSessions: true },
    ]);
  });
  syncing = syncing.catch((error: unknown) => console.error('[Second Ring] content scripts not registered:', error));
  return syncing;
}

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
