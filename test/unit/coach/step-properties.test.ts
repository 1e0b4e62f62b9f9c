/**
 * Properties over random event sequences: whatever the order of events, however many, late or
 * repeated the ticks, and wherever the service worker restarts (a JSON round trip of the state),
 * no nudge key comes twice and the state survives storage unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_EVENT_TYPES, type CallEvent, type Party } from '../../../src/core/call-event';
import {
  DEFAULT_CONFIG,
  initialCoachState,
  step,
  type AgentNote,
  type CoachInput,
  type CoachState,
  type Effect,
  type NudgeResponse,
} from '../../../src/core/coach';
import { config, T0 } from './harness';

type Action =
  | { kind: 'event'; tab: number; call: string; type: CallEvent['type']; by: Party; flag: boolean; skewMs: number; dtMs: number }
  | { kind: 'tick'; dtMs: number }
  /** A tick exactly at wakeAt, as the shell would send; sometimes twice. */
  | { kind: 'tick-at-wake'; twice: boolean }
  | { kind: 'respond'; pick: number; response: NudgeResponse; dtMs: number }
  | { kind: 'tab-closed'; tab: number; dtMs: number }
  /** The agent notes something on a call card (the call may be unknown, live or finished). */
  | { kind: 'note'; tab: number; call: string; note: AgentNote; skewMs: number; dtMs: number }
  /** The service worker restarts: the state goes through storage. */
  | { kind: 'restart' };

const EVENT_TYPES = CALL_EVENT_TYPES;

const dt = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 15_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 15_000, max: 120_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 120_000, max: 20 * 60_000 }) },
);

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      tab: fc.integer({ min: 1, max: 2 }),
      call: fc.constantFrom('a', 'b'),
      // Starts, holds and ends twice as often: more calls get far enough to be coached.
      type: fc.constantFrom(...EVENT_TYPES, 'ringing', 'answered', 'held', 'resumed', 'held', 'ended'),
      by: fc.constantFrom<Party>('agent', 'remote'),
      flag: fc.boolean(),
      skewMs: fc.integer({ min: -5_000, max: 2_000 }),
      dtMs: dt,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), dtMs: dt }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick-at-wake' as const), twice: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('respond' as const),
      pick: fc.nat(),
      response: fc.oneof(
        fc.constant<NudgeResponse>({ type: 'dismissed' }),
        fc.constantFrom<NudgeResponse>({ type: 'answered', answer: 'yes' }, { type: 'answered', answer: 'no' }),
        fc.record({
          type: fc.constant('checked' as const),
          itemId: fc.constantFrom('recap', 'anything-else', 'thank', 'greeting', 'ownName', 'organization', 'offer', 'bogus'),
          checked: fc.boolean(),
        }),
      ),
      dtMs: dt,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tab-closed' as const), tab: fc.integer({ min: 1, max: 2 }), dtMs: dt }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('note' as const),
      tab: fc.integer({ min: 1, max: 2 }),
      call: fc.constantFrom('a', 'b'),
      note: fc.oneof(
        fc.record({ type: fc.constant('caller-name' as const), name: fc.constantFrom('', '  ', 'Jānis', ' Anna  Liepa ', '{seconds}', 'x'.repeat(130)) }),
        fc.record({
          type: fc.constant('greeting-part' as const),
          part: fc.constantFrom('greeting', 'ownName', 'organization', 'offer'),
          checked: fc.boolean(),
        }),
        fc.record({ type: fc.constant('message-taken' as const), messageId: fc.constantFrom('m-1', 'm-2') }),
      ),
      skewMs: fc.integer({ min: -5_000, max: 5_000 }),
      dtMs: dt,
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

