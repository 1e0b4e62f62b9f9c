/**
 * What the options page needs to know about each rule beyond its schema: its thresholds' units
 * and ranges (a unit test checks them against the schema), its texts, and a sample of its nudge
 * for "Show me this nudge". Pure: no DOM, no browser.
 */
import { RULE_SIGNALS, type CoachConfig, type ConfigurableRuleId } from '../../core/coach/config';
import { DEFAULT_TEXTS, TEXT_IDS, formatText, type TextId } from '../../core/coach/texts';
import { RING_CADENCES } from '../../core/coach/ring';
import { RULES, RULE_BY_ID, type AnyRule } from '../../core/coach/rules/registry';
import type { PreviewHooks, PreviewSample, ThresholdMeta } from '../../core/coach/rules/rule';
import type { Language, Nudge, RingStatus } from '../../core/coach/types';

export type { PreviewSample, ThresholdMeta, Unit } from '../../core/coach/rules/rule';

/** Every rule of the catalogue, in its order (the registry's). */
export const RULE_IDS: ConfigurableRuleId[] = RULES.map((rule) => rule.id);

/** Every numeric setting of every rule (the schema's ranges, in the units a team lead thinks in), from its module. */
export const RULE_THRESHOLDS: Readonly<Record<ConfigurableRuleId, readonly ThresholdMeta[]>> = Object.fromEntries(
  RULES.map((rule) => [rule.id, rule.thresholds]),
) as Record<ConfigurableRuleId, readonly ThresholdMeta[]>;

/** A rule's preview, seen through the shape every rule's has. */
const previewHooksOf = (rule: AnyRule): PreviewHooks<unknown> => (rule.preview ?? {}) as PreviewHooks<unknown>;

/** A rule's module, seen through the shape every rule has. */
const ruleOf = (rule: ConfigurableRuleId): AnyRule => RULE_BY_ID[rule] as AnyRule;

/** Rules that can be set up but stay silent: their signal needs a source the product lacks. */
export function missingSourceOf(rule: ConfigurableRuleId): 'audio' | 'speech' | undefined {
  const signal = RULE_SIGNALS[rule];
  return signal === 'audio' || signal === 'speech' ? signal : undefined;
}

export const ruleOfText = (id: TextId): string => id.slice(0, id.indexOf('.'));

export const textIdsOf = (rule: ConfigurableRuleId): TextId[] => TEXT_IDS.filter((id) => ruleOfText(id) === rule);

/** Texts that are parts of another nudge (checklist items, a stand-in for a caller's name), from the rules' modules. */
const FRAGMENTS: ReadonlySet<TextId> = new Set<TextId>(RULES.flatMap((rule): readonly TextId[] => rule.fragments ?? []));

export const textOf = (config: CoachConfig, language: Language, id: TextId): string =>
  config.texts?.[language]?.[id] ?? DEFAULT_TEXTS[language][id];

export interface Preview {
  nudges: Nudge[];
  rings: RingStatus[];
}

const kindOf = (id: TextId): Nudge['kind'] => (ruleOf(ruleOfText(id) as ConfigurableRuleId).kinds as Partial<Record<TextId, Nudge['kind']>> | undefined)?.[id] ?? 'toast';

/** The greeting filled in, as the agent would say it. */
export function greetingLine(config: CoachConfig, language: Language, sample: Pick<PreviewSample, 'agent' | 'organization'>): string {
  const parts = config.greeting[language];
  const params = { agent: sample.agent, organization: sample.organization };
  return [parts.greeting, parts.ownName, parts.organization, parts.offer].map((p) => formatText(p, params)).join(' ');
}

/**
 * Sample nudges of a rule, filled in with the thresholds in force; undefined when the rule has
 * no nudge text yet.
 */
export function previewOf(
  rule: ConfigurableRuleId,
  config: CoachConfig,
  language: Language,
  sample: PreviewSample,
  now: number,
): Preview | undefined {
  const settings = config.rules;
  const severity = settings[rule].severity;
  const nudge = (n: number, kind: Nudge['kind'], text: string, items?: Nudge['items']): Nudge => ({
    key: `preview:${rule}:${n}`,
    callKey: 'preview',
    tabId: 0,
    ruleId: rule,
    occurrence: n,
    severity,
    kind,
    text,
    ...(items ? { items } : {}),
    firedAt: now,
  });

  // Every rule's placeholders filled with the settings in force, the previewed rule's own last.
  const params: Record<string, string | number> = {};
  for (const other of [...RULES.filter((r) => r.id !== rule), ruleOf(rule)]) {
    Object.assign(params, previewHooksOf(other).params?.(config.rules[other.id], sample));
  }
  const ids = textIdsOf(rule).filter((id) => !FRAGMENTS.has(id));
  if (ids.length === 0) return undefined;
  const checklist: readonly { id: string; textId: TextId }[] = ruleOf(rule).checklist ?? [];
  const checklistItems =
    previewHooksOf(ruleOf(rule)).items?.(config, language, sample) ?? checklist.map((item) => ({ id: item.id, text: textOf(config, language, item.textId) }));
  const nudges = ids.map((id, i) => {
    const kind = kindOf(id);
    return nudge(i + 1, kind, formatText(textOf(config, language, id), params), kind === 'checklist' ? checklistItems : undefined);
  });
  const rings: RingStatus[] = [];
  if (previewHooksOf(ruleOf(rule)).ringCounter) {
    const cadence = RING_CADENCES[config.region];
    // Half a second into ring 2: the counter says "answer now".
    rings.push({ callKey: 'preview', startedAt: now - cadence.periodMs - 500, onMs: cadence.onMs, offMs: cadence.offMs, answerNowFromRing: 2 });
  }
  return { nudges, rings };
}
