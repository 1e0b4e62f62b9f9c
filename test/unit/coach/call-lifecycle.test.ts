import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  initialCoachState,
  KEEP_FINISHED_MS,
  MAX_FINISHED_CALLS,
  step,
  type CoachConfig,
  type CoachState,
} from '../../../src/core/coach';
import { config, connectedCall, ev, harness, t, T0 } from './harness';

describe('closing', () => {
  it('shows the closing checklist when an answered call ends, and records the ticks', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.ended('c1', t(60), 'remote'));
    expect(h.shown('closing')).toEqual([
      expect.objectContaining({
        key: '1:c1|closing|1',
        kind: 'checklist',
        text: 'The call has ended — tick what you did:',
        items: [
          { id: 'recap', text: 'Recap the actions taken' },
          { id: 'anything-else', text: 'Ask if there is anything else' },
          { id: 'thank', text: 'Thank the caller' },
        ],
        firedAt: t(60),
      }),
    ]);
    h.respond('1:c1|closing|1', { type: 'checked', itemId: 'thank', checked: true }, t(61));
    h.respond('1:c1|closing|1', { type: 'checked', itemId: 'recap', checked: true }, t(62));
    expect(h.record('1:c1')?.nudges.find((n) => n.ruleId === 'closing')?.checked).toEqual(['recap', 'thank']);
    h.respond('1:c1|closing|1', { type: 'checked', itemId: 'thank', checked: false }, t(63));
    expect(h.record('1:c1')?.nudges.find((n) => n.ruleId === 'closing')?.checked).toEqual(['recap']);
  });

  it('ignores a tick of an unknown item or a repeated tick', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.ended('c1', t(60), 'remote'));
    expect(h.respond('1:c1|closing|1', { type: 'checked', itemId: 'bogus', checked: true }, t(61)).effects).toEqual([]);
    h.respond('1:c1|closing|1', { type: 'checked', itemId: 'recap', checked: true }, t(61));
    expect(h.respond('1:c1|closing|1', { type: 'checked', itemId: 'recap', checked: true }, t(62)).effects).toEqual([]);
  });

  it('shows the checklist before hang-up when the agent reaches for it, and not again at the end', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.hangupRequested('c1', t(58)));
    h.event(ev.hangupRequested('c1', t(58.5)));
    h.event(ev.ended('c1', t(60), 'agent'));
    expect(h.shown('closing')).toEqual([
      expect.objectContaining({ key: '1:c1|closing|1', text: 'Closing the call — tick what you did:', firedAt: t(58) }),
    ]);
    expect(h.withdrawn()).not.toContain('1:c1|closing|1');
  });

  it('shows no checklist for a missed call', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.event(ev.hangupRequested('c1', t(1)));
    h.event(ev.missed('c1', t(4), 'rejected', 'inbound', 'agent'));
    expect(h.shown('closing')).toEqual([]);
  });

  it('takes what is still open from a finished call off the screen when the next call in the tab starts', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.event(ev.answered('c1', t(3)));
    h.event(ev.ended('c1', t(60)));
    expect(h.shown('closing')).toHaveLength(1);
    const next = h.event(ev.ringing('c2', t(90)));
    const withdrawn = next.effects.flatMap((e) => (e.type === 'dismiss-nudge' ? [e.key] : []));
    expect(withdrawn).toEqual(['1:c1|closing|1']); // the greeting went at the end
  });

  it('records a call a colleague took off a ring-all queue without a missed-call nudge', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.event(ev.missed('c1', t(7), 'answered-elsewhere'));
    expect(h.shown('missed-call')).toEqual([]);
    expect(h.record('1:c1')).toMatchObject({ outcome: 'missed', missedReason: 'answered-elsewhere' });
  });
});

