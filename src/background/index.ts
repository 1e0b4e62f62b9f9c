/**
 * Background service worker. Every listener is registered synchronously at the top level (a
 * stopped MV3 worker is started by the event and must find its listener there); the work
 * behind them goes through the coach runner and the settings, which reload what they need.
 */
import { browser } from '../platform/browser';
import { handleMessages, extensionId } from '../platform/messaging';
import type { ContentToBackground, UiToBackground } from '../core/messages';
import { createCoachRunner, WAKE_ALARM, type TabMessage } from './coach-runner';
import { AGENT_KEY, CONFIG_KEY, forgetSettings, loadConfig, loadSettings, onSettingsStale } from './settings';
import { saveCallRecords } from './call-log';
import { siteFor, syncRegistrations } from './sites';
import { uiHandlers } from './ui-handlers';

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
  url: string | undefined;
}

const ownOrigin = () => browser.runtime.getURL('');

handleMessages<ContentToBackground, ContentSender>(
  {
    callEvent: ({ event }, { tabId }) => coach.input({ kind: 'call-event', tabId, event }, tabId),
    tick: () => coach.input({ kind: 'tick' }),
    nudgeResponse: ({ key, response, at }) => coach.input({ kind: 'nudge-response', key, response, at }),
    hello: async (_payload, { tabId, url }) => {
      const [state, settings] = await Promise.all([coach.resync(tabId), loadSettings()]);
      return { ...state, language: settings.effective.language, site: siteFor(settings.effective.sites, url) };
    },
  },
  // A tab speaks for itself only through our own scripts in it (or our own page open in it).
  (sender) =>
    sender.id === extensionId() && sender.tab?.id !== undefined ? { tabId: sender.tab.id, url: sender.url } : undefined,
);

// Privileged commands (configuration, permissions, tabs) only from our own extension pages.
handleMessages<UiToBackground, true>(uiHandlers, (sender) =>
  sender.id === extensionId() && sender.url?.startsWith(ownOrigin()) ? true : undefined,
);

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) void coach.input({ kind: 'tick' });
});

browser.tabs.onRemoved.addListener((tabId) => void coach.input({ kind: 'tab-closed', tabId }));

/**
 * A change of configuration, policy or the agent's settings applies at once: the coach's next
 * step uses it (a tick now re-plans running calls), registrations follow the sites, and open
 * softphone tabs get their new language and site settings without a reload.
 */
async function applySettings(): Promise<void> {
  const settings = await loadSettings();
  await syncRegistrations(settings.effective.sites);
  await releaseUnusedHosts(settings.effective.sites.map((s) => s.pattern));
  await coach.input({ kind: 'tick' });
  const patterns = settings.effective.sites.map((s) => s.pattern);
  if (patterns.length === 0) return;
  const tabs = await browser.tabs.query({ url: patterns }).catch(() => []);
  await Promise.all(
    tabs.map((tab) =>
      tab.id === undefined
        ? undefined
        : browser.tabs
            .sendMessage(tab.id, {
              type: 'settings',
              payload: { language: settings.effective.language, site: siteFor(settings.effective.sites, tab.url) },
            })
            .catch(() => undefined),
    ),
  );
}

/** Least privilege: host access granted for a site that is no longer listed is given back. */
async function releaseUnusedHosts(patterns: string[]): Promise<void> {
  const { origins = [] } = await browser.permissions.getAll();
  const unused = origins.filter((origin) => !patterns.includes(origin));
  // One at a time: hosts the manifest requires (the test build's) cannot be removed, and one
  // refusal must not keep the others.
  await Promise.all(unused.map((origin) => browser.permissions.remove({ origins: [origin] }).catch(() => undefined)));
}

browser.storage.onChanged.addListener((changes, area) => {
  const relevant = area === 'managed' || (area === 'local' && (CONFIG_KEY in changes || AGENT_KEY in changes));
  if (!relevant) return;
  forgetSettings();
  void applySettings();
});

onSettingsStale(() => void applySettings());
browser.permissions.onAdded.addListener(() => void applySettings());
browser.permissions.onRemoved.addListener(() => void applySettings());
// File names change between builds: renew the registrations on every install, update and start.
browser.runtime.onInstalled.addListener(() => void applySettings());
browser.runtime.onStartup.addListener(() => void applySettings());

// Whatever woke us, pick up where the previous worker left off.
void coach.resume();
