/**
 * What the options page and popup may ask of the background (UiToBackground). The router
 * only calls these for senders that are our own extension pages.
 */
import { browser } from '../platform/browser';
import type { Handlers, SelectorTestResult, SettingsView, UiToBackground } from '../core/messages';
import type { SiteSelectors } from '../core/coach/config';
import { readRulePack } from '../core/rule-pack';
import { loadSettings, saveAgentSettings, saveLocalConfig } from './settings';
import { patternMatches, siteStatuses } from './sites';

async function view(): Promise<SettingsView> {
  const settings = await loadSettings();
  const policySites = new Set((settings.policy.sites ?? []).map((s) => s.pattern));
  return {
    effective: settings.effective,
    local: settings.local,
    policy: settings.policy,
    locked: settings.locked,
    errors: settings.errors,
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

export const uiHandlers: Handlers<UiToBackground, true> = {
  getSettings: () => view(),
  saveTeamConfig: ({ input }) => saveLocalConfig(input),
  saveAgentSettings: (agent) => saveAgentSettings(agent),
  importRulePack: async ({ text }) => {
    const read = readRulePack(text);
    return read.ok ? saveLocalConfig(read.input) : read;
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
};
