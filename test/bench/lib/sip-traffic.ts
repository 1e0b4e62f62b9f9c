/**
 * Realistic SIP-over-WebSocket traffic for the benchmarks, built with the unit tests' dialog
 * builders (JsSIP/SIP.js behind Kamailio and Asterisk): each call is INVITE, 1xx, 200, ACK,
 * a hold re-INVITE and its 200/ACK, a resume re-INVITE and its 200/ACK, BYE and 200, with a
 * unique Call-ID. `dir` is the agent's page's view: 'sent' = the page sends it on its socket.
 */
import { inboundCall, outboundCall, type Frame } from '../../fixtures/sip/builders';
import { loadCaptures } from '../../fixtures/sip/captures';

export interface TrafficFrame {
  dir: 'sent' | 'received';
  text: string;
}

const toFrame = (f: Frame): TrafficFrame => ({ dir: f.dir, text: f.text });

/** The Call-ID of call number `i`: "bench" + i in base 36 (5 digits) + 8 pseudo-random characters. */
export function callIdOf(i: number): string {
  return `bench${i.toString(36).padStart(5, '0')}${((i + 1) * 2654435761).toString(36).slice(-8)}`;
}

/** Frames of call number `i` of a shift (alternating inbound/outbound, JsSIP/SIP.js style). */
export function callFrames(i: number): TrafficFrame[] {
  const style = i % 4 < 2 ? 'jssip' : 'sipjs';
  const callId = callIdOf(i);
  const remote = { uri: `sip:+3716700${String(i % 10_000).padStart(4, '0')}@pbx.example.com`, name: `Caller ${i}` };
  const out: Frame[] = [];
  if (i % 2 === 0) {
    const d = inboundCall({ callId, style, remote });
    const invite = d.invite();
    out.push(invite, d.reply(invite, 180), d.reply(invite, 200), d.ack());
    const hold = d.reInvite('agent', 'sendonly');
    out.push(hold, d.reply(hold, 200), d.request('agent', 'ACK', { seq: hold.seq }));
    const resume = d.reInvite('agent', 'sendrecv');
    out.push(resume, d.reply(resume, 200), d.request('agent', 'ACK', { seq: resume.seq }));
    const bye = d.request('remote', 'BYE');
    out.push(bye, d.reply(bye, 200));
  } else {
    const d = outboundCall({ callId, style, remote });
    const invite = d.invite();
    out.push(invite, d.reply(invite, 100), d.reply(invite, 180), d.reply(invite, 200), d.ack());
    const hold = d.reInvite('agent', 'sendonly');
    out.push(hold, d.reply(hold, 200), d.request('agent', 'ACK', { seq: hold.seq }));
    const resume = d.reInvite('agent', 'sendrecv');
    out.push(resume, d.reply(resume, 200), d.request('agent', 'ACK', { seq: resume.seq }));
    const bye = d.request('agent', 'BYE');
    out.push(bye, d.reply(bye, 200));
  }
  return out.map(toFrame);
}

/** The frames of calls [0, calls), in order. */
export function shiftFrames(calls: number, from = 0): TrafficFrame[] {
  const frames: TrafficFrame[] = [];
  for (let i = from; i < from + calls; i++) frames.push(...callFrames(i));
  return frames;
}

/** What the SIP lab recorded from real JsSIP 3.13 / SIP.js 0.21 pages behind Kamailio. */
export function capturedFrames(): TrafficFrame[] {
  return loadCaptures().flatMap((c) => c.frames.map((f) => ({ dir: f.direction, text: f.payload })));
}

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