function toEvent(a: Extract<Action, { kind: 'event' }>, at: number): CallEvent {
  const base = { callId: a.call, at, source: 'prop' };
  switch (a.type) {
    case 'ringing':
      return { ...base, type: 'ringing', direction: 'inbound', ...(a.flag ? { remote: { displayName: '{seconds} <b>x</b>' } } : {}) };
    case 'outbound-dialing':
      return { ...base, type: 'outbound-dialing', direction: 'outbound' };
    case 'answered':
      return { ...base, type: 'answered', direction: a.flag ? 'inbound' : 'outbound' };
    case 'held':
    case 'resumed':
      return { ...base, type: a.type, by: a.by };
    case 'transfer-started':
      return { ...base, type: 'transfer-started', by: a.by };
    case 'transfer-accepted':
      return { ...base, type: 'transfer-accepted', by: a.by, completed: a.flag };
    case 'transfer-failed':
      return { ...base, type: 'transfer-failed', by: a.by };
    case 'ended':
      return { ...base, type: 'ended', by: a.by };
    case 'missed':
      return { ...base, type: 'missed', direction: a.flag ? 'inbound' : 'outbound', by: a.by, reason: 'no-answer' };
    default:
      return { ...base, type: a.type } as CallEvent;
  }
}

const configs = [
  config(),
  config({ language: 'lv', region: 'north-america', rules: { 'hold-check-back': { intervalSeconds: 7 }, 'hold-overuse': { maxHolds: 1, maxHoldShare: 0 } } }),
  { ...config({ region: 'uk', organization: 'Acme', rules: { 'answer-window': { enabled: false }, closing: { enabled: false }, 'caller-name': { afterSeconds: 3 } } }), agentName: 'Anna' },
];

interface Run {
  /** The effects of each step. */
  steps: Effect[][];
  wakes: (number | null)[];
}

/**
 * Drive the coach through the actions. `restartEverywhere` round-trips the state through JSON
 * after every step (instead of only at `restart` actions); `check` runs after each step.
 */
function drive(
  actions: readonly Action[],
  cfgIndex: number,
  restartEverywhere: boolean,
  check?: (input: CoachInput, now: number, result: { state: CoachState; effects: Effect[]; wakeAt: number | null }) => void,
): Run {
  const cfg = configs[cfgIndex % configs.length] ?? DEFAULT_CONFIG;
  let state = initialCoachState();
  let now = T0;
  let wakeAt: number | null = null;
  const shownKeys: string[] = [];
  const run: Run = { steps: [], wakes: [] };

  const feed = (input: CoachInput) => {
    const result = step(state, input, now, cfg);
    check?.(input, now, result);
    state = restartEverywhere ? (JSON.parse(JSON.stringify(result.state)) as CoachState) : result.state;
    wakeAt = result.wakeAt;
    for (const e of result.effects) if (e.type === 'show-nudge') shownKeys.push(e.nudge.key);
    run.steps.push(result.effects);
    run.wakes.push(result.wakeAt);
  };

  for (const a of actions) {
    switch (a.kind) {
      case 'event':
        now += a.dtMs;
        feed({ kind: 'call-event', tabId: a.tab, event: toEvent(a, now + a.skewMs) });
        break;
      case 'tick':
        now += a.dtMs;
        feed({ kind: 'tick' });
        break;
      case 'tick-at-wake':
        if (wakeAt !== null) now = Math.max(now, wakeAt);
        feed({ kind: 'tick' });
        if (a.twice) feed({ kind: 'tick' });
        break;
      case 'respond': {
        now += a.dtMs;
        const key = shownKeys.length > 0 ? (shownKeys[a.pick % shownKeys.length] ?? '') : 'none|closing|1';
        feed({ kind: 'nudge-response', key, response: a.response, at: now });
        break;
      }
      case 'tab-closed':
        now += a.dtMs;
        feed({ kind: 'tab-closed', tabId: a.tab });
        break;
      case 'note':
        now += a.dtMs;
        feed({ kind: 'agent-note', callKey: `${a.tab}:${a.call}`, note: a.note, at: now + a.skewMs });
        break;
      case 'restart':
        state = JSON.parse(JSON.stringify(state)) as CoachState;
        break;
    }
  }
  return run;
}

