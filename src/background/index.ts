/**
 * Background service worker. Every listener is registered synchronously at the top level (a
 * stopped MV3 worker is started by the event and must find its listener there); the work
 * behind them goes through the coach runner and the settings, which reload what they need.
 */
import { browser } from '../platform/browser';
import { handleMessages, extensionId } from '../platform/messaging';
import type { ContentToBackground, UiToBackground, UncoachedTab } from '../core/messages';
import type { SoftphoneSite } from '../core/coach/config';
import type { Nudge } from '../core/coach';
import { createTabMail } from './tab-mail';
import { createCoachRunner, SESSION_KEY, WAKE_ALARM, type TabMessage } from './coach-runner';
import { META_KEY } from '../core/coach/snapshot';
import { AGENT_KEY, CONFIG_KEY, forgetSettings, loadConfig, loadSettings, onSettingsStale, policyPending } from './settings';
import { injectContentCoaching, injectContentUi, injectOpenTabs, siteFor, syncRegistrations } from './sites';
import { ATTACH_GRACE_MS, createCoverage } from './coverage';
import { createUiHandlers } from './ui-handlers';
import { createHistoryStore } from './history';
import { createHistoryService, REMINDER_ALARM, RETENTION_ALARM } from './history-service';
import { createShiftWiring } from './shift';
import { readAgentNote, readCallEvents, readHookAttached, readMessageId, readNudgeResponse, readRequestId, tabMayAnswer } from '../core/content-input';

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

/** The coach's and the shift's messages to a tab: those of one turn go as one (tab-mail.ts). */
const tabMail = createTabMail(
  (tabId, message) => browser.tabs.sendMessage(tabId, message),
  (run) => void setTimeout(run, 0),
);

const shift = createShiftWiring({
  coach: () => coach,
  history: () => history,
  loadConfig,
  sendToContent: (tabId, message) => tabMail.send(tabId, message),
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
  forgetCalls: async () => {
    const tabs = await coach.reset();
    const screens = new Set([...tabs, ...(await softphoneTabs())]);
    await Promise.all([...screens].map((tabId) => browser.tabs.sendMessage(tabId, { type: 'wiped', payload: {} }).catch(() => undefined)));
    // Reminders shown as desktop notifications name callers too.
    const shown = await browser.notifications.getAll().catch(() => ({}));
    await Promise.all(Object.keys(shown).map((id) => browser.notifications.clear(id).catch(() => undefined)));
  },
  newId: () => crypto.randomUUID(),
});

/**
 * The coach's keys are also kept in `storage.local` (under COACH_CARRY_PREFIX): the browser
 * empties `storage.session` when it updates (or reloads) the extension, and the call in progress
 * must carry on in the new version. The copy is taken only when a tab it speaks of is still open
 * (an update, not a browser restart, where the tabs are gone). Versions before 3 kept it whole
 * under `coach/carry-over`: read as the old single key, and removed once carried on.
 */
const COACH_CARRY_PREFIX = 'coach/carry/';
const LEGACY_CARRY_KEY = 'coach/carry-over';
const carryKey = (key: string) => (key === SESSION_KEY ? LEGACY_CARRY_KEY : COACH_CARRY_PREFIX + key);
const isCarryKey = (key: string) => key === LEGACY_CARRY_KEY || key.startsWith(COACH_CARRY_PREFIX);
async function carriedOverCoach(): Promise<Record<string, unknown> | undefined> {
  const local = await browser.storage.local.get(null);
  const items: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(local)) {
    if (key === LEGACY_CARRY_KEY) items[SESSION_KEY] = value;
    else if (key.startsWith(COACH_CARRY_PREFIX)) items[key.slice(COACH_CARRY_PREFIX.length)] = value;
  }
  const tabs = (items[META_KEY] ?? items[SESSION_KEY]) as { tabs?: unknown } | undefined;
  if (!tabs || !Array.isArray(tabs.tabs)) return undefined;
  const open = await Promise.all(
    tabs.tabs.map((tabId) => (typeof tabId === 'number' ? browser.tabs.get(tabId).then(() => true, () => false) : false)),
  );
  return open.includes(true) ? items : undefined;
}

/** The test build keeps where the coach's time goes, for the bench (`globalThis.__coachTrace`). */
const coachTrace: Record<string, number[]> | undefined = __TEST_BUILD__ ? {} : undefined;
if (coachTrace) (globalThis as { __coachTrace?: Record<string, number[]> }).__coachTrace = coachTrace;

