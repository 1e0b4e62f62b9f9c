import { describe, expect, it } from 'vitest';
import { config, connectedCall, ev, harness, t } from './harness';

/** These tests read `wakeAt` for check-backs alone: caller-name's deadline (answer + 20 s) would come first. */
const NO_CALLER_NAME = { 'caller-name': { enabled: false } } as const;

describe('hold-permission', () => {
  it('asks whether the agent asked when hold starts without a request, and records the answer', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(20)));
    expect(h.shown('hold-permission')).toEqual([
      expect.objectContaining({
        key: '1:c1|hold-permission|1',
        kind: 'question',
        text: 'Did you ask the caller before putting them on hold?',
        firedAt: t(20),
      }),
    ]);
    h.respond('1:c1|hold-permission|1', { type: 'answered', answer: 'yes' }, t(22));
    expect(h.record('1:c1')?.nudges).toContainEqual(
      expect.objectContaining({ key: '1:c1|hold-permission|1', kind: 'question', answer: 'yes' }),
    );
  });

  it('reminds before hold when the agent reaches for Hold, and asks nothing once hold starts', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.holdRequested('c1', t(20)));
    expect(h.shown('hold-permission')).toEqual([
      expect.objectContaining({ kind: 'toast', text: 'Ask the caller before you put them on hold.', firedAt: t(20) }),
    ]);
    h.event(ev.held('c1', t(21)));
    expect(h.shown('hold-permission')).toHaveLength(1);
  });

  it('reminds once for a double click on Hold', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.holdRequested('c1', t(20)));
    h.event(ev.holdRequested('c1', t(20.3)));
    expect(h.shown('hold-permission')).toHaveLength(1);
  });

  it('still asks when the request came more than 10 s before the hold', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.holdRequested('c1', t(20)));
    h.event(ev.held('c1', t(31)));
    expect(h.shown('hold-permission').map((n) => n.kind)).toEqual(['toast', 'question']);
  });

  it('does not coach a hold the other side started', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(20), 'remote'));
    h.tick(t(200));
    expect(h.shown().filter((n) => n.ruleId.startsWith('hold-'))).toEqual([]);
    expect(h.record('1:c1')?.holds).toEqual([{ start: t(20), by: 'remote' }]);
  });

  it('keeps one unanswered question at a time', () => {
    const h = harness({ config: config({ rules: { 'hold-check-back': { enabled: false } } }) });
    connectedCall(h);
    h.event(ev.held('c1', t(10)));
    h.event(ev.resumed('c1', t(15)));
    h.event(ev.held('c1', t(20)));
    expect(h.shown('hold-permission')).toHaveLength(1);
    h.respond('1:c1|hold-permission|1', { type: 'answered', answer: 'no' }, t(22));
    h.event(ev.resumed('c1', t(25)));
    h.event(ev.held('c1', t(30)));
    expect(h.shown('hold-permission').map((n) => n.key)).toEqual(['1:c1|hold-permission|1', '1:c1|hold-permission|2']);
  });
});

