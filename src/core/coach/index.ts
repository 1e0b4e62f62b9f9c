/** The coach's public API: the pure step, its configuration, texts and ring windows. */
export type * from './types';
export {
  step,
  initialCoachState,
  callKeyOf,
  nudgeKeyOf,
  CLOSING_ITEMS,
  REQUEST_WINDOW_MS,
  KEEP_FINISHED_MS,
  MAX_FINISHED_CALLS,
  STALE_LIVE_MS,
  MAX_LIVE_CALLS,
  MAX_RETIRED_KEYS,
  MAX_RECORD_EVENTS,
  MAX_RECORD_NUDGES,
  type CoachState,
  type CallState,
  type CallPhase,
  type Deadline,
  type OpenNudge,
} from './step';
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