describe('the end of a call', () => {
  it('takes down the toasts about the moment and the greeting, but keeps unanswered questions', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.holdRequested('c1', t(9)));
    h.event(ev.held('c1', t(30)));
    h.tick(t(75));
    h.event(ev.transferStarted('c1', t(80)));
    const ended = h.event(ev.ended('c1', t(90), 'remote'));
    const dismissed = ended.effects.flatMap((e) => (e.type === 'dismiss-nudge' ? [e.key] : []));
    // The greeting's checklist goes too: its moment was the answer (the card keeps its parts).
    expect(dismissed.sort()).toEqual(['1:c1|caller-name|1', '1:c1|greeting|1', '1:c1|hold-check-back|1', '1:c1|hold-permission|1']);
    expect(dismissed).not.toContain('1:c1|hold-permission|2');
    expect(dismissed).not.toContain('1:c1|transfer-permission|1');
    expect(ended.wakeAt).toBeNull();
    expect(h.record('1:c1')?.holds).toEqual([{ start: t(30), end: t(90), by: 'agent' }]);
  });

  it('records answers to a question after the call ended', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(10)));
    h.event(ev.ended('c1', t(20), 'remote'));
    h.respond('1:c1|hold-permission|1', { type: 'answered', answer: 'no' }, t(300));
    expect(h.record('1:c1')?.nudges.find((n) => n.key === '1:c1|hold-permission|1')).toMatchObject({ answer: 'no' });
    h.respond('1:c1|hold-permission|1', { type: 'answered', answer: 'yes' }, t(301));
    expect(h.record('1:c1')?.nudges.find((n) => n.key === '1:c1|hold-permission|1')).toMatchObject({ answer: 'yes' });
  });

  it('records a dismissal once, with its time', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.holdRequested('c1', t(9)));
    h.respond('1:c1|hold-permission|1', { type: 'dismissed' }, t(10));
    expect(h.respond('1:c1|hold-permission|1', { type: 'dismissed' }, t(11)).effects).toEqual([]);
    expect(h.record('1:c1')?.nudges.find((n) => n.key === '1:c1|hold-permission|1')).toMatchObject({ dismissedAt: t(10) });
  });

  it('ignores an answer to a toast and responses to unknown keys', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.holdRequested('c1', t(9)));
    expect(h.respond('1:c1|hold-permission|1', { type: 'answered', answer: 'yes' }, t(10)).effects).toEqual([]);
    expect(h.respond('1:c1|hold-permission|7', { type: 'dismissed' }, t(10)).effects).toEqual([]);
    expect(h.respond('nonsense', { type: 'dismissed' }, t(10)).effects).toEqual([]);
  });

  it('forgets a finished call 15 minutes after its end: open questions go, late answers and events are ignored', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(10)));
    h.event(ev.ended('c1', t(20), 'remote'));
    h.tick(t(20) - T0 + KEEP_FINISHED_MS / 1000 - 1);
    expect(h.state.calls['1:c1']).toBeDefined();
    const pruned = h.tick(t(20 + KEEP_FINISHED_MS / 1000 + 1));
    expect(h.state.calls['1:c1']).toBeUndefined();
    expect(pruned.effects).toContainEqual({ type: 'dismiss-nudge', tabId: 1, key: '1:c1|hold-permission|1' });
    const later = t(20 + KEEP_FINISHED_MS / 1000 + 2);
    expect(h.respond('1:c1|hold-permission|1', { type: 'answered', answer: 'yes' }, later).effects).toEqual([]);
    // A late repeat of the call's events cannot start it over (and repeat its nudge keys).
    expect(h.event(ev.answered('c1', later)).effects).toEqual([]);
    expect(h.event(ev.held('c1', later)).effects).toEqual([]);
  });

  it(`keeps at most ${MAX_FINISHED_CALLS} finished calls`, () => {
    const h = harness();
    for (let i = 0; i < MAX_FINISHED_CALLS + 5; i++) {
      h.event(ev.answered(`c${i}`, t(i)));
      h.event(ev.ended(`c${i}`, t(i + 0.5), 'remote'));
    }
    const keys = Object.keys(h.state.calls);
    expect(keys).toHaveLength(MAX_FINISHED_CALLS);
    expect(keys[0]).toBe('1:c5');
  });
});

