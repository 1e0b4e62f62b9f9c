/**
 * The coach's configuration: what a team lead sets for the catalogue's rules (on/off,
 * severity, thresholds, texts), the nudge language and the ring region.
 *
 * Input is *partial*: a team lead's file, a policy or an import may set only some keys, and
 * `parseCoachConfig` merges it over `DEFAULT_CONFIG` (per rule, per key; `texts` per id).
 * Unknown keys and unknown rule ids are errors rather than silently ignored, so a typo such as
 * `intervalSecond` is reported instead of leaving the default in force unnoticed.
 *
 * Each rule's settings schema and defaults live in its module (src/core/coach/rules/); the
 * tables here are derived from the registry, and types follow from the schemas. `version`
 * stays 1 while changes only add optional keys; a breaking change bumps it and adds a
 * migration before parsing.
 */
import * as v from 'valibot';
import type { RuleId } from './types';
import { RING_REGIONS, type RingRegion } from './ring';
import { TEXT_IDS, type TextId } from './texts';
import { RULES, RULE_BY_ID, type RuleOf } from './rules/registry';
import type { RuleSignal } from './rules/rule';
import { DEFAULT_BUSINESS_HOURS } from '../business-days';

const LanguageSchema = v.picklist(['en', 'lv'] as const);
const RegionSchema = v.picklist(RING_REGIONS);

const shortText = v.pipe(v.string(), v.minLength(1), v.maxLength(200));

/** The complete settings of each rule of the catalogue (every key present after the merge), from its module. */
export const RULE_SETTINGS = Object.fromEntries(RULES.map((rule) => [rule.id, rule.settings])) as {
  [Id in RuleId]: RuleOf<Id>['settings'];
};

export type ConfigurableRuleId = keyof typeof RULE_SETTINGS;

export type RulesConfig = { [K in ConfigurableRuleId]: v.InferOutput<(typeof RULE_SETTINGS)[K]> };

export type TextOverrides = Partial<Record<TextId, string>>;

/** What the signal behind each rule needs (see RuleSignal), from its module. */
export const RULE_SIGNALS: Readonly<Record<ConfigurableRuleId, RuleSignal>> = Object.fromEntries(
  RULES.map((rule) => [rule.id, rule.signal]),
) as Record<ConfigurableRuleId, RuleSignal>;

/** The four parts of the standard greeting (seed: "Be prepared"), per language. */
export interface GreetingParts {
  greeting: string;
  ownName: string;
  organization: string;
  offer: string;
}

/** When the team works: return calls are due by the end of the next business day. */
export interface BusinessHours {
  /** IANA time zone, e.g. "Europe/Riga". */
  timeZone: string;
  /** ISO weekdays the team works, Monday = 1 … Sunday = 7. */
  days: number[];
  /** "HH:MM", local to `timeZone`. */
  open: string;
  close: string;
  /** "YYYY-MM-DD" dates with no business. */
  holidays: string[];
}

/**
 * A softphone site: where the page hook and content script run. `sip-websocket` watches SIP
 * over WebSocket; `selectors` is for an in-house softphone, watched through CSS selectors of
 * its ringing indicator and its buttons.
 */
export interface SoftphoneSite {
  /** A match pattern, e.g. "https://phone.example.com/*". */
  pattern: string;
  adapter: 'sip-websocket' | 'selectors';
  selectors?: SiteSelectors;
}

export const SELECTOR_KEYS = ['ringing', 'answer', 'hold', 'resume', 'transfer', 'hangup'] as const;
export type SiteSelectors = Partial<Record<(typeof SELECTOR_KEYS)[number], string>>;

/** The configuration in force: complete, as `parseCoachConfig` returns it. */
export interface CoachConfig {
  version: 1;
  language: 'en' | 'lv';
  region: RingRegion;
  organization: string;
  greeting: Record<'en' | 'lv', GreetingParts>;
  businessHours: BusinessHours;
  sites: SoftphoneSite[];
  rules: RulesConfig;
  /** Overrides of the default texts, by text id (e.g. 'hold-check-back.nudge'). */
  texts?: { en?: TextOverrides; lv?: TextOverrides };
  /**
   * The agent's own name, for `{agent}` in the greeting. Not part of a team lead's input (no
   * schema entry, never set by `parseCoachConfig`): the background fills it in from the
   * agent's own settings. Empty or missing: the greeting shows a neutral stand-in.
   */
  agentName?: string;
}

