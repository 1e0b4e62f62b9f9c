/**
 * The adapter registry: every softphone adapter, in order of preference, and the only way
 * adapters start. The options page's adapter choices and vendor site presets come from here
 * (./site-options.ts).
 * See README, "Adding a softphone".
 */
import type { AdapterContext, SoftphoneAdapter } from './adapter';
import type { CallEvent } from '../../core/call-event';
import type { SoftphoneSite } from '../../core/coach/config';
import { amazonConnectAdapter } from './amazon-connect';
import { aircallAdapter } from './aircall';
import { sipWebSocketAdapter } from './sip-websocket';
import { selectorsAdapter } from './selectors';
import { practiceAdapter } from './practice';
import { createCallMerger } from './merge';

export const ADAPTERS: readonly SoftphoneAdapter[] = [
  amazonConnectAdapter,
  aircallAdapter,
  sipWebSocketAdapter,
  selectorsAdapter,
  practiceAdapter,
];

export interface StartedAdapters {
  /** The page's site settings arrived or changed: restart the adapters that follow them. */
  applySite(site: SoftphoneSite | null): void;
}

/**
 * Start every adapter that matches this page and frame. Those that need the site's settings
 * (re)start on `applySite`. All their events go through one per-call merger.
 */
export function startAdapters(
  context: Omit<AdapterContext, 'site' | 'emit'> & { emit(event: CallEvent): void; location: Location; isTop: boolean },
  adapters: readonly SoftphoneAdapter[] = ADAPTERS,
): StartedAdapters {
  const { signal, page, windowMessages, location, isTop } = context;
  const emit = createCallMerger(adapters, context.emit);
  const here = adapters.filter((a) => (a.frames === 'all' || isTop) && a.matches(location));
  for (const adapter of here) if (!adapter.needsSite) adapter.start({ signal, page, windowMessages, emit, site: null });
  const withSite = here.filter((a) => a.needsSite);
  let run: AbortController | undefined;
  return {
    applySite(site) {
      run?.abort();
      run = undefined;
      const wanted = withSite.filter((a) => site?.adapter === a.siteChoice);
      if (wanted.length === 0 || signal.aborted) return;
      const current = new AbortController();
      run = current;
      signal.addEventListener('abort', () => current.abort(), { once: true });
      for (const adapter of wanted) adapter.start({ signal: current.signal, page, windowMessages, emit, site });
    },
  };
}
