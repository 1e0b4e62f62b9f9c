/**
 * The bad-input table (issue 11, "Exact validation"): malformed rule packs, policies and stored
 * configurations, each refused whole or with exactly its bad values removed, every removal
 * reported once with its keys; the configuration in force changes only by the valid values, and
 * the history is unchanged. Policies go through `acceptPolicy` and the layers; packs through
 * `readRulePack`, the merge and the background's `saveLocalConfig`; stored configurations
 * through the background's settings on a fresh worker (its module loaded anew).
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { fakeBrowser } from '@webext-core/fake-browser';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// vitest.config.ts aliases the polyfill to the fake browser, which has no default export; the
// platform module imports the default.
vi.mock('webextension-polyfill', async () => {
  const actual = await vi.importActual<{ fakeBrowser: unknown }>('@webext-core/fake-browser');
  return { ...actual, default: actual.fakeBrowser };
});
import { createHistoryStore, type HistoryStore } from '../../src/background/history';
import type { CoachConfigInput } from '../../src/core/coach/config';
import { acceptPolicy, effectiveConfig, type Keys } from '../../src/core/config-layers';
import { importedConfig, readRulePack } from '../../src/core/rule-pack';
import { realisticShift } from './core/recorded-history';

type Outcome = 'refused' | { removed: Keys[]; kept: CoachConfigInput };

interface Case {
  name: string;
  input: unknown;
  outcome: Outcome;
}

const site = (pattern: string) => ({ pattern, adapter: 'sip-websocket' as const });
const GOOD_SITE = site('https://phone.example.com/*');

/** What a team lead has saved before any of the bad inputs arrives. */
const BASE_LOCAL: CoachConfigInput = {
  region: 'uk',
  organization: 'Acme',
  rules: { 'hold-check-back': { intervalSeconds: 30 } },
  sites: [site('https://old.example.org/*')],
};

