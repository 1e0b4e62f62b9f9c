/** Small builders for timeline tests: events at seconds from 09:00:00Z, files, configs. */
import { DEFAULT_CONFIG, parseCoachConfig, type CoachConfig, type CoachConfigInput } from '../../../src/core/coach';
import { TIMELINE_FORMAT, parseTimeline, type Timeline, type TimelineCall, type TimelineEvent } from '../../../src/core/timeline';

/** 2025-03-04T09:00:00Z */
export const BASE = Date.UTC(2025, 2, 4, 9);

/** ISO time `seconds` after BASE. */
export const at = (seconds: number): string => new Date(BASE + Math.round(seconds * 1000)).toISOString();

type Fields<T extends TimelineEvent['type']> = Omit<Extract<TimelineEvent, { type: T }>, 'type' | 'at'>;

export const e = {
  ringing: (s: number, remote?: { displayName?: string; number?: string }): TimelineEvent => ({
    at: at(s),
    type: 'ringing',
    direction: 'inbound',
    ...(remote ? { remote } : {}),
  }),
  dialing: (s: number): TimelineEvent => ({ at: at(s), type: 'outbound-dialing', direction: 'outbound' }),
  answered: (s: number, direction: 'inbound' | 'outbound' = 'inbound'): TimelineEvent => ({ at: at(s), type: 'answered', direction }),
  holdRequested: (s: number): TimelineEvent => ({ at: at(s), type: 'hold-requested' }),
  held: (s: number, by: 'agent' | 'remote' = 'agent'): TimelineEvent => ({ at: at(s), type: 'held', by }),
  resumed: (s: number, by: 'agent' | 'remote' = 'agent'): TimelineEvent => ({ at: at(s), type: 'resumed', by }),
  transferRequested: (s: number): TimelineEvent => ({ at: at(s), type: 'transfer-requested' }),
  transferStarted: (s: number, fields: Partial<Fields<'transfer-started'>> = {}): TimelineEvent => ({
    at: at(s),
    type: 'transfer-started',
    by: 'agent',
    ...fields,
  }),
  transferAccepted: (s: number, completed = false, by: 'agent' | 'remote' = 'agent'): TimelineEvent => ({
    at: at(s),
    type: 'transfer-accepted',
    by,
    completed,
  }),
  transferFailed: (s: number, by: 'agent' | 'remote' = 'agent'): TimelineEvent => ({ at: at(s), type: 'transfer-failed', by, status: 486 }),
  hangupRequested: (s: number): TimelineEvent => ({ at: at(s), type: 'hangup-requested' }),
  ended: (s: number, by: 'agent' | 'remote' = 'remote'): TimelineEvent => ({ at: at(s), type: 'ended', by }),
  missed: (s: number, fields: Partial<Fields<'missed'>> = {}): TimelineEvent => ({
    at: at(s),
    type: 'missed',
    direction: 'inbound',
    by: 'remote',
    reason: 'caller-abandoned',
    ...fields,
  }),
};

export const timeline = (calls: TimelineCall[], extra: Partial<Timeline> = {}): Timeline => {
  const t: Timeline = { format: TIMELINE_FORMAT, version: 1, calls, ...extra };
  const checked = parseTimeline(JSON.parse(JSON.stringify(t)));
  if (!checked.ok) throw new Error(`bad test timeline: ${JSON.stringify(checked.errors)}`);
  return t;
};

export function config(input: CoachConfigInput = {}): CoachConfig {
  if (Object.keys(input).length === 0) return DEFAULT_CONFIG;
  const parsed = parseCoachConfig(input);
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.errors)}`);
  return parsed.config;
}
