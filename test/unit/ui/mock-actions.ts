/**
 * An in-memory `UiActions`: the same interface the pages get from background-client.ts, with
 * the background's behaviour reduced to what the pages rely on (policy merged over local, locked
 * paths, validation with the core's schema, site statuses) and every call recorded.
 */
import { parseCoachConfig, type CoachConfigInput, type SiteSelectors } from '../../../src/core/coach/config';
import type { Language } from '../../../src/core/coach/types';
import type { AgentSettings, CardCall, HistoryProblem, SelectorTestResult, SettingsView, SiteStatus, UncoachedTab, CoachStatus } from '../../../src/core/messages';
import type { CallRecord } from '../../../src/core/coach/types';
import type { SaveResult, ShiftActions, SiteTab, UiActions } from '../../../src/ui/shared/actions';
import { createMessage, markDelivered, validateMessage, type TakenMessage } from '../../../src/core/messages-taken';
import { markDone, markToldCaller, reopen, type ReturnCall } from '../../../src/core/return-calls';
import { dailyFigures, shiftFigures, todayWindow } from '../../../src/core/figures';
import { callsToCsv } from '../../../src/core/csv';
import { toTimeline } from '../../../src/core/timeline';
import type { KeyedConfigError } from '../../../src/core/config-layers';
import { importedConfig, readRulePack, sitesLosingAccess, type ImportMode } from '../../../src/core/rule-pack';

export interface MockState {
  local: CoachConfigInput;
  policy: CoachConfigInput;
  agent: AgentSettings;
  browserLanguage: Language;
  errors: { local: KeyedConfigError[]; policy: KeyedConfigError[] };
  inForce: SettingsView['inForce'];
  /** Patterns the browser granted. */
  granted: Set<string>;
  registered: Set<string>;
  tabs: Record<string, SiteTab[]>;
  /** Softphone tabs the coaching could not reach (the popup offers a reload). */
  uncoached: UncoachedTab[];
  /** The shift as the background would hold it. */
  shift: {
    now: number;
    cards: CardCall[];
    records: CallRecord[];
    messages: TakenMessage[];
    returnCalls: ReturnCall[];
    problem: HistoryProblem | null;
    /** The coach's own state (runs from memory, states set aside). */
    coach?: CoachStatus;
  };
}

export type Call = { name: keyof UiActions | keyof ShiftActions; args: unknown[] };

