import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_FRAME_BYTES, parseSipFrame } from '../../../src/core/sip/parse';
import type { ParseResult } from '../../../src/core/sip/parse';
import { audioDirection } from '../../../src/core/sip/sdp';
import { callIdOf, cseqOf, displayNameOf, headerValue, tagOf, uriOf, userPartOf } from '../../../src/core/sip/headers';
import { inboundCall, outboundCall, sdp } from '../../fixtures/sip/builders';

// fast-check's default size keeps generated strings and arrays far below the lengths the
// arbitraries allow (a 400-character limit yields about 20); fuzz at the largest base size.
fc.configureGlobal({ ...fc.readConfigureGlobal(), baseSize: 'xlarge' });

// Property runs add up to more than 10,000 cases per test run (quality-bar.md).

/** The parser's contract, whatever the input: a result of the right shape, nothing thrown. */
function wellFormed(result: ParseResult): void {
  expect(Array.isArray(result.messages)).toBe(true);
  expect(Number.isInteger(result.invalid) && result.invalid >= 0).toBe(true);
  for (const msg of result.messages) {
    expect(msg.headers instanceof Map).toBe(true);
    expect(typeof msg.body).toBe('string');
    if (msg.kind === 'response') expect(msg.status >= 100 && msg.status <= 699).toBe(true);
    else expect(msg.method.length).toBeGreaterThan(0);
    // The helpers are total on whatever the parser lets through.
    callIdOf(msg);
    cseqOf(msg);
    const from = headerValue(msg, 'from');
    tagOf(from);
    displayNameOf(from);
    userPartOf(uriOf(from));
    audioDirection(msg.body);
  }
}

const inbound = inboundCall({ compactRemote: true });
const invite = inbound.invite();
const outbound = outboundCall({ style: 'sipjs' });
const outInvite = outbound.invite();
const refer = inbound.refer('agent', 'sip:2002@pbx.example.com');
/** Valid frames from both UA styles: requests, responses, bodies, compact headers. */
const SEEDS: readonly string[] = [
  invite.text,
  inbound.reply(invite, 180).text,
  inbound.reply(invite, 200).text,
  inbound.cancel({ reason: 'SIP;cause=200;text="Call completed elsewhere"' }).text,
  inbound.reInvite('remote', 'sendonly').text,
  refer.text,
  inbound.reply(refer, 202).text,
  inbound.notify('remote', 'SIP/2.0 200 OK').text,
  inbound.request('remote', 'BYE').text,
  outInvite.text,
  outbound.reply(outInvite, 407).text,
  outbound.update('agent', 'inactive').text,
];

/** Pieces that tend to reach the parser's corners when strung together. */
const PIECES: readonly string[] = [
  '\r\n',
  '\n',
  '\r',
  ' ',
  '\t',
  ':',
  ';',
  ',',
  '"',
  '\\',
  '<',
  '>',
  'INVITE sip:a@b SIP/2.0',
  'SIP/2.0 200 OK',
  'SIP/2.0 ',
  'Content-Length: 0',
  'Content-Length: 5',
  'l: 12',
  'l: -1',
  'Call-ID: x',
  'i:',
  'CSeq: 1 INVITE',
  'From: "A \\" B" <sip:a@b>;tag=1',
  'To: <sip:b@c',
  'v=0',
  'm=audio 4000 RTP/AVP 0',
  'a=sendonly',
  'c=IN IP4 0.0.0.0',
  'ā',
  '👋',
  '\ud800',
  '\u0000',
  '\ufeff',
];

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'delete', 'replace', 'duplicate'),
  piece: fc.constantFrom(...PIECES),
  length: fc.integer({ min: 1, max: 40 }),
});

function mutate(text: string, ops: readonly { at: number; kind: string; piece: string; length: number }[]): string {
  let out = text;
  for (const op of ops) {
    const at = out.length === 0 ? 0 : op.at % (out.length + 1);
    if (op.kind === 'insert') out = out.slice(0, at) + op.piece + out.slice(at);
    else if (op.kind === 'delete') out = out.slice(0, at) + out.slice(at + op.length);
    else if (op.kind === 'replace') out = out.slice(0, at) + op.piece + out.slice(at + op.piece.length);
    else out = out.slice(0, at) + out.slice(at, at + op.length) + out.slice(at);
  }
  return out;
}

describe('parseSipFrame under fuzzing', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (data) => {
        wellFormed(parseSipFrame(data));
      }),
      { numRuns: 3_000 },
    );
  });

  it('never throws on strings made of SIP-looking pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), (pieces) => {
        wellFormed(parseSipFrame(pieces.join('')));
      }),
      { numRuns: 3_000 },
    );
  });

  it('never throws on mutations of valid messages', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, ops) => {
        wellFormed(parseSipFrame(mutate(seed, ops)));
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads valid messages the same with any keep-alive padding around them and several per frame', () => {
    const padding = fc.array(fc.constantFrom('\r\n', '\r\n\r\n', '\n'), { maxLength: 4 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(fc.tuple(padding, fc.constantFrom(...SEEDS)), { minLength: 1, maxLength: 4 }), padding, (parts, tail) => {
        const data = parts.map(([pad, seed]) => pad + seed).join('') + tail;
        const result = parseSipFrame(data);
        const alone = parts.flatMap(([, seed]) => parseSipFrame(seed).messages);
        expect(result.invalid).toBe(0);
        expect(result.messages).toEqual(alone);
      }),
      { numRuns: 1_000 },
    );
  });

  it('never reads more from a frame cut short than from the whole frame', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.constantFrom(...SEEDS), fc.double({ min: 0, max: 1, noNaN: true }), (a, b, cut) => {
        const whole = a + b;
        const prefix = whole.slice(0, Math.floor(whole.length * cut));
        const result = parseSipFrame(prefix);
        wellFormed(result);
        expect(result.messages.length).toBeLessThanOrEqual(2);
        // A message is either all there or not read: no truncated body slips through.
        for (const msg of result.messages) expect(whole).toContain(msg.body);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on garbage near and over 64 kB', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
        fc.integer({ min: MAX_FRAME_BYTES - 2_000, max: MAX_FRAME_BYTES + 2_000 }),
        fc.boolean(),
        (chunk, size, sipHead) => {
          const head = sipHead ? 'MESSAGE sip:a@b SIP/2.0\r\nl: 60000\r\n\r\n' : '';
          const data = (head + chunk.repeat(Math.ceil(size / chunk.length))).slice(0, size);
          const result = parseSipFrame(data);
          wellFormed(result);
          if (data.length > MAX_FRAME_BYTES) expect(result).toEqual({ messages: [], invalid: 1 });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps audioDirection total on arbitrary and mutated SDP', () => {
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 6 }), fc.constantFrom('sendonly', 'inactive', null), (ops, direction) => {
        const result = audioDirection(mutate(sdp(direction), ops));
        expect([undefined, 'sendrecv', 'sendonly', 'recvonly', 'inactive']).toContain(result);
      }),
      { numRuns: 500 },
    );
  });
});