const coach = createCoachRunner({
  now: () => Date.now(),
  loadConfig,
  session: {
    get: (keys) => browser.storage.session.get(keys),
    set: (items) => browser.storage.session.set(items),
    remove: (keys) => browser.storage.session.remove(keys),
  },
  carryOver: {
    get: carriedOverCoach,
    async write(items, remove, full) {
      const gone = remove.map(carryKey);
      if (full) {
        const kept = new Set(Object.keys(items).map(carryKey));
        const local = await browser.storage.local.get(null);
        for (const key of Object.keys(local)) if (isCarryKey(key) && !kept.has(key)) gone.push(key);
      }
      // Asked for in this order, so the copy never lists a call it does not hold.
      const writes = [browser.storage.local.set(Object.fromEntries(Object.entries(items).map(([key, value]) => [carryKey(key), value])))];
      if (gone.length > 0) writes.push(browser.storage.local.remove(gone));
      await Promise.all(writes);
    },
  },
  sendToTab: (tabId, message: TabMessage) => tabMail.send(tabId, message),
  setAlarm: async (name, when) => {
    if (when === null) await browser.alarms.clear(name);
    else await browser.alarms.create(name, { when });
  },
  showCards: (records) => shift.showCards(records),
  saveRecords: (records) => shift.saveRecords(records),
  setTimer: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
  ...(coachTrace
    ? {
        clock: () => performance.now(),
        trace: (phase: string, ms: number) => {
          const list = (coachTrace[phase] ??= []);
          // The last 20,000 of each phase: a bench shift of 1,000 calls, bounded for a long test run.
          if (list.length >= 20_000) list.shift();
          list.push(ms);
        },
      }
    : {}),
});