/** Bad values shared by policies and packs (a pack can be anything a policy can). */
const CONFIG_CASES: Case[] = [
  { name: 'a text override of the wrong type (its id has dots)', input: { language: 'lv', texts: { en: { 'hold-check-back.nudge': 5, 'closing.before': 'Wrap up' } } }, outcome: { removed: [['texts', 'en', 'hold-check-back.nudge']], kept: { language: 'lv', texts: { en: { 'closing.before': 'Wrap up' } } } } },
  { name: 'an empty text override', input: { region: 'uk', texts: { lv: { 'hold-check-back.nudge': '' } } }, outcome: { removed: [['texts', 'lv', 'hold-check-back.nudge']], kept: { region: 'uk', texts: { lv: {} } } } },
  { name: 'an unknown text id', input: { region: 'uk', texts: { en: { 'hold-check-back.nudg': 'x' } } }, outcome: { removed: [['texts', 'en', 'hold-check-back.nudg']], kept: { region: 'uk', texts: { en: {} } } } },
  { name: 'an unknown text language', input: { region: 'uk', texts: { de: { 'hold-check-back.nudge': 'x' } } }, outcome: { removed: [['texts', 'de']], kept: { region: 'uk', texts: {} } } },
  { name: 'an interval out of range', input: { rules: { 'hold-check-back': { intervalSeconds: -5, severity: 'urgent' } } }, outcome: { removed: [['rules', 'hold-check-back', 'intervalSeconds']], kept: { rules: { 'hold-check-back': { severity: 'urgent' } } } } },
  { name: 'an interval as a string', input: { rules: { 'safe-hold': { windowSeconds: '5', enabled: false } } }, outcome: { removed: [['rules', 'safe-hold', 'windowSeconds']], kept: { rules: { 'safe-hold': { enabled: false } } } } },
  { name: 'an unknown rule', input: { region: 'europe', rules: { 'no-such-rule': { enabled: true } } }, outcome: { removed: [['rules', 'no-such-rule']], kept: { region: 'europe', rules: {} } } },
  { name: 'a misspelt rule key', input: { rules: { 'hold-check-back': { intervalSecond: 30, enabled: true } } }, outcome: { removed: [['rules', 'hold-check-back', 'intervalSecond']], kept: { rules: { 'hold-check-back': { enabled: true } } } } },
  { name: 'an unknown severity', input: { rules: { closing: { severity: 'loud', enabled: true } } }, outcome: { removed: [['rules', 'closing', 'severity']], kept: { rules: { closing: { enabled: true } } } } },
  { name: 'enabled as a string', input: { rules: { closing: { enabled: 'yes' } }, region: 'uk' }, outcome: { removed: [['rules', 'closing', 'enabled']], kept: { rules: { closing: {} }, region: 'uk' } } },
  { name: 'a share above one', input: { rules: { 'hold-overuse': { maxHoldShare: 1.5, maxHolds: 3 } } }, outcome: { removed: [['rules', 'hold-overuse', 'maxHoldShare']], kept: { rules: { 'hold-overuse': { maxHolds: 3 } } } } },
  { name: 'a fractional hold count', input: { rules: { 'hold-overuse': { maxHolds: 2.5 } }, language: 'en' }, outcome: { removed: [['rules', 'hold-overuse', 'maxHolds']], kept: { rules: { 'hold-overuse': {} }, language: 'en' } } },
  { name: 'an unknown region', input: { region: 'mars', language: 'lv' }, outcome: { removed: [['region']], kept: { language: 'lv' } } },
  { name: 'an unknown language', input: { language: 'de', region: 'uk' }, outcome: { removed: [['language']], kept: { region: 'uk' } } },
  { name: 'an unknown top-level key', input: { colour: 'red', organization: 'Beta' }, outcome: { removed: [['colour']], kept: { organization: 'Beta' } } },
  { name: 'a key with a dot in its name', input: { 'rules.closing': { enabled: false }, organization: 'Beta' }, outcome: { removed: [['rules.closing']], kept: { organization: 'Beta' } } },
  { name: 'an organization too long', input: { organization: 'x'.repeat(200), region: 'uk' }, outcome: { removed: [['organization']], kept: { region: 'uk' } } },
  { name: 'an organization of null', input: { organization: null, region: 'uk' }, outcome: { removed: [['organization']], kept: { region: 'uk' } } },
  { name: 'a version from the future', input: { version: 2, region: 'uk' }, outcome: { removed: [['version']], kept: { region: 'uk' } } },
  { name: 'an unknown time zone', input: { businessHours: { timeZone: 'Mars/Olympus', open: '08:00' } }, outcome: { removed: [['businessHours', 'timeZone']], kept: { businessHours: { open: '08:00' } } } },
  { name: 'a malformed opening time', input: { businessHours: { open: '8am', close: '18:00' } }, outcome: { removed: [['businessHours', 'open']], kept: { businessHours: { close: '18:00' } } } },
  { name: 'opening after closing (found once the bad day is gone)', input: { region: 'uk', businessHours: { open: '18:00', close: '08:00', days: ['x'] } }, outcome: { removed: [['businessHours', 'days', '0'], ['businessHours']], kept: { region: 'uk' } } },
  { name: 'a weekday out of range', input: { businessHours: { days: [1, 2, 9] } }, outcome: { removed: [['businessHours', 'days', '2']], kept: { businessHours: { days: [1, 2] } } } },
  { name: 'a malformed holiday', input: { businessHours: { holidays: ['2026-12-24', '24.12.2026'] } }, outcome: { removed: [['businessHours', 'holidays', '1']], kept: { businessHours: { holidays: ['2026-12-24'] } } } },
  { name: 'no working day', input: { businessHours: { days: [] }, region: 'uk' }, outcome: { removed: [['businessHours', 'days']], kept: { businessHours: {}, region: 'uk' } } },
  { name: 'a greeting that is not an object', input: { greeting: { en: 'Hello' }, region: 'uk' }, outcome: { removed: [['greeting', 'en']], kept: { greeting: {}, region: 'uk' } } },
  { name: 'an empty greeting part', input: { greeting: { lv: { greeting: '', offer: 'Kā varu palīdzēt?' } } }, outcome: { removed: [['greeting', 'lv', 'greeting']], kept: { greeting: { lv: { offer: 'Kā varu palīdzēt?' } } } } },
  { name: 'a site pattern for every .com site', input: { sites: [site('https://*.com/*'), GOOD_SITE] }, outcome: { removed: [['sites', '0', 'pattern']], kept: { sites: [GOOD_SITE] } } },
  { name: 'a site pattern for every .co.uk site', input: { sites: [site('https://*.co.uk/*'), GOOD_SITE] }, outcome: { removed: [['sites', '0', 'pattern']], kept: { sites: [GOOD_SITE] } } },
  { name: 'a site pattern of any scheme and host', input: { sites: [site('*://*/*'), GOOD_SITE] }, outcome: { removed: [['sites', '0', 'pattern']], kept: { sites: [GOOD_SITE] } } },
  { name: 'a site pattern of any host', input: { sites: [GOOD_SITE, site('https://*/*')] }, outcome: { removed: [['sites', '1', 'pattern']], kept: { sites: [GOOD_SITE] } } },
  { name: '<all_urls> as a site', input: { sites: [site('<all_urls>')], region: 'uk' }, outcome: { removed: [['sites', '0', 'pattern']], kept: { region: 'uk' } } },
  { name: 'a site of an unknown adapter', input: { sites: [{ pattern: 'https://x.example.com/*', adapter: 'magic' }, GOOD_SITE] }, outcome: { removed: [['sites', '0', 'adapter']], kept: { sites: [GOOD_SITE] } } },
  { name: 'a site without a pattern', input: { sites: [{ adapter: 'sip-websocket' }, GOOD_SITE] }, outcome: { removed: [['sites', '0', 'pattern']], kept: { sites: [GOOD_SITE] } } },
  { name: 'a selector site without its ringing selector', input: { sites: [GOOD_SITE, { pattern: 'https://in.example.com/*', adapter: 'selectors', selectors: { answer: '#a' } }] }, outcome: { removed: [['sites', '1']], kept: { sites: [GOOD_SITE] } } },
  { name: 'a site with two bad values (reported each, the site once removed)', input: { sites: [{ pattern: 'https://*.net/*', adapter: 'magic' }, GOOD_SITE] }, outcome: { removed: [['sites', '0', 'adapter'], ['sites', '0', 'pattern']], kept: { sites: [GOOD_SITE] } } },
  { name: 'a phrase too long', input: { rules: { 'professional-language': { phrases: { en: ['ok', 'x'.repeat(90)], lv: [] } } } }, outcome: { removed: [['rules', 'professional-language', 'phrases', 'en', '1']], kept: { rules: { 'professional-language': { phrases: { en: ['ok'], lv: [] } } } } } },
  { name: 'a list where the rules belong', input: { rules: [], region: 'uk' }, outcome: { removed: [['rules']], kept: { region: 'uk' } } },
  { name: 'a list where a rule belongs', input: { rules: { closing: [] }, region: 'uk' }, outcome: { removed: [['rules', 'closing']], kept: { rules: {}, region: 'uk' } } },
  { name: 'a list where the texts belong', input: { texts: ['x'], region: 'uk' }, outcome: { removed: [['texts']], kept: { region: 'uk' } } },
  { name: 'the same bad value reported once, in one round (many bad texts)', input: { texts: { en: Object.fromEntries(['hold-check-back.nudge', 'closing.before', 'hold-permission.question'].map((id) => [id, 0])) }, region: 'uk' }, outcome: { removed: [['texts', 'en', 'hold-check-back.nudge'], ['texts', 'en', 'closing.before'], ['texts', 'en', 'hold-permission.question']], kept: { texts: { en: {} }, region: 'uk' } } },
];