describe('calls apart', () => {
  it('keeps two calls with the same call id in two tabs apart', () => {
    const h = harness();
    h.event(ev.ringing('a', t(0)), 1);
    h.event(ev.ringing('a', t(1)), 2);
    h.event(ev.answered('a', t(3)), 1);
    expect(h.wakeAt).toBe(t(11));
    h.tick(t(11));
    expect(h.shown('answer-window')).toEqual([expect.objectContaining({ key: '2:a|answer-window|1', tabId: 2, callKey: '2:a' })]);
    expect(h.record('1:a')).toMatchObject({ tabId: 1, outcome: 'answered', rings: 1 });
    expect(h.record('2:a')).toMatchObject({ tabId: 2, outcome: 'live' });
  });

  it('keeps two calls in one tab apart (call waiting)', () => {
    const h = harness();
    connectedCall(h, 'a');
    h.event(ev.held('a', t(10)));
    h.event(ev.ringing('b', t(20)));
    h.event(ev.answered('b', t(22)));
    h.event(ev.ended('b', t(50), 'remote'));
    h.tick(t(55));
    h.event(ev.resumed('a', t(56)));
    expect(h.shown().map((n) => n.key)).toEqual([
      '1:a|greeting|1',
      '1:a|hold-permission|1',
      '1:b|greeting|1',
      '1:a|caller-name|1',
      '1:b|closing|1',
      '1:a|hold-check-back|1',
    ]);
    expect(h.record('1:a')?.holds).toEqual([{ start: t(10), end: t(56), by: 'agent' }]);
    expect(h.record('1:b')?.holds).toEqual([]);
  });

  it('ends the live calls of a closed tab without nudges, leaving other tabs alone', () => {
    const h = harness();
    connectedCall(h, 'a', 1);
    h.event(ev.held('a', t(10)), 1);
    h.event(ev.ringing('r', t(12)), 1);
    h.event(ev.ringing('b', t(15)), 2);
    const shownBefore = h.shown().length;
    const closed = h.tabClosed(1, t(16));
    expect(h.shown()).toHaveLength(shownBefore);
    expect(closed.effects).toContainEqual({ type: 'ring-status', tabId: 1, callKey: '1:r', ring: null });
    expect(h.record('1:a')).toMatchObject({ outcome: 'answered', endedAt: t(16), endReason: 'tab-closed' });
    expect(h.record('1:a')?.endedBy).toBeUndefined();
    expect(h.record('1:r')).toMatchObject({ outcome: 'missed', endedAt: t(16), endReason: 'tab-closed', rings: 1 });
    expect(closed.wakeAt).toBe(t(25));
    h.tick(t(100));
    expect(h.shown().map((n) => n.key)).toEqual(['1:a|greeting|1', '1:a|hold-permission|1', '2:b|answer-window|1']);
  });
});

