import { describe, expect, it } from 'vitest';
import { config, connectedCall, ev, harness, t } from './harness';

describe('transfer-permission', () => {
  it('asks whether the agent asked when a transfer starts without a request', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.transferStarted('c1', t(30), 'agent', 'sip:sales@example.com'));
    expect(h.shown('transfer-permission')).toEqual([
      expect.objectContaining({
        key: '1:c1|transfer-permission|1',
        kind: 'question',
        text: 'Did you ask permission and tell the caller where you are transferring them?',
        firedAt: t(30),
      }),
    ]);
    expect(h.record('1:c1')?.transfers).toEqual([{ at: t(30), by: 'agent', target: 'sip:sales@example.com' }]);
  });

  it('reminds before when the agent reaches for Transfer, and asks nothing after', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.transferRequested('c1', t(30)));
    h.event(ev.transferStarted('c1', t(33)));
    expect(h.shown('transfer-permission')).toEqual([
      expect.objectContaining({
        kind: 'toast',
        text: 'Ask permission and tell the caller where you are transferring them.',
      }),
    ]);
  });

  it('does not coach a transfer the other side started', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.transferStarted('c1', t(30), 'remote'));
    h.event(ev.transferAccepted('c1', t(31), true, 'remote'));
    expect(h.shown('transfer-permission')).toEqual([]);
    expect(h.shown('safe-hold')).toEqual([]);
    expect(h.record('1:c1')?.transfers).toEqual([{ at: t(30), by: 'remote', outcome: 'completed' }]);
  });

  it('records accepted, then failed, as failed, and never downgrades a completed transfer', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.transferStarted('c1', t(30)));
    h.event(ev.transferAccepted('c1', t(30.2)));
    h.event(ev.transferFailed('c1', t(40)));
    expect(h.record('1:c1')?.transfers[0]?.outcome).toBe('failed');
    h.event(ev.transferStarted('c1', t(50)));
    h.event(ev.transferAccepted('c1', t(50.2), true));
    h.event(ev.transferAccepted('c1', t(50.4), false));
    expect(h.record('1:c1')?.transfers[1]?.outcome).toBe('completed');
  });
});

describe('safe-hold', () => {
  const noCheckBack = () => config({ rules: { 'hold-check-back': { enabled: false } } });

  it('flags a call the agent ends 3 s after a hold started, with a nudge', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(30)));
    h.event(ev.ended('c1', t(33), 'agent'));
    expect(h.record('1:c1')?.flags).toEqual([
      { ruleId: 'safe-hold', at: t(33), note: 'likely accidental disconnect: ended 3 s after a hold started' },
    ]);
    expect(h.shown('safe-hold')).toEqual([
      expect.objectContaining({
        key: '1:c1|safe-hold|1',
        text: 'The call ended 3 s after a hold — was the caller disconnected by accident?',
        firedAt: t(33),
      }),
    ]);
  });

  it('flags at exactly the 5 s window but not after it', () => {
    const inside = harness();
    connectedCall(inside);
    inside.event(ev.held('c1', t(30)));
    inside.event(ev.ended('c1', t(35), 'agent'));
    expect(inside.record('1:c1')?.flags).toHaveLength(1);

    const outside = harness();
    connectedCall(outside);
    outside.event(ev.held('c1', t(30)));
    outside.event(ev.ended('c1', t(35.5), 'agent'));
    expect(outside.record('1:c1')?.flags).toEqual([]);
    expect(outside.shown('safe-hold')).toEqual([]);
  });

  it('flags a hold that was resumed just before the end, counting from its start', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(30)));
    h.event(ev.resumed('c1', t(31)));
    h.event(ev.ended('c1', t(32), 'agent'));
    expect(h.record('1:c1')?.flags).toHaveLength(1);
  });

  it('flags a call the agent ends right after a failed transfer', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.transferRequested('c1', t(20)));
    h.event(ev.transferStarted('c1', t(21)));
    h.event(ev.transferFailed('c1', t(40)));
    h.event(ev.ended('c1', t(42), 'agent'));
    expect(h.record('1:c1')?.flags).toEqual([
      {
        ruleId: 'safe-hold',
        at: t(42),
        note: 'likely accidental disconnect: ended 2 s after a transfer that did not succeed',
      },
    ]);
    expect(h.shown('safe-hold').map((n) => n.text)).toEqual([
      'The call ended 2 s after a transfer that did not go through — was the caller disconnected by accident?',
    ]);
  });

  it('flags a call the agent ends right after a transfer that was never accepted', () => {
    const h = harness({ config: noCheckBack() });
    connectedCall(h);
    h.event(ev.held('c1', t(20)));
    h.event(ev.transferStarted('c1', t(25)));
    h.event(ev.ended('c1', t(26), 'agent'));
    expect(h.record('1:c1')?.flags.map((f) => f.note)).toEqual([
      'likely accidental disconnect: ended 1 s after a transfer that did not succeed',
    ]);
  });

  it('never flags after an accepted transfer, even when the leg ends at once after a hold', () => {
    for (const completed of [false, true]) {
      const h = harness();
      connectedCall(h);
      h.event(ev.held('c1', t(30)));
      h.event(ev.transferStarted('c1', t(31)));
      h.event(ev.transferAccepted('c1', t(31.2), completed));
      h.event(ev.ended('c1', t(31.3), 'agent'));
      expect(h.record('1:c1')?.flags).toEqual([]);
      expect(h.shown('safe-hold')).toEqual([]);
    }
  });

  it('still flags a new hold that started after an accepted transfer', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.transferStarted('c1', t(10)));
    h.event(ev.transferAccepted('c1', t(10.2)));
    h.event(ev.held('c1', t(60)));
    h.event(ev.ended('c1', t(62), 'agent'));
    expect(h.record('1:c1')?.flags).toHaveLength(1);
  });

  it('takes the flag back when the acceptance arrives just after the agent’s leg ended', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.transferStarted('c1', t(31)));
    h.event(ev.ended('c1', t(31.3), 'agent'));
    expect(h.record('1:c1')?.flags).toHaveLength(1);
    const late = h.event(ev.transferAccepted('c1', t(31.4), true));
    expect(late.effects).toContainEqual({ type: 'dismiss-nudge', tabId: 1, key: '1:c1|safe-hold|1' });
    expect(h.record('1:c1')?.flags).toEqual([]);
    expect(h.record('1:c1')?.transfers[0]?.outcome).toBe('completed');
  });

  it('never flags when the remote side hangs up', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(30)));
    h.event(ev.transferStarted('c1', t(31)));
    h.event(ev.transferFailed('c1', t(32)));
    h.event(ev.ended('c1', t(33), 'remote'));
    expect(h.record('1:c1')?.flags).toEqual([]);
    expect(h.shown('safe-hold')).toEqual([]);
  });

  it('uses the configured window', () => {
    const h = harness({ config: config({ rules: { 'safe-hold': { windowSeconds: 10 } } }) });
    connectedCall(h);
    h.event(ev.held('c1', t(30)));
    h.event(ev.ended('c1', t(38), 'agent'));
    expect(h.record('1:c1')?.flags).toHaveLength(1);
  });
});
