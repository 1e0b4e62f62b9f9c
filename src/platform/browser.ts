/**
 * The one module that imports the WebExtension API. Everything else goes through here, so a
 * later swap (native promise-based `chrome.*`, a Firefox quirk) is a one-file change, and unit
 * tests alias the polyfill to an in-memory fake browser.
 */
import browser from 'webextension-polyfill';

export { browser };
export type { Runtime, Tabs, Alarms, Storage } from 'webextension-polyfill';
