/**
 * NB: fast-check's default `size: 'small'` generates at most ~10–20 elements whatever
 * `maxLength` says; every generator here asks for `size: 'max'` so lengths span the bounds.
 *
 * Generators for fuzzing the SIP parser at benchmark scale (quality-bar.md: "fuzzed with
 * fast-check … a larger count in the benchmark"): arbitrary strings, strings made of
 * SIP-looking pieces, mutations of real frames (folded and compact headers, several messages
 * per frame, keep-alive CRLFs), binary frames decoded as the content script decodes them,
 * and garbage around the 64 kB frame cap.
 */
import fc from 'fast-check';
import { MAX_FRAME_BYTES } from '../../../src/core/sip/parse';

/** Pieces that reach the parser's corners when strung together. */
export const PIECES: readonly string[] = [
  '\r\n', '\n', '\r', ' ', '\t', ':', ';', ',', '"', '\\', '<', '>',
  'INVITE sip:a@b SIP/2.0', 'SIP/2.0 200 OK', 'SIP/2.0 ', 'BYE sip:x SIP/2.0', 'ACK sip:1001@h.invalid;transport=ws SIP/2.0',
  'Content-Length: 0', 'Content-Length: 5', 'Content-Length: 99999999999', 'l: 12', 'l: -1', 'l: 0', 'L:3',
  'Call-ID: x', 'i:', 'i: abc@host', 'CSeq: 1 INVITE', 'CSeq: 2 BYE', 'From: "A \\" B" <sip:a@b>;tag=1', 'f: <sip:a@b>;tag=2',
  'To: <sip:b@c', 't: sip:b@c;tag=3', 'Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK1', 'v: SIP/2.0/WS x', ' folded', '\tfolded',
  'Content-Type: application/sdp', 'c: application/sdp', 'v=0', 'm=audio 4000 RTP/AVP 0', 'a=sendonly', 'a=inactive',
  'c=IN IP4 0.0.0.0', 'ā', '👋', '\ud800', '\udc00', '\u0000', '\ufeff', '\u00a0',
];

export type Mutation = { at: number; kind: 'insert' | 'delete' | 'replace' | 'duplicate' | 'fold' | 'compact'; piece: string; length: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'delete', 'replace', 'duplicate', 'fold', 'compact'),
  piece: fc.constantFrom(...PIECES),
  length: fc.integer({ min: 1, max: 60 }),
});

const COMPACT: Readonly<Record<string, string>> = {
  'Via:': 'v:', 'From:': 'f:', 'To:': 't:', 'Call-ID:': 'i:', 'Contact:': 'm:', 'Content-Type:': 'c:', 'Content-Length:': 'l:',
};

export function mutate(text: string, ops: readonly Mutation[]): string {
  let out = text;
  for (const op of ops) {
    const at = out.length === 0 ? 0 : op.at % (out.length + 1);
    switch (op.kind) {
      case 'insert':
        out = out.slice(0, at) + op.piece + out.slice(at);
        break;
      case 'delete':
        out = out.slice(0, at) + out.slice(at + op.length);
        break;
      case 'replace':
        out = out.slice(0, at) + op.piece + out.slice(at + op.piece.length);
        break;
      case 'duplicate':
        out = out.slice(0, at) + out.slice(at, at + op.length) + out.slice(at);
        break;
      case 'fold': {
        // Fold the header line at `at` (RFC 3261 §7.3.1): CRLF + whitespace inside its value.
        const nl = out.indexOf('\r\n', at);
        const colon = out.indexOf(':', at);
        if (colon !== -1 && (nl === -1 || colon < nl)) out = `${out.slice(0, colon + 1)}\r\n ${out.slice(colon + 1)}`;
        break;
      }
      case 'compact': {
        for (const [long, short] of Object.entries(COMPACT)) {
          const i = out.indexOf(`\n${long}`, at);
          if (i !== -1) {
            out = out.slice(0, i + 1) + short + out.slice(i + 1 + long.length);
            break;
          }
        }
        break;
      }
    }
  }
  return out;
}

export interface FuzzFamily {
  name: string;
  runs: number;
  arb: fc.Arbitrary<string>;
}

/** The families and their share of `total` cases. */
export function fuzzFamilies(seeds: readonly string[], total: number): FuzzFamily[] {
  const seed = fc.constantFrom(...seeds);
  const padding = fc.array(fc.constantFrom('\r\n', '\r\n\r\n', '\n'), { maxLength: 4 }).map((p) => p.join(''));
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const share = (f: number) => Math.max(1, Math.round(total * f));
  return [
    { name: 'arbitrary strings (≤ 400 UTF-16 units)', runs: share(0.25), arb: fc.string({ unit: 'binary', maxLength: 400, size: 'max' }) },
    { name: 'strings of SIP-looking pieces', runs: share(0.2), arb: fc.array(fc.constantFrom(...PIECES), { maxLength: 80, size: 'max' }).map((p) => p.join('')) },
    { name: 'mutated real frames (insert/delete/replace/duplicate/fold/compact)', runs: share(0.3), arb: fc.tuple(seed, fc.array(mutationArb, { minLength: 1, maxLength: 8, size: 'max' })).map(([s, ops]) => mutate(s, ops)) },
    {
      name: 'several messages per frame with keep-alive CRLFs, cut anywhere',
      runs: share(0.15),
      arb: fc
        .tuple(fc.array(fc.tuple(padding, seed), { minLength: 1, maxLength: 4, size: 'max' }), padding, fc.double({ min: 0, max: 1, noNaN: true }))
        .map(([parts, tail, cut]) => {
          const whole = parts.map(([p, s]) => p + s).join('') + tail;
          return cut > 0.5 ? whole : whole.slice(0, Math.floor(whole.length * cut * 2));
        }),
    },
    {
      name: 'binary frames decoded as UTF-8',
      runs: share(0.0995),
      arb: fc.uint8Array({ maxLength: 600, size: 'max' }).map((bytes) => decoder.decode(bytes)),
    },
    {
      name: 'garbage near and over 64 kB',
      runs: share(0.0005),
      arb: fc
        .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 64, size: 'max' }), fc.integer({ min: MAX_FRAME_BYTES - 2_000, max: MAX_FRAME_BYTES + 2_000 }), fc.boolean())
        .map(([chunk, size, head]) => ((head ? 'MESSAGE sip:a@b SIP/2.0\r\nl: 60000\r\n\r\n' : '') + chunk.repeat(Math.ceil(size / chunk.length))).slice(0, size)),
    },
  ];
}
