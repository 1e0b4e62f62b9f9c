/**
 * What a rule is: one module under src/core/coach/rules/, named by its catalogue id, holding
 * everything about it — its settings schema and defaults, the option page's thresholds, its
 * text ids, what it does on each moment of a call (the coach's hooks), how a replay explains
 * it, and how practice scores it. `registry.ts` lists them; everything else reads them there.
 *
 * The coach's engine (step.ts) owns the call lifecycle (calls, phases, records, deadlines,
 * pruning) and calls the hooks of every rule at each moment, in the registry's order (the
 * catalogue's); at the end of a call, by `endOrder` first. A hook checks its own rule's
 * `enabled`: some work (a request's time, a name noted on the card) is kept even when it is off.
 */
import * as v from 'valibot';
import { SIP_OBSERVABILITY, type CallEvent, type CallEventOf, type MissedReason, type Observability, type Party } from '../../call-event';
import type { Facts, Draft, ScoreNote } from '../../practice/facts';
import type { ShownNudge } from '../../practice/types';
import type { TextParams } from '../format-text';
import type { CoachConfig } from '../config';
import type { CallState, Deadline, OpenNudge } from '../step';
import type { AgentNote, CallRecord, ChecklistItem, Effect, Language, Nudge, RuleId, Severity } from '../types';

/** A `*-requested` this recent (ms) before hold/transfer started means the "before" reminder came in time. */
export const REQUEST_WINDOW_MS = 10_000;

/** What the call's source can observe: absent means SIP (adapters and timelines written before it existed). */
export const observesOf = (record: CallRecord): Observability => record.observes ?? SIP_OBSERVABILITY;

// ─── settings ───────────────────────────────────────────────────────────────────────────────

const SeveritySchema = v.picklist(['info', 'nudge', 'urgent'] as const satisfies readonly Severity[]);

/** Every rule has these two settings. */
export const ruleBase = { enabled: v.boolean(), severity: SeveritySchema };

/** A number in [min, max]: seconds or minutes, as the setting's name says. */
export const numberIn = (min: number, max: number) => v.pipe(v.number(), v.minValue(min), v.maxValue(max));

/**
 * What the signal behind a rule needs (rules-catalogue.md): `call` works on any supported
 * softphone, `agent` needs the agent's input in our UI, `audio` and `speech` need sources the
 * product does not have yet, so those rules can be configured but stay silent.
 */
export type RuleSignal = 'call' | 'agent' | 'call+agent' | 'audio' | 'speech';

export type Unit = 'seconds' | 'minutes' | 'percent' | 'count';

/** A numeric setting as the options page shows it. */
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

// ─── the coach's hooks ──────────────────────────────────────────────────────────────────────

/** One call as a rule sees it in a hook: its state (already copied: safe to change) and helpers. */
export interface RuleCall<S, T extends string> {
  readonly key: string;
  readonly call: CallState;
  readonly now: number;
  readonly config: CoachConfig;
  /** This rule's settings in force. */
  readonly settings: S;
  /** A text of the configured language (the team's override, else the default). */
  text(id: T | CommonTextId, params?: TextParams): string;
  /** Show a nudge of this rule (the next occurrence: a key is never reused) and record it. */
  show(kind: Nudge['kind'], body: string, firedAt: number, items?: readonly ChecklistItem[]): void;
  /** Take this rule's open nudges (those `which` picks) off the screen. */
  withdraw(which?: (n: OpenNudge) => boolean): void;
  /** An unanswered question of this rule is still on screen. */
  hasOpenQuestion(): boolean;
  /** Any other effect (e.g. the ring counter). */
  effect(effect: Effect): void;
}

/** A text another rule's nudge uses as part of its own: the stand-in for an unknown caller. */
export type CommonTextId = 'missed-call.unknown-caller';

/** How a call ended, for the end hooks. */
export interface CallEnd {
  by?: Party;
  endReason?: string;
  missedReason?: MissedReason;
  /** False for tab-closed and stale calls: nobody is there to read a nudge. */
  coach: boolean;
  /** Inbound and still ringing when it was missed. */
  wasRinging: boolean;
}

/** A call for a read-only look first (`peek`), copied only when the rule changes it (`edit`). */
export interface RulePlan<S, T extends string> {
  readonly key: string;
  readonly peek: CallState;
  readonly now: number;
  readonly settings: S;
  edit(): RuleCall<S, T>;
}