describe('events and records', () => {
  it('ignores events for an unknown call that do not start one', () => {
    const h = harness();
    for (const e of [ev.held('x', t(1)), ev.ended('x', t(2)), ev.missed('x', t(3)), ev.transferFailed('x', t(4))]) {
      expect(h.event(e).effects).toEqual([]);
    }
    expect(h.state).toEqual(initialCoachState());
  });

  it('starts a record when the adapter joins a call already answered', () => {
    const h = harness();
    const result = h.event(ev.answered('x', t(5), 'outbound'));
    expect(result.effects).toEqual([{ type: 'record-call', record: expect.objectContaining({ callKey: '1:x' }) }]);
    expect(h.record('1:x')).toEqual({
      callKey: '1:x',
      callId: 'x',
      tabId: 1,
      source: 'test',
      direction: 'outbound',
      startedAt: t(5),
      answeredAt: t(5),
      outcome: 'answered',
      holds: [],
      transfers: [],
      events: [{ type: 'answered', at: t(5) }],
      nudges: [],
      flags: [],
    });
  });

  it('writes the full record after every step that changes a call, once per call', () => {
    const h = harness();
    const steps = [
      h.event(ev.ringing('c1', t(0))),
      h.event(ev.answered('c1', t(3))),
      h.event(ev.muted('c1', t(4))),
      h.event(ev.held('c1', t(5))),
      h.tick(t(50)),
      h.event(ev.ended('c1', t(60), 'remote')),
    ];
    for (const s of steps) {
      const records = s.effects.filter((e) => e.type === 'record-call');
      expect(records).toHaveLength(1);
      expect(records[0]).toEqual({ type: 'record-call', record: s.state.calls['1:c1']?.record });
    }
    expect(h.record('1:c1')?.events.map((e) => e.type)).toEqual(['ringing', 'answered', 'muted', 'held', 'ended']);
  });

  it('writes nothing for an ignored repeat', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    expect(h.event(ev.ringing('c1', t(0.2))).effects).toEqual([]);
    h.event(ev.answered('c1', t(3)));
    expect(h.event(ev.answered('c1', t(3.1))).effects).toEqual([]);
    expect(h.event(ev.resumed('c1', t(4))).effects).toEqual([]);
  });

  it('never moves an event before the call’s previous one', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.event(ev.answered('c1', t(5)));
    h.event(ev.held('c1', t(3)), 1, t(6));
    expect(h.record('1:c1')?.holds).toEqual([{ start: t(5), by: 'agent' }]);
  });

  it('does not change the state it was given', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(10)));
    const before = deepFreeze(JSON.parse(JSON.stringify(h.state)) as CoachState);
    const snapshot = JSON.stringify(before);
    step(before, { kind: 'tick' }, t(100), DEFAULT_CONFIG);
    step(before, { kind: 'call-event', tabId: 1, event: ev.ended('c1', t(101)) }, t(101), DEFAULT_CONFIG);
    step(before, { kind: 'nudge-response', key: '1:c1|hold-permission|1', response: { type: 'answered', answer: 'yes' }, at: t(102) }, t(102), DEFAULT_CONFIG);
    step(before, { kind: 'tab-closed', tabId: 1 }, t(103), DEFAULT_CONFIG);
    step(before, { kind: 'agent-note', callKey: '1:c1', note: { type: 'caller-name', name: 'Jānis' }, at: t(104) }, t(104), DEFAULT_CONFIG);
    step(before, { kind: 'agent-note', callKey: '1:c1', note: { type: 'greeting-part', part: 'offer', checked: true }, at: t(105) }, t(105), DEFAULT_CONFIG);
    step(before, { kind: 'agent-note', callKey: '1:c1', note: { type: 'message-taken', messageId: 'm-1' }, at: t(106) }, t(106), DEFAULT_CONFIG);
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('starts afresh from a snapshot that is not a coach state', () => {
    const result = step({ junk: true } as unknown as CoachState, { kind: 'tick' }, T0, DEFAULT_CONFIG);
    expect(result).toEqual({ state: initialCoachState(), effects: [], wakeAt: null });
  });

  it('closes a live call that has had no event for 8 hours, at its last event', () => {
    const h = harness();
    connectedCall(h);
    h.tick(t(22));
    const stale = h.tick(t(8 * 3600 + 3));
    expect(h.record('1:c1')).toMatchObject({ endedAt: t(2), endReason: 'stale' });
    expect(stale.effects.filter((e) => e.type === 'show-nudge')).toEqual([]);
  });
});

