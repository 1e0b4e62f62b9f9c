/**
 * `storage.local` as the coaching UI uses it (where the agent put the overlay), without
 * webextension-polyfill: the UI is injected into the softphone page's renderer, where the
 * polyfill's code was compiled and kept in the page's heap for one `get` and one `set`. MV3's
 * `chrome.storage.local` returns promises, as Firefox's `browser.storage.local` does.
 */
export interface LocalStorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

const world = globalThis as {
  browser?: { runtime?: { id?: string }; storage?: { local?: LocalStorageArea } };
  chrome?: { storage?: { local?: LocalStorageArea } };
};

/** Firefox's promise-based area where there is one, else Chromium's; undefined outside an extension. */
export function localStorageArea(): LocalStorageArea | undefined {
  return world.browser?.runtime?.id !== undefined ? world.browser.storage?.local : world.chrome?.storage?.local;
}