export interface CoachHooks<S, T extends string> {
  /** Where its `onEnded` runs among the rules' (lower first, then registry order; default 0). */
  endOrder?: number;
  /** An inbound call began ringing. */
  onRinging?(c: RuleCall<S, T>, at: number): void;
  /** The call connected (answered, or first seen answered). */
  onAnswered?(c: RuleCall<S, T>, at: number): void;
  /** An event applied to a connected call (holds, transfers, hang-up request), after the record has it. */
  onEvent?(c: RuleCall<S, T>, event: CallEvent, at: number): void;
  /** Every end, coached or not: stop what runs (timers, counters, pending requests). */
  onClose?(c: RuleCall<S, T>, at: number): void;
  /** The call was never answered. */
  onMissed?(c: RuleCall<S, T>, at: number, end: CallEnd): void;
  /** An answered call ended and someone is there to read a nudge (`endOrder`, then registry order). */
  onEnded?(c: RuleCall<S, T>, at: number, end: CallEnd): void;
  /** One of this rule's deadlines came due (already removed from the call). */
  onDeadline?(c: RuleCall<S, T>, deadline: Deadline): void;
  /** Every step, before deadlines fire: plan, re-plan or drop this rule's deadlines on each call. */
  plan?(p: RulePlan<S, T>): void;
  /** A note from the call card; true when the rule took it and the record changed. */
  onNote?(p: RulePlan<S, T>, note: AgentNote, at: number): boolean;
  /**
   * Evidence that the agent did something (any phase: a name is often noted after the call);
   * true when the rule took it (the event is then recorded with the call).
   */
  onEvidence?(c: RuleCall<S, T>, event: CallEventOf<'evidence'>, at: number): boolean;
  /** An item of this rule's checklist was ticked or unticked; true when the record changed. */
  onChecked?(c: RuleCall<S, T>, entry: CallRecord['nudges'][number], itemId: string, checked: boolean, at: number): boolean;
}

// ─── replay ─────────────────────────────────────────────────────────────────────────────────

/** What made the coach show a nudge: an event of the call, or one of its deadlines coming due. */
export type Trigger = { kind: 'event'; event: CallEvent } | { kind: 'deadline'; at: number };

export interface ExplainContext {
  config: CoachConfig;
  /** The call's record as of the step that showed the nudge (or the last one, for quiet rules). */
  record: CallRecord;
  /** Epoch ms of the call's first event: times are given from there. */
  start: number;
}

/** The context with the rule's own settings in force. */
export interface RuleExplainContext<S> extends ExplainContext {
  settings: S;
}

export interface ExplainHooks<S> {
  /**
   * Quiet on a call never connected (its quiet sentence is then "never connected"): every rule
   * but those about the ringing.
   */
  connectedOnly: boolean;
  /** One sentence on why `nudge` fired. */
  nudge(nudge: Nudge, trigger: Trigger, ctx: RuleExplainContext<S>): string;
  /** Why the rule (enabled, checked) showed nothing on this call. */
  quiet(ctx: RuleExplainContext<S>): string;
}

// ─── practice ───────────────────────────────────────────────────────────────────────────────

export interface PracticeHooks {
  /** Why one of its nudges fired. */
  why?(facts: Facts, nudge: ShownNudge): ScoreNote;
  /** What went well and what to do better; `focus`: the scenario practises this rule. */
  score?(facts: Facts, focus: boolean, nudges: readonly ShownNudge[]): Draft;
}

// ─── the options page's preview ─────────────────────────────────────────────────────────────

/** Stand-ins the options page fills a previewed nudge with. */
export interface PreviewSample {
  agent: string;
  organization: string;
  caller: string;
}

export interface PreviewHooks<S> {
  /** Values for its texts' placeholders, from its settings in force (every rule's are offered to every preview). */
  params?(settings: S, sample: PreviewSample): TextParams;
  /** The items of its checklist when they are not its own texts (the greeting's parts). */
  items?(config: CoachConfig, language: Language, sample: PreviewSample): ChecklistItem[];
  /** The page's ring counter belongs to it. */
  ringCounter?: boolean;
}

// ─── the module ─────────────────────────────────────────────────────────────────────────────

/** The settings schema every rule has: a strict object with at least `enabled` and `severity`. */
export type SettingsSchema = v.StrictObjectSchema<typeof ruleBase & v.ObjectEntries, undefined>;

export interface RuleModule<Id extends RuleId, Schema extends SettingsSchema, T extends `${Id}.${string}`> {
  id: Id;
  signal: RuleSignal;
  settings: Schema;
  defaults: v.InferOutput<Schema>;
  /** Every numeric setting, in the units a team lead thinks in (a unit test holds them to the schema). */
  thresholds: readonly ThresholdMeta[];
  /** Every text id it shows, `<rule id>.<purpose>`; each needs `nudge_<rule>__<purpose>` in both locales. */
  texts: readonly T[];
  /** Texts that are parts of another nudge (checklist items, stand-ins), not nudges of their own. */
  fragments?: readonly T[];
  /** The kind of the nudge each text is shown as, where not a toast (the options page's preview). */
  kinds?: Partial<Record<T, Nudge['kind']>>;
  /** The checklist items its checklist nudges carry (the preview fills them in). */
  checklist?: readonly { id: string; textId: T }[];
  preview?: PreviewHooks<v.InferOutput<Schema>>;
  coach?: CoachHooks<v.InferOutput<Schema>, T>;
  explain?: ExplainHooks<v.InferOutput<Schema>>;
  practice?: PracticeHooks;
}

/** Identity, for inference: `export const rule = defineRule({ … })` keeps every literal type. */
export function defineRule<const Id extends RuleId, Schema extends SettingsSchema, const T extends `${Id}.${string}`>(
  rule: RuleModule<Id, Schema, T>,
): RuleModule<Id, Schema, T> {
  return rule;
}