describe('configuration in the coach', () => {
  const allOff: CoachConfig = config({
    rules: Object.fromEntries(Object.keys(DEFAULT_CONFIG.rules).map((id) => [id, { enabled: false }])),
  });

  it('says nothing for disabled rules, but still records the call', () => {
    const h = harness({ config: allOff });
    h.event(ev.ringing('c1', t(0)));
    h.tick(t(10));
    h.event(ev.answered('c1', t(10.5)));
    for (let i = 0; i < 5; i++) {
      h.event(ev.held('c1', t(11 + i * 60)));
      h.tick(t(11 + i * 60 + 50));
      h.event(ev.resumed('c1', t(11 + i * 60 + 55)));
    }
    h.event(ev.holdRequested('c1', t(400)));
    h.event(ev.transferRequested('c1', t(401)));
    h.event(ev.transferStarted('c1', t(402)));
    h.event(ev.hangupRequested('c1', t(403)));
    h.event(ev.held('c1', t(404)));
    h.event(ev.ended('c1', t(405), 'agent'));
    h.event(ev.ringing('c2', t(500)));
    h.event(ev.missed('c2', t(520)));
    expect(h.effects.filter((e) => e.type !== 'record-call')).toEqual([]);
    expect(h.record('1:c1')).toMatchObject({ answerClass: 'late', rings: 3, flags: [] });
    expect(h.record('1:c2')).toMatchObject({ outcome: 'missed', rings: 5 });
  });

  it('silences just the one rule that is off', () => {
    const h = harness({ config: config({ rules: { 'hold-permission': { enabled: false } } }) });
    connectedCall(h);
    h.event(ev.holdRequested('c1', t(9)));
    h.event(ev.held('c1', t(30)));
    h.tick(t(75));
    expect(h.shown().map((n) => n.ruleId)).toEqual(['greeting', 'caller-name', 'hold-check-back']);
  });

  it('uses the Latvian texts when the language is lv', () => {
    const h = harness({ config: config({ language: 'lv' }) });
    h.event(ev.ringing('c1', t(0)));
    h.tick(t(10));
    h.event(ev.answered('c1', t(11)));
    h.event(ev.held('c1', t(20)));
    h.tick(t(65));
    h.event(ev.ended('c1', t(70), 'remote'));
    expect(h.shown().map((n) => n.text)).toEqual([
      'Atbildiet tagad — zvanītājs dzirdējis jau trīs signālus.',
      'Sasveiciniet zvanītāju:',
      'Vai pirms aizturēšanas pajautājāt zvanītāja atļauju?',
      'Pajautājiet zvanītāja vārdu un ierakstiet to zvana kartītē.',
      'Zvanītājs gaida jau 45 s — atgriezieties pie viņa.',
      'Zvans bija aizturēts 85% no sarunas laika — tas ir par daudz. Palieciet sarunā ar zvanītāju.',
      'Zvans ir beidzies — atzīmējiet, ko izdarījāt:',
    ]);
    expect(h.shown('closing')[0]?.items?.map((i) => i.text)).toEqual([
      'Apkopojiet, kas tika izdarīts',
      'Pajautājiet, vai vēl varat kā palīdzēt',
      'Pateicieties zvanītājam',
    ]);
  });

  it('applies a team lead’s text override, in the configured language only', () => {
    const custom = { texts: { en: { 'hold-check-back.nudge': 'Back to the caller ({seconds} s on hold).' } } } as const;
    const en = harness({ config: config(custom) });
    connectedCall(en);
    en.event(ev.held('c1', t(10)));
    en.tick(t(55));
    expect(en.shown('hold-check-back')[0]?.text).toBe('Back to the caller (45 s on hold).');

    const lv = harness({ config: config({ ...custom, language: 'lv' }) });
    connectedCall(lv);
    lv.event(ev.held('c1', t(10)));
    lv.tick(t(55));
    expect(lv.shown('hold-check-back')[0]?.text).toBe('Zvanītājs gaida jau 45 s — atgriezieties pie viņa.');
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('a softphone page that was reloaded', () => {
  it('closes only the calls that page held, silently, and no check-back follows them', () => {
    const h = harness();
    h.event(ev.answered('c1', t(0)), 1);
    h.event(ev.held('c1', t(5)), 1);
    h.event(ev.answered('c2', t(6)), 1);
    h.tabClosed(1, t(10), ['c1']);
    expect(h.record('1:c1')).toMatchObject({ endReason: 'tab-closed' });
    expect(h.record('1:c2')?.endedAt).toBeUndefined();
    h.tick(t(120));
    expect(h.shown('hold-check-back')).toEqual([]);
  });
});
