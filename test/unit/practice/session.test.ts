import { describe, expect, it } from 'vitest';
import type { PracticePhoneSignal } from '../../../src/core/practice/channel';
import { scenarioOf } from '../../../src/core/practice/scenarios';
import type { ScenarioId } from '../../../src/core/practice/types';
import { ACTION_DELAY_MS, INCOMING_AFTER_MS, PracticeSession, REPLY_DELAY_MS, TRANSFER_RINGS_OUT_MS } from '../../../src/ui/practice/session';

/** A hand-wound clock: timers run when time is advanced past them, in order. */
function clock() {
  let now = 1_000_000;
  let timers: { at: number; id: number; run: () => void }[] = [];
  let ids = 0;
  return {
    now: () => now,
    setTimer(run: () => void, delayMs: number) {
      const id = ++ids;
      timers.push({ at: now + delayMs, id, run });
      return () => (timers = timers.filter((t) => t.id !== id));
    },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const next = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
        if (!next) break;
        timers = timers.filter((t) => t !== next);
        now = next.at;
        next.run();
      }
      now = end;
    },
  };
}

function phone(id: ScenarioId) {
  const time = clock();
  const signals: PracticePhoneSignal[] = [];
  const ring: string[] = [];
  const session = new PracticeSession(
    {
      scenario: scenarioOf(id),
      language: 'en',
      rules: { region: 'europe', callerNameAfterSeconds: 20, checkBackSeconds: 45, safeHoldSeconds: 5, enabled: {} },
      agentName: 'Gene',
      organization: 'Du Bois Services',
      greeting: { greet: 'Hello,', 'own-name': 'this is Gene', organization: 'with Du Bois Services.', offer: 'How can I help you today?' },
    },
    { now: time.now, setTimer: time.setTimer, dispatch: (s) => signals.push(s), ringtone: { start: () => ring.push('start'), stop: () => ring.push('stop') } },
  );
  /** The phone's own state changes; what was said (evidence for the coach) is `saidSignals`. */
  const kinds = () => signals.filter((s) => s.kind !== 'said').map((s) => s.kind);
  const saidSignals = () => signals.flatMap((s) => (s.kind === 'said' ? [`${s.who}:${s.line}${s.name ? `:${s.name}` : ''}`] : []));
  return { session, time, signals, kinds, saidSignals, ring };
}

describe('the practice phone', () => {
  it('rings after a moment and, unanswered, hears the caller give up after four rings', () => {
    const { session, time, kinds, ring, signals } = phone('answer-window');
    session.start();
    expect(session.state.phase).toBe('waiting');
    time.advance(INCOMING_AFTER_MS);
    expect(session.state.phase).toBe('ringing');
    expect(signals[0]).toMatchObject({ kind: 'incoming', caller: { name: 'Marta Kalniņa', number: '+371 2612 3456' } });
    time.advance(16_000);
    expect(kinds()).toEqual(['incoming', 'abandoned']);
    expect(ring).toEqual(['start', 'stop', 'stop']);
    expect(session.state.phase).toBe('ended');
    expect(session.state.log.at(-1)).toEqual({ at: 16_000, type: 'ended', by: 'caller', reason: 'abandoned' });
    expect(new Set(signals.map((s) => s.callId)).size).toBe(1);
  });

  it('reports Hold before it acts, then holds; the caller answers each line after a pause', () => {
    const { session, time, kinds } = phone('hold');
    session.start();
    time.advance(INCOMING_AFTER_MS + 6_000);
    session.answer();
    session.sayAll(['greet', 'own-name', 'organization', 'offer']);
    time.advance(REPLY_DELAY_MS);
    session.say('ask-hold');
    time.advance(REPLY_DELAY_MS);
    expect(session.state.transcript.filter((t) => t.who === 'caller').map((t) => ('text' in t ? t.text : ''))).toEqual([
      'Hello, could you check the status of my order 4711?',
      'Yes, of course.',
    ]);
    session.hold();
    expect(kinds().at(-1)).toBe('before-hold');
    expect(session.state.phase).toBe('connected');
    time.advance(ACTION_DELAY_MS);
    expect(kinds().slice(-2)).toEqual(['before-hold', 'held']);
    expect(session.state.phase).toBe('on-hold');
    expect(session.canSpeak()).toBe(false);
    time.advance(10_000);
    session.resume();
    session.say('thank-hold');
    time.advance(REPLY_DELAY_MS);
    session.hangUp();
    time.advance(ACTION_DELAY_MS);
    expect(kinds()).toEqual(['incoming', 'answered', 'before-hold', 'held', 'resumed', 'before-hangup', 'hung-up']);
    expect(session.state.log.map((e) => e.type)).toEqual([
      'ringing',
      'answered',
      'said',
      'said',
      'said',
      'said',
      'caller-said',
      'said',
      'caller-said',
      'hold-clicked',
      'held',
      'resumed',
      'said',
      'caller-said',
      'hangup-clicked',
      'ended',
    ]);
  });

  it('comes back from a transfer to a colleague who is out, and ends on one who is in', () => {
    const { session, time, kinds } = phone('message');
    session.start();
    time.advance(INCOMING_AFTER_MS + 6_000);
    session.answer();
    session.transfer('peteris');
    time.advance(ACTION_DELAY_MS + TRANSFER_RINGS_OUT_MS);
    expect(kinds().slice(2)).toEqual(['before-transfer', 'transfer-started', 'transfer-failed']);
    expect(session.state.phase).toBe('connected');
    time.advance(REPLY_DELAY_MS);
    expect(session.state.transcript.at(-1)).toMatchObject({ who: 'caller', line: 'transfer-failed' });
    session.transfer('janis');
    time.advance(5_000);
    expect(kinds().slice(5)).toEqual(['before-transfer', 'transfer-started', 'transfer-succeeded', 'hung-up']);
    expect(session.state.phase).toBe('ended');
    expect(session.state.log.at(-1)).toMatchObject({ type: 'ended', by: 'transfer' });
  });

  it('tells the coach the call is over when the page goes away mid-call', () => {
    const ringing = phone('closing');
    ringing.session.start();
    ringing.time.advance(INCOMING_AFTER_MS + 1_000);
    ringing.session.leave();
    expect(ringing.kinds()).toEqual(['incoming', 'abandoned']);
    const talking = phone('closing');
    talking.session.start();
    talking.time.advance(INCOMING_AFTER_MS + 6_000);
    talking.session.answer();
    talking.session.leave();
    talking.time.advance(60_000);
    expect(talking.kinds()).toEqual(['incoming', 'answered', 'hung-up']);
  });

  it('understands a typed line and logs what it recognised', () => {
    const { session, time } = phone('closing');
    session.start();
    time.advance(INCOMING_AFTER_MS + 6_000);
    session.answer();
    session.sayText('Hello, this is Gene with Du Bois Services. How can I help you today?');
    time.advance(REPLY_DELAY_MS);
    session.sayText('Nice weather today');
    time.advance(REPLY_DELAY_MS);
    const said = session.state.log.filter((e) => e.type === 'said');
    expect(said.map((e) => (e.type === 'said' ? e.line : undefined))).toEqual(['greet', 'own-name', 'organization', 'offer', null]);
    expect(session.state.transcript.filter((t) => t.who === 'caller').map((t) => (t.who === 'caller' ? t.line : ''))).toEqual(['reason', 'pardon']);
  });
});