const coverage = createCoverage({
  session: {
    get: async (key) => (await browser.storage.session.get(key))[key],
    set: (key, value) => browser.storage.session.set({ [key]: value }),
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
    // Every field is checked for shape and length first (core/content-input.ts); names cleaned.
    // An event the coach already recorded (a content script that took over a page replays the
    // hook's history) is skipped by the coach itself, as is a retried event key.
    callEvents: async (payload, { tabId, frameId }) => {
      const events = readCallEvents(payload);
      if (!events || events.length === 0) return;
      await coach.callEvents(events.map((e) => ({ tabId, frameId, ...e })));
    },
    tick: () => coach.input({ kind: 'tick' }),
    // A tab answers only nudges of its own calls (a nudge key starts with its call key).
    nudgeResponse: (payload, { tabId }) => {
      const answer = readNudgeResponse(payload);
      if (!answer || !tabMayAnswer(answer.key, tabId)) return;
      return coach.input({ kind: 'nudge-response', ...answer });
    },
    hello: async ({ openPage, hook: greeting }, { tabId, frameId, url }) => {
      // The hook's greeting came with it: the background learns this tab is coached.
      const hook = readHookAttached(greeting);
      if (hook) void coverage.attached(tabId, frameId, url, hook).then(showCoverage).catch((error: unknown) => console.warn('[Second Ring] coverage not noted:', error));
      // A page that loaded again lost its calls; one injected into while open still holds them.
      const [{ records, ...state }, settings] = await Promise.all([coach.resync(tabId, openPage === true ? undefined : frameId), loadSettings()]);
      const cards = await Promise.all(records.map((r) => shift.cardFor(r)));
      return { ...state, cards, language: settings.effective.language, site: siteFor(settings.effective.sites, url) };
    },
    // A tab notes only on its own calls (a call key is `${tabId}:${callId}`).
    agentNote: (payload, { tabId }) => {
      const noted = readAgentNote(payload);
      return noted && shift.note(noted.callKey, noted.note, noted.at, tabId);
    },
    takeMessage: ({ input, callKey, requestId }, { tabId }) => shift.takeMessage(input, callKey, tabId, readRequestId(requestId)),
    // Only a message taken on one of this tab's calls (the card shows that call's messages).
    markMessageDelivered: (payload, { tabId }) => {
      const id = readMessageId(payload);
      return id === undefined ? { ok: false, message: 'not a message id' } : shift.markDelivered(id, tabId);
    },
    loadUi: (_payload, { tabId, frameId }) => injectContentUi(tabId, frameId),
    loadCoaching: (payload, { tabId, frameId }) => injectContentCoaching(tabId, frameId, payload?.withUi === true),
  },
  // A tab speaks for itself only through our own scripts in it (or our own page open in it).
  (sender) =>
    sender.id === extensionId() && sender.tab?.id !== undefined ? { tabId: sender.tab.id, frameId: sender.frameId ?? 0, url: sender.url } : undefined,
);

// Privileged commands (configuration, permissions, tabs) only from our own extension pages.
/** The softphone tabs not coached, with what the popup needs to offer a reload. */
async function uncoachedTabs(): Promise<UncoachedTab[]> {
  const missing = await coverage.uncoached(Date.now());
  const tabIds = [...new Set(missing.map((c) => c.tabId))];
  const tabs = await Promise.all(tabIds.map((id) => browser.tabs.get(id).catch(() => undefined)));
  return tabs.flatMap((tab) =>
    tab?.id === undefined ? [] : [{ tabId: tab.id, title: tab.title ?? '', url: tab.url ?? '', audible: tab.audible === true }],
  );
}

handleMessages<UiToBackground, true>(
  {
    ...createUiHandlers({ coach, history, shift, now: () => Date.now() }),
    uncoachedTabs,
    // Never while the tab plays sound: a reload would drop the call on it.
    reloadUncoachedTab: async ({ tabId }) => {
      const tab = (await uncoachedTabs()).find((t) => t.tabId === tabId);
      if (!tab || tab.audible) return { reloaded: false };
      await browser.tabs.reload(tabId);
      return { reloaded: true };
    },
  },
  (sender) =>
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

browser.tabs.onRemoved.addListener((tabId) => {
  void coach.input({ kind: 'tab-closed', tabId });
  void coverage.forgetTab(tabId).then(showCoverage);
});

/**
 * The toolbar badge says when a softphone tab could not be coached (its hook never greeted
 * after injection); the popup names the tab and offers to reload it.
 */
async function showCoverage(): Promise<void> {
  const missing = await coverage.uncoached(Date.now());
  const tabs = new Set(missing.map((c) => c.tabId));
  await browser.action.setBadgeText({ text: tabs.size ? String(tabs.size) : '' }).catch(() => undefined);
  if (tabs.size) await browser.action.setBadgeBackgroundColor({ color: '#b3261e' }).catch(() => undefined);
  const title = browser.i18n.getMessage('extName') || 'Second Ring';
  const note = tabs.size ? ` — ${browser.i18n.getMessage('uncoachedBadge', [String(tabs.size)]) || `${tabs.size} softphone tab(s) not coached`}` : '';
  await browser.action.setTitle({ title: title + note }).catch(() => undefined);
}

/** Inject into the open tabs of sites that just became active, then check they greeted. */
async function reachOpenTabs(activated: string[], allPatterns: string[], activatedAt: number): Promise<void> {
  const frames = await injectOpenTabs(activated, allPatterns);
  if (frames.length === 0) return;
  await coverage.injected(frames, activatedAt);
  setTimeout(() => void showCoverage(), ATTACH_GRACE_MS + 100);
}

/**
 * A change of configuration, policy or the agent's settings applies at once: the coach's next
 * step uses it (a tick now re-plans running calls), registrations follow the sites, and open
 * softphone tabs get their new language and site settings without a reload.
 */
async function applySettings(): Promise<void> {
  const settings = await loadSettings();
  const activatedAt = Date.now();
  const activated = await syncRegistrations(settings.effective.sites, { policyPending: policyPending(), keepRegistered: settings.holdRegistrations });
  const allPatterns = settings.effective.sites.map((s) => s.pattern);
  // Not awaited: the coach and the open tabs' settings need not wait on the injections.
  if (activated.length) {
    await coverage.activated(activatedAt);
    void reachOpenTabs(activated, allPatterns, activatedAt);
  }
  await coach.input({ kind: 'tick' });
  const patterns = allPatterns;
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
// File names change between builds, and the browser wipes dynamic registrations on install and
// update: renew them on every install, update and start, and at every worker start too (finding
// them gone means the open tabs need the scripts injected).
browser.runtime.onInstalled.addListener(() => void applySettings());
browser.runtime.onStartup.addListener(() => void applySettings());
void applySettings();
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
