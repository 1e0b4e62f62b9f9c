import { describe, expect, it } from 'vitest';
import { STALE_LIVE_MS } from '../../../src/core/coach';
import { replayTimeline, type ReplayResult } from '../../../src/core/timeline';
import { at, config, e, timeline } from './helpers';

const brief = (r: ReplayResult) => r.nudges.map((n) => `${n.callId} ${n.ruleId} +${(n.atMs / 1000).toFixed(1)}s`);
const quietOf = (r: ReplayResult, callId: string) =>
  Object.fromEntries(r.quiet.filter((q) => q.callId === callId).map((q) => [q.ruleId, q.reason]));

describe('replayTimeline', () => {
  it('gives the nudges of a call with times from its first event, and counts them by rule', () => {
    const t = timeline([{ id: 'c1', events: [e.ringing(100), e.answered(112), e.held(130), e.resumed(140), e.ended(150)] }]);
    const r = replayTimeline(t, config());
    expect(r.nudges).toEqual([
      {
        callId: 'c1',
        ruleId: 'answer-window',
        atMs: 10_000,
        text: 'Answer now — the caller has heard three rings.',
        severity: 'nudge',
        kind: 'toast',
        occurrence: 1,
        why: 'still ringing at 10.0 s, when ring 3 began (europe cadence: 1 s on, 4 s off)',
      },
      expect.objectContaining({
        ruleId: 'greeting',
        atMs: 12_000,
        kind: 'checklist',
        text: 'Greet the caller:',
        items: [
          { id: 'greeting', text: 'Hello,' },
          { id: 'ownName', text: 'this is (your name)' },
          { id: 'organization', text: 'with (your organization).' },
          { id: 'offer', text: 'How can I help you today?' },
        ],
        why: "inbound call answered at 12.0 s: the greeting's four parts to tick (en); no organization set: a stand-in fills {organization}",
      }),
      expect.objectContaining({ ruleId: 'hold-permission', atMs: 30_000, kind: 'question', why: 'held by agent at 30.0 s, no hold request before it' }),
      expect.objectContaining({
        ruleId: 'caller-name',
        atMs: 32_000,
        kind: 'toast',
        text: "Ask for the caller's name and note it on the card.",
        why: "answered at 12.0 s, still connected at 32.0 s with no caller's name noted on the card (afterSeconds 20 s)",
      }),
      expect.objectContaining({
        ruleId: 'closing',
        atMs: 50_000,
        kind: 'checklist',
        items: [
          { id: 'recap', text: 'Recap the actions taken' },
          { id: 'anything-else', text: 'Ask if there is anything else' },
          { id: 'thank', text: 'Thank the caller' },
        ],
      }),
    ]);
    expect(r.summary).toEqual({ 'answer-window': 1, greeting: 1, 'caller-name': 1, 'hold-permission': 1, closing: 1 });
    expect(r).toMatchObject({ calls: 1, events: 5, disabled: [] });
    expect(r.stoppedEarly).toBeUndefined();
  });

  it('ticks at every deadline before the next event: check-backs at 45 s and 90 s, none after the resume', () => {
    const t = timeline([{ id: 'c1', events: [e.ringing(0), e.answered(2), e.holdRequested(11), e.held(12), e.resumed(110), e.ended(200)] }]);
    const r = replayTimeline(t, config());
    const checkBacks = r.nudges.filter((n) => n.ruleId === 'hold-check-back');
    expect(checkBacks.map((n) => [n.atMs, n.text, n.occurrence])).toEqual([
      [57_000, 'The caller has been on hold for 45 s — check back with them.', 1],
      [102_000, 'The caller has been on hold for 90 s — check back with them.', 2],
    ]);
    expect(checkBacks[0]?.why).toBe('held by agent at 12.0 s, still on hold at 57.0 s (45.0 s); check-back interval 45 s');
  });

  it('uses the thresholds of the configuration', () => {
    const t = timeline([{ id: 'c1', events: [e.ringing(0), e.answered(7), e.held(12), e.resumed(80), e.ended(90)] }]);
    const r = replayTimeline(t, config({ region: 'uk', rules: { 'hold-check-back': { intervalSeconds: 30, severity: 'urgent' } } }));
    expect(brief(r)).toEqual([
      'c1 answer-window +6.0s',
      'c1 greeting +7.0s',
      'c1 hold-permission +12.0s',
      'c1 caller-name +27.0s',
      'c1 hold-check-back +42.0s',
      'c1 hold-check-back +72.0s',
      'c1 hold-overuse +90.0s',
      'c1 closing +90.0s',
    ]);
    expect(r.nudges.find((n) => n.ruleId === 'hold-check-back')?.severity).toBe('urgent');
    expect(r.nudges[0]?.why).toBe('still ringing at 6.0 s, when ring 3 began (uk cadence: 1 s on, 2 s off)');
  });

  it('keeps ticking after the last event until no deadline is left: a call left on hold until the coach calls it stale', () => {
    const t = timeline([{ id: 'c1', events: [e.ringing(0), e.answered(2), e.held(20)] }]);
    const r = replayTimeline(t, config({ rules: { 'hold-permission': { enabled: false }, greeting: { enabled: false }, 'caller-name': { enabled: false } } }));
    expect(r.stoppedEarly).toBeUndefined();
    const last = r.nudges.at(-1);
    expect(r.nudges.every((n) => n.ruleId === 'hold-check-back')).toBe(true);
    expect(r.nudges).toHaveLength(Math.floor(STALE_LIVE_MS / 45_000) + 1);
    expect(last!.atMs).toBeGreaterThan(20_000 + STALE_LIVE_MS);
    expect(quietOf(r, 'c1').closing).toBe('the coach closed the call as stale, without nudges');
  });

  it('stops at maxTicks and says so', () => {
    const t = timeline([{ id: 'c1', events: [e.ringing(0), e.answered(2), e.held(20)] }]);
    const r = replayTimeline(t, config({ rules: { 'caller-name': { enabled: false } } }), { maxTicks: 3 });
    expect(r.nudges.filter((n) => n.ruleId === 'hold-check-back')).toHaveLength(3);
    expect(r.stoppedEarly).toBe('stopped after 3 deadlines with one still pending');
  });

  it('feeds overlapping calls in time order, each timed from its own start', () => {
    const t = timeline([
      { id: 'first', events: [e.ringing(0), e.answered(3), e.held(20), e.resumed(50), e.ended(90)] },
      { id: 'second', events: [e.ringing(18), e.answered(30), e.hangupRequested(44), e.ended(45, 'agent')] },
      { id: 'other-tab', tabId: 2, events: [e.ringing(25), e.missed(45, { reason: 'no-answer' })] },
    ]);
    expect(brief(replayTimeline(t, config()))).toEqual([
      'first greeting +3.0s',
      'first hold-permission +20.0s',
      'first caller-name +23.0s',
      'second answer-window +10.0s',
      'second greeting +12.0s',
      'other-tab answer-window +10.0s',
      'second closing +26.0s',
      'other-tab missed-call +20.0s',
      'first closing +90.0s',
    ]);
  });

  it('feeds events at the same time in file order: calls in order, then a call\'s events', () => {
    const t = timeline([
      { id: 'b', events: [e.ringing(0), e.missed(3, { by: 'agent', reason: 'rejected' })] },
      { id: 'a', events: [e.ringing(0), e.missed(3, { by: 'agent', reason: 'rejected' })] },
    ]);
    expect(brief(replayTimeline(t, config()))).toEqual(['b missed-call +3.0s', 'a missed-call +3.0s']);
  });

  it('counts a deadline and an event at the same millisecond as the deadline first', () => {
    const t = timeline([{ id: 'c1', events: [e.ringing(0), e.answered(10), e.ended(20)] }]);
    expect(brief(replayTimeline(t, config()))).toEqual(['c1 answer-window +10.0s', 'c1 greeting +10.0s', 'c1 closing +20.0s']);
    const justBefore = timeline([{ id: 'c1', events: [e.ringing(0), e.answered(9.999), e.ended(20)] }]);
    expect(brief(replayTimeline(justBefore, config()))).toEqual(['c1 greeting +10.0s', 'c1 closing +20.0s']);
  });

  it('closes the calls of a tab that closed, without nudges', () => {
    const t = timeline([{ id: 'c1', events: [e.ringing(0), e.answered(3), e.holdRequested(19), e.held(20)] }], {
      tabsClosed: [{ tabId: 1, at: at(100) }],
    });
    const r = replayTimeline(t, config());
    expect(brief(r)).toEqual(['c1 greeting +3.0s', 'c1 hold-permission +19.0s', 'c1 caller-name +23.0s', 'c1 hold-check-back +65.0s']);
    expect(quietOf(r, 'c1')).toMatchObject({
      closing: 'the tab closed: the coach closed the call without nudges',
      'safe-hold': 'the tab closed: the coach closed the call without nudges',
    });
  });

  it('leaves disabled rules out and lists them', () => {
    const t = timeline([{ id: 'c1', events: [e.ringing(0), e.answered(12), e.held(30), e.ended(31, 'agent')] }]);
    const r = replayTimeline(t, config({ rules: { closing: { enabled: false }, 'safe-hold': { enabled: false } } }));
    expect(brief(r)).toEqual(['c1 answer-window +10.0s', 'c1 greeting +12.0s', 'c1 hold-permission +30.0s']);
    expect(r.disabled).toEqual(['safe-hold', 'closing']);
    expect(r.quiet.map((q) => q.ruleId)).toEqual(['missed-call', 'caller-name', 'hold-check-back', 'hold-overuse', 'transfer-permission']);
    expect(quietOf(r, 'c1')['caller-name']).toBe("ended at 31.0 s, before the caller's name was due at 32.0 s (afterSeconds 20 s)");
  });

  it('explains why each checked rule stayed quiet', () => {
    const t = timeline([
      { id: 'on-time', events: [e.ringing(0), e.answered(6), e.hangupRequested(40), e.ended(42, 'agent')] },
      { id: 'gone', events: [e.ringing(100), e.missed(104, { reason: 'answered-elsewhere' })] },
      { id: 'out', events: [e.dialing(200), e.missed(208, { direction: 'outbound', by: 'agent', reason: 'cancelled' })] },
    ]);
    const r = replayTimeline(t, config());
    expect(quietOf(r, 'on-time')).toEqual({
      'answer-window': 'answered at 6.0 s (ring 2, on-time), before ring 3 at 10.0 s',
      'missed-call': 'answered at 6.0 s',
      'hold-permission': 'no hold by the agent',
      'hold-check-back': 'no hold by the agent',
      'hold-overuse': 'no hold by the agent',
      'transfer-permission': 'no transfer by the agent',
      'safe-hold': 'ended by agent at 42.0 s with no agent hold or transfer before it',
    });
    expect(quietOf(r, 'gone')).toMatchObject({
      'answer-window': 'gone at 4.0 s (answered-elsewhere), before ring 3 at 10.0 s',
      'missed-call': "answered elsewhere (a colleague took it): not the agent's miss",
      closing: 'never connected',
    });
    expect(quietOf(r, 'out')).toMatchObject({
      'answer-window': "outbound call: the agent's phone does not ring",
      'missed-call': 'outbound call not connected (cancelled): recorded only',
    });
  });

  it('explains greeting and caller-name: quiet on an outbound call, and on a call over before the name was due', () => {
    const t = timeline([
      { id: 'out', events: [e.dialing(0), e.answered(4, 'outbound'), e.ended(60)] },
      { id: 'short', events: [e.ringing(100), e.answered(102), e.ended(110)] },
    ]);
    const r = replayTimeline(t, config({ organization: 'Acme', rules: { 'caller-name': { afterSeconds: 30 } } }));
    expect(quietOf(r, 'out')).toMatchObject({
      greeting: 'outbound call: the agent is the caller, no greeting to check',
      'caller-name': 'outbound call: no caller to ask for a name',
    });
    expect(quietOf(r, 'short')['caller-name']).toBe("ended at 10.0 s, before the caller's name was due at 32.0 s (afterSeconds 30 s)");
    expect(r.nudges.find((n) => n.callId === 'short' && n.ruleId === 'greeting')?.why).toBe(
      "inbound call answered at 2.0 s: the greeting's four parts to tick (en)",
    );
  });

  it('explains safe-hold, hold-overuse and transfer nudges with their thresholds', () => {
    const t = timeline([
      {
        id: 'c1',
        events: [e.ringing(0), e.answered(3), e.transferRequested(10), e.transferStarted(11, { target: 'sip:billing@pbx' }), e.transferFailed(14), e.ended(16, 'agent')],
      },
      { id: 'c2', events: [e.ringing(100), e.answered(102), e.held(110), e.resumed(112), e.held(114), e.resumed(116), e.held(118), e.resumed(120), e.held(122), e.resumed(150), e.transferStarted(160), e.ended(170)] },
    ]);
    const why = Object.fromEntries(replayTimeline(t, config()).nudges.map((n) => [`${n.callId} ${n.ruleId} ${n.occurrence}`, n.why]));
    expect(why).toMatchObject({
      'c1 transfer-permission 1': 'transfer requested at 10.0 s: the reminder comes before the transfer starts',
      'c1 safe-hold 1': 'ended by agent at 16.0 s, 2.0 s after a transfer at 11.0 s that failed at 14.0 s; window 5 s',
      'c2 hold-overuse 1': 'hold 4 by the agent at 22.0 s; nudges from hold 4 (maxHolds 4)',
      'c2 hold-overuse 2': 'agent hold 34.0 s of 68.0 s connected (50%), over 40% (maxHoldShare 0.4)',
      'c2 transfer-permission 1': 'transfer started by agent at 60.0 s, no transfer request before it',
    });
  });

  it('does not change the configuration it is given', () => {
    const c = config({ language: 'lv' });
    const before = JSON.stringify(c);
    replayTimeline(timeline([{ id: 'c1', events: [e.ringing(0), e.missed(20)] }]), c);
    expect(JSON.stringify(c)).toBe(before);
  });
});
