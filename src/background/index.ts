/**
 * Background service worker. Every listener is registered synchronously at the top level (a
 * stopped MV3 worker is started by the event and must find its listener there); the work
 * behind them goes through the coach runner and the settings, which reload what they need.
 */
import { browser } from '../platform/browser';
import { handleMessages, extensionId } from '../platform/messaging';
import type { ContentToBackground, UiToBackground } from '../core/messages';
import type { SoftphoneSite } from '../core/coach/config';
import type { Nudge } from '../core/coach';
import { createCoachRunner, WAKE_ALARM, type TabMessage } from './coach-runner';
import { AGENT_KEY, CONFIG_KEY, forgetSettings, loadConfig, loadSettings, onSettingsStale } from './settings';
import { siteFor, syncRegistrations } from './sites';
import { createUiHandlers } from './ui-handlers';
import { createHistoryStore } from './history';
import { createHistoryService, REMINDER_ALARM, RETENTION_ALARM } from './history-service';
import { createShiftWiring } from './shift';

/** The shift page, where a reminder's notification leads. */
const FIGURES_PAGE = 'src/ui/figures/index.html';

/** The tabs of the configured softphone sites (where the coaching runs). */
async function softphoneTabs(): Promise<number[]> {
  const patterns = (await loadSettings()).effective.sites.map((s) => s.pattern);
  if (patterns.length === 0) return [];
  const tabs = await browser.tabs.query({ url: patterns }).catch(() => []);
  return tabs.flatMap((t) => (t.id === undefined ? [] : [t.id]));
}

/**
 * Reminders reach an agent who is not on the softphone page at all: a desktop notification
 * (the "notifications" permission) when no softphone tab showed the reminder where it is seen.
 */
async function notify(nudge: Nudge): Promise<void> {
  await browser.notifications.create(nudge.key, {
    type: 'basic',
    iconUrl: browser.runtime.getURL('assets/icons/icon-128.png'),
    title: browser.i18n.getMessage('extName') || 'Second Ring',
    message: nudge.text,
    priority: nudge.severity === 'urgent' ? 2 : 0,
  });
}

const shift = createShiftWiring({
  coach: () => coach,
  history: () => history,
  loadConfig,
  sendToContent: (tabId, message) => browser.tabs.sendMessage(tabId, message),
  softphoneTabs,
  notify,
  now: () => Date.now(),
});

const history = createHistoryService({
  store: createHistoryStore(),
  now: () => Date.now(),
  loadConfig,
  local: {
    get: async (key) => (await browser.storage.local.get(key))[key],
    remove: (key) => browser.storage.local.remove(key),
  },
  session: {
    get: async (key) => (await browser.storage.session.get(key))[key],
    set: (key, value) => browser.storage.session.set({ [key]: value }),
  },
  alarms: {
    get: async (name) => (await browser.alarms.get(name)) ?? undefined,
    create: async (name, info) => void (await browser.alarms.create(name, info)),
    clear: async (name) => void (await browser.alarms.clear(name)),
  },
  remind: (nudge) => shift.remind(nudge),
  newId: () => crypto.randomUUID(),
});

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
  saveRecords: (records) => shift.recordsChanged(records),
  setTimer: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
});

interface ContentSender {
  tabId: number;
  /** 0 for the top frame; softphones may live in an iframe (all_frames). */
  frameId: number;
  url: string | undefined;
}

const ownOrigin = () => browser.runtime.getURL('');

handleMessages<ContentToBackground, ContentSender>(
  {
    callEvent: ({ event, eventKey }, { tabId, frameId }) => coach.input({ kind: 'call-event', tabId, event }, tabId, frameId, eventKey),
    tick: () => coach.input({ kind: 'tick' }),
    nudgeResponse: ({ key, response, at }) => coach.input({ kind: 'nudge-response', key, response, at }),
    hello: async (_payload, { tabId, frameId, url }) => {
      const [{ records, ...state }, settings] = await Promise.all([coach.resync(tabId, frameId), loadSettings()]);
      const cards = await Promise.all(records.map((r) => shift.cardFor(r)));
      return { ...state, cards, language: settings.effective.language, site: siteFor(settings.effective.sites, url) };
    },
    // A tab notes only on its own calls (a call key is `${tabId}:${callId}`).
    agentNote: ({ callKey, note, at }, { tabId }) => shift.note(callKey, note, at, tabId),
    takeMessage: ({ input, callKey }, { tabId }) => shift.takeMessage(input, callKey, tabId),
    markMessageDelivered: ({ id }) => shift.markDelivered(id),
  },
  // A tab speaks for itself only through our own scripts in it (or our own page open in it).
  (sender) =>
    sender.id === extensionId() && sender.tab?.id !== undefined ? { tabId: sender.tab.id, frameId: sender.frameId ?? 0, url: sender.url } : undefined,
);

// Privileged commands (configuration, permissions, tabs) only from our own extension pages.
handleMessages<UiToBackground, true>(createUiHandlers({ coach, history, shift, now: () => Date.now() }), (sender) =>
  sender.id === extensionId() && sender.url?.startsWith(ownOrigin()) ? true : undefined,
);

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) void coach.input({ kind: 'tick' });
  else if (alarm.name === REMINDER_ALARM) void history.runReminders();
  else if (alarm.name === RETENTION_ALARM) void history.enforceRetention();
});

browser.notifications.onClicked.addListener((id) => {
  void browser.notifications.clear(id);
  void browser.tabs.create({ url: browser.runtime.getURL(FIGURES_PAGE) });
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
  await coach.input({ kind: 'tick' });
  const patterns = settings.effective.sites.map((s) => s.pattern);
  const siteTabs = patterns.length ? await browser.tabs.query({ url: patterns }).catch(() => []) : [];
  const { language, sites } = settings.effective;
  const send = (tabId: number, site?: SoftphoneSite | null) =>
    browser.tabs.sendMessage(tabId, { type: 'settings', payload: { language, ...(site !== undefined ? { site } : {}) } }).catch(() => undefined);
  const reached = new Set(siteTabs.flatMap((tab) => (tab.id === undefined ? [] : [tab.id])));
  // Tabs that talk to the coach without being a listed site (our own practice page) too.
  const others = (await coach.tabs()).filter((tabId) => !reached.has(tabId));
  await Promise.all([
    ...siteTabs.map((tab) => (tab.id === undefined ? undefined : send(tab.id, siteFor(sites, tab.url)))),
    ...others.map((tabId) => send(tabId)),
  ]);
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
// Retention once per browser start and install, and daily for a browser that stays open.
browser.runtime.onInstalled.addListener(() => void history.enforceRetention());
browser.runtime.onStartup.addListener(() => void history.enforceRetention());

// Whatever woke us, pick up where the previous worker left off.
void coach.resume();
// The history: the old list once, the daily retention, and the reminders re-armed from what is
// stored (alarms do not survive every browser restart; the entries do).
void history
  .importLegacy()
  .then(() => history.ensureRetentionAlarm())
  .then(() => history.runReminders())
  .catch((error: unknown) => console.error('[Second Ring] history start-up:', error));
