/**
 * The score card of a practice call, pure: from what the agent did (the page's own log of
 * actions and their times) and which nudges the page showed, one entry per rule — what went
 * well, what to do better, and each nudge that fired with why it fired. Notes are message keys
 * with parameters (`_locales`, `practice_*`); texts.ts renders them in the agent's language.
 *
 * The card opens with the scenario's own rules, then every other rule the call reached (or
 * whose nudge fired), in the catalogue's order. Times are seconds since the call was offered (the phone began to ring),
 * except where a note says "after answering".
 */
import { answerWindow, ringAt } from './cadence';
import { CLOSING_LINES, DEPARTMENTS, GREETING_LINES, colleagueOf, scenarioOf, type Scenario } from './scenarios';
import type { PracticeKey } from './texts';
import type {
  AgentLineId,
  Bilingual,
  CallerHangUp,
  CallerLineId,
  ColleagueId,
  PracticeLogEntry,
  PracticeRules,
  RuleId,
  ScenarioId,
  ShownNudge,
} from './types';

/** The greeting should begin this soon after the answer. */
export const GREET_WITHIN_MS = 5_000;

export type Verdict = 'good' | 'improve' | 'not-reached';

/** A parameter of a note: a number (seconds, counts), a name, a text in both languages, or a list of keys. */
export type NoteParam = string | number | Bilingual | { list: readonly PracticeKey[] };

export interface ScoreNote {
  key: PracticeKey;
  params?: Readonly<Record<string, NoteParam>>;
}

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

/** Rules in the catalogue's order (the card's order after the scenario's own). */
const CATALOGUE: readonly RuleId[] = [
  'answer-window',
  'missed-call',
  'greeting',
  'caller-name',
  'hold-permission',
  'hold-check-back',
  'hold-overuse',
  'transfer-permission',
  'safe-hold',
  'take-message',
  'return-call',
  'closing',
  'professional-language',
  'voice-pace',
  'prepared',
];

// ─── facts from the log ─────────────────────────────────────────────────────────────────────

interface Said {
  at: number;
  index: number;
  line: AgentLineId;
  colleague?: ColleagueId;
}

interface Hold {
  clickAt?: number;
  start: number;
  end?: number;
  resumed: boolean;
}

interface Transfer {
  clickAt: number;
  colleague: ColleagueId;
  ok?: boolean;
  doneAt?: number;
}