describe('hold-check-back', () => {
  it('nudges at 45 s and 90 s on hold', () => {
    const h = harness({ config: config({ rules: NO_CALLER_NAME }) });
    connectedCall(h);
    h.event(ev.held('c1', t(20)));
    expect(h.wakeAt).toBe(t(65));
    h.tick(t(64.9));
    expect(h.shown('hold-check-back')).toEqual([]);
    h.tick(t(65));
    expect(h.wakeAt).toBe(t(110));
    h.tick(t(110));
    expect(h.shown('hold-check-back')).toEqual([
      expect.objectContaining({
        key: '1:c1|hold-check-back|1',
        occurrence: 1,
        text: 'The caller has been on hold for 45 s — check back with them.',
        firedAt: t(65),
      }),
      expect.objectContaining({
        key: '1:c1|hold-check-back|2',
        occurrence: 2,
        text: 'The caller has been on hold for 90 s — check back with them.',
        firedAt: t(110),
      }),
    ]);
  });

  it('replaces the previous check-back with the next one', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(20)));
    h.tick(t(65));
    const second = h.tick(t(110));
    expect(second.effects.filter((e) => e.type !== 'record-call').map((e) => e.type)).toEqual(['dismiss-nudge', 'show-nudge']);
    expect(second.effects).toContainEqual({ type: 'dismiss-nudge', tabId: 1, key: '1:c1|hold-check-back|1' });
  });

  it('stops after resume and takes a shown check-back down', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(20)));
    h.tick(t(65));
    const resumed = h.event(ev.resumed('c1', t(70)));
    expect(resumed.effects).toContainEqual({ type: 'dismiss-nudge', tabId: 1, key: '1:c1|hold-check-back|1' });
    expect(resumed.wakeAt).toBeNull();
    h.tick(t(110));
    h.tick(t(500));
    expect(h.shown('hold-check-back')).toHaveLength(1);
  });

  it('does not nudge when the hold ends before 45 s', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(20)));
    h.event(ev.resumed('c1', t(40)));
    h.tick(t(65));
    expect(h.shown('hold-check-back')).toEqual([]);
  });

  it('fires once for a late tick and keeps the next one on the hold’s 45 s grid, not in a burst', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(0)));
    // The worker slept through 45, 90, 135 and 180 s.
    h.tick(t(200));
    expect(h.shown('hold-check-back')).toEqual([
      expect.objectContaining({ occurrence: 1, text: 'The caller has been on hold for 200 s — check back with them.' }),
    ]);
    expect(h.wakeAt).toBe(t(225));
    h.tick(t(200));
    expect(h.shown('hold-check-back')).toHaveLength(1);
    h.tick(t(225));
    expect(h.shown('hold-check-back').map((n) => n.occurrence)).toEqual([1, 2]);
  });

  it('leaves at least half an interval after a late check-back', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(0)));
    h.tick(t(89.9));
    expect(h.wakeAt).toBe(t(135));
  });

  it('uses the configured interval', () => {
    const h = harness({ config: config({ rules: { ...NO_CALLER_NAME, 'hold-check-back': { intervalSeconds: 30 } } }) });
    connectedCall(h);
    h.event(ev.held('c1', t(10)));
    expect(h.wakeAt).toBe(t(40));
  });

  it('keeps counting occurrences across holds of one call', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(10)));
    h.tick(t(55));
    h.event(ev.resumed('c1', t(60)));
    h.event(ev.held('c1', t(70)));
    h.tick(t(115));
    expect(h.shown('hold-check-back').map((n) => n.key)).toEqual(['1:c1|hold-check-back|1', '1:c1|hold-check-back|2']);
  });
});

