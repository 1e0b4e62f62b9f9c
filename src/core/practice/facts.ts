/**
 * What a practice call's log says happened (the facts every rule's score reads), and the small
 * helpers the rules' scoring shares. Each rule scores itself in its module
 * (src/core/coach/rules/<rule-id>.ts, `practice`); scoring.ts puts the card together.
 */
import { scenarioOf, type Scenario } from './scenarios';
import type { PracticeKey } from './texts';
import type { AgentLineId, Bilingual, CallerHangUp, CallerLineId, ColleagueId, PracticeLogEntry, PracticeRules, ScenarioId } from './types';


/** The greeting should begin this soon after the answer. */
export const GREET_WITHIN_MS = 5_000;

/** A parameter of a note: a number (seconds, counts), a name, a text in both languages, or a list of keys. */
export type NoteParam = string | number | Bilingual | { list: readonly PracticeKey[] };

export interface ScoreNote {
  key: PracticeKey;
  params?: Readonly<Record<string, NoteParam>>;
}

/** What factsOf reads: the scenario, the rules in force and the page's log. */
export interface FactsInput {
  scenario: ScenarioId;
  rules: PracticeRules;
  log: readonly PracticeLogEntry[];
}

// ─── facts from the log ─────────────────────────────────────────────────────────────────────

export interface Said {
  at: number;
  index: number;
  line: AgentLineId;
  colleague?: ColleagueId;
}

export interface Hold {
  clickAt?: number;
  start: number;
  end?: number;
  resumed: boolean;
}

export interface Transfer {
  clickAt: number;
  colleague: ColleagueId;
  ok?: boolean;
  doneAt?: number;
}

export interface Facts {
  scenario: Scenario;
  rules: PracticeRules;
  answeredAt?: number;
  end?: { at: number; by: 'agent' | 'caller' | 'transfer'; reason?: CallerHangUp };
  hangupClickAt?: number;
  /** The last time in the log: the end, or where a call in progress got to. */
  lastAt: number;
  said: Said[];
  caller: { at: number; index: number; line: CallerLineId }[];
  holds: Hold[];
  transfers: Transfer[];
}

export function factsOf(input: FactsInput): Facts {
  const facts: Facts = {
    scenario: scenarioOf(input.scenario),
    rules: input.rules,
    lastAt: 0,
    said: [],
    caller: [],
    holds: [],
    transfers: [],
  };
  let holdClickAt: number | undefined;
  input.log.forEach((entry, index) => {
    facts.lastAt = Math.max(facts.lastAt, entry.at);
    switch (entry.type) {
      case 'answered':
        facts.answeredAt ??= entry.at;
        break;
      case 'said':
        if (entry.line) facts.said.push({ at: entry.at, index, line: entry.line, ...(entry.colleague ? { colleague: entry.colleague } : {}) });
        break;
      case 'caller-said':
        facts.caller.push({ at: entry.at, index, line: entry.line });
        break;
      case 'hold-clicked':
        holdClickAt = entry.at;
        break;
      case 'held':
        facts.holds.push({ ...(holdClickAt !== undefined ? { clickAt: holdClickAt } : {}), start: entry.at, resumed: false });
        holdClickAt = undefined;
        break;
      case 'resumed': {
        const hold = facts.holds.at(-1);
        if (hold && hold.end === undefined) {
          hold.end = entry.at;
          hold.resumed = true;
        }
        break;
      }
      case 'transfer-clicked':
        facts.transfers.push({ clickAt: entry.at, colleague: entry.colleague });
        break;
      case 'transfer-done': {
        const transfer = facts.transfers.at(-1);
        if (transfer) {
          transfer.ok = entry.ok;
          transfer.doneAt = entry.at;
        }
        break;
      }
      case 'hangup-clicked':
        facts.hangupClickAt ??= entry.at;
        break;
      case 'ended':
        facts.end ??= { at: entry.at, by: entry.by, ...(entry.reason ? { reason: entry.reason } : {}) };
        break;
      default:
        break;
    }
  });
  const endAt = facts.end?.at ?? facts.lastAt;
  for (const hold of facts.holds) hold.end ??= endAt;
  return facts;
}

export const seconds = (ms: number): number => Math.round(ms / 100) / 10;

export const saidBetween = (facts: Facts, line: AgentLineId, from: number, to: number): Said[] =>
  facts.said.filter((s) => s.line === line && s.at >= from && s.at <= to);

export const callerSaid = (facts: Facts, line: CallerLineId, from = -Infinity, to = Infinity) =>
  facts.caller.filter((c) => c.line === line && c.at >= from && c.at <= to);

// ─── what a rule scores ──────────────────────────────────────────────────────────────────────────────

export interface Draft {
  wentWell: ScoreNote[];
  improve: ScoreNote[];
  tips: ScoreNote[];
  /** The call never got to where this rule applies. */
  notReached?: boolean;
}

export const draft = (): Draft => ({ wentWell: [], improve: [], tips: [] });

export const PART_KEYS: Readonly<Partial<Record<AgentLineId, PracticeKey>>> = {
  greet: 'practice_part_greet',
  'own-name': 'practice_part_own_name',
  organization: 'practice_part_organization',
  offer: 'practice_part_offer',
  recap: 'practice_item_recap',
  'anything-else': 'practice_item_anything_else',
  'thank-you': 'practice_item_thank',
};

/** The first time each of `lines` was said in [from, to], in the order said. */
export function firstOf(facts: Facts, lines: readonly AgentLineId[], from: number, to: number): Said[] {
  const first: Said[] = [];
  for (const s of facts.said) {
    if (s.at < from || s.at > to || !lines.includes(s.line) || first.some((f) => f.line === s.line)) continue;
    first.push(s);
  }
  return first;
}

export const inOrder = (said: readonly Said[], order: readonly AgentLineId[]): boolean =>
  said.every((s, i) => {
    const before = said[i - 1];
    return before === undefined || order.indexOf(before.line) < order.indexOf(s.line);
  });

export const listOf = (lines: readonly AgentLineId[]): { list: PracticeKey[] } => ({
  list: lines.map((l) => PART_KEYS[l]).filter((k): k is PracticeKey => k !== undefined),
});

