/**
 * The one UI module that talks to the background and the browser (style.md §10, §11): the real
 * `UiActions`. Everything here is a thin call; the pages' logic lives in their components, which
 * tests drive with an in-memory `UiActions`.
 */
import { browser } from '../../platform/browser';
import { sendToBackground } from '../../platform/messaging';
import type { UiToBackground } from '../../core/messages';
import type { ShiftActions, UiActions } from './actions';

function send<K extends keyof UiToBackground & string>(
  type: K,
  payload: UiToBackground[K]['payload'],
): Promise<UiToBackground[K]['response']> {
  return sendToBackground<UiToBackground, K>(type, payload);
}

/** How long a download's Blob URL stays valid: the browser has started the download by then. */
const REVOKE_AFTER_MS = 60_000;

/** The figures page (a page of the extension, built from src/ui/figures/index.html). */
const PRACTICE_PAGE = 'src/ui/practice/index.html';
const FIGURES_PAGE = 'src/ui/figures/index.html';

export function createBackgroundClient(): UiActions & ShiftActions {
  return {
    getSettings: () => send('getSettings', {}),
    saveTeamConfig: (input) => send('saveTeamConfig', { input }),
    saveAgentSettings: (settings) => send('saveAgentSettings', settings),
    previewRulePack: (text) => send('previewRulePack', { text }),
    importRulePack: (text, mode) => send('importRulePack', { text, mode }),
    exportRulePack: async () => (await send('exportRulePack', {})).text,
    siteTabs: (pattern) => send('siteTabs', { pattern }),
    reloadTabs: (tabIds) => send('reloadTabs', { tabIds }),
    uncoachedTabs: () => send('uncoachedTabs', {}),
    reloadUncoachedTab: async (tabId) => (await send('reloadUncoachedTab', { tabId })).reloaded,
    testSelectors: (tabId, selectors) => send('testSelectors', { tabId, selectors }),

    shiftView: () => send('shiftView', {}),
    figuresView: (range, chartDays) => send('figuresView', { range, chartDays }),
    cardNote: (callKey, note) => send('cardNote', { callKey, note }),
    cardCheck: (key, itemId, checked) => send('cardCheck', { key, itemId, checked }),
    takeMessage: (input, callKey) => send('takeMessage', callKey === undefined ? { input } : { input, callKey }),
    markMessageDelivered: (id) => send('markMessageDelivered', { id }),
    returnCallAction: (id, action) => send('returnCallAction', { id, action }),
    exportHistory: (format, range) => send('exportHistory', { format, range }),
    wipeHistory: () => send('wipeHistory', {}),
    coachRecords: () => send('coachRecords', {}),
    openFiguresPage: async () => void (await browser.tabs.create({ url: browser.runtime.getURL(FIGURES_PAGE) })),
    openPracticePage: async () => void (await browser.tabs.create({ url: browser.runtime.getURL(PRACTICE_PAGE) })),

    // No await before the request: Chrome shows the prompt only while the click's user
    // activation lasts. (The popup may close when the prompt opens: the background picks the
    // grant up from permissions.onAdded, not from this promise.)
    requestSiteAccess: (pattern) => browser.permissions.request({ origins: typeof pattern === 'string' ? [pattern] : [...pattern] }),
    hasSiteAccess: (pattern) => browser.permissions.contains({ origins: [pattern] }),
    openOptionsPage: () => browser.runtime.openOptionsPage(),

    saveFile(fileName, text, mimeType) {
      const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
    },

    onSettingsChanged(listener) {
      const onStorage = (_changes: unknown, area: string) => {
        if (area === 'local' || area === 'managed' || area === 'sync') listener();
      };
      const onPermissions = () => listener();
      browser.storage.onChanged.addListener(onStorage);
      browser.permissions.onAdded.addListener(onPermissions);
      browser.permissions.onRemoved.addListener(onPermissions);
      return () => {
        browser.storage.onChanged.removeListener(onStorage);
        browser.permissions.onAdded.removeListener(onPermissions);
        browser.permissions.onRemoved.removeListener(onPermissions);
      };
    },
  };
}
