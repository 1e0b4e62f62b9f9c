/** Call timelines: the file format, records → timeline, and the replay of the coach on one. */
export {
  CALL_START_TYPES,
  DEFAULT_TIMELINE_SOURCE,
  DEFAULT_TIMELINE_TAB,
  TIMELINE_FORMAT,
  TIMELINE_VERSION,
  TimelineCallSchema,
  TimelineEventSchema,
  TimelineSchema,
  describeValue,
  formatIsoTime,
  formatPath,
  parseIsoTime,
  parseTimeline,
  toCallEvent,
  type ParseTimelineResult,
  type Timeline,
  type TimelineCall,
  type TimelineError,
  type TimelineEvent,
} from './format';
export { toTimeline, type TimelineNote, type ToTimelineOptions } from './records';
export { EXPLAINED_RULES, explainNudge, explainQuiet, type ExplainContext, type ExplainedRuleId, type Trigger } from './explain';
export {
  DEFAULT_MAX_TICKS,
  replayTimeline,
  type QuietRule,
  type ReplayNudge,
  type ReplayOptions,
  type ReplayResult,
} from './replay';
