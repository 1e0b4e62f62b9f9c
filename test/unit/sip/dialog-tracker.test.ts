import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CallEvent } from '../../../src/core/call-event';
import {
  MAX_ENDED_CALLS,
  MAX_LIVE_CALLS,
  createTrackerState,
  trackSipFrame,
  trackSipMessage,
} from '../../../src/core/sip/dialog-tracker';
import type { TrackerState } from '../../../src/core/sip/dialog-tracker';
import { parseSipFrame } from '../../../src/core/sip/parse';
import { type Frame, type Step, inboundCall, outboundCall, play, types } from '../../fixtures/sip/builders';

const ALICE = { displayName: 'Alice Bērziņa', number: '+37167000000' };
const base = (callId: string, at: number) => ({ callId, at, source: 'sip-websocket' });

/** An inbound call answered after `answerAt` ms: INVITE, 100, 180, 200, ACK. */
function answeredInbound(opts: Parameters<typeof inboundCall>[0] = {}, answerAt = 6_500) {
  const d = inboundCall(opts);
  const invite = d.invite();
  const steps: Step[] = [
    [0, invite],
    [20, d.reply(invite, 100)],
    [60, d.reply(invite, 180)],
    [answerAt, d.reply(invite, 200)],
    [answerAt + 80, d.ack()],
  ];
  return { d, invite, steps };
}

