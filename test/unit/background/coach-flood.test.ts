/**
 * One page cannot stop coaching in another tab (issue 11, finding 1): 10,000 REFERs on one call
 * and 10,000 made-up Call-IDs from one frame, while an honest call in another tab is coached
 * exactly as it is alone. The persisted state stays under FLOOD_STATE_BOUND_CHARS throughout.
 */
import { describe, expect, it } from 'vitest';
import { createCoachRunner, MAX_SNAPSHOT_CHARS, type TabMessage } from '../../../src/background/coach-runner';
import { isCoachStateKey } from '../../../src/core/coach/snapshot';
import { fakeStorage, storedCoach } from './fake-storage';
import { DEFAULT_CONFIG, MAX_LIVE_CALLS_PER_TAB, MAX_RECORD_TRANSFERS, type CallRecord, type Nudge } from '../../../src/core/coach';
import type { CallEvent } from '../../../src/core/call-event';
import { expectedConsole } from '../console-capture';

/** The bound this test holds the persisted coach state to (README, "Bounded state"). */
const FLOOD_STATE_BOUND_CHARS = 400_000;
const FLOODS = 10_000;
const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const FLOOD_TAB = 1;
const FLOOD_FRAME = 5;
const HONEST_TAB = 2;

function worker(clock: { now: number }, options: { refuseSaves?: boolean } = {}) {
  const session = fakeStorage();
  const stored = session.data;
  let largest = 0;
  let saves = 0;
  const shown: Nudge[] = [];
  const tabMessages: [number, TabMessage][] = [];
  const records = new Map<string, CallRecord>();
  const runner = createCoachRunner({
    now: () => clock.now,
    loadConfig: async () => DEFAULT_CONFIG,
    session: {
      ...session,
      set: async (items) => {
        if (options.refuseSaves && Object.keys(items).some(isCoachStateKey)) throw new Error('Session storage quota bytes exceeded');
        saves++;
        await session.set(items);
        // The whole persisted state after this save: every key of the coach's.
        largest = Math.max(largest, [...stored].filter(([key]) => isCoachStateKey(key)).reduce((sum, [, json]) => sum + json.length, 0));
      },
    },
    sendToTab: async (tabId, message) => {
      if (message.type === 'showNudge') shown.push(message.payload.nudge);
      else tabMessages.push([tabId, message]);
      return { shown: true };
    },
    setAlarm: async () => undefined,
    saveRecords: async (list) => {
      for (const record of list) records.set(record.callKey, structuredClone(record));
    },
    setTimer: () => () => undefined,
  });
  return { runner, stored, shown, tabMessages, records, largest: () => largest, saves: () => saves };
}

const at = (seconds: number) => T0 + seconds * 1000;

/** The honest call in its own tab: rung, answered late, held without asking, checked back on, ended. */
const HONEST: [number, CallEvent][] = [
  [1, { type: 'ringing', direction: 'inbound', callId: 'honest', at: at(1), source: 'sip-websocket', remote: { displayName: 'Anna', number: '+37120000000' } }],
  [13, { type: 'answered', direction: 'inbound', callId: 'honest', at: at(13), source: 'sip-websocket' }],
  [20, { type: 'held', by: 'agent', callId: 'honest', at: at(20), source: 'sip-websocket' }],
  [80, { type: 'resumed', by: 'agent', callId: 'honest', at: at(80), source: 'sip-websocket' }],
  [95, { type: 'ended', by: 'agent', callId: 'honest', at: at(95), source: 'sip-websocket' }],
];

