/**
 * The coach's configuration: what a team lead sets for the catalogue's rules (on/off,
 * severity, thresholds, texts), the nudge language and the ring region.
 *
 * Input is *partial*: a team lead's file, a policy or an import may set only some keys, and
 * `parseCoachConfig` merges it over `DEFAULT_CONFIG` (per rule, per key; `texts` per id).
 * Unknown keys and unknown rule ids are errors rather than silently ignored, so a typo such as
 * `intervalSecond` is reported instead of leaving the default in force unnoticed.
 *
 * Adding a rule later (greeting, caller-name, take-message, return-call…) means adding its
 * settings schema to `RULE_SETTINGS`, its defaults to `DEFAULT_RULES` and its entry to
 * `RulesInputSchema`; types follow from the schemas. `version` stays 1 while changes only add
 * optional keys; a breaking change bumps it and adds a migration before parsing.
 */
import * as v from 'valibot';
import type { RuleId, Severity } from './types';
import { RING_REGIONS, type RingRegion } from './ring';
import { TEXT_IDS, type TextId } from './texts';

const SeveritySchema = v.picklist(['info', 'nudge', 'urgent'] as const satisfies readonly Severity[]);
const LanguageSchema = v.picklist(['en', 'lv'] as const);
const RegionSchema = v.picklist(RING_REGIONS);

const seconds = (min: number, max: number) => v.pipe(v.number(), v.minValue(min), v.maxValue(max));

const ruleBase = { enabled: v.boolean(), severity: SeveritySchema };

/** The complete settings of each configurable rule (every key present after the merge). */
export const RULE_SETTINGS = {
  'answer-window': v.strictObject({ ...ruleBase }),
  'missed-call': v.strictObject({ ...ruleBase }),
  'hold-permission': v.strictObject({ ...ruleBase }),
  'hold-check-back': v.strictObject({ ...ruleBase, intervalSeconds: seconds(1, 3600) }),
  'hold-overuse': v.strictObject({
    ...ruleBase,
    /** The hold number that first nudges (4: the 4th hold and each one after it). */
    maxHolds: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)),
    /** Agent hold time over connected time above which the end-of-call note shows. */
    maxHoldShare: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  }),
  'transfer-permission': v.strictObject({ ...ruleBase }),
  'safe-hold': v.strictObject({ ...ruleBase, windowSeconds: seconds(1, 60) }),
  closing: v.strictObject({ ...ruleBase }),
  // Every key must be a catalogue rule id: a typo is a compile error here.
} as const satisfies Partial<Record<RuleId, v.GenericSchema>>;

export type ConfigurableRuleId = keyof typeof RULE_SETTINGS;

export type RulesConfig = { [K in ConfigurableRuleId]: v.InferOutput<(typeof RULE_SETTINGS)[K]> };

export type TextOverrides = Partial<Record<TextId, string>>;

/** The configuration in force: complete, as `parseCoachConfig` returns it. */
export interface CoachConfig {
  version: 1;
  language: 'en' | 'lv';
  region: RingRegion;
  rules: RulesConfig;
  /** Overrides of the default texts, by text id (e.g. 'hold-check-back.nudge'). */
  texts?: { en?: TextOverrides; lv?: TextOverrides };
}

const DEFAULT_RULES: RulesConfig = {
  'answer-window': { enabled: true, severity: 'nudge' },
  'missed-call': { enabled: true, severity: 'info' },
  'hold-permission': { enabled: true, severity: 'nudge' },
  'hold-check-back': { enabled: true, severity: 'nudge', intervalSeconds: 45 },
  'hold-overuse': { enabled: true, severity: 'nudge', maxHolds: 4, maxHoldShare: 0.4 },
  'transfer-permission': { enabled: true, severity: 'nudge' },
  'safe-hold': { enabled: true, severity: 'nudge', windowSeconds: 5 },
  closing: { enabled: true, severity: 'nudge' },
};

export const DEFAULT_CONFIG: Readonly<CoachConfig> = {
  version: 1,
  language: 'en',
  region: 'europe',
  rules: DEFAULT_RULES,
};

const partialRule = <S extends v.StrictObjectSchema<v.ObjectEntries, undefined>>(schema: S) =>
  v.optional(v.partial(schema));

const RulesInputSchema = v.strictObject({
  'answer-window': partialRule(RULE_SETTINGS['answer-window']),
  'missed-call': partialRule(RULE_SETTINGS['missed-call']),
  'hold-permission': partialRule(RULE_SETTINGS['hold-permission']),
  'hold-check-back': partialRule(RULE_SETTINGS['hold-check-back']),
  'hold-overuse': partialRule(RULE_SETTINGS['hold-overuse']),
  'transfer-permission': partialRule(RULE_SETTINGS['transfer-permission']),
  'safe-hold': partialRule(RULE_SETTINGS['safe-hold']),
  closing: partialRule(RULE_SETTINGS.closing),
});

// A text is shown in a small toast: an empty or essay-length override is a mistake.
const TextOverridesSchema = v.record(v.picklist(TEXT_IDS), v.pipe(v.string(), v.minLength(1), v.maxLength(500)));

/** What a team lead's file, a policy or an import may contain (every key optional). */
export const CoachConfigInputSchema = v.strictObject({
  /** Missing means 1. */
  version: v.optional(v.literal(1, 'Unsupported version: expected 1')),
  language: v.optional(LanguageSchema),
  region: v.optional(RegionSchema),
  rules: v.optional(RulesInputSchema),
  texts: v.optional(
    v.strictObject({ en: v.optional(TextOverridesSchema), lv: v.optional(TextOverridesSchema) }),
  ),
});

export type CoachConfigInput = v.InferInput<typeof CoachConfigInputSchema>;

export interface ConfigError {
  /** Dotted path of the offending value, e.g. `rules.hold-check-back.intervalSeconds`; '' for the root. */
  path: string;
  message: string;
}

export type ParseConfigResult = { ok: true; config: CoachConfig } | { ok: false; errors: ConfigError[] };

/**
 * Validate `input` (e.g. parsed JSON) and merge it over the defaults. Returns every error, not
 * just the first, so the options page can show them all at once.
 */
export function parseCoachConfig(input: unknown): ParseConfigResult {
  const result = v.safeParse(CoachConfigInputSchema, input);
  if (!result.success) {
    return { ok: false, errors: result.issues.map(toConfigError) };
  }
  return { ok: true, config: mergeConfig(result.output) };
}

function toConfigError(issue: v.BaseIssue<unknown>): ConfigError {
  const path = v.getDotPath(issue) ?? '';
  // valibot reports an unknown key of a strict object as "Expected never"; say it plainly.
  const message = issue.expected === 'never' ? `Unknown key "${lastSegment(path)}"` : issue.message;
  return { path, message };
}

function lastSegment(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? path : path.slice(dot + 1);
}

function mergeConfig(input: v.InferOutput<typeof CoachConfigInputSchema>): CoachConfig {
  const rules = { ...DEFAULT_RULES } as Record<ConfigurableRuleId, RulesConfig[ConfigurableRuleId]>;
  for (const id of Object.keys(DEFAULT_RULES) as ConfigurableRuleId[]) {
    const given = input.rules?.[id];
    if (given) rules[id] = { ...DEFAULT_RULES[id], ...dropUndefined(given) };
  }
  const config: CoachConfig = {
    version: 1,
    language: input.language ?? DEFAULT_CONFIG.language,
    region: input.region ?? DEFAULT_CONFIG.region,
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
