/**
 * The one-pass parser (src/core/sip/parse.ts), which copies only the tracked headers and reads
 * the rest on demand, against the full parser it replaced (parse-reference.ts), on the bench's
 * fuzz families seeded with recorded and generated frames: same messages, same invalid count,
 * same headers whether read before or after the lazy completion. And the pre-filter: a frame it
 * drops never changes the tracker, whatever state the tracker is in.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TRACKED_HEADERS, frameCannotChangeCall, parseSipFrame } from '../../../src/core/sip/parse';
import type { SipMessage } from '../../../src/core/sip/message';
import { createTrackerState, trackSipFrame } from '../../../src/core/sip/dialog-tracker';
import { audioDirectionReference, parseSipFrameReference } from './parse-reference';
import { audioDirection } from '../../../src/core/sip/sdp';
import { fuzzFamilies } from '../../bench/lib/sip-fuzz';
import { loadCaptures } from '../../fixtures/sip/captures';
import { inboundCall, outboundCall } from '../../fixtures/sip/builders';

fc.configureGlobal({ ...fc.readConfigureGlobal(), baseSize: 'xlarge' });

const captured = loadCaptures().flatMap((c) => c.frames.map((f) => f.payload));
function generated(): string[] {
  const d = inboundCall({ compactRemote: true });
  const invite = d.invite();
  const o = outboundCall({ style: 'sipjs' });
  const out = o.invite();
  const hold = d.reInvite('agent', 'sendonly');
  return [invite, d.reply(invite, 100), d.reply(invite, 180), d.reply(invite, 200), d.ack(), hold, d.reply(hold, 200), d.request('remote', 'BYE'), out, o.reply(out, 183), o.refer('agent', 'sip:2002@pbx.example.com')].map((f) => f.text);
}
const seeds = [...captured, ...generated()];

/** Start line, body and every header of a message, the headers read through iteration. */
function whole(msg: SipMessage): unknown {
  const start = msg.kind === 'request' ? [msg.method, msg.uri] : [msg.status, msg.reason];
  return [msg.kind, ...start, msg.body, [...msg.headers]];
}

function sameAsReference(data: string): void {
  const ours = parseSipFrame(data);
  const reference = parseSipFrameReference(data);
  expect(ours.invalid).toBe(reference.invalid);
  expect(ours.messages.map(whole)).toEqual(reference.messages.map(whole));
  // Tracked headers read before anything forces the full read give the same values.
  const fresh = parseSipFrame(data).messages;
  fresh.forEach((msg, i) => {
    for (const name of TRACKED_HEADERS) expect(msg.headers.get(name)).toEqual(reference.messages[i]!.headers.get(name));
  });
}

describe('one-pass parser against the full reference parser', () => {
  it('agrees on every recorded SIP lab frame and every generated one', () => {
    expect(captured.length).toBeGreaterThan(100);
    for (const frame of seeds) sameAsReference(frame);
  });

  for (const family of fuzzFamilies(seeds, 12_000)) {
    it(`agrees on ${family.runs} cases of ${family.name}`, () => {
      fc.assert(fc.property(family.arb, sameAsReference), { numRuns: family.runs, seed: 0xd1ff + family.runs });
    });
  }

  it('reads a header that is not tracked from the kept header block, the full set in order', () => {
    const frame = 'INVITE sip:a@b SIP/2.0\r\nv: one\r\nContact: <sip:x@y>\r\nRecord-Route: <sip:r1>\r\n\t;lr\r\nVia: two\r\nRecord-Route: <sip:r2>\r\ni: c1\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n';
    const msg = parseSipFrame(frame).messages[0]!;
    expect(msg.headers.get('call-id')).toEqual(['c1']);
    expect(msg.headers.get('record-route')).toEqual(['<sip:r1> ;lr', '<sip:r2>']);
    expect(msg.headers.has('contact')).toBe(true);
    expect([...msg.headers.keys()]).toEqual(['via', 'contact', 'record-route', 'call-id', 'cseq', 'content-length']);
    expect(msg.headers.size).toBe(6);
    expect(msg.headers.get('via')).toEqual(['one', 'two']);
  });
});

