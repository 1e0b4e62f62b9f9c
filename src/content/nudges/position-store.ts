/**
 * Where the agent put the overlay, per site (origin), in the extension's own storage: never in
 * the page's storage, which the page could read and which would change what the page sees.
 */
import { localStorageArea, type LocalStorageArea } from '../../platform/content-runtime';
import { readAnchor, type Anchor } from './placement';

const KEY = 'overlayPositions';

export interface PositionStore {
  load(): Promise<Anchor | undefined>;
  /** undefined: back to the automatic place. */
  save(anchor: Anchor | undefined): void;
}

/** `area`: the extension's storage.local (tests pass their own). */
export function positionStore(site: string, area: LocalStorageArea | undefined = localStorageArea()): PositionStore {
  const storage = (): LocalStorageArea => {
    if (!area) throw new Error('no extension storage here');
    return area;
  };
  const all = async (): Promise<Record<string, unknown>> => {
    const stored = (await storage().get(KEY))[KEY];
    return typeof stored === 'object' && stored !== null ? { ...(stored as Record<string, unknown>) } : {};
  };
  return {
    load: async () => readAnchor((await all())[site]),
    save(anchor) {
      void all()
        .then((positions) => {
          if (anchor) positions[site] = anchor;
          else delete positions[site];
          return storage().set({ [KEY]: positions });
        })
        // Not saved (storage full, extension reloaded): the overlay stays where it is for now.
        .catch(() => undefined);
    },
  };
}