/**
 * Where `value` holds anything JSON would not give back exactly: only plain objects and arrays,
 * strings, finite numbers other than -0, booleans and null; no `undefined` property (JSON drops
 * it). Plain code rather than one `expect` per leaf: this runs after every step of every run.
 */
function notPlainJson(value: unknown, path = '$'): string[] {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? [] : [`${path} = ${value}`];
  if (typeof value !== 'object') return [`${path} is ${typeof value}`];
  if (Array.isArray(value)) return value.flatMap((item, i) => notPlainJson(item, `${path}[${i}]`));
  if (Object.getPrototypeOf(value) !== Object.prototype) return [`${path} is not a plain object`];
  return Object.entries(value).flatMap(([k, v]) => notPlainJson(v, `${path}.${k}`));
}

const scenario = fc.record({ actions: fc.array(action, { minLength: 1, maxLength: 80, size: 'max' }), cfg: fc.nat({ max: 2 }) });

describe('the coach over random event sequences', () => {
  it('never shows a nudge key twice, keeps its state JSON-stable and never leaves a deadline overdue', () => {
    fc.assert(
      fc.property(scenario, ({ actions, cfg }) => {
        const seen = new Set<string>();
        drive(actions, cfg, false, (input, now, result) => {
          for (const e of result.effects) {
            if (e.type !== 'show-nudge') continue;
            expect(seen.has(e.nudge.key), `nudge ${e.nudge.key} shown twice`).toBe(false);
            seen.add(e.nudge.key);
            expect(e.nudge.key).toBe(`${e.nudge.callKey}|${e.nudge.ruleId}|${e.nudge.occurrence}`);
            expect(e.nudge.firedAt).toBeLessThanOrEqual(now);
          }
          expect(notPlainJson(result.state)).toEqual([]);
          for (const call of Object.values(result.state.calls)) {
            // One list of greeting ticks: the checklist's mirrors the record's, whoever ticked.
            const greeting = call.record.nudges.find((n) => n.ruleId === 'greeting');
            if (greeting) expect(greeting.checked ?? []).toEqual(call.record.greetingChecked ?? []);
          }
          if (result.wakeAt !== null) expect(result.wakeAt).toBeGreaterThan(now);
          const records = result.effects.filter((e) => e.type === 'record-call').map((e) => e.record.callKey);
          expect(new Set(records).size).toBe(records.length);
          expect(input).toBeDefined();
        });
      }),
      { numRuns: 300 },
    );
  });

  it('survives a JSON round trip unchanged at the end of every sequence', () => {
    fc.assert(
      fc.property(scenario, ({ actions, cfg }) => {
        let last = initialCoachState();
        drive(actions, cfg, false, (_input, _now, result) => {
          last = result.state;
        });
        expect(JSON.parse(JSON.stringify(last))).toStrictEqual(last);
      }),
      { numRuns: 100 },
    );
  });

  it('does the same with and without a restart between every two steps', () => {
    fc.assert(
      fc.property(scenario, ({ actions, cfg }) => {
        expect(drive(actions, cfg, true)).toEqual(drive(actions, cfg, false));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the state bounded over a long shift of calls', () => {
    const cfg = DEFAULT_CONFIG;
    let state = initialCoachState();
    let now = T0;
    // 600 calls: past both caps (50 finished calls kept, 200 retired keys) several times over.
    for (let i = 0; i < 600; i++) {
      const callId = `call-${i}`;
      for (const event of [
        { type: 'ringing', direction: 'inbound' },
        { type: 'answered', direction: 'inbound' },
        { type: 'held', by: 'agent' },
        { type: 'resumed', by: 'agent' },
        { type: 'ended', by: 'remote' },
      ] as const) {
        now += 3_000;
        state = step(state, { kind: 'call-event', tabId: 1 + (i % 3), event: { ...event, callId, at: now, source: 'p' } as CallEvent }, now, cfg).state;
      }
    }
    expect(Object.keys(state.calls).length).toBeLessThanOrEqual(50);
    expect(state.retired.length).toBeLessThanOrEqual(200);
  });
});