describe('audioDirection without splitting, against the split-and-trim reference', () => {
  const sdpLines = ['v=0', 'o=- 1 2 IN IP4 0.0.0.0', 's=-', 'c=IN IP4 0.0.0.0', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'm=audio 0 RTP/AVP 0', 'm=video 9 RTP/AVP 96', 'm=audio 49170/2 RTP/AVP 0', 'a=sendonly', 'a=recvonly', 'a=inactive', 'a=sendrecv', 'a=rtpmap:111 opus/48000/2', 'a=sendonlyx', 'a= sendonly', ''];
  const spaces = ['', ' ', '\t', '\r', '\u00a0', '\ufeff', '\u2028', '\u180e', '\u200b', '\v'];
  const line = fc.tuple(fc.constantFrom(...spaces), fc.constantFrom(...sdpLines), fc.constantFrom(...spaces)).map(([a, l, b]) => a + l + b);
  const body = fc.oneof(
    fc.array(line, { maxLength: 30 }).map((ls) => ls.join('\r\n')),
    fc.array(line, { maxLength: 30 }).map((ls) => ls.join('\n')),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );

  it('gives the same direction on recorded bodies and on 6,000 generated ones', () => {
    for (const frame of seeds) for (const msg of parseSipFrame(frame).messages) expect(audioDirection(msg.body)).toBe(audioDirectionReference(msg.body));
    fc.assert(fc.property(body, (text) => {
      expect(audioDirection(text)).toBe(audioDirectionReference(text));
    }), { numRuns: 6_000, seed: 0x5d9 });
  });
});

describe('frameCannotChangeCall', () => {
  const CRLF = '\r\n';
  const message = (start: string, cseq: string, body = '', extra: string[] = []): string =>
    [start, 'Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK1', 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>', 'Call-ID: x1', `CSeq: ${cseq}`, ...extra, `Content-Length: ${body.length}`, '', body].join(CRLF);

  it('drops keep-alives, REGISTER, OPTIONS, 100 Trying and responses to REGISTER and OPTIONS', () => {
    for (const frame of ['\r\n\r\n', '\r\n', '', ' \r\n', message('REGISTER sip:pbx SIP/2.0', '1 REGISTER'), message('OPTIONS sip:a@b SIP/2.0', '5 OPTIONS'), message('SIP/2.0 100 Trying', '1 INVITE'), message('SIP/2.0 200 OK', '1 REGISTER'), message('SIP/2.0 401 Unauthorized', '1 REGISTER'), message('SIP/2.0 200 OK', '9 OPTIONS'), `\r\n${message('SIP/2.0 100 trying -- your call is important to us', '2 INVITE')}`]) {
      expect(frameCannotChangeCall(frame), JSON.stringify(frame.slice(0, 40))).toBe(true);
    }
  });

  it('keeps everything that can change a call, and whatever it is unsure of', () => {
    const register = message('REGISTER sip:pbx SIP/2.0', '1 REGISTER');
    const invite = message('INVITE sip:a@b SIP/2.0', '1 INVITE', 'v=0\r\n');
    for (const frame of [
      invite,
      message('SIP/2.0 180 Ringing', '1 INVITE'),
      message('SIP/2.0 181 Call Is Being Forwarded', '1 INVITE'),
      message('SIP/2.0 183 Session Progress', '1 INVITE'),
      message('SIP/2.0 200 OK', '1 INVITE'),
      message('SIP/2.0 487 Request Terminated', '1 INVITE'),
      message('BYE sip:a@b SIP/2.0', '2 BYE'),
      message('SIP/2.0 200 OK', '2 BYE'),
      message('NOTIFY sip:a@b SIP/2.0', '3 NOTIFY'),
      // Two messages in one frame, or a length that does not end the frame.
      register + invite,
      `${register}\r\n`,
      message('SIP/2.0 100 Trying', '1 INVITE', '', ['Content-Length: 0']),
      // Non-ASCII body: characters are not octets, so unsure.
      message('OPTIONS sip:a@b SIP/2.0', '5 OPTIONS', 'ē'),
      message('SIP/2.0 200 OK', '1 REGISTER', '', ['X-Folded: a', ' b']),
      'REGISTER sip:pbx SIP/2.0\r\nCall-ID: x\r\n',
      'register sip:pbx SIP/2.0\r\n\r\n',
      'SIP/2.0 100\r\n',
    ]) {
      expect(frameCannotChangeCall(frame), JSON.stringify(frame.slice(0, 60))).toBe(false);
    }
  });

  it('a frame it drops never changes the tracker, on fuzzed frames and with live calls', () => {
    // A tracker with live calls whose Call-IDs the seeds carry.
    let state = createTrackerState();
    for (const frame of seeds) state = trackSipFrame(state, frame, 'received', 1).state;
    const families = fuzzFamilies(seeds, 4_000);
    let dropped = 0;
    for (const family of families) {
      fc.assert(
        fc.property(family.arb, fc.constantFrom('sent' as const, 'received' as const), (data, dir) => {
          if (!frameCannotChangeCall(data)) return;
          dropped++;
          const result = trackSipFrame(state, data, dir, 2);
          expect(result.events).toEqual([]);
          expect(result.state).toBe(state);
        }),
        { numRuns: family.runs, seed: 0xf117 + family.runs },
      );
    }
    expect(dropped).toBeGreaterThan(0);
  });
});