describe('hold-overuse', () => {
  const holds = (h: ReturnType<typeof harness>, count: number) => {
    for (let i = 0; i < count; i++) {
      h.event(ev.held('c1', t(10 + i * 10)));
      h.event(ev.resumed('c1', t(12 + i * 10)));
    }
  };

  it('nudges at the 4th hold and at each one after it', () => {
    const h = harness();
    connectedCall(h);
    holds(h, 3);
    expect(h.shown('hold-overuse')).toEqual([]);
    h.event(ev.held('c1', t(50)));
    expect(h.shown('hold-overuse')).toEqual([
      expect.objectContaining({
        key: '1:c1|hold-overuse|1',
        text: 'That is hold number 4 on this call — is hold the best way to help?',
        firedAt: t(50),
      }),
    ]);
    h.event(ev.resumed('c1', t(52)));
    h.event(ev.held('c1', t(60)));
    expect(h.shown('hold-overuse').map((n) => n.text)).toEqual([
      'That is hold number 4 on this call — is hold the best way to help?',
      'That is hold number 5 on this call — is hold the best way to help?',
    ]);
  });

  it('counts only the agent’s holds', () => {
    const h = harness();
    connectedCall(h);
    for (let i = 0; i < 5; i++) {
      h.event(ev.held('c1', t(10 + i * 10), 'remote'));
      h.event(ev.resumed('c1', t(12 + i * 10), 'remote'));
    }
    expect(h.shown('hold-overuse')).toEqual([]);
  });

  it('notes at the end that too much of the connected time was on hold', () => {
    const h = harness({ config: config({ rules: { 'hold-check-back': { enabled: false } } }) });
    h.event(ev.answered('c1', t(0)));
    h.event(ev.held('c1', t(10)));
    h.event(ev.resumed('c1', t(60)));
    h.event(ev.ended('c1', t(100), 'remote'));
    expect(h.shown('hold-overuse')).toEqual([
      expect.objectContaining({
        key: '1:c1|hold-overuse|1',
        kind: 'toast',
        text: 'Held 50% of the call — too much hold time. Keep the caller in the conversation.',
        firedAt: t(100),
      }),
    ]);
  });

  it('counts a hold still running at the end, and no note at exactly 40 %', () => {
    const exactly = harness({ config: config({ rules: { 'hold-check-back': { enabled: false } } }) });
    exactly.event(ev.answered('c1', t(0)));
    exactly.event(ev.held('c1', t(60)));
    exactly.event(ev.ended('c1', t(100), 'remote'));
    expect(exactly.shown('hold-overuse')).toEqual([]);

    const over = harness({ config: config({ rules: { 'hold-check-back': { enabled: false } } }) });
    over.event(ev.answered('c1', t(0)));
    over.event(ev.held('c1', t(59)));
    over.event(ev.ended('c1', t(100), 'remote'));
    expect(over.shown('hold-overuse').map((n) => n.text)).toEqual([
      'Held 41% of the call — too much hold time. Keep the caller in the conversation.',
    ]);
  });

  it('gives the end-of-call note its own occurrence after the hold-number nudges', () => {
    const h = harness({ config: config({ rules: { 'hold-overuse': { maxHolds: 1 }, 'hold-check-back': { enabled: false } } }) });
    h.event(ev.answered('c1', t(0)));
    h.event(ev.held('c1', t(1)));
    h.event(ev.ended('c1', t(100), 'remote'));
    expect(h.shown('hold-overuse').map((n) => n.key)).toEqual(['1:c1|hold-overuse|1', '1:c1|hold-overuse|2']);
  });
});

describe('a team lead changing the check-back while a call is on hold', () => {
  it('applies a shorter interval to the hold in progress, from the last check-back', () => {
    const h = harness({ config: config({ rules: NO_CALLER_NAME }) });
    h.event(ev.ringing('c1', t(0)));
    h.event(ev.answered('c1', t(3)));
    h.event(ev.held('c1', t(10)));
    expect(h.wakeAt).toBe(t(55));
    h.setConfig(config({ rules: { ...NO_CALLER_NAME, 'hold-check-back': { intervalSeconds: 5 } } }));
    h.tick(t(12));
    expect(h.wakeAt).toBe(t(15));
    h.tick(t(15));
    expect(h.shown('hold-check-back').map((n) => n.firedAt)).toEqual([t(15)]);
    expect(h.wakeAt).toBe(t(20));
  });

  it('fires once, now, when the new interval has already passed', () => {
    const h = harness();
    h.event(ev.answered('c1', t(0)));
    h.event(ev.held('c1', t(10)));
    h.setConfig(config({ rules: { 'hold-check-back': { intervalSeconds: 3 } } }));
    h.tick(t(30));
    expect(h.shown('hold-check-back')).toHaveLength(1);
    expect(h.shown('hold-check-back')[0]!.firedAt).toBe(t(30));
  });

  it('stops check-backs when the rule is switched off mid-hold, and starts them when switched on', () => {
    const h = harness({ config: config({ rules: NO_CALLER_NAME }) });
    h.event(ev.answered('c1', t(0)));
    h.event(ev.held('c1', t(10)));
    h.setConfig(config({ rules: { ...NO_CALLER_NAME, 'hold-check-back': { enabled: false } } }));
    h.tick(t(11));
    expect(h.wakeAt).toBeNull();
    h.tick(t(60));
    expect(h.shown('hold-check-back')).toEqual([]);
    h.setConfig(config({ rules: { ...NO_CALLER_NAME, 'hold-check-back': { enabled: true, intervalSeconds: 45 } } }));
    h.tick(t(61));
    expect(h.shown('hold-check-back')).toHaveLength(1);
  });
});
