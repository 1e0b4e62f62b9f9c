/**
 * Background service worker. Every listener is registered synchronously at the top level (a
 * stopped MV3 worker is started by the event and must find its listener there); the work
 * behind them goes through the coach runner, which reloads its snapshot on first use.
 */
import { browser } from '../platform/browser';
import { handleMessages, extensionId } from '../platform/messaging';
import type { ContentToBackground } from '../core/messages';
import { createCoachRunner, WAKE_ALARM, type TabMessage } from './coach-runner';
import { CONFIG_KEY, forgetCachedConfig, loadConfig } from './config-store';
import { saveCallRecords } from './call-log';

const coach = createCoachRunner({
  now: () => Date.now(),
  loadConfig,
  session: {
    get: async (key) => (await browser.storage.session.get(key))[key],
    set: (key, value) => browser.storage.session.set({ [key]: value }),
  },
  sendToTab: (tabId, message: TabMessage) => browser.tabs.sendMessage(tabId, message),
  setAlarm: async (name, when) => {
    if (when === null) await browser.alarms.clear(name);
    else await browser.alarms.create(name, { when });
  },
  saveRecords: saveCallRecords,
  setTimer: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
});

interface ContentSender {
  tabId: number;
}

handleMessages<ContentToBackground, ContentSender>(
  {
    callEvent: ({ event }, { tabId }) => coach.input({ kind: 'call-event', tabId, event }, tabId),
    tick: () => coach.input({ kind: 'tick' }),
    nudgeResponse: ({ key, response, at }) => coach.input({ kind: 'nudge-response', key, response, at }),
    hello: async (_payload, { tabId }) => {
      const [state, config] = await Promise.all([coach.resync(tabId), loadConfig()]);
      return { ...state, language: config.language };
    },
  },
  // Only our own content scripts (and our own pages open in a tab) speak for a tab.
  (sender) => (sender.id === extensionId() && sender.tab?.id !== undefined ? { tabId: sender.tab.id } : undefined),
);

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) void coach.input({ kind: 'tick' });
});

browser.tabs.onRemoved.addListener((tabId) => void coach.input({ kind: 'tab-closed', tabId }));

browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && CONFIG_KEY in changes) forgetCachedConfig();
});

// Whatever woke us, pick up where the previous worker left off.
void coach.resume();
