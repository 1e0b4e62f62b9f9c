/**
 * What the options page and popup may ask of the background (UiToBackground). The router
 * only calls these for senders that are our own extension pages.
 */
import { browser } from '../platform/browser';
import type { Handlers, SelectorTestResult, SettingsView, UiToBackground } from '../core/messages';
import { parseCoachConfig, type SiteSelectors } from '../core/coach/config';
import { todayWindow, dailyFigures, shiftFigures } from '../core/figures';
import { importedConfig, readRulePack, sitesLosingAccess } from '../core/rule-pack';
import { loadConfig, loadSettings, saveAgentSettings, saveLocalConfig } from './settings';
import { patternMatches, siteStatuses } from './sites';
import type { CoachRunner } from './coach-runner';
import { rangeWindow, type HistoryService } from './history-service';
import type { ShiftWiring } from './shift';

/**
 * Save the team lead's configuration; a site it removes gives its host access back (least
 * privilege). Only here, on an explicit change: settings read while policy is still unanswered
 * at browser start, or after a storage error, lack sites, and must never cost the agent a
 * permission that takes a click to grant again.
 */
async function saveReleasingRemovedSites(input: unknown): ReturnType<typeof saveLocalConfig> {
  const { effective, policy } = await loadSettings();
  const saved = await saveLocalConfig(input);
  if (!saved.ok) return saved;
  // Policy's sites win over the local ones as a whole (arrays are not merged).
  const parsed = parseCoachConfig(input);
  const sitesNow = policy.sites ?? (parsed.ok ? parsed.config.sites : effective.sites);
  const before = effective.sites.map((s) => s.pattern);
  const after = new Set(sitesNow.map((s) => s.pattern));
  const removed = before.filter((pattern) => !after.has(pattern));
  // One at a time: hosts the manifest requires (the test build's) cannot be removed, and one
  // refusal must not keep the others.
  await Promise.all(removed.map((origin) => browser.permissions.remove({ origins: [origin] }).catch(() => undefined)));
  return saved;
}

async function view(): Promise<SettingsView> {
  const settings = await loadSettings();
  const policySites = new Set((settings.policy.sites ?? []).map((s) => s.pattern));
  return {
    effective: settings.effective,
    local: settings.local,
    policy: settings.policy,
    locked: settings.locked,
    errors: settings.errors,
    inForce: settings.inForce,
    agent: settings.agent,
    browserLanguage: settings.browserLanguage,
    language: settings.effective.language,
    sites: await siteStatuses(settings.effective.sites, policySites),
  };
}

/** Runs in the softphone tab: how many elements each selector matches, or why it cannot. */
function countMatches(selectors: SiteSelectors): SelectorTestResult {
  const result: SelectorTestResult = {};
  for (const [key, selector] of Object.entries(selectors) as [keyof SiteSelectors, string | undefined][]) {
    if (!selector) continue;
    try {
      result[key] = { matches: document.querySelectorAll(selector).length };
    } catch (error) {
      result[key] = { error: (error as Error).message };
    }
  }
  return result;
}

export interface ShiftDeps {
  coach: Pick<CoachRunner, 'input' | 'records' | 'status'>;
  history: HistoryService;
  shift: ShiftWiring;
  now(): number;
}

/** A day's figures need its calls from its local midnight; the chart needs `chartDays` days back. */
const MAX_CHART_DAYS = 60;

/** The handlers about tabs the coaching could not reach live with the start-up code (index.ts). */
export type CoverageHandlers = 'uncoachedTabs' | 'reloadUncoachedTab';