function answeredOutbound(opts: Parameters<typeof outboundCall>[0] = {}) {
  const d = outboundCall(opts);
  const invite = d.invite();
  const steps: Step[] = [
    [0, invite],
    [30, d.reply(invite, 100)],
    [900, d.reply(invite, 180)],
    [8_000, d.reply(invite, 200)],
    [8_050, d.ack()],
  ];
  return { d, invite, steps };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('inbound calls', () => {
  it('emits ringing on the first 18x sent and answered on the 200 sent, in ring 2', () => {
    const { d, steps } = answeredInbound();
    const { events } = play([...steps, [60_000, d.request('remote', 'BYE')]]);
    expect(events).toEqual([
      { ...base(d.callId, 60), type: 'ringing', direction: 'inbound', remote: ALICE },
      { ...base(d.callId, 6_500), type: 'answered', direction: 'inbound', remote: ALICE },
      { ...base(d.callId, 60_000), type: 'ended', by: 'remote' },
    ]);
  });

  it('works the same with SIP.js-style frames and a remote that writes compact headers', () => {
    const { d, steps } = answeredInbound({ style: 'sipjs', compactRemote: true });
    const { events } = play([...steps, [30_000, d.request('agent', 'BYE')]]);
    expect(types(events)).toEqual(['ringing', 'answered', 'ended']);
    expect(events[2]).toMatchObject({ by: 'agent' });
  });

  it('emits ringing and answered at the same time when the 200 comes without a 18x', () => {
    const d = inboundCall();
    const invite = d.invite();
    const { events } = play([
      [0, invite],
      [3_000, d.reply(invite, 200)],
    ]);
    expect(events).toEqual([
      { ...base(d.callId, 3_000), type: 'ringing', direction: 'inbound', remote: ALICE },
      { ...base(d.callId, 3_000), type: 'answered', direction: 'inbound', remote: ALICE },
    ]);
  });

  it('emits ringing once when the phone sends 180 and then 183', () => {
    const d = inboundCall();
    const invite = d.invite();
    const { events } = play([
      [0, invite],
      [50, d.reply(invite, 180)],
      [70, d.reply(invite, 183)],
      [80, d.reply(invite, 180)],
    ]);
    expect(types(events)).toEqual(['ringing']);
  });

  it('reports a caller who gave up (CANCEL, then 487) as missed, caller-abandoned', () => {
    const d = inboundCall();
    const invite = d.invite();
    const cancel = d.cancel();
    const { state, events } = play([
      [0, invite],
      [60, d.reply(invite, 180)],
      [14_000, cancel],
      [14_010, d.reply(cancel, 200)],
      [14_020, d.reply(invite, 487)],
      [14_100, d.ack()],
    ]);
    expect(events).toEqual([
      { ...base(d.callId, 60), type: 'ringing', direction: 'inbound', remote: ALICE },
      { ...base(d.callId, 14_020), type: 'missed', direction: 'inbound', by: 'remote', reason: 'caller-abandoned', status: 487 },
    ]);
    expect(state.calls).toEqual([]);
    expect(state.ended.map((e) => e.callId)).toEqual([d.callId]);
  });

  it('reports CANCEL followed by 480 as caller-abandoned too', () => {
    const d = inboundCall();
    const invite = d.invite();
    const cancel = d.cancel({ reason: 'Q.850;cause=16;text="Normal call clearing"' });
    const { events } = play([
      [0, invite],
      [60, d.reply(invite, 180)],
      [9_000, cancel],
      [9_010, d.reply(invite, 480)],
    ]);
    expect(events[1]).toMatchObject({ type: 'missed', reason: 'caller-abandoned', by: 'remote', status: 480 });
  });

  it.each([
    [486, 'rejected', 'agent'],
    [603, 'rejected', 'agent'],
    [480, 'rejected', 'agent'],
    [488, 'rejected', 'agent'],
    [302, 'rejected', 'agent'],
    [408, 'no-answer', 'remote'],
  ] as const)('reports a %i sent without CANCEL as missed, %s by %s', (status, reason, by) => {
    const d = inboundCall();
    const invite = d.invite();
    const { events } = play([
      [0, invite],
      [60, d.reply(invite, 180)],
      [4_000, d.reply(invite, status)],
    ]);
    expect(events).toEqual([
      { ...base(d.callId, 60), type: 'ringing', direction: 'inbound', remote: ALICE },
      { ...base(d.callId, 4_000), type: 'missed', direction: 'inbound', by, reason, status },
    ]);
  });

  it('reports a call rejected before it ever rang as missed without a ringing event', () => {
    const d = inboundCall();
    const invite = d.invite();
    const { events } = play([
      [0, invite],
      [10, d.reply(invite, 100)],
      [15, d.reply(invite, 486)],
    ]);
    expect(types(events)).toEqual(['missed']);
  });

  it('closes a call answered on another phone (CANCEL with Reason SIP cause 200) as ended, not missed', () => {
    const d = inboundCall();
    const invite = d.invite();
    const cancel = d.cancel({ reason: 'SIP;cause=200;text="Call completed elsewhere"' });
    const { events } = play([
      [0, invite],
      [60, d.reply(invite, 180)],
      [7_000, cancel],
      [7_010, d.reply(cancel, 200)],
      [7_020, d.reply(invite, 487)],
    ]);
    expect(events[1]).toEqual({ ...base(d.callId, 7_020), type: 'missed', direction: 'inbound', by: 'remote', reason: 'answered-elsewhere', status: 487 });
  });

  it('reports a caller BYE in the early dialog as caller-abandoned and ignores the 487 after it', () => {
    const d = inboundCall();
    const invite = d.invite();
    const bye = d.request('remote', 'BYE');
    const { events } = play([
      [0, invite],
      [60, d.reply(invite, 180)],
      [5_000, bye],
      [5_010, d.reply(bye, 200)],
      [5_020, d.reply(invite, 487, { reason: 'BYE Received' })],
    ]);
    expect(types(events)).toEqual(['ringing', 'missed']);
    expect(events[1]).toMatchObject({ at: 5_000, reason: 'caller-abandoned', by: 'remote' });
  });

  it('keeps the display name and number of the caller, and drops an anonymous number', () => {
    const d = inboundCall({ remote: { uri: 'sip:anonymous@anonymous.invalid', name: 'Anonymous' } });
    const invite = d.invite();
    const { events } = play([
      [0, invite],
      [60, d.reply(invite, 180)],
    ]);
    expect(events[0]).toMatchObject({ remote: { displayName: 'Anonymous' } });
    expect((events[0] as { remote?: object }).remote).not.toHaveProperty('number');
  });

  it('leaves remote out when the From has neither name nor user part', () => {
    const d = inboundCall({ remote: { uri: 'sip:pbx.example.com' } });
    const invite = d.invite();
    const { events } = play([
      [0, invite],
      [60, d.reply(invite, 180)],
    ]);
    expect(events[0]).not.toHaveProperty('remote');
  });

  it('ignores a 482 to a merged copy of the INVITE that came by another branch', () => {
    const d = inboundCall();
    const invite = d.invite();
    const copyVias = [`SIP/2.0/WSS 203.0.113.10:443;branch=z9hG4bKmergedcopy.0`, ...invite.vias.slice(1)];
    const copy: Frame = { dir: 'received', text: invite.text.replace(invite.vias[0] ?? '', copyVias[0] ?? '') };
    const { events } = play([
      [0, invite],
      [5, copy],
      [10, d.reply(invite, 180)],
      [12, d.reply(invite, 482, { vias: copyVias })],
      [4_000, d.reply(invite, 200)],
    ]);
    expect(types(events)).toEqual(['ringing', 'answered']);
  });
});

describe('outbound calls', () => {
  it('emits outbound-dialing on the INVITE and answered on the 200 received', () => {
    const { d, steps } = answeredOutbound();
    const { events } = play([...steps, [40_000, d.request('agent', 'BYE')]]);
    expect(events).toEqual([
      { ...base(d.callId, 0), type: 'outbound-dialing', direction: 'outbound', remote: ALICE },
      { ...base(d.callId, 8_000), type: 'answered', direction: 'outbound', remote: ALICE },
      { ...base(d.callId, 40_000), type: 'ended', by: 'agent' },
    ]);
  });

  it('treats 407 and the INVITE sent again with credentials as one call', () => {
    const d = outboundCall({ style: 'sipjs', remote: { uri: 'sip:+37120000000@pbx.example.com' } });
    const first = d.invite();
    const second = d.invite();
    const { events } = play([
      [0, first],
      [40, d.reply(first, 407)],
      [45, d.ack()],
      [60, second],
      [90, d.reply(second, 100)],
      [1_000, d.reply(second, 180)],
      [5_000, d.reply(second, 200)],
    ]);
    expect(events).toEqual([
      { ...base(d.callId, 0), type: 'outbound-dialing', direction: 'outbound', remote: { number: '+37120000000' } },
      { ...base(d.callId, 5_000), type: 'answered', direction: 'outbound', remote: { number: '+37120000000' } },
    ]);
  });

  it('reports a call the agent cancelled as missed, cancelled by the agent', () => {
    const d = outboundCall();
    const invite = d.invite();
    const cancel = d.cancel();
    const { events } = play([
      [0, invite],
      [900, d.reply(invite, 180)],
      [4_000, cancel],
      [4_030, d.reply(cancel, 200)],
      [4_040, d.reply(invite, 487)],
    ]);
    expect(events[1]).toEqual({ ...base(d.callId, 4_040), type: 'missed', direction: 'outbound', by: 'agent', reason: 'cancelled', status: 487 });
  });

  it.each([486, 404, 480, 503, 603, 487])('reports a %i received as missed, failed by the remote side', (status) => {
    const d = outboundCall();
    const invite = d.invite();
    const { events } = play([
      [0, invite],
      [2_000, d.reply(invite, status)],
    ]);
    expect(events[1]).toEqual({ ...base(d.callId, 2_000), type: 'missed', direction: 'outbound', by: 'remote', reason: 'failed', status });
  });

  it('reports an answer that crosses the CANCEL as answered', () => {
    const d = outboundCall();
    const invite = d.invite();
    const { events } = play([
      [0, invite],
      [4_000, d.cancel()],
      [4_010, d.reply(invite, 200)],
      [4_020, d.ack()],
      [4_030, d.request('agent', 'BYE')],
    ]);
    expect(types(events)).toEqual(['outbound-dialing', 'answered', 'ended']);
  });
});

describe('hold and resume', () => {
  it('follows an agent hold and resume by re-INVITE, on the 2xx received', () => {
    const { d, steps } = answeredInbound();
    const hold = d.reInvite('agent', 'sendonly');
    const resume = d.reInvite('agent', 'sendrecv');
    const { events } = play([
      ...steps,
      [20_000, hold],
      [20_050, d.reply(hold, 100)],
      [20_200, d.reply(hold, 200)],
      [20_210, d.ack()],
      [50_000, resume],
      [50_200, d.reply(resume, 200)],
    ]);
    expect(events.slice(2)).toEqual([
      { ...base(d.callId, 20_200), type: 'held', by: 'agent' },
      { ...base(d.callId, 50_200), type: 'resumed', by: 'agent' },
    ]);
  });

  it('follows an agent hold by UPDATE with inactive, and a resume with recvonly', () => {
    const { d, steps } = answeredOutbound({ style: 'sipjs' });
    const hold = d.update('agent', 'inactive');
    const resume = d.update('agent', 'recvonly');
    const { events } = play([...steps, [20_000, hold], [20_100, d.reply(hold, 200)], [30_000, resume], [30_100, d.reply(resume, 200)]]);
    expect(types(events)).toEqual(['outbound-dialing', 'answered', 'held', 'resumed']);
    expect(events.slice(2).map((e) => (e as { by: string }).by)).toEqual(['agent', 'agent']);
  });

  it('follows a remote hold by re-INVITE from the callee, with From/To reversed', () => {
    const { d, steps } = answeredOutbound();
    const hold = d.reInvite('remote', 'sendonly');
    const resume = d.reInvite('remote', 'sendrecv');
    expect(hold.from).toContain('Alice');
    const { events } = play([
      ...steps,
      [15_000, hold],
      [15_100, d.reply(hold, 200)],
      [15_200, d.ack()],
      [25_000, resume],
      [25_100, d.reply(resume, 200)],
    ]);
    expect(events.slice(2)).toEqual([
      { ...base(d.callId, 15_100), type: 'held', by: 'remote' },
      { ...base(d.callId, 25_100), type: 'resumed', by: 'remote' },
    ]);
  });

  it('follows a remote hold by UPDATE with the old c=0.0.0.0 form', () => {
    const { d, steps } = answeredInbound();
    const hold = d.update('remote', null, { nullAddress: true });
    const { events } = play([...steps, [15_000, hold], [15_100, d.reply(hold, 200)]]);
    expect(events[2]).toMatchObject({ type: 'held', by: 'remote' });
  });

  it('keeps each side hold apart', () => {
    const { d, steps } = answeredInbound();
    const agentHold = d.reInvite('agent', 'sendonly');
    const remoteHold = d.reInvite('remote', 'inactive');
    const agentResume = d.reInvite('agent', 'recvonly');
    const remoteResume = d.reInvite('remote', 'sendrecv');
    const { events } = play([
      ...steps,
      [10_000, agentHold],
      [10_100, d.reply(agentHold, 200)],
      [11_000, remoteHold],
      [11_100, d.reply(remoteHold, 200)],
      [12_000, agentResume],
      [12_100, d.reply(agentResume, 200)],
      [13_000, remoteResume],
      [13_100, d.reply(remoteResume, 200)],
    ]);
    expect(events.slice(2).map((e) => `${e.type}:${(e as { by: string }).by}`)).toEqual([
      'held:agent',
      'held:remote',
      'resumed:agent',
      'resumed:remote',
    ]);
  });

  it('does not read a session-timer refresh with sendrecv as a resume, nor an UPDATE without SDP', () => {
    const { d, steps } = answeredInbound();
    const refresh = d.reInvite('remote', 'sendrecv');
    const agentRefresh = d.reInvite('agent', 'sendrecv');
    const update = d.update('agent');
    const { events } = play([
      ...steps,
      [900_000, refresh],
      [900_100, d.reply(refresh, 200)],
      [910_000, agentRefresh],
      [910_100, d.reply(agentRefresh, 200)],
      [920_000, update],
      [920_100, d.reply(update, 200)],
    ]);
    expect(types(events)).toEqual(['ringing', 'answered']);
  });

  it('does not read a refresh during a hold as a second hold', () => {
    const { d, steps } = answeredInbound();
    const hold = d.reInvite('agent', 'sendonly');
    const again = d.reInvite('agent', 'sendonly');
    const { events } = play([...steps, [10_000, hold], [10_100, d.reply(hold, 200)], [40_000, again], [40_100, d.reply(again, 200)]]);
    expect(types(events)).toEqual(['ringing', 'answered', 'held']);
  });

  it('changes nothing when a re-INVITE is rejected (491 glare, 488), and holds when the retry succeeds', () => {
    const { d, steps } = answeredInbound();
    const hold = d.reInvite('agent', 'sendonly');
    const refused = d.reInvite('agent', 'inactive');
    const retry = d.reInvite('agent', 'sendonly');
    const { events } = play([
      ...steps,
      [10_000, hold],
      [10_050, d.reply(hold, 491)],
      [10_060, d.ack()],
      [11_000, refused],
      [11_050, d.reply(refused, 488)],
      [12_000, retry],
      [12_100, d.reply(retry, 200)],
    ]);
    expect(types(events)).toEqual(['ringing', 'answered', 'held']);
    expect(events[2]).toMatchObject({ at: 12_100 });
  });

  it('keeps glaring re-INVITEs with the same CSeq number apart by who sent them', () => {
    const { d, steps } = answeredOutbound({ agentSeq: 7, remoteSeq: 7 });
    const agentHold = d.reInvite('agent', 'sendonly', { seq: 20 });
    const remoteRefresh = d.reInvite('remote', 'sendrecv', { seq: 20 });
    const { events } = play([
      ...steps,
      [10_000, agentHold],
      [10_001, remoteRefresh],
      [10_050, d.reply(remoteRefresh, 200)],
      [10_100, d.reply(agentHold, 200)],
    ]);
    expect(types(events)).toEqual(['outbound-dialing', 'answered', 'held']);
    expect(events[2]).toMatchObject({ by: 'agent', at: 10_100 });
  });

  it('ignores the answer SDP: only the offer says who holds', () => {
    const { d, steps } = answeredInbound();
    const hold = d.reInvite('remote', 'sendonly');
    const { events } = play([...steps, [10_000, hold], [10_100, d.reply(hold, 200, { sdp: 'v=0\r\nm=audio 4000 RTP/AVP 0\r\na=recvonly\r\n' })]]);
    expect(events.slice(2)).toEqual([{ ...base(d.callId, 10_100), type: 'held', by: 'remote' }]);
  });
});

describe('transfers', () => {
  it('follows a blind transfer: REFER, 202, NOTIFY 100, NOTIFY 200, BYE', () => {
    const { d, steps } = answeredInbound();
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const trying = d.notify('remote', 'SIP/2.0 100 Trying');
    const done = d.notify('remote', 'SIP/2.0 200 OK', { terminated: true });
    const bye = d.request('remote', 'BYE');
    const { events, state } = play([
      ...steps,
      [30_000, refer],
      [30_050, d.reply(refer, 202)],
      [30_060, trying],
      [30_070, d.reply(trying, 200)],
      [33_000, done],
      [33_010, d.reply(done, 200)],
      [33_100, bye],
      [33_110, d.reply(bye, 200)],
    ]);
    expect(events.slice(2)).toEqual([
      { ...base(d.callId, 30_000), type: 'transfer-started', by: 'agent', target: 'sip:2002@pbx.example.com' },
      { ...base(d.callId, 30_050), type: 'transfer-accepted', by: 'agent', completed: false },
      { ...base(d.callId, 33_000), type: 'transfer-accepted', by: 'agent', completed: true },
      { ...base(d.callId, 33_100), type: 'ended', by: 'remote' },
    ]);
    expect(state.ended).toEqual([{ callId: d.callId }]);
  });

  it('follows a transferor that holds the caller first', () => {
    const { d, steps } = answeredInbound({ style: 'sipjs' });
    const hold = d.reInvite('agent', 'sendonly');
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const { events } = play([
      ...steps,
      [20_000, hold],
      [20_100, d.reply(hold, 200)],
      [25_000, refer],
      [25_050, d.reply(refer, 202)],
      [25_060, d.notify('remote', 'SIP/2.0 180 Ringing')],
      [29_000, d.notify('remote', 'SIP/2.0 200 OK', { terminated: true })],
      [29_100, d.request('agent', 'BYE')],
    ]);
    expect(types(events)).toEqual(['ringing', 'answered', 'held', 'transfer-started', 'transfer-accepted', 'transfer-accepted', 'ended']);
    expect(events.at(-1)).toMatchObject({ by: 'agent' });
  });

  it('still reports the outcome once when the transferor hangs up right after the 202', () => {
    const { d, steps } = answeredInbound();
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const done = d.notify('remote', 'SIP/2.0 200 OK', { terminated: true });
    const { events, state } = play([
      ...steps,
      [30_000, refer],
      [30_050, d.reply(refer, 202)],
      [30_060, d.request('agent', 'BYE')],
      [30_200, d.notify('remote', 'SIP/2.0 100 Trying')],
      [33_000, done],
      [33_500, done],
      [34_000, d.reInvite('remote', 'sendonly')],
    ]);
    expect(events.slice(2)).toEqual([
      { ...base(d.callId, 30_000), type: 'transfer-started', by: 'agent', target: 'sip:2002@pbx.example.com' },
      { ...base(d.callId, 30_050), type: 'transfer-accepted', by: 'agent', completed: false },
      { ...base(d.callId, 30_060), type: 'ended', by: 'agent' },
      { ...base(d.callId, 33_000), type: 'transfer-accepted', by: 'agent', completed: true },
    ]);
    expect(state.ended).toEqual([{ callId: d.callId }]);
  });

  it('reports a 202 that arrives after the transferor already hung up', () => {
    const { d, steps } = answeredInbound();
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const { events } = play([...steps, [30_000, refer], [30_010, d.request('agent', 'BYE')], [30_050, d.reply(refer, 202)]]);
    expect(types(events).slice(2)).toEqual(['transfer-started', 'ended', 'transfer-accepted']);
  });

  it('does not repeat transfer-started for a retransmitted REFER', () => {
    const { d, steps } = answeredInbound();
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const { events } = play([...steps, [30_000, refer], [30_500, refer], [30_600, d.reply(refer, 202)], [31_600, d.reply(refer, 202)]]);
    expect(types(events).slice(2)).toEqual(['transfer-started', 'transfer-accepted']);
  });

  it('reports a REFER rejected with 403 as transfer-failed', () => {
    const { d, steps } = answeredInbound();
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const { events } = play([...steps, [30_000, refer], [30_050, d.reply(refer, 403)]]);
    expect(events.slice(2)).toEqual([
      { ...base(d.callId, 30_000), type: 'transfer-started', by: 'agent', target: 'sip:2002@pbx.example.com' },
      { ...base(d.callId, 30_050), type: 'transfer-failed', by: 'agent', status: 403 },
    ]);
  });

  it('reports a sipfrag 503 as transfer-failed, once', () => {
    const { d, steps } = answeredInbound();
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const failed = d.notify('remote', 'SIP/2.0 503 Service Unavailable', { terminated: true });
    const { events } = play([...steps, [30_000, refer], [30_050, d.reply(refer, 202)], [31_000, failed], [31_500, failed]]);
    expect(events.slice(3)).toEqual([
      { ...base(d.callId, 30_050), type: 'transfer-accepted', by: 'agent', completed: false },
      { ...base(d.callId, 31_000), type: 'transfer-failed', by: 'agent', status: 503 },
    ]);
  });

  it('does not repeat transfer-started for a REFER sent again with credentials after 407', () => {
    const { d, steps } = answeredOutbound();
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const again = d.refer('agent', 'sip:2002@pbx.example.com');
    const { events } = play([...steps, [30_000, refer], [30_020, d.reply(refer, 407)], [30_040, again], [30_090, d.reply(again, 202)]]);
    expect(types(events).slice(2)).toEqual(['transfer-started', 'transfer-accepted']);
  });

  it('mirrors a transfer the remote side starts: REFER received, 202 sent, NOTIFY sent', () => {
    const { d, steps } = answeredOutbound();
    const refer = d.refer('remote', 'sip:3003@pbx.example.com');
    const { events } = play([
      ...steps,
      [30_000, refer],
      [30_010, d.reply(refer, 202)],
      [30_020, d.notify('agent', 'SIP/2.0 100 Trying')],
      [32_000, d.notify('agent', 'SIP/2.0 200 OK', { terminated: true })],
      [32_100, d.request('remote', 'BYE')],
    ]);
    expect(events.slice(2)).toEqual([
      { ...base(d.callId, 30_000), type: 'transfer-started', by: 'remote', target: 'sip:3003@pbx.example.com' },
      { ...base(d.callId, 30_010), type: 'transfer-accepted', by: 'remote', completed: false },
      { ...base(d.callId, 32_000), type: 'transfer-accepted', by: 'remote', completed: true },
      { ...base(d.callId, 32_100), type: 'ended', by: 'remote' },
    ]);
  });

  it('ignores a NOTIFY from the side that sent the REFER, or of another event package', () => {
    const { d, steps } = answeredInbound();
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const wrongPackage = d.request('remote', 'NOTIFY', { body: 'SIP/2.0 200 OK\r\n', contentType: 'message/sipfrag', headers: ['Event: dialog'] });
    const { events } = play([...steps, [30_000, refer], [30_100, d.notify('agent', 'SIP/2.0 200 OK')], [30_200, wrongPackage]]);
    expect(types(events)).toEqual(['ringing', 'answered', 'transfer-started']);
  });

  it('follows an attended transfer across two calls, the first on hold', () => {
    const first = answeredInbound();
    const hold = first.d.reInvite('agent', 'sendonly');
    const consult = outboundCall({ remote: { uri: 'sip:2002@pbx.example.com', name: 'Supervisor' } });
    const consultInvite = consult.invite();
    const refer = first.d.refer('agent', `sip:2002@pbx.example.com?Replaces=${encodeURIComponent(`${consult.callId};to-tag=a;from-tag=b`)}`);
    const { events } = play([
      ...first.steps,
      [20_000, hold],
      [20_100, first.d.reply(hold, 200)],
      [21_000, consultInvite],
      [24_000, consult.reply(consultInvite, 200)],
      [40_000, refer],
      [40_050, first.d.reply(refer, 202)],
      [40_300, first.d.notify('remote', 'SIP/2.0 200 OK', { terminated: true })],
      [40_400, first.d.request('remote', 'BYE')],
      [40_500, consult.request('remote', 'BYE')],
    ]);
    const byCall = (callId: string) => events.filter((e) => e.callId === callId).map((e) => e.type);
    expect(byCall(first.d.callId)).toEqual(['ringing', 'answered', 'held', 'transfer-started', 'transfer-accepted', 'transfer-accepted', 'ended']);
    expect(byCall(consult.callId)).toEqual(['outbound-dialing', 'answered', 'ended']);
  });
});

describe('several calls, retransmissions and bounds', () => {
  it('keeps two interleaved dialogs apart (call waiting)', () => {
    const a = inboundCall();
    const b = inboundCall({ remote: { uri: 'sip:+37129000000@pbx.example.com', name: 'Bob' } });
    const inviteA = a.invite();
    const inviteB = b.invite();
    const holdA = a.reInvite('agent', 'sendonly');
    const { events } = play([
      [0, inviteA],
      [50, a.reply(inviteA, 180)],
      [3_000, a.reply(inviteA, 200)],
      [10_000, inviteB],
      [10_050, b.reply(inviteB, 180)],
      [12_000, holdA],
      [12_100, a.reply(holdA, 200)],
      [12_500, b.reply(inviteB, 200)],
      [30_000, b.request('agent', 'BYE')],
      [31_000, a.request('remote', 'BYE')],
    ]);
    expect(events.map((e) => `${e.callId === a.callId ? 'A' : 'B'} ${e.type}`)).toEqual([
      'A ringing',
      'A answered',
      'B ringing',
      'A held',
      'B answered',
      'B ended',
      'A ended',
    ]);
    expect(events[2]).toMatchObject({ remote: { displayName: 'Bob', number: '+37129000000' } });
  });

  it('ignores retransmitted INVITEs, 18x, 200 OKs and BYEs', () => {
    const d = inboundCall();
    const invite = d.invite();
    const ringing = d.reply(invite, 180);
    const ok = d.reply(invite, 200);
    const bye = d.request('remote', 'BYE');
    const { events } = play([
      [0, invite],
      [500, invite],
      [60, ringing],
      [560, ringing],
      [3_000, ok],
      [3_500, ok],
      [4_500, ok],
      [6_500, ok],
      [20_000, bye],
      [20_500, bye],
      [21_500, ok],
    ]);
    expect(types(events)).toEqual(['ringing', 'answered', 'ended']);
  });

  it('says nothing about a Call-ID it never saw an INVITE for when only a NOTIFY comes (subscriptions use it too)', () => {
    const { d } = answeredInbound();
    const { events, state } = play([[30, d.notify('remote', 'SIP/2.0 200 OK')]]);
    expect(events).toEqual([]);
    expect(state).toEqual(createTrackerState());
  });

  it.each(['OPTIONS', 'REGISTER', 'MESSAGE', 'SUBSCRIBE', 'INFO', 'PRACK', 'ACK'])(
    'emits nothing for %s and its response and leaves the state as it was',
    (method) => {
      const { d, steps } = answeredInbound();
      const before = play(steps).state;
      const req = d.request('remote', method, method === 'MESSAGE' || method === 'INFO' ? { body: 'hi', contentType: 'text/plain' } : {});
      const after = play([[50_000, req], [50_010, d.reply(req, 200)]], before);
      expect(after.events).toEqual([]);
      expect(after.state).toBe(before);
    },
  );

  it('never changes the state it is given, and its state survives a JSON round trip', () => {
    const { d, steps } = answeredInbound();
    const hold = d.reInvite('agent', 'sendonly');
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const rest: Step[] = [
      [20_000, hold],
      [20_100, d.reply(hold, 200)],
      [25_000, refer],
      [25_050, d.reply(refer, 202)],
      [25_100, d.request('agent', 'BYE')],
      [28_000, d.notify('remote', 'SIP/2.0 200 OK')],
    ];
    const middle = deepFreeze(play(steps).state);
    const direct = play(rest, middle);
    const roundTripped = play(rest, JSON.parse(JSON.stringify(middle)) as TrackerState);
    expect(roundTripped.events).toEqual(direct.events);
    expect(JSON.parse(JSON.stringify(direct.state))).toEqual(direct.state);
    expect(types(direct.events)).toEqual(['held', 'transfer-started', 'transfer-accepted', 'ended', 'transfer-accepted']);
  });

  it('stays small over a shift of 2,000 calls', () => {
    let state = createTrackerState();
    let count = 0;
    for (let i = 0; i < 2_000; i += 1) {
      const inbound = i % 3 !== 0;
      const d = inbound ? inboundCall() : outboundCall();
      const invite = d.invite();
      const steps: Step[] = [[i * 1_000, invite], [i * 1_000 + 50, d.reply(invite, 180)]];
      if (i % 5 === 0) steps.push([i * 1_000 + 90, d.reply(invite, 486)]);
      else steps.push([i * 1_000 + 100, d.reply(invite, 200)], [i * 1_000 + 900, d.request(i % 2 ? 'agent' : 'remote', 'BYE')]);
      const result = play(steps, state);
      state = result.state;
      count += result.events.length;
    }
    expect(count).toBeGreaterThan(4_000);
    expect(state.calls).toEqual([]);
    expect(state.ended).toHaveLength(MAX_ENDED_CALLS);
    expect(JSON.stringify(state).length).toBeLessThan(MAX_ENDED_CALLS * 80);
  });

  it('drops the oldest live call beyond the cap and then ignores it', () => {
    let state = createTrackerState();
    const calls = Array.from({ length: MAX_LIVE_CALLS + 1 }, () => inboundCall());
    const invites = calls.map((d) => d.invite());
    for (const [i, invite] of invites.entries()) state = play([[i, invite]], state).state;
    expect(state.calls).toHaveLength(MAX_LIVE_CALLS);
    expect(state.calls[0]?.callId).toBe(calls[1]?.callId);
    const first = calls[0];
    const firstInvite = invites[0];
    if (!first || !firstInvite) throw new Error('no calls');
    expect(play([[100, first.reply(firstInvite, 180)]], state).events).toEqual([]);
  });

  it('ignores messages whose Call-ID or CSeq is missing or whose CSeq method does not match', () => {
    const d = inboundCall();
    const invite = d.invite();
    const noCallId = invite.text.replace(/^Call-ID: .*\r\n/m, '');
    const mismatch = invite.text.replace(/^CSeq: (\d+) INVITE/m, 'CSeq: $1 OPTIONS');
    for (const text of [noCallId, mismatch]) {
      const result = trackSipFrame(createTrackerState(), text, 'received', 0);
      expect(result).toMatchObject({ events: [], invalid: 0, state: createTrackerState() });
    }
  });

  it('stamps events with the adapter id it is given', () => {
    const d = outboundCall();
    const [msg] = parseSipFrame(d.invite().text).messages;
    if (!msg) throw new Error('no message');
    expect(trackSipMessage(createTrackerState(), msg, 'sent', 5, 'sip-test').events[0]).toMatchObject({ source: 'sip-test', at: 5 });
  });
});

describe('the tracker under random message orders', () => {
  it('never throws, stays bounded and emits at most one answered and one final event per call', () => {
    const { d, invite, steps } = answeredInbound();
    const hold = d.reInvite('agent', 'sendonly');
    const resume = d.reInvite('agent', 'sendrecv');
    const refer = d.refer('agent', 'sip:2002@pbx.example.com');
    const cancel = d.cancel();
    const vocabulary: Frame[] = [
      ...steps.map(([, frame]) => frame),
      d.reply(invite, 486),
      d.reply(invite, 487),
      cancel,
      hold,
      d.reply(hold, 200),
      d.reply(hold, 491),
      resume,
      d.reply(resume, 200),
      refer,
      d.reply(refer, 202),
      d.reply(refer, 403),
      d.notify('remote', 'SIP/2.0 100 Trying'),
      d.notify('remote', 'SIP/2.0 200 OK'),
      d.notify('remote', 'SIP/2.0 503 Service Unavailable'),
      d.request('agent', 'BYE'),
      d.request('remote', 'BYE'),
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocabulary), { maxLength: 30 }), (frames) => {
        let state = createTrackerState();
        const events: CallEvent[] = [];
        for (const [i, frame] of frames.entries()) {
          const result = trackSipFrame(state, frame.text, frame.dir, i);
          state = result.state;
          events.push(...result.events);
        }
        const count = (type: string) => events.filter((e) => e.type === type).length;
        expect(count('ringing')).toBeLessThanOrEqual(1);
        expect(count('answered')).toBeLessThanOrEqual(1);
        expect(count('ended') + count('missed')).toBeLessThanOrEqual(1);
        expect(state.calls.length + state.ended.length).toBeLessThanOrEqual(1);
        if (count('answered') === 1) expect(events.findIndex((e) => e.type === 'ringing')).toBeLessThan(events.findIndex((e) => e.type === 'answered'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a call joined late (the tracker started mid-call: extension installed or updated)', () => {
  it('starts the call on the first re-INVITE, at that frame, marked lateJoined, and follows the hold it carries', () => {
    const { d } = answeredInbound({});
    const hold = d.reInvite('agent', 'sendonly');
    const resume = d.reInvite('agent', 'sendrecv');
    const { events, state } = play([
      [40_000, hold],
      [40_200, d.reply(hold, 200)],
      [70_000, resume],
      [70_100, d.reply(resume, 200)],
    ]);
    expect(events).toEqual([
      { ...base(d.callId, 40_000), type: 'answered', direction: 'inbound', remote: ALICE, lateJoined: true },
      { ...base(d.callId, 40_200), type: 'held', by: 'agent' },
      { ...base(d.callId, 70_100), type: 'resumed', by: 'agent' },
    ]);
    expect(state.calls[0]).toMatchObject({ callId: d.callId, phase: 'confirmed', lateJoined: true, since: 40_000 });
  });

  it('takes the other party from the From of a request received', () => {
    const { d } = answeredInbound({});
    const { events } = play([[1_000, d.reInvite('remote', 'sendrecv')]]);
    expect(events).toEqual([{ ...base(d.callId, 1_000), type: 'answered', direction: 'inbound', remote: ALICE, lateJoined: true }]);
  });

  it('a BYE reveals and ends the call; a REFER reveals it and starts the transfer', () => {
    const { d } = answeredInbound();
    expect(types(play([[10, d.request('remote', 'BYE')]]).events)).toEqual(['answered', 'ended']);
    const second = answeredInbound();
    expect(types(play([[20, second.d.refer('agent', 'sip:x@y')]]).events)).toEqual(['answered', 'transfer-started']);
  });

  it('never brings a finished call back, and never starts one from an INVITE retransmission', () => {
    const { d, steps } = answeredInbound();
    const bye = d.request('remote', 'BYE');
    const { events } = play([...steps, [20_000, bye], [21_000, d.reInvite('remote', 'sendonly')], [21_100, d.request('remote', 'BYE')]]);
    expect(types(events)).toEqual(['ringing', 'answered', 'ended']);
  });
});
