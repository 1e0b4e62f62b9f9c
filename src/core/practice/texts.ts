/**
 * The practice page's strings and the score card in the agent's language, from `_locales`
 * (keys `practice_*`; rule names are the options page's `rule_<id>_name`). Placeholders are
 * `{name}`, filled in one pass; numbers get the language's decimal mark.
 */
import en from '../../../_locales/en/messages.json';
import lv from '../../../_locales/lv/messages.json';
import type { CallOutcome, NoteParam, ScoreCard, ScoreNote, Verdict } from './scoring';
import type { Language, RuleId, ScenarioId } from './types';

export type PracticeKey = Extract<keyof typeof en, `practice_${string}`>;

type Table = Readonly<Record<string, { message: string } | undefined>>;
const TABLES: Readonly<Record<Language, Table>> = { en, lv };

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** "10.5" / "10,5"; whole numbers without decimals. */
export function formatNumber(value: number, language: Language): string {
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return language === 'lv' ? text.replace('.', ',') : text;
}

/** Always one decimal: "10.0". */
export function formatTenths(value: number, language: Language): string {
  const text = value.toFixed(1);
  return language === 'lv' ? text.replace('.', ',') : text;
}

function lookup(language: Language, key: string): string {
  const entry = TABLES[language][key] ?? TABLES.en[key];
  return entry ? entry.message : `[${key}]`;
}

function param(value: NoteParam, language: Language): string {
  if (typeof value === 'number') return formatNumber(value, language);
  if (typeof value === 'string') return value;
  if ('list' in value) return joinList(value.list.map((key) => lookup(language, key)), language);
  return value[language];
}

/** "a, b and c" / "a, b un c". */
export function joinList(items: readonly string[], language: Language): string {
  if (items.length <= 1) return items.join('');
  const and = language === 'lv' ? 'un' : 'and';
  return `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}`;
}

/** A practice string; unknown placeholders stay as they are. */
export function practiceText(
  language: Language,
  key: PracticeKey,
  params: Readonly<Record<string, NoteParam>> = {},
): string {
  return lookup(language, key).replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    return value === undefined ? whole : param(value, language);
  });
}

export const noteText = (note: ScoreNote, language: Language): string => practiceText(language, note.key, note.params);

/** Any other string of `_locales` (e.g. the coach's stand-ins for a missing name). */
export const localeText = (language: Language, key: keyof typeof en): string => lookup(language, key);

export const ruleName = (ruleId: RuleId, language: Language): string => lookup(language, `rule_${ruleId.replace(/-/g, '_')}_name`);

const scenarioPart = (id: ScenarioId): string => id.replace(/-/g, '_');
export const scenarioTitle = (id: ScenarioId, language: Language): string => lookup(language, `practice_scenario_${scenarioPart(id)}_title`);
export const scenarioGoal = (id: ScenarioId, language: Language): string => lookup(language, `practice_scenario_${scenarioPart(id)}_goal`);

const VERDICT_KEYS: Readonly<Record<Verdict, PracticeKey>> = {
  good: 'practice_verdict_good',
  improve: 'practice_verdict_improve',
  'not-reached': 'practice_verdict_not_reached',
};

const OUTCOME_KEYS: Readonly<Record<CallOutcome, PracticeKey>> = {
  missed: 'practice_outcome_missed',
  completed: 'practice_outcome_completed',
  transferred: 'practice_outcome_transferred',
  'caller-hung-up': 'practice_outcome_caller_hung_up',
  'in-progress': 'practice_outcome_in_progress',
};

export interface RenderedNudge {
  key: string;
  ruleId: RuleId;
  /** "+10.0 s" / "+10,0 s". */
  at: string;
  text: string;
  why: string;
}

export interface RenderedRule {
  ruleId: RuleId;
  focus: boolean;
  name: string;
  verdict: Verdict;
  verdictLabel: string;
  wentWell: string[];
  improve: string[];
  tips: string[];
  nudges: RenderedNudge[];
}

export interface RenderedCard {
  scenario: ScenarioId;
  title: string;
  outcome: string;
  rules: RenderedRule[];
}

export function renderScoreCard(card: ScoreCard, language: Language): RenderedCard {
  return {
    scenario: card.scenario,
    title: practiceText(language, 'practice_card_title', { scenario: scenarioTitle(card.scenario, language) }),
    outcome: `${practiceText(language, OUTCOME_KEYS[card.outcome])} ${practiceText(language, 'practice_card_duration', { seconds: card.duration })}`,
    rules: card.rules.map((rule) => ({
      ruleId: rule.ruleId,
      focus: rule.focus,
      name: ruleName(rule.ruleId, language),
      verdict: rule.verdict,
      verdictLabel: practiceText(language, VERDICT_KEYS[rule.verdict]),
      wentWell: rule.wentWell.map((n) => noteText(n, language)),
      improve: rule.improve.map((n) => noteText(n, language)),
      tips: rule.tips.map((n) => noteText(n, language)),
      nudges: rule.nudges.map((n) => ({
        key: n.key,
        ruleId: rule.ruleId,
        at: practiceText(language, 'practice_card_nudge_at', { seconds: formatTenths(n.at, language) }),
        text: n.text,
        why: noteText(n.why, language),
      })),
    })),
  };
}