export function createUiHandlers(deps: ShiftDeps): Omit<Handlers<UiToBackground, true>, CoverageHandlers> {
  const { coach, history } = deps;
  /** The coach's own state, when it has something to say (runs from memory, states set aside). */
  const coachStatus = async () => {
    const status = await coach.status();
    return Object.keys(status).length > 0 ? { coach: status } : {};
  };
  return {
    ...settingsHandlers,
    async shiftView() {
      const [config, records, messages, returnCalls] = await Promise.all([
        loadConfig(),
        coach.records(),
        history.messagesToDeliver(),
        history.outstandingReturnCalls(),
      ]);
      const now = deps.now();
      const timeZone = config.businessHours.timeZone;
      const window = todayWindow(now, timeZone);
      const { calls } = await history.calls(window.from, window.until);
      const allReturns = await history.allReturnCalls();
      const cards = await Promise.all(records.map((r) => deps.shift.cardFor(r)));
      return {
        now,
        timeZone,
        language: config.language,
        // Newest first: the call on now is the one the agent looks for.
        cards: cards.reverse(),
        messages,
        returnCalls,
        today: shiftFigures(calls, allReturns, window),
        problem: await history.problem(),
        ...(await coachStatus()),
      };
    },
    async figuresView({ range, chartDays }) {
      const config = await loadConfig();
      const now = deps.now();
      const timeZone = config.businessHours.timeZone;
      const days = Math.max(1, Math.min(MAX_CHART_DAYS, Math.floor(chartDays)));
      const window = rangeWindow(range, now, timeZone);
      const chartFrom = rangeWindow('today', now - (days - 1) * 86_400_000, timeZone).from;
      const { calls, skipped } = await history.calls(Math.min(window.from, chartFrom));
      const [returnCalls, messages, counts] = await Promise.all([history.allReturnCalls(), history.messagesToDeliver(), history.counts()]);
      return {
        now,
        timeZone,
        language: config.language,
        range,
        figures: shiftFigures(calls, returnCalls, window),
        daily: dailyFigures(calls, returnCalls, { now, days, timeZone }),
        messages,
        returnCalls: returnCalls.filter((e) => e.status !== 'done'),
        counts,
        skipped,
        problem: await history.problem(),
        config,
      };
    },
    cardNote: ({ callKey, note }) => deps.shift.note(callKey, note, deps.now()),
    cardCheck: ({ key, itemId, checked }) =>
      coach.input({ kind: 'nudge-response', key, response: { type: 'checked', itemId, checked }, at: deps.now() }),
    takeMessage: ({ input, callKey }) => deps.shift.takeMessage(input, callKey),
    markMessageDelivered: ({ id }) => deps.shift.markDelivered(id),
    returnCallAction: ({ id, action }) => history.returnCallAction(id, action),
    exportHistory: ({ format, range }) => history.exportCalls(format, range),
    wipeHistory: () => history.wipe(),
    coachRecords: () => coach.records(),
    listCalls: async ({ since }) => {
      const { calls } = await history.calls(since);
      return { calls, problem: await history.problem() };
    },
  };
}

const settingsHandlers = {
  getSettings: () => view(),
  saveTeamConfig: ({ input }) => saveReleasingRemovedSites(input),
  saveAgentSettings: (agent) => saveAgentSettings(agent),
  previewRulePack: async ({ text }) => {
    const read = readRulePack(text);
    if (!read.ok) return read;
    const { effective, local, policy } = await loadSettings();
    const losing = (mode: 'merge' | 'replace') => sitesLosingAccess(effective.sites, policy.sites, importedConfig(local, read.input, mode));
    return { ok: true, dropped: read.dropped, losingAccess: { merge: losing('merge'), replace: losing('replace') } };
  },
  importRulePack: async ({ text, mode }) => {
    const read = readRulePack(text);
    if (!read.ok) return read;
    if (mode !== 'merge' && mode !== 'replace') return { ok: false, errors: [{ path: '', keys: [], message: 'Choose to merge or to replace' }] };
    return saveReleasingRemovedSites(importedConfig((await loadSettings()).local, read.input, mode));
  },
  exportRulePack: async () => {
    const { effective, local, policy } = await loadSettings();
    // The team's configuration, complete, as an administrator would push it: the agent's own
    // language choice and name are not the team's, so the language is the team's or none.
    const { language: _resolved, ...team } = effective;
    const teamLanguage = policy.language ?? local.language;
    const pack = teamLanguage ? { ...team, language: teamLanguage } : team;
    return { text: `${JSON.stringify(pack, null, 2)}\n` };
  },
  siteTabs: async ({ pattern }) => {
    const tabs = await browser.tabs.query({}).catch(() => []);
    return tabs
      .filter((t) => t.id !== undefined && t.url !== undefined && patternMatches(pattern, t.url))
      .map((t) => ({ id: t.id as number, title: t.title ?? '', url: t.url as string }));
  },
  reloadTabs: async ({ tabIds }) => {
    await Promise.all(tabIds.map((id) => browser.tabs.reload(id).catch(() => undefined)));
  },
  testSelectors: async ({ tabId, selectors }) => {
    const [first] = await browser.scripting.executeScript({ target: { tabId }, func: countMatches, args: [selectors] });
    return (first?.result as SelectorTestResult | undefined) ?? {};
  },
} satisfies Partial<Handlers<UiToBackground, true>>;
