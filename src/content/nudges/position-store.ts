/**
 * Where the agent put the overlay, per site (origin), in the extension's own storage: never in
 * the page's storage, which the page could read and which would change what the page sees.
 */
import { browser } from '../../platform/browser';
import { readAnchor, type Anchor } from './placement';

const KEY = 'overlayPositions';

export interface PositionStore {
  load(): Promise<Anchor | undefined>;
  /** undefined: back to the automatic place. */
  save(anchor: Anchor | undefined): void;
}

async function all(): Promise<Record<string, unknown>> {
  const stored = (await browser.storage.local.get(KEY))[KEY];
  return typeof stored === 'object' && stored !== null ? { ...(stored as Record<string, unknown>) } : {};
}

export function positionStore(site: string): PositionStore {
  return {
    load: async () => readAnchor((await all())[site]),
    save(anchor) {
      void all()
        .then((positions) => {
          if (anchor) positions[site] = anchor;
          else delete positions[site];
          return browser.storage.local.set({ [KEY]: positions });
        })
        // Not saved (storage full, extension reloaded): the overlay stays where it is for now.
        .catch(() => undefined);
    },
  };
}
