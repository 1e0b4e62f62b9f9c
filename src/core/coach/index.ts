/** The coach's public API: the pure step, its rules, configuration, texts and ring windows. */
export type * from './types';
export {
  step,
  initialCoachState,
  callKeyOf,
  nudgeKeyOf,
  KEEP_FINISHED_MS,
  MAX_FINISHED_CALLS,
  STALE_LIVE_MS,
  MAX_COACHED_LIVE_CALLS,
  MAX_RETIRED_KEYS,
  MAX_RECORD_EVENTS,
  MAX_RECORD_NUDGES,
  MAX_RECORD_HOLDS,
  MAX_RECORD_TRANSFERS,
  MAX_OPEN_NUDGES_PER_CALL,
  MAX_LIVE_CALLS_PER_TAB,
  type CoachState,
  type CallState,
  type CallPhase,
  type Deadline,
  type OpenNudge,
} from './step';
export { RULES, RULE_BY_ID, type AnyRule, type RuleOf } from './rules/registry';
export { REQUEST_WINDOW_MS, type ExplainContext, type Trigger } from './rules/rule';
export { CLOSING_ITEMS } from './rules/closing';
export { GREETING_PARTS } from './rules/greeting';
export { MAX_CALLER_NAME_CHARS } from './rules/caller-name';
export { MAX_RECORD_MESSAGES, MAX_MESSAGE_ID_CHARS } from './rules/take-message';
export {
  parseCoachConfig,
  DEFAULT_CONFIG,
  CoachConfigInputSchema,
  RULE_SETTINGS,
  type CoachConfig,
  type CoachConfigInput,
  type ConfigError,
  type ConfigurableRuleId,
  type ParseConfigResult,
  type RulesConfig,
  type TextOverrides,
} from './config';
export { DEFAULT_TEXTS, TEXT_IDS, formatText, type TextId, type TextParams, type TextTable } from './texts';
export {
  classifyAnswer,
  ringNumberAt,
  DEFAULT_RING_REGION,
  RING_CADENCES,
  RING_REGIONS,
  RING_WINDOWS,
  type RingCadence,
  type RingRegion,
  type RingWindows,
} from './ring';