interface Facts {
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

function factsOf(input: ScoreInput): Facts {
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

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

const saidBetween = (facts: Facts, line: AgentLineId, from: number, to: number): Said[] =>
  facts.said.filter((s) => s.line === line && s.at >= from && s.at <= to);

const callerSaid = (facts: Facts, line: CallerLineId, from = -Infinity, to = Infinity) =>
  facts.caller.filter((c) => c.line === line && c.at >= from && c.at <= to);

// ─── why each nudge fired ───────────────────────────────────────────────────────────────────

function whyOf(facts: Facts, nudge: ShownNudge): ScoreNote {
  const { rules } = facts;
  switch (nudge.ruleId) {
    case 'answer-window':
      return { key: 'practice_why_answer_window', params: { seconds: seconds(answerWindow(rules.region).untilMs) } };
    case 'missed-call':
      return { key: 'practice_why_missed_call' };
    case 'greeting':
      return { key: 'practice_why_greeting' };
    case 'caller-name':
      return { key: 'practice_why_caller_name', params: { seconds: rules.callerNameAfterSeconds } };
    case 'hold-permission':
      return { key: nudge.kind === 'question' ? 'practice_why_hold_question' : 'practice_why_hold_before' };
    case 'hold-check-back': {
      const hold = [...facts.holds].reverse().find((h) => h.start <= nudge.at);
      return {
        key: 'practice_why_check_back',
        params: { seconds: Math.round((nudge.at - (hold?.start ?? nudge.at)) / 1000), limit: rules.checkBackSeconds },
      };
    }
    case 'hold-overuse':
      return { key: 'practice_why_hold_overuse' };
    case 'transfer-permission':
      return { key: nudge.kind === 'question' ? 'practice_why_transfer_question' : 'practice_why_transfer_before' };
    case 'safe-hold':
      return { key: 'practice_why_safe_hold' };
    case 'closing': {
      const before = facts.hangupClickAt !== undefined && nudge.at >= facts.hangupClickAt && (facts.end === undefined || nudge.at < facts.end.at);
      return { key: before ? 'practice_why_closing_before' : 'practice_why_closing_after' };
    }
    default:
      return { key: 'practice_why_other' };
  }
}

// ─── the rules ──────────────────────────────────────────────────────────────────────────────

interface Draft {
  wentWell: ScoreNote[];
  improve: ScoreNote[];
  tips: ScoreNote[];
  /** The call never got to where this rule applies. */
  notReached?: boolean;
}

const draft = (): Draft => ({ wentWell: [], improve: [], tips: [] });

function answerWindowRule(facts: Facts): Draft {
  const d = draft();
  const { region } = facts.rules;
  const window = answerWindow(region);
  const a = facts.answeredAt;
  if (a === undefined) {
    if (!facts.end) d.notReached = true;
    else d.improve.push({ key: 'practice_score_answer_none', params: { rings: ringAt(facts.end.at - 1, region) } });
    return d;
  }
  const params = { seconds: seconds(a), ring: ringAt(a, region), from: seconds(window.fromMs), until: seconds(window.untilMs) };
  if (a < window.fromMs) d.improve.push({ key: 'practice_score_answer_early', params });
  else if (a < window.untilMs) d.wentWell.push({ key: 'practice_score_answer_on_time', params });
  else d.improve.push({ key: 'practice_score_answer_late', params });
  return d;
}

function missedCallRule(facts: Facts, focus: boolean): Draft {
  const d = draft();
  if (facts.answeredAt !== undefined) {
    // Worth saying only where missed calls are what the scenario practises.
    if (focus) d.wentWell.push({ key: 'practice_score_missed_none' });
    else d.notReached = true;
  } else if (!facts.end) d.notReached = true;
  else d.tips.push({ key: 'practice_score_missed_return' });
  return d;
}

const PART_KEYS: Readonly<Partial<Record<AgentLineId, PracticeKey>>> = {
  greet: 'practice_part_greet',
  'own-name': 'practice_part_own_name',
  organization: 'practice_part_organization',
  offer: 'practice_part_offer',
  recap: 'practice_item_recap',
  'anything-else': 'practice_item_anything_else',
  'thank-you': 'practice_item_thank',
};

/** The first time each of `lines` was said in [from, to], in the order said. */
function firstOf(facts: Facts, lines: readonly AgentLineId[], from: number, to: number): Said[] {
  const first: Said[] = [];
  for (const s of facts.said) {
    if (s.at < from || s.at > to || !lines.includes(s.line) || first.some((f) => f.line === s.line)) continue;
    first.push(s);
  }
  return first;
}

const inOrder = (said: readonly Said[], order: readonly AgentLineId[]): boolean =>
  said.every((s, i) => {
    const before = said[i - 1];
    return before === undefined || order.indexOf(before.line) < order.indexOf(s.line);
  });

const listOf = (lines: readonly AgentLineId[]): { list: PracticeKey[] } => ({
  list: lines.map((l) => PART_KEYS[l]).filter((k): k is PracticeKey => k !== undefined),
});

function greetingRule(facts: Facts): Draft {
  const d = draft();
  const a = facts.answeredAt;
  if (a === undefined) {
    d.notReached = true;
    return d;
  }
  const said = firstOf(facts, GREETING_LINES, a, facts.end?.at ?? Infinity);
  const missing = GREETING_LINES.filter((l) => !said.some((s) => s.line === l));
  const startedAfter = said[0] ? said[0].at - a : undefined;
  if (missing.length) d.improve.push({ key: 'practice_score_greeting_missing', params: { parts: listOf(missing) } });
  if (!inOrder(said, GREETING_LINES)) d.improve.push({ key: 'practice_score_greeting_order' });
  if (startedAfter !== undefined && startedAfter > GREET_WITHIN_MS) {
    d.improve.push({ key: 'practice_score_greeting_late', params: { seconds: seconds(startedAfter) } });
  }
  if (d.improve.length === 0 && startedAfter !== undefined) {
    d.wentWell.push({ key: 'practice_score_greeting_all', params: { seconds: seconds(startedAfter) } });
  }
  return d;
}

function callerNameRule(facts: Facts, focus: boolean, nudges: readonly ShownNudge[]): Draft {
  const d = draft();
  const a = facts.answeredAt;
  if (a === undefined) {
    d.notReached = true;
    return d;
  }
  const limitMs = facts.rules.callerNameAfterSeconds * 1000;
  const asked = saidBetween(facts, 'ask-name', a, facts.end?.at ?? Infinity)[0];
  if (!asked) {
    // A call over before the reminder was due is no failure unless names are what it practises.
    if (focus || (facts.end?.at ?? facts.lastAt) - a >= limitMs) d.improve.push({ key: 'practice_score_name_never' });
    else d.notReached = true;
    return d;
  }
  const after = asked.at - a;
  const params = { seconds: seconds(after), limit: facts.rules.callerNameAfterSeconds };
  if (after <= limitMs) d.wentWell.push({ key: 'practice_score_name_asked', params });
  else d.improve.push({ key: 'practice_score_name_late', params });
  const given = callerSaid(facts, 'name', asked.at)[0];
  if (given) {
    if (facts.said.some((s) => s.line === 'use-name' && s.at >= given.at)) d.wentWell.push({ key: 'practice_score_name_used' });
    else if (focus) d.improve.push({ key: 'practice_score_name_not_used' });
  }
  if (nudges.some((n) => n.ruleId === 'caller-name' && n.at >= asked.at)) d.tips.push({ key: 'practice_tip_name_card' });
  return d;
}

function holdPermissionRule(facts: Facts): Draft {
  const d = draft();
  if (facts.holds.length === 0) {
    d.notReached = true;
    return d;
  }
  let asked = 0;
  let unasked = 0;
  let noWait = 0;
  let since = facts.answeredAt ?? 0;
  for (const hold of facts.holds) {
    const click = hold.clickAt ?? hold.start;
    const ask = saidBetween(facts, 'ask-hold', since, click).at(-1);
    if (!ask) unasked++;
    else if (callerSaid(facts, 'hold-yes', ask.at, click).length) asked++;
    else noWait++;
    since = hold.end ?? hold.start;
  }
  if (asked) d.wentWell.push({ key: 'practice_score_hold_asked', params: { count: asked } });
  if (noWait) d.improve.push({ key: 'practice_score_hold_no_wait', params: { count: noWait } });
  if (unasked) d.improve.push({ key: 'practice_score_hold_unasked', params: { count: unasked } });
  return d;
}

function checkBackRule(facts: Facts): Draft {
  const d = draft();
  if (facts.holds.length === 0) {
    d.notReached = true;
    return d;
  }
  const limit = facts.rules.checkBackSeconds;
  const longest = Math.max(...facts.holds.map((h) => (h.end ?? h.start) - h.start));
  const callerLeft = facts.end?.reason === 'hold-too-long';
  if (callerLeft) d.improve.push({ key: 'practice_score_hold_caller_left', params: { seconds: seconds(longest) } });
  else if (longest <= limit * 1000) d.wentWell.push({ key: 'practice_score_hold_back_in_time', params: { seconds: seconds(longest), limit } });
  else d.improve.push({ key: 'practice_score_hold_back_late', params: { seconds: seconds(longest), limit } });
  const resumed = facts.holds.filter((h) => h.resumed);
  if (resumed.length) {
    const thanked = resumed.every((h) => {
      const next = facts.said.find((s) => s.at >= (h.end ?? 0));
      return next?.line === 'thank-hold';
    });
    if (thanked) d.wentWell.push({ key: 'practice_score_hold_thanked' });
    else d.tips.push({ key: 'practice_tip_hold_thank' });
  }
  return d;
}

function holdOveruseRule(facts: Facts, nudges: readonly ShownNudge[]): Draft {
  const d = draft();
  if (nudges.some((n) => n.ruleId === 'hold-overuse')) d.improve.push({ key: 'practice_score_hold_overuse', params: { count: facts.holds.length } });
  else d.notReached = true;
  return d;
}

function transferRule(facts: Facts): Draft {
  const d = draft();
  const { scenario } = facts;
  const needs = scenario.needs;
  if (facts.transfers.length === 0) {
    if (needs && facts.end && facts.answeredAt !== undefined) {
      d.improve.push({ key: 'practice_score_transfer_none', params: { department: DEPARTMENTS[needs].name } });
    } else {
      d.notReached = true;
    }
    return d;
  }
  let since = facts.answeredAt ?? 0;
  for (const transfer of facts.transfers) {
    const colleague = colleagueOf(transfer.colleague);
    const announced = facts.said.some(
      (s) => s.line === 'announce-transfer' && s.at >= since && s.at <= transfer.clickAt && (s.colleague === undefined || s.colleague === transfer.colleague),
    );
    const params = { colleague: colleague.name, department: DEPARTMENTS[colleague.department].name };
    if (announced) d.wentWell.push({ key: 'practice_score_transfer_announced', params });
    else d.improve.push({ key: 'practice_score_transfer_unannounced', params });
    if (needs && colleague.department !== needs) {
      d.improve.push({ key: 'practice_score_transfer_wrong', params: { department: DEPARTMENTS[needs].name } });
    }
    if (transfer.ok === false) d.tips.push({ key: 'practice_tip_transfer_failed', params: { colleague: colleague.name } });
    since = transfer.doneAt ?? transfer.clickAt;
  }
  return d;
}

function safeHoldRule(facts: Facts): Draft {
  const d = draft();
  const end = facts.end;
  if (!end || end.by !== 'agent') {
    d.notReached = true;
    return d;
  }
  const windowMs = facts.rules.safeHoldSeconds * 1000;
  const lastHold = facts.holds.at(-1);
  const lastFailed = [...facts.transfers].reverse().find((t) => t.ok === false);
  const since = Math.max(lastHold?.start ?? -Infinity, lastFailed?.doneAt ?? -Infinity);
  if (Number.isFinite(since) && end.at - since <= windowMs) {
    d.improve.push({ key: 'practice_score_safe_hold', params: { seconds: seconds(end.at - since) } });
  } else {
    d.notReached = true;
  }
  return d;
}

function takeMessageRule(facts: Facts): Draft {
  const d = draft();
  const asksFor = facts.scenario.asksFor;
  const offered = facts.said.some((s) => s.line === 'colleague-out' && (asksFor === undefined || s.colleague === undefined || s.colleague === asksFor));
  if (!asksFor && !offered) {
    d.notReached = true;
    return d;
  }
  if (facts.answeredAt === undefined) {
    d.notReached = true;
    return d;
  }
  const missing: PracticeKey[] = [];
  if (!offered) missing.push('practice_item_offer');
  if (!callerSaid(facts, 'name').length) missing.push('practice_item_name');
  if (!callerSaid(facts, 'number').length) missing.push('practice_item_number');
  const readBack = facts.said.filter((s) => s.line === 'read-back');
  // The caller's answer to the read-back: their next line.
  const confirmed = readBack.some((r) => facts.caller.find((c) => c.index > r.index)?.line === 'confirm');
  if (!confirmed) missing.push('practice_item_read_back');
  if (!facts.said.some((s) => s.line === 'promise-callback')) missing.push('practice_item_callback');
  if (missing.length === 0) d.wentWell.push({ key: 'practice_score_message_complete' });
  else d.improve.push({ key: 'practice_score_message_missing', params: { items: { list: missing } } });
  return d;
}

function closingRule(facts: Facts): Draft {
  const d = draft();
  const { end } = facts;
  const a = facts.answeredAt;
  // Closing applies to a conversation that ended as one: not to a transfer, and not when the caller walked away.
  if (a === undefined || !end || end.by === 'transfer' || end.reason === 'hold-too-long' || end.reason === 'silence') {
    d.notReached = true;
    return d;
  }
  const until = facts.hangupClickAt ?? end.at;
  const said = firstOf(facts, CLOSING_LINES, a, until);
  const missing = CLOSING_LINES.filter((l) => !said.some((s) => s.line === l));
  if (missing.length) d.improve.push({ key: 'practice_score_closing_missing', params: { items: listOf(missing) } });
  if (!inOrder(said, CLOSING_LINES)) d.improve.push({ key: 'practice_score_closing_order' });
  if (d.improve.length === 0) d.wentWell.push({ key: 'practice_score_closing_all' });
  return d;
}

function ruleDraft(ruleId: RuleId, facts: Facts, focus: boolean, nudges: readonly ShownNudge[]): Draft {
  switch (ruleId) {
    case 'answer-window':
      return answerWindowRule(facts);
    case 'missed-call':
      return missedCallRule(facts, focus);
    case 'greeting':
      return greetingRule(facts);
    case 'caller-name':
      return callerNameRule(facts, focus, nudges);
    case 'hold-permission':
      return holdPermissionRule(facts);
    case 'hold-check-back':
      return checkBackRule(facts);
    case 'hold-overuse':
      return holdOveruseRule(facts, nudges);
    case 'transfer-permission':
      return transferRule(facts);
    case 'safe-hold':
      return safeHoldRule(facts);
    case 'take-message':
      return takeMessageRule(facts);
    case 'closing':
      return closingRule(facts);
    default:
      return { ...draft(), notReached: true };
  }
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
