/**
 * Every rule of the catalogue, in the catalogue's order (shared/rules-catalogue.md): the one list
 * the coach, its configuration schema and texts, the options page, the replay's explanations,
 * practice scoring and the managed-storage schema are derived from. A new rule is a module in
 * this folder and one line here (test/unit/conventions.test.ts checks both).
 */
import type { RuleId } from '../types';
import { answerWindowRule } from './answer-window';
import { missedCallRule } from './missed-call';
import { greetingRule } from './greeting';
import { callerNameRule } from './caller-name';
import { holdPermissionRule } from './hold-permission';
import { holdCheckBackRule } from './hold-check-back';
import { holdOveruseRule } from './hold-overuse';
import { transferPermissionRule } from './transfer-permission';
import { safeHoldRule } from './safe-hold';
import { takeMessageRule } from './take-message';
import { returnCallRule } from './return-call';
import { closingRule } from './closing';
import { professionalLanguageRule } from './professional-language';
import { voicePaceRule } from './voice-pace';
import { preparedRule } from './prepared';

export const RULES = [
  answerWindowRule,
  missedCallRule,
  greetingRule,
  callerNameRule,
  holdPermissionRule,
  holdCheckBackRule,
  holdOveruseRule,
  transferPermissionRule,
  safeHoldRule,
  takeMessageRule,
  returnCallRule,
  closingRule,
  professionalLanguageRule,
  voicePaceRule,
  preparedRule,
] as const;

export type AnyRule = (typeof RULES)[number];

/** A catalogue rule left out above is a compile error here (and a failing conventions test). */
type Missing = Exclude<RuleId, AnyRule['id']>;
const complete: [Missing] extends [never] ? true : Missing = true;
void complete;

/** The rule of each id. */
export type RuleOf<Id extends RuleId> = Extract<AnyRule, { id: Id }>;

/** Every text id of every rule, in the registry's order. */
export type TextId = AnyRule['texts'][number];

export const RULE_BY_ID = Object.fromEntries(RULES.map((rule) => [rule.id, rule])) as { [Id in RuleId]: RuleOf<Id> };