/** Each rule's defaults, from its module. */
const DEFAULT_RULES = Object.fromEntries(RULES.map((rule) => [rule.id, rule.defaults])) as RulesConfig;

export const DEFAULT_GREETING: Readonly<Record<'en' | 'lv', GreetingParts>> = {
  en: { greeting: 'Hello,', ownName: 'this is {agent}', organization: 'with {organization}.', offer: 'How can I help you today?' },
  lv: { greeting: 'Labdien,', ownName: 'runā {agent}', organization: 'no {organization}.', offer: 'Kā varu jums palīdzēt?' },
};

export const DEFAULT_CONFIG: Readonly<CoachConfig> = {
  version: 1,
  language: 'en',
  region: 'europe',
  organization: '',
  greeting: DEFAULT_GREETING,
  businessHours: DEFAULT_BUSINESS_HOURS,
  sites: [],
  rules: DEFAULT_RULES,
};

const partialRule = <S extends v.StrictObjectSchema<v.ObjectEntries, undefined>>(schema: S) =>
  v.optional(v.partial(schema));

const RulesInputSchema = v.strictObject(
  Object.fromEntries(
    Object.entries(RULE_SETTINGS).map(([id, schema]) => [id, partialRule(schema)]),
  ) as { [K in ConfigurableRuleId]: ReturnType<typeof partialRule<(typeof RULE_SETTINGS)[K]>> },
);

// A text is shown in a small toast: an empty or essay-length override is a mistake.
const TextOverridesSchema = v.record(v.picklist(TEXT_IDS), v.pipe(v.string(), v.minLength(1), v.maxLength(500)));

const GreetingPartsSchema = v.strictObject({
  greeting: v.optional(shortText),
  ownName: v.optional(shortText),
  organization: v.optional(shortText),
  offer: v.optional(shortText),
});

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const BusinessHoursSchema = v.pipe(
  v.strictObject({
    timeZone: v.optional(v.pipe(v.string(), v.check(isTimeZone, 'Unknown time zone'))),
    days: v.optional(
      v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7))), v.minLength(1, 'At least one working day')),
    ),
    open: v.optional(v.pipe(v.string(), v.regex(TIME_OF_DAY, 'Expected a time "HH:MM"'))),
    close: v.optional(v.pipe(v.string(), v.regex(TIME_OF_DAY, 'Expected a time "HH:MM"'))),
    holidays: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(DATE, 'Expected a date "YYYY-MM-DD"'))), v.maxLength(366))),
  }),
  // Only once both are well-formed times; a malformed one already has its own error.
  v.check(
    (h) => !h.open || !h.close || !TIME_OF_DAY.test(h.open) || !TIME_OF_DAY.test(h.close) || h.open < h.close,
    'Opening time must come before closing time',
  ),
);

/**
 * A Chrome match pattern limited to what a softphone site needs: http or https, one host
 * (a leading "*." wildcard allowed), any port, a path. "<all_urls>" and any-host patterns are refused:
 * the product asks for the sites a team lead lists, no more.
 */
export const SITE_PATTERN = /^(https?):\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?\/.*$/i;

const SelectorSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(300));

const SiteSchema = v.pipe(
  v.strictObject({
    pattern: v.pipe(v.string(), v.regex(SITE_PATTERN, 'Expected a site like "https://phone.example.com/*"')),
    adapter: v.picklist(['sip-websocket', 'selectors']),
    selectors: v.optional(
      v.strictObject(Object.fromEntries(SELECTOR_KEYS.map((k) => [k, v.optional(SelectorSchema)])) as Record<
        (typeof SELECTOR_KEYS)[number],
        v.OptionalSchema<typeof SelectorSchema, undefined>
      >),
    ),
  }),
  v.check((s) => s.adapter !== 'selectors' || !!s.selectors?.ringing, 'A selector site needs at least the ringing indicator'),
);