export interface MockActions extends UiActions, ShiftActions {
  state: MockState;
  calls: Call[];
  callsOf(name: keyof UiActions | keyof ShiftActions): unknown[][];
  /** What the next permission prompt answers. */
  grantNext: boolean;
  importResult: SaveResult | undefined;
  /** What the next saveTeamConfig answers instead of validating. */
  saveResult: SaveResult | undefined;
  selectorResult: SelectorTestResult;
  /** Tell the page settings changed elsewhere. */
  notify(): void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function mergeOver(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeOver(base[k], v);
  return out;
}

/** Leaf paths of a policy input, arrays being leaves ("sites", "businessHours.days"). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (!isObject(value)) return prefix === '' ? [] : [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix === '' ? k : `${prefix}.${k}`));
}

export function createMockActions(initial: Partial<MockState> = {}): MockActions {
  const state: MockState = {
    local: {},
    policy: {},
    agent: { name: '', language: null },
    browserLanguage: 'en',
    errors: { local: [], policy: [] },
    inForce: 'saved',
    granted: new Set(),
    registered: new Set(),
    tabs: {},
    uncoached: [],
    shift: { now: Date.UTC(2026, 10, 26, 10, 0), cards: [], records: [], messages: [], returnCalls: [], problem: null },
    ...initial,
  };
  let nextId = 1;
  const calls: Call[] = [];
  const listeners = new Set<() => void>();
  const record = (name: Call['name'], ...args: unknown[]) => calls.push({ name, args: structuredClone(args) });

  const view = (): SettingsView => {
    const merged = parseCoachConfig(mergeOver(state.local, state.policy));
    const effective = merged.ok ? merged.config : (parseCoachConfig(state.policy) as { ok: true; config: SettingsView['effective'] }).config;
    const policySites = new Set((state.policy.sites ?? []).map((s) => s.pattern));
    const sites: SiteStatus[] = effective.sites.map((site) => ({
      site,
      granted: state.granted.has(site.pattern),
      registered: state.registered.has(site.pattern),
      fromPolicy: policySites.has(site.pattern),
    }));
    // The agent's choice, then the team's (policy over local), then the browser's.
    const language = state.agent.language ?? state.policy.language ?? state.local.language ?? state.browserLanguage;
    return {
      effective,
      local: structuredClone(state.local),
      policy: structuredClone(state.policy),
      locked: leafPaths(state.policy),
      errors: structuredClone(state.errors),
      inForce: state.inForce,
      agent: { ...state.agent },
      browserLanguage: state.browserLanguage,
      language,
      sites,
    };
  };

  const mock: MockActions = {
    state,
    calls,
    grantNext: true,
    importResult: undefined,
    saveResult: undefined,
    selectorResult: {},
    callsOf: (name) => calls.filter((c) => c.name === name).map((c) => c.args),
    notify: () => listeners.forEach((l) => l()),

    async getSettings() {
      record('getSettings');
      return view();
    },
    async saveTeamConfig(input) {
      record('saveTeamConfig', input);
      if (mock.saveResult) {
        const result = mock.saveResult;
        mock.saveResult = undefined;
        return result;
      }
      const parsed = parseCoachConfig(input);
      if (!parsed.ok) return { ok: false, errors: parsed.errors };
      state.local = structuredClone(input);
      state.errors.local = [];
      return { ok: true };
    },
    async saveAgentSettings(settings) {
      record('saveAgentSettings', settings);
      state.agent = { ...settings };
      return { ok: true };
    },
    async previewRulePack(text) {
      record('previewRulePack', text);
      const read = readRulePack(text);
      if (!read.ok) return read;
      const { effective } = view();
      const losing = (mode: ImportMode) => sitesLosingAccess(effective.sites, state.policy.sites, importedConfig(state.local, read.input, mode));
      return { ok: true, dropped: read.dropped, losingAccess: { merge: losing('merge'), replace: losing('replace') } };
    },
    async importRulePack(text, mode) {
      record('importRulePack', text, mode);
      if (mock.importResult) return mock.importResult;
      const read = readRulePack(text);
      if (!read.ok) return read;
      const next = importedConfig(state.local, read.input, mode);
      const parsed = parseCoachConfig(next);
      if (!parsed.ok) return { ok: false, errors: parsed.errors };
      state.local = next;
      return { ok: true };
    },
    async exportRulePack() {
      record('exportRulePack');
      return JSON.stringify(view().effective, null, 2);
    },
    async siteTabs(pattern) {
      record('siteTabs', pattern);
      return state.tabs[pattern] ?? [];
    },
    async uncoachedTabs() {
      record('uncoachedTabs');
      return state.uncoached.map((t) => ({ ...t }));
    },
    async reloadUncoachedTab(tabId) {
      record('reloadUncoachedTab', tabId);
      const tab = state.uncoached.find((t) => t.tabId === tabId);
      if (!tab || tab.audible) return false;
      state.uncoached = state.uncoached.filter((t) => t !== tab);
      return true;
    },
    async reloadTabs(tabIds) {
      record('reloadTabs', tabIds);
    },
    async testSelectors(tabId: number, selectors: SiteSelectors) {
      record('testSelectors', tabId, selectors);
      return mock.selectorResult;
    },
    requestSiteAccess(pattern) {
      record('requestSiteAccess', pattern);
      if (mock.grantNext) {
        for (const one of typeof pattern === 'string' ? [pattern] : pattern) {
          state.granted.add(one);
          state.registered.add(one);
        }
      }
      return Promise.resolve(mock.grantNext);
    },
    async hasSiteAccess(pattern) {
      record('hasSiteAccess', pattern);
      return state.granted.has(pattern);
    },
    async openOptionsPage() {
      record('openOptionsPage');
    },
    saveFile(fileName, text, mimeType) {
      record('saveFile', fileName, text, mimeType);
    },
    onSettingsChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async shiftView() {
      record('shiftView');
      const { shift } = state;
      const config = view().effective;
      const timeZone = config.businessHours.timeZone;
      return {
        now: shift.now,
        timeZone,
        language: view().language,
        cards: structuredClone(shift.cards),
        messages: shift.messages.filter((m) => m.status === 'to-deliver'),
        returnCalls: shift.returnCalls.filter((e) => e.status !== 'done'),
        today: shiftFigures(shift.records, shift.returnCalls, todayWindow(shift.now, timeZone)),
        problem: shift.problem,
        ...(shift.coach ? { coach: structuredClone(shift.coach) } : {}),
      };
    },
    async figuresView(range, chartDays) {
      record('figuresView', range, chartDays);
      const { shift } = state;
      const config = view().effective;
      const timeZone = config.businessHours.timeZone;
      const today = todayWindow(shift.now, timeZone);
      const days = range === 'today' ? 1 : range === '7d' ? 7 : 30;
      const window = { ...today, from: today.until - days * 86_400_000 };
      return {
        now: shift.now,
        timeZone,
        language: view().language,
        range,
        figures: shiftFigures(shift.records, shift.returnCalls, window),
        daily: dailyFigures(shift.records, shift.returnCalls, { now: shift.now, days: chartDays, timeZone }),
        messages: shift.messages.filter((m) => m.status === 'to-deliver'),
        returnCalls: shift.returnCalls.filter((e) => e.status !== 'done'),
        counts: { calls: shift.records.length, messages: shift.messages.length, returnCalls: shift.returnCalls.length },
        skipped: 0,
        problem: shift.problem,
        config,
      };
    },
    async cardNote(callKey, note) {
      record('cardNote', callKey, note);
    },
    async cardCheck(key, itemId, checked) {
      record('cardCheck', key, itemId, checked);
    },
    async takeMessage(input, callKey) {
      record('takeMessage', input, callKey);
      const checked = validateMessage(input);
      if (!checked.ok) return { ok: false, errors: checked.errors };
      const message = createMessage(checked.value, { id: `m${nextId++}`, createdAt: state.shift.now, ...(callKey ? { callKey } : {}) });
      state.shift.messages.push(message);
      return { ok: true, message };
    },
    async markMessageDelivered(id) {
      record('markMessageDelivered', id);
      state.shift.messages = state.shift.messages.map((m) => (m.id === id ? markDelivered(m, state.shift.now) : m));
      return { ok: true };
    },
    async returnCallAction(id, action) {
      record('returnCallAction', id, action);
      const entry = state.shift.returnCalls.find((e) => e.id === id);
      if (!entry) return { ok: false, message: `No return call ${id}` };
      const result =
        action.type === 'done' ? markDone(entry, state.shift.now) : action.type === 'reopen' ? reopen(entry) : markToldCaller(entry, state.shift.now, action.promisedAt);
      if (!result.ok) return { ok: false, message: result.reason };
      state.shift.returnCalls = state.shift.returnCalls.map((e) => (e.id === id ? result.entry : e));
      return { ok: true };
    },
    async exportHistory(format, range) {
      record('exportHistory', format, range);
      const timeZone = view().effective.businessHours.timeZone;
      return format === 'csv'
        ? { ok: true, fileName: `second-ring-calls-${range}.csv`, text: callsToCsv(state.shift.records, { timeZone, bom: true }), mimeType: 'text/csv;charset=utf-8' }
        : { ok: true, fileName: `second-ring-timeline-${range}.json`, text: JSON.stringify(toTimeline(state.shift.records, { timeZone }).timeline), mimeType: 'application/json' };
    },
    async wipeHistory() {
      record('wipeHistory');
      state.shift = { ...state.shift, cards: [], records: [], messages: [], returnCalls: [] };
      return { ok: true };
    },
    async coachRecords() {
      record('coachRecords');
      return structuredClone(state.shift.records);
    },
    async openFiguresPage() {
      record('openFiguresPage');
    },
    async openPracticePage() {
      record('openPracticePage');
    },
  };
  return mock;
}
