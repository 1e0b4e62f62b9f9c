import { describe, expect, it } from 'vitest';
import { createSignalHistory, HISTORY_MAX_CHARS } from '../../../src/page/signal-history';
import { inboundCall, outboundCall, type Frame } from '../../fixtures/sip/builders';
import type { PageSignal } from '../../../src/core/page-signal';

const frame = (n: number, chars = 100): PageSignal => ({ t: 'ws-frame', socket: 1, dir: 'received', data: `${n}:`.padEnd(chars, 'x'), at: n });
const kept = (history: ReturnType<typeof createSignalHistory>) => {
  const at: number[] = [];
  history.forEach((s) => at.push(s.t === 'ws-frame' ? s.at : -1));
  return at;
};

describe('the page hook history', () => {
  it('keeps the newest signals up to its count, oldest first, and counts what it dropped', () => {
    const history = createSignalHistory(4, 1_000_000);
    for (let n = 0; n < 10; n++) history.push(frame(n), true);
    expect(kept(history)).toEqual([6, 7, 8, 9]);
    expect(history.dropped).toBe(6);
  });

  it('keeps within its text budget, never dropping the signal just added', () => {
    const history = createSignalHistory(256, 96 * 1024);
    for (let n = 0; n < 600; n++) history.push(frame(n, 4_000), true);
    // 96 kB of 4,000-character frames: the last 24.
    expect(kept(history)).toEqual(Array.from({ length: 24 }, (_, i) => 576 + i));
    const huge = createSignalHistory(8, 1_000);
    huge.push(frame(1, 5_000), true);
    expect(kept(huge)).toEqual([1]);
  });

  it('does not count evictions as drops once a content script receives the signals live', () => {
    const history = createSignalHistory(2, 1_000_000);
    for (let n = 0; n < 5; n++) history.push(frame(n), false);
    expect(history.dropped).toBe(0);
    expect(kept(history)).toEqual([3, 4]);
  });
});

describe('the page hook history at its default caps', () => {
  it('keeps every frame of two live calls (INVITE with SDP, answer, hold) after the frames of earlier calls, within its text budget', () => {
    const history = createSignalHistory();
    let at = 0;
    const push = (f: Frame) => history.push({ t: 'ws-frame', socket: 1, dir: f.dir, data: f.text, at: at++ }, false);
    const whole = (i: number, style: 'jssip' | 'sipjs') => {
      const d = inboundCall({ callId: `done${i}`, style, remote: { uri: `sip:+3716700000${i}@pbx.example.com`, name: `Caller ${i}` } });
      const invite = d.invite();
      const hold = d.reInvite('agent', 'sendonly');
      const bye = d.request('remote', 'BYE');
      return [invite, d.reply(invite, 180), d.reply(invite, 200), d.ack(), hold, d.reply(hold, 200), d.request('agent', 'ACK', { seq: hold.seq }), bye, d.reply(bye, 200)];
    };
    const earlier = Array.from({ length: 6 }, (_, i) => whole(i, i % 2 ? 'jssip' : 'sipjs'));
    for (const f of earlier.flat()) push(f);
    // Two calls at once, both still on (one on hold): what a late content script must pick up.
    const a = inboundCall({ callId: 'live-a', style: 'jssip', remote: { uri: 'sip:+37167001111@pbx.example.com', name: 'A' } });
    const b = outboundCall({ callId: 'live-b', style: 'sipjs', remote: { uri: 'sip:+37167002222@pbx.example.com', name: 'B' } });
    const inviteA = a.invite();
    const inviteB = b.invite();
    const holdA = a.reInvite('agent', 'sendonly');
    const live = [inviteA, a.reply(inviteA, 180), a.reply(inviteA, 200), a.ack(), holdA, a.reply(holdA, 200), a.request('agent', 'ACK', { seq: holdA.seq }), inviteB, b.reply(inviteB, 180), b.reply(inviteB, 200), b.ack()];
    for (const f of live) push(f);
    const kept: string[] = [];
    history.forEach((s) => void (s.t === 'ws-frame' && typeof s.data === 'string' && kept.push(s.data)));
    for (const f of live) expect(kept).toContain(f.text);
    expect(kept.reduce((n, text) => n + text.length, 0)).toBeLessThanOrEqual(HISTORY_MAX_CHARS);
    // The budget is what bounds it here, not the count: older calls' frames went.
    expect(kept).not.toContain(earlier[0]![0]!.text);
    expect(kept).toContain(earlier[5]![8]!.text);
  });
});