/** Refused whole, whatever its kind. */
const SHAPE_CASES: Case[] = [
  { name: 'a list at the top', input: [{ region: 'uk' }], outcome: 'refused' },
  { name: 'a string at the top', input: 'region=uk', outcome: 'refused' },
  { name: 'a number at the top', input: 42, outcome: 'refused' },
  { name: 'null at the top', input: null, outcome: 'refused' },
];

/** Packs that are refused whole, with a reason (besides the shapes above). */
const PACK_ONLY_CASES: { name: string; text: string }[] = [
  { name: 'not JSON', text: '{"region": "uk",}' },
  { name: 'an empty pack', text: '{}' },
  { name: 'rules as an empty list', text: '{"rules":[]}' },
  { name: 'rules as an empty object', text: '{"rules":{}}' },
  { name: 'only a version', text: '{"version":1}' },
  { name: 'every value bad', text: '{"region":"mars","rules":{"closing":{"enabled":"yes"}}}' },
  { name: 'another format', text: '{"format":"other/pack","version":1,"config":{"region":"uk"}}' },
  { name: 'a future pack version', text: '{"format":"second-ring/rule-pack","version":2,"config":{"region":"uk"}}' },
  { name: 'an envelope without a configuration', text: '{"format":"second-ring/rule-pack","version":1}' },
  { name: 'an envelope with an empty configuration', text: '{"format":"second-ring/rule-pack","version":1,"config":{}}' },
];

const counts = { refused: 0, partial: 0 };

const sortKeys = (list: readonly Keys[]) => list.map((k) => JSON.stringify(k)).sort();

let history: HistoryStore;
let historyBefore: unknown;

beforeAll(async () => {
  history = createHistoryStore({ factory: new IDBFactory() });
  const recorded = await history.upsertCalls(realisticShift(Date.parse('2026-03-04T08:00:00Z'), 12));
  expect(recorded.ok).toBe(true);
  historyBefore = await history.listCalls();
});

afterAll(() => {
  // The figures the report quotes.
  console.info(`bad-input table: ${counts.refused + counts.partial} inputs, ${counts.refused} refused, ${counts.partial} applied with their bad values removed`);
});

/** The history after an input: the same calls as before it. */
async function expectHistoryUnchanged(): Promise<void> {
  expect(await history.listCalls()).toEqual(historyBefore);
}

