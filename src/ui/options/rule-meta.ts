/**
 * What the options page needs to know about each rule beyond its schema: its thresholds' units
 * and ranges (a unit test checks them against the schema), its texts, and a sample of its nudge
 * for "Show me this nudge". Pure: no DOM, no browser.
 */
import {
  RULE_SETTINGS,
  RULE_SIGNALS,
  type CoachConfig,
  type ConfigurableRuleId,
} from '../../core/coach/config';
import { CLOSING_ITEMS } from '../../core/coach/step';
import { DEFAULT_TEXTS, TEXT_IDS, formatText, type TextId, type TextParams } from '../../core/coach/texts';
import { RING_CADENCES } from '../../core/coach/ring';
import type { Language, Nudge, RingStatus } from '../../core/coach/types';

export const RULE_IDS = Object.keys(RULE_SETTINGS) as ConfigurableRuleId[];

export type Unit = 'seconds' | 'minutes' | 'percent' | 'count';

export interface ThresholdMeta {
  key: string;
  unit: Unit;
  /** Valid range in the units shown. */
  min: number;
  max: number;
  /** Shown = stored × scale. */
  scale?: number;
  integer?: boolean;
}

/** Every numeric setting of every rule (the schema's ranges, in the units a team lead thinks in). */
export const RULE_THRESHOLDS: Readonly<Record<ConfigurableRuleId, readonly ThresholdMeta[]>> = {
  'answer-window': [],
  'missed-call': [],
  greeting: [],
  'caller-name': [{ key: 'afterSeconds', unit: 'seconds', min: 1, max: 600 }],
  'hold-permission': [],
  'hold-check-back': [{ key: 'intervalSeconds', unit: 'seconds', min: 1, max: 3600 }],
  'hold-overuse': [
    { key: 'maxHolds', unit: 'count', min: 1, max: 100, integer: true },
    { key: 'maxHoldShare', unit: 'percent', min: 0, max: 100, scale: 100 },
  ],
  'transfer-permission': [],
  'safe-hold': [{ key: 'windowSeconds', unit: 'seconds', min: 1, max: 60 }],
  'take-message': [{ key: 'reminderMinutes', unit: 'minutes', min: 1, max: 24 * 60 }],
  'return-call': [{ key: 'reminderLeadMinutes', unit: 'minutes', min: 1, max: 24 * 60 }],
  closing: [],
  'professional-language': [],
  'voice-pace': [{ key: 'deadAirSeconds', unit: 'seconds', min: 1, max: 600 }],
  prepared: [],
};

/** Rules that can be set up but stay silent: their signal needs a source the product lacks. */
export function missingSourceOf(rule: ConfigurableRuleId): 'audio' | 'speech' | undefined {
  const signal = RULE_SIGNALS[rule];
  return signal === 'audio' || signal === 'speech' ? signal : undefined;
}

export const ruleOfText = (id: TextId): string => id.slice(0, id.indexOf('.'));

export const textIdsOf = (rule: ConfigurableRuleId): TextId[] => TEXT_IDS.filter((id) => ruleOfText(id) === rule);

/** Texts that are parts of another nudge (checklist items, a stand-in for a caller's name). */
const FRAGMENTS: ReadonlySet<TextId> = new Set<TextId>([
  'missed-call.unknown-caller',
  'greeting.no-agent-name',
  'greeting.no-organization',
  'closing.recap',
  'closing.anything-else',
  'closing.thank',
]);

export const textOf = (config: CoachConfig, language: Language, id: TextId): string =>
  config.texts?.[language]?.[id] ?? DEFAULT_TEXTS[language][id];

export interface PreviewSample {
  agent: string;
  organization: string;
  caller: string;
}

export interface Preview {
  nudges: Nudge[];
  rings: RingStatus[];
}

const kindOf = (id: TextId): Nudge['kind'] =>
  id.endsWith('.question') ? 'question' : id === 'closing.before' || id === 'closing.after' ? 'checklist' : 'toast';

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

  if (rule === 'greeting') {
    const parts = config.greeting[language];
    const params = { agent: sample.agent, organization: sample.organization };
    const items = (['greeting', 'ownName', 'organization', 'offer'] as const).map((part) => ({
      id: part,
      text: formatText(parts[part], params),
    }));
    // As the coach shows it on answer: its intro, and the four parts to tick.
    return { nudges: [nudge(1, 'checklist', textOf(config, language, 'greeting.intro'), items)], rings: [] };
  }

  const params: TextParams = {
    caller: sample.caller,
    rings: 4,
    seconds:
      rule === 'hold-check-back'
        ? settings['hold-check-back'].intervalSeconds
        : Math.min(3, settings['safe-hold'].windowSeconds),
    holds: settings['hold-overuse'].maxHolds,
    percent: Math.min(100, Math.round(settings['hold-overuse'].maxHoldShare * 100) + 10),
  };
  const ids = textIdsOf(rule).filter((id) => !FRAGMENTS.has(id));
  if (ids.length === 0) return undefined;
  const closingItems = CLOSING_ITEMS.map((item) => ({ id: item.id, text: textOf(config, language, item.textId) }));
  const nudges = ids.map((id, i) => {
    const kind = kindOf(id);
    return nudge(i + 1, kind, formatText(textOf(config, language, id), params), kind === 'checklist' ? closingItems : undefined);
  });
  const rings: RingStatus[] = [];
  if (rule === 'answer-window') {
    const cadence = RING_CADENCES[config.region];
    // Half a second into ring 2: the counter says "answer now".
    rings.push({ callKey: 'preview', startedAt: now - cadence.periodMs - 500, onMs: cadence.onMs, offMs: cadence.offMs, answerNowFromRing: 2 });
  }
  return { nudges, rings };
}