/** Run the honest call, and with `flood` the flood beside it, on a simulated clock (a tick every second, as a tab's timer). */
async function run(flood: boolean, options: { refuseSaves?: boolean } = {}) {
  const clock = { now: T0 };
  const w = worker(clock, options);
  const honest = [...HONEST];
  let nextTick = 1;
  const advanceTo = async (time: number) => {
    for (;;) {
      const eventAt = honest.length > 0 ? at(honest[0]![0]) : Infinity;
      const tickAt = at(nextTick);
      if (Math.min(eventAt, tickAt) > time) break;
      if (eventAt <= tickAt) {
        const [, event] = honest.shift()!;
        clock.now = eventAt;
        await w.runner.input({ kind: 'call-event', tabId: HONEST_TAB, event }, HONEST_TAB, 0);
      } else {
        clock.now = tickAt;
        nextTick++;
        await w.runner.input({ kind: 'tick' }, HONEST_TAB);
      }
    }
    clock.now = time;
  };
  if (flood) {
    const floodEvent = (e: Partial<CallEvent>) => ({ callId: 'flood', source: 'sip-websocket', at: clock.now, ...e }) as CallEvent;
    await w.runner.input({ kind: 'call-event', tabId: FLOOD_TAB, event: floodEvent({ type: 'ringing', direction: 'inbound' }) }, FLOOD_TAB, FLOOD_FRAME);
    await w.runner.input({ kind: 'call-event', tabId: FLOOD_TAB, event: floodEvent({ type: 'answered', direction: 'inbound' }) }, FLOOD_TAB, FLOOD_FRAME);
    // Spread over the honest call's 100 s: 200 flood events a second.
    for (let i = 0; i < FLOODS; i++) {
      await advanceTo(T0 + i * 5);
      await w.runner.input(
        { kind: 'call-event', tabId: FLOOD_TAB, event: floodEvent({ type: 'transfer-started', by: i % 2 ? 'agent' : 'remote', target: `sip:${i}@flood.example` }) },
        FLOOD_TAB,
        FLOOD_FRAME,
        `flood-run:${i}`,
      );
    }
    for (let i = 0; i < FLOODS; i++) {
      await advanceTo(T0 + 50_000 + i * 5);
      const event = { type: 'ringing', direction: 'inbound', callId: `made-up-${i}`, at: clock.now, source: 'sip-websocket' } as CallEvent;
      await w.runner.input({ kind: 'call-event', tabId: FLOOD_TAB, event }, FLOOD_TAB, FLOOD_FRAME, `flood-run:${FLOODS + i}`);
    }
  }
  await advanceTo(at(120));
  // The history is written when the coach's queue is idle.
  await w.runner.settled();
  return w;
}

const honestNudges = (w: { shown: Nudge[] }) => w.shown.filter((n) => n.tabId === HONEST_TAB).map(({ key, text, firedAt }) => ({ key, text, firedAt }));

describe('a flood in one tab', () => {
  it('leaves the honest call in another tab coached as it is alone, with the state bounded', async () => {
    const alone = await run(false);
    const flooded = await run(true);

    // The honest call: every nudge, on time, and its whole record.
    expect(honestNudges(alone).map((n) => n.key)).toEqual(
      expect.arrayContaining(['2:honest|answer-window|1', '2:honest|hold-permission|1', '2:honest|hold-check-back|1', '2:honest|closing|1']),
    );
    expect(honestNudges(flooded)).toEqual(honestNudges(alone));
    expect(flooded.records.get('2:honest')).toEqual(alone.records.get('2:honest'));
    expect(flooded.records.get('2:honest')).toMatchObject({ outcome: 'answered', endedAt: at(95), holds: [{ start: at(20), end: at(80), by: 'agent' }] });

    // The flood: bounded, and what was dropped is counted.
    expect(flooded.largest()).toBeLessThan(FLOOD_STATE_BOUND_CHARS);
    expect(FLOOD_STATE_BOUND_CHARS).toBeLessThan(MAX_SNAPSHOT_CHARS);
    const floodRecord = flooded.records.get(`${FLOOD_TAB}:flood`)!;
    expect(floodRecord.transfers).toHaveLength(MAX_RECORD_TRANSFERS);
    expect(floodRecord.dropped?.transfers).toBe(FLOODS - MAX_RECORD_TRANSFERS);
    const persisted = storedCoach(flooded.stored);
    const liveInFloodTab = Object.values(persisted.coach.calls as Record<string, { phase: string; record: CallRecord }>).filter(
      (c) => c.record.tabId === FLOOD_TAB && (c.phase === 'ringing' || c.phase === 'connected'),
    );
    expect(liveInFloodTab.length).toBeLessThanOrEqual(MAX_LIVE_CALLS_PER_TAB);
    // Frame owners go with their calls: no more of them than calls held.
    expect(Object.keys(persisted.owners).length).toBeLessThanOrEqual(Object.keys(persisted.coach.calls).length);
    expect(persisted.eventKeys.length).toBeLessThanOrEqual(200);
  }, 180_000);

  it('goes on coaching from memory when every save is refused, and says so', async () => {
    const errors = expectedConsole('error');
    const refused = await run(false, { refuseSaves: true });
    // Said once, when it began (not at every step).
    expect(errors).toEqual(['[Second Ring] coach state not saved (Session storage quota bytes exceeded); coaching goes on from memory']);
    const alone = await run(false);
    expect(honestNudges(refused)).toEqual(honestNudges(alone));
    expect(refused.records.get('2:honest')).toEqual(alone.records.get('2:honest'));
    const status = await refused.runner.status();
    expect(status.memoryOnly?.reason).toContain('quota');
  });
});
