import { describe, expect, it } from 'vitest';
import { config, ev, harness, t } from './harness';

describe('answer-window', () => {
  it('starts the quiet ring counter when an inbound call rings and waits for ring 3', () => {
    const h = harness();
    const result = h.event(ev.ringing('c1', t(0)));
    expect(result.effects).toContainEqual({
      type: 'ring-status',
      tabId: 1,
      callKey: '1:c1',
      ring: { callKey: '1:c1', startedAt: t(0), onMs: 1000, offMs: 4000, answerNowFromRing: 2 },
    });
    expect(result.effects.some((e) => e.type === 'show-nudge')).toBe(false);
    expect(result.wakeAt).toBe(t(10));
  });

  it('nudges at exactly 10 s on europe when ring 3 starts unanswered', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.tick(t(9.999));
    expect(h.shown()).toEqual([]);
    h.tick(t(10));
    expect(h.shown()).toEqual([
      {
        key: '1:c1|answer-window|1',
        callKey: '1:c1',
        tabId: 1,
        ruleId: 'answer-window',
        occurrence: 1,
        severity: 'nudge',
        kind: 'toast',
        text: 'Answer now — the caller has heard three rings.',
        firedAt: t(10),
      },
    ]);
    expect(h.wakeAt).toBeNull();
  });

  it('nudges at exactly 12 s on north-america', () => {
    const h = harness({ config: config({ region: 'north-america' }) });
    const result = h.event(ev.ringing('c1', t(0)));
    expect(result.effects).toContainEqual(
      expect.objectContaining({ type: 'ring-status', ring: expect.objectContaining({ onMs: 2000, offMs: 4000 }) }),
    );
    expect(h.wakeAt).toBe(t(12));
    h.tick(t(11.999));
    expect(h.shown()).toEqual([]);
    h.tick(t(12));
    expect(h.shown().map((n) => n.key)).toEqual(['1:c1|answer-window|1']);
  });

  it('gives the page the uk counter as one second on and two off', () => {
    const h = harness({ config: config({ region: 'uk' }) });
    h.event(ev.ringing('c1', t(0)));
    expect(h.last).toContainEqual(expect.objectContaining({ ring: expect.objectContaining({ onMs: 1000, offMs: 2000 }) }));
    expect(h.wakeAt).toBe(t(6));
  });

  it('does not nudge when the call is answered at 6 s, and records ring 2, on time', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    const answered = h.event(ev.answered('c1', t(6)));
    expect(answered.effects).toContainEqual({ type: 'ring-status', tabId: 1, callKey: '1:c1', ring: null });
    // The ring-3 deadline is gone; what is left is caller-name's, 20 s after the answer.
    expect(answered.wakeAt).toBe(t(26));
    h.tick(t(10));
    h.tick(t(30));
    expect(h.shown('answer-window')).toEqual([]);
    expect(h.record('1:c1')).toMatchObject({ outcome: 'answered', answeredAt: t(6), rings: 2, answerClass: 'on-time' });
  });

  it.each([
    [0.5, 'too-early', 1],
    [3, 'on-time', 1],
    [10.5, 'late', 3],
  ] as const)('records an answer at %s s as %s in ring %s', (seconds, answerClass, rings) => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.event(ev.answered('c1', t(seconds)));
    expect(h.record('1:c1')).toMatchObject({ answerClass, rings });
  });

  it('takes the ring-3 nudge down when the call is answered after it', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.tick(t(10));
    const answered = h.event(ev.answered('c1', t(10.5)));
    expect(answered.effects).toContainEqual({ type: 'dismiss-nudge', tabId: 1, key: '1:c1|answer-window|1' });
  });

  it('fires the ring nudge once however many times and however late the tick comes', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.tick(t(10));
    h.tick(t(10));
    h.tick(t(14));
    expect(h.shown()).toHaveLength(1);
  });

  it('drops the ring nudge when the answer arrives before the overdue tick', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.event(ev.answered('c1', t(10.5)));
    expect(h.shown('answer-window')).toEqual([]);
    expect(h.record('1:c1')?.answerClass).toBe('late');
  });

  it('takes the severity from the config', () => {
    const h = harness({ config: config({ rules: { 'answer-window': { severity: 'urgent' } } }) });
    h.event(ev.ringing('c1', t(0)));
    h.tick(t(10));
    expect(h.shown()[0]?.severity).toBe('urgent');
  });

  it('uses an event time in the future as now, not later', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(5)), 1, t(0));
    expect(h.wakeAt).toBe(t(10));
    expect(h.record('1:c1')?.startedAt).toBe(t(0));
  });

  it('fires at once when a ringing event arrives after ring 3 had already started', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)), 1, t(11));
    expect(h.shown().map((n) => n.firedAt)).toEqual([t(10)]);
  });
});

describe('missed-call', () => {
  it('records a call missed after three rings and nudges quietly to return it', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0), { displayName: 'Anna Bērziņa', number: '+37167000000' }));
    h.tick(t(10));
    const missed = h.event(ev.missed('c1', t(12), 'caller-abandoned'));
    expect(missed.effects).toContainEqual({ type: 'ring-status', tabId: 1, callKey: '1:c1', ring: null });
    expect(missed.effects).toContainEqual({ type: 'dismiss-nudge', tabId: 1, key: '1:c1|answer-window|1' });
    expect(h.shown('missed-call')).toEqual([
      expect.objectContaining({
        key: '1:c1|missed-call|1',
        severity: 'info',
        kind: 'toast',
        text: 'Missed call from \u2068Anna Bērziņa\u2069, \u2068+37167000000\u2069 (rings: 3) — return it within one business day.',
        firedAt: t(12),
      }),
    ]);
    expect(h.record('1:c1')).toMatchObject({
      outcome: 'missed',
      rings: 3,
      missedReason: 'caller-abandoned',
      endedAt: t(12),
      endedBy: 'remote',
    });
    expect(missed.wakeAt).toBeNull();
  });

  it('names a caller without a number or name as unknown', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.event(ev.missed('c1', t(4), 'no-answer'));
    expect(h.shown('missed-call')[0]?.text).toBe(
      'Missed call from an unknown number (rings: 1) — return it within one business day.',
    );
  });

  it('records an outbound call that did not connect without a nudge', () => {
    const h = harness();
    h.event(ev.dialing('o1', t(0)));
    const missed = h.event(ev.missed('o1', t(20), 'cancelled', 'outbound', 'agent'));
    expect(h.shown()).toEqual([]);
    expect(missed.effects.some((e) => e.type === 'ring-status')).toBe(false);
    expect(h.record('1:o1')).toMatchObject({ direction: 'outbound', outcome: 'missed', missedReason: 'cancelled' });
    expect(h.record('1:o1')?.rings).toBeUndefined();
  });

  it('ignores a second miss or a late answer for a call already missed', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    h.event(ev.missed('c1', t(4)));
    expect(h.event(ev.missed('c1', t(5))).effects).toEqual([]);
    expect(h.event(ev.answered('c1', t(6))).effects).toEqual([]);
    expect(h.shown()).toHaveLength(1);
  });
});