describe('bad-input table: policies', () => {
  for (const { name, input, outcome } of [...CONFIG_CASES, ...SHAPE_CASES]) {
    it(name, async () => {
      const { policy, errors } = acceptPolicy(input);
      const baseline = effectiveConfig({ local: BASE_LOCAL, policy: {}, agentLanguage: null, browserLanguage: 'en' }).config;
      const inForce = effectiveConfig({ local: BASE_LOCAL, policy, agentLanguage: null, browserLanguage: 'en' }).config;
      expect(errors.length).toBeGreaterThan(0);
      // Every error once, each with its keys as a list (never a dotted string split apart).
      expect(new Set(errors.map((e) => JSON.stringify([e.keys, e.message]))).size).toBe(errors.length);
      for (const e of errors) expect(e.path).toBe(e.keys.join('.'));
      if (outcome === 'refused') {
        counts.refused++;
        expect(policy).toEqual({});
        expect(inForce).toEqual(baseline);
      } else {
        counts.partial++;
        expect(sortKeys(errors.map((e) => e.keys))).toEqual(sortKeys(outcome.removed));
        expect(policy).toEqual(outcome.kept);
        // In force: exactly what the valid values make of it.
        expect(inForce).toEqual(effectiveConfig({ local: BASE_LOCAL, policy: outcome.kept, agentLanguage: null, browserLanguage: 'en' }).config);
      }
      await expectHistoryUnchanged();
    });
  }
});

/** The background's settings as a new worker finds them: nothing in memory, all from storage. */
async function freshSettings() {
  const settings = await import('../../src/background/settings');
  settings.forgetSettings();
  return settings;
}

beforeEach(() => {
  vi.spyOn(fakeBrowser.i18n, 'getUILanguage').mockReturnValue('en-US');
});

async function saveBase() {
  const settings = await freshSettings();
  expect(await settings.saveLocalConfig(BASE_LOCAL)).toEqual({ ok: true });
  return (await settings.loadSettings()).effective;
}

describe('bad-input table: rule packs (merged into the saved configuration)', () => {
  const packCases = [...CONFIG_CASES, ...SHAPE_CASES].map(({ name, input, outcome }) => ({ name, text: JSON.stringify(input), outcome }));
  for (const { name, text, outcome } of [...packCases, ...PACK_ONLY_CASES.map((c) => ({ ...c, outcome: 'refused' as const }))]) {
    it(name, async () => {
      const before = await saveBase();
      const read = readRulePack(text);
      const settings = await freshSettings();
      if (outcome === 'refused') {
        counts.refused++;
        expect(read.ok).toBe(false);
        if (read.ok) return;
        expect(read.errors.length).toBeGreaterThan(0);
        expect(read.errors.every((e) => Array.isArray(e.keys) && e.message.length > 0)).toBe(true);
        expect((await settings.loadSettings()).effective).toEqual(before);
      } else {
        counts.partial++;
        expect(read.ok).toBe(true);
        if (!read.ok) return;
        expect(sortKeys(read.dropped.map((e) => e.keys))).toEqual(sortKeys(outcome.removed));
        expect(read.input).toEqual(outcome.kept);
        const saved = await settings.saveLocalConfig(importedConfig(BASE_LOCAL, read.input, 'merge'));
        expect(saved).toEqual({ ok: true });
        const after = (await (await freshSettings()).loadSettings()).effective;
        const expected = effectiveConfig({ local: importedConfig(BASE_LOCAL, outcome.kept, 'merge'), policy: {}, agentLanguage: null, browserLanguage: 'en' }).config;
        expect(after).toEqual(expected);
      }
      await expectHistoryUnchanged();
    });
  }
});

describe('bad-input table: stored configurations (a new worker reads them)', () => {
  // Each refusal is logged by the background; the assertions below read what it decided.
  beforeEach(() => void vi.spyOn(console, 'warn').mockImplementation(() => undefined));
  const storedCases = [...CONFIG_CASES, ...SHAPE_CASES].map(({ name, input }) => ({ name, input }));
  for (const { name, input } of storedCases) {
    it(`${name}: refused, the last valid configuration stays in force`, async () => {
      const before = await saveBase();
      // Damage, or an update that no longer takes it: the stored configuration fails validation.
      await fakeBrowser.storage.local.set({ config: input });
      const settings = (await (await freshSettings()).loadSettings());
      counts.refused++;
      expect(settings.effective).toEqual(before);
      expect(settings.inForce).toBe('last-valid');
      expect(settings.holdRegistrations).toBe(false);
      expect(settings.errors.local.length).toBeGreaterThan(0);
      expect(settings.errors.local.every((e) => Array.isArray(e.keys))).toBe(true);
      await expectHistoryUnchanged();
    });
  }
});
