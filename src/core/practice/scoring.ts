/**
 * The score card of a practice call, pure: from what the agent did (the page's own log of
 * actions and their times) and which nudges the page showed, one entry per rule — what went
 * well, what to do better, and each nudge that fired with why it fired. Notes are message keys
 * with parameters (`_locales`, `practice_*`); texts.ts renders them in the agent's language.
 *
 * The card opens with the scenario's own rules, then every other rule the call reached (or
 * whose nudge fired), in the catalogue's order. Times are seconds since the call was offered (the phone began to ring),
 * except where a note says "after answering". Each rule scores itself in its module
 * (src/core/coach/rules/<rule-id>.ts, `practice`); facts.ts reads the log.
 */
import { RULES, RULE_BY_ID, type AnyRule } from '../coach/rules/registry';
import type { PracticeHooks } from '../coach/rules/rule';
import { draft, factsOf, seconds, type Draft, type Facts, type ScoreNote } from './facts';
import type { PracticeLogEntry, PracticeRules, RuleId, ScenarioId, ShownNudge } from './types';

export { GREET_WITHIN_MS, type NoteParam, type ScoreNote } from './facts';

export type Verdict = 'good' | 'improve' | 'not-reached';

export interface ScoredNudge {
  key: string;
  /** Seconds since the call was offered. */
  at: number;
  kind: ShownNudge['kind'];
  /** As the page showed it. */
  text: string;
  why: ScoreNote;
}

export interface RuleScore {
  ruleId: RuleId;
  /** One of the rules this scenario practises. */
  focus: boolean;
  verdict: Verdict;
  wentWell: ScoreNote[];
  improve: ScoreNote[];
  tips: ScoreNote[];
  nudges: ScoredNudge[];
}

export type CallOutcome = 'missed' | 'completed' | 'transferred' | 'caller-hung-up' | 'in-progress';

export interface ScoreCard {
  scenario: ScenarioId;
  outcome: CallOutcome;
  /** Seconds from the first ring to the end of the call (or the last entry). */
  duration: number;
  rules: RuleScore[];
}

export interface ScoreInput {
  scenario: ScenarioId;
  rules: PracticeRules;
  log: readonly PracticeLogEntry[];
  nudges: readonly ShownNudge[];
}

/** Rules in the catalogue's order (the card's order after the scenario's own): the registry's. */
const CATALOGUE: readonly RuleId[] = RULES.map((rule) => rule.id);

/** How a rule scores itself in practice (its module's `practice`); none: never reached. */
const practiceOf = (ruleId: RuleId): PracticeHooks => (RULE_BY_ID[ruleId] as AnyRule).practice ?? {};

function whyOf(facts: Facts, nudge: ShownNudge): ScoreNote {
  return practiceOf(nudge.ruleId).why?.(facts, nudge) ?? { key: 'practice_why_other' };
}

function ruleDraft(ruleId: RuleId, facts: Facts, focus: boolean, nudges: readonly ShownNudge[]): Draft {
  return practiceOf(ruleId).score?.(facts, focus, nudges) ?? { ...draft(), notReached: true };
}

// ─── the card ───────────────────────────────────────────────────────────────────────────────

function outcomeOf(facts: Facts): CallOutcome {
  if (!facts.end) return 'in-progress';
  if (facts.answeredAt === undefined) return 'missed';
  if (facts.end.by === 'transfer') return 'transferred';
  if (facts.end.by === 'caller') return 'caller-hung-up';
  return 'completed';
}

export function scoreCall(input: ScoreInput): ScoreCard {
  const facts = factsOf(input);
  const focus = facts.scenario.focus;
  const order = [...focus, ...CATALOGUE.filter((id) => !focus.includes(id))];
  const rules: RuleScore[] = [];
  for (const ruleId of order) {
    const isFocus = focus.includes(ruleId);
    const enabled = input.rules.enabled[ruleId] !== false;
    const nudges = input.nudges
      .filter((n) => n.ruleId === ruleId)
      .sort((a, b) => a.at - b.at)
      .map((n) => ({ key: n.key, at: seconds(n.at), kind: n.kind, text: n.text, why: whyOf(facts, n) }));
    if (!enabled && !isFocus && nudges.length === 0) continue;
    const d = ruleDraft(ruleId, facts, isFocus, input.nudges);
    if (!enabled) d.tips.push({ key: 'practice_tip_rule_off' });
    // Not reached: the call never got to where the rule applies (its nudges, if any, still listed with why).
    const reached = !d.notReached || d.improve.length > 0;
    if (!isFocus && !reached && nudges.length === 0) continue;
    const verdict: Verdict = !reached ? 'not-reached' : d.improve.length > 0 ? 'improve' : 'good';
    const improve = !reached && isFocus ? [{ key: 'practice_score_not_reached' } as const] : d.improve;
    rules.push({ ruleId, focus: isFocus, verdict, wentWell: d.wentWell, improve, tips: d.tips, nudges });
  }
  const endAt = facts.end?.at ?? facts.lastAt;
  return { scenario: input.scenario, outcome: outcomeOf(facts), duration: seconds(endAt), rules };
}