/** What a team lead's file, a policy or an import may contain (every key optional). */
export const CoachConfigInputSchema = v.strictObject({
  /** Missing means 1. */
  version: v.optional(v.literal(1, 'Unsupported version: expected 1')),
  language: v.optional(LanguageSchema),
  region: v.optional(RegionSchema),
  organization: v.optional(v.pipe(v.string(), v.maxLength(120))),
  greeting: v.optional(v.strictObject({ en: v.optional(GreetingPartsSchema), lv: v.optional(GreetingPartsSchema) })),
  businessHours: v.optional(BusinessHoursSchema),
  sites: v.optional(v.pipe(v.array(SiteSchema), v.maxLength(50))),
  rules: v.optional(RulesInputSchema),
  texts: v.optional(
    v.strictObject({ en: v.optional(TextOverridesSchema), lv: v.optional(TextOverridesSchema) }),
  ),
});

export type CoachConfigInput = v.InferInput<typeof CoachConfigInputSchema>;

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface ConfigError {
  /** Dotted path of the offending value, e.g. `rules.hold-check-back.intervalSeconds`; '' for the root. For display. */
  path: string;
  /**
   * The same path as keys, e.g. `['texts', 'en', 'hold-check-back.nudge']` ([] for the root): text
   * ids hold dots, so only the keys say exactly which value to remove. Given by `parseCoachConfig`;
   * errors made elsewhere (the options page's own field checks) may name a path alone.
   */
  keys?: readonly string[];
  message: string;
}

export type ParseConfigResult = { ok: true; config: CoachConfig } | { ok: false; errors: ConfigError[] };

/**
 * Validate `input` (e.g. parsed JSON) and merge it over the defaults. Returns every error, not
 * just the first, so the options page can show them all at once.
 */
export function parseCoachConfig(input: unknown): ParseConfigResult {
  // valibot's objects accept arrays; a configuration never is one.
  if (Array.isArray(input)) return { ok: false, errors: [{ path: '', keys: [], message: 'Expected an object, not a list' }] };
  const result = v.safeParse(CoachConfigInputSchema, input);
  if (!result.success) {
    return { ok: false, errors: result.issues.map(toConfigError) };
  }
  return { ok: true, config: mergeConfig(result.output) };
}

function toConfigError(issue: v.BaseIssue<unknown>): ConfigError {
  const keys = (issue.path ?? []).map((item) => String(item.key));
  // valibot reports an unknown key of a strict object as "Expected never"; say it plainly.
  const message = issue.expected === 'never' ? `Unknown key "${keys.at(-1) ?? ''}"` : issue.message;
  return { path: keys.join('.'), keys, message };
}

function mergeConfig(input: v.InferOutput<typeof CoachConfigInputSchema>): CoachConfig {
  const rules = { ...DEFAULT_RULES } as Record<ConfigurableRuleId, RulesConfig[ConfigurableRuleId]>;
  for (const id of Object.keys(RULE_BY_ID) as ConfigurableRuleId[]) {
    const given = input.rules?.[id];
    if (given) rules[id] = { ...DEFAULT_RULES[id], ...dropUndefined(given) };
  }
  const greeting = {
    en: { ...DEFAULT_GREETING.en, ...dropUndefined(input.greeting?.en ?? {}) },
    lv: { ...DEFAULT_GREETING.lv, ...dropUndefined(input.greeting?.lv ?? {}) },
  };
  const config: CoachConfig = {
    version: 1,
    language: input.language ?? DEFAULT_CONFIG.language,
    region: input.region ?? DEFAULT_CONFIG.region,
    organization: input.organization ?? DEFAULT_CONFIG.organization,
    greeting,
    businessHours: { ...DEFAULT_BUSINESS_HOURS, ...dropUndefined(input.businessHours ?? {}) },
    sites: (input.sites ?? []).map((site) => ({ ...site })),
    rules: rules as RulesConfig,
  };
  const texts: NonNullable<CoachConfig['texts']> = {};
  if (input.texts?.en) texts.en = dropUndefined(input.texts.en) as TextOverrides;
  if (input.texts?.lv) texts.lv = dropUndefined(input.texts.lv) as TextOverrides;
  if (texts.en || texts.lv) config.texts = texts;
  return config;
}

// `{ enabled: undefined }` must not overwrite a default (JSON never has it, but JS callers may).
function dropUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, val] of Object.entries(o)) {
    if (val !== undefined) (out as Record<string, unknown>)[k] = val;
  }
  return out;
}
