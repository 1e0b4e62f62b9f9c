import { describe, expect, it } from 'vitest';
import {
  callIdOf,
  contentTypeOf,
  cseqOf,
  displayNameOf,
  eventPackageOf,
  headerValue,
  reasonsOf,
  tagOf,
  topViaBranchOf,
  uriOf,
  userPartOf,
} from '../../../src/core/sip/headers';
import type { SipMessage } from '../../../src/core/sip/message';

function msg(headers: Record<string, string[]>): SipMessage {
  return { kind: 'request', method: 'INVITE', uri: 'sip:a@b', headers: new Map(Object.entries(headers)), body: '' };
}

describe('header helpers', () => {
  it('look a header up by long or compact name in any case', () => {
    const m = msg({ 'call-id': ['abc@host'], 'content-type': ['Application/SDP ; charset=utf-8'] });
    expect(headerValue(m, 'I')).toBe('abc@host');
    expect(headerValue(m, 'Call-ID')).toBe('abc@host');
    expect(callIdOf(m)).toBe('abc@host');
    expect(contentTypeOf(m)).toBe('application/sdp');
  });

  it('return undefined for absent or empty values instead of throwing', () => {
    const m = msg({ 'call-id': [''], 'content-type': ['nonsense'] });
    expect(callIdOf(m)).toBeUndefined();
    expect(cseqOf(m)).toBeUndefined();
    expect(contentTypeOf(m)).toBeUndefined();
    expect(eventPackageOf(m)).toBeUndefined();
    expect(topViaBranchOf(m)).toBeUndefined();
    expect(reasonsOf(m)).toEqual([]);
    expect(tagOf(undefined)).toBeUndefined();
    expect(uriOf('')).toBeUndefined();
    expect(displayNameOf('<sip:a@b>')).toBeUndefined();
    expect(userPartOf(undefined)).toBeUndefined();
  });

  it.each([
    ['1 INVITE', { seq: 1, method: 'INVITE' }],
    ['  4711   REFER ', { seq: 4711, method: 'REFER' }],
    ['4294967295 BYE', { seq: 4294967295, method: 'BYE' }],
    ['4294967296 BYE', undefined],
    ['-1 BYE', undefined],
    ['INVITE', undefined],
    ['1 INVITE extra', undefined],
  ])('reads CSeq %j', (value, expected) => {
    expect(cseqOf(msg({ cseq: [value] }))).toEqual(expected);
  });

  it.each([
    ['"Alice Bērziņa" <sip:+37167000000@pbx.example.com>;tag=as5f3c', 'Alice Bērziņa', 'sip:+37167000000@pbx.example.com', 'as5f3c'],
    ['Bob  Smith <sip:bob@example.com;transport=ws>;tag=x1', 'Bob Smith', 'sip:bob@example.com;transport=ws', 'x1'],
    ['sip:carol@example.com;tag=99', undefined, 'sip:carol@example.com', '99'],
    ['<sip:dave@example.com>', undefined, 'sip:dave@example.com', undefined],
    [String.raw`"Say \"hi\" \\ bye" <sip:e@x>; TAG = "quoted"`, String.raw`Say "hi" \ bye`, 'sip:e@x', 'quoted'],
    ['"A;tag=fake <sip:no@x>" <sip:f@x>;tag=real', 'A;tag=fake <sip:no@x>', 'sip:f@x', 'real'],
    ['"unterminated <sip:g@x>;tag=1', undefined, undefined, undefined],
    ['Name <sip:h@x;tag=1', undefined, undefined, undefined],
  ])('reads the name-addr %s', (value, name, uri, tag) => {
    expect(displayNameOf(value)).toBe(name);
    expect(uriOf(value)).toBe(uri);
    expect(tagOf(value)).toBe(tag);
  });

  it.each([
    ['sip:+37167000000@pbx.example.com', '+37167000000'],
    ['sips:alice@example.com:5061;transport=tls', 'alice'],
    ['sip:+37167000000;npdi;rn=+37120000000@pbx.example.com;user=phone', '+37167000000'],
    ['sip:alice:secret@example.com', 'alice'],
    ['SIP:Bob@EXAMPLE.com', 'Bob'],
    ['tel:+37167000000;phone-context=+371', '+37167000000'],
    ['tel:+1-201-555-0123', '+1-201-555-0123'],
    ['<sip:wrapped@example.com>', 'wrapped'],
    ['sip:%E2%82%AC@example.com', '€'],
    ['sip:bad%E2%82@example.com', 'bad%E2%82'],
    ['sip:example.com', undefined],
    ['mailto:a@b', undefined],
    ['no scheme', undefined],
  ])('finds the user part of %s', (uri, user) => {
    expect(userPartOf(uri)).toBe(user);
  });

  it('reads the branch of the topmost Via even when Vias share a line', () => {
    const m = msg({ via: ['SIP/2.0/WSS x.invalid;rport;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK2', 'SIP/2.0/UDP y;branch=z9hG4bK3'] });
    expect(topViaBranchOf(m)).toBe('z9hG4bK1');
  });

  it('reads the event package without its id', () => {
    expect(eventPackageOf(msg({ event: ['refer;id=93809824'] }))).toBe('refer');
    expect(eventPackageOf(msg({ event: ['Refer'] }))).toBe('refer');
  });

  it('reads Reason protocols and causes (RFC 3326)', () => {
    const m = msg({ reason: ['SIP ;cause=200 ;text="Call completed elsewhere, really"', 'Q.850;cause=16;text="Normal call clearing", SIP'] });
    expect(reasonsOf(m)).toEqual([
      { protocol: 'SIP', cause: 200 },
      { protocol: 'Q.850', cause: 16 },
      { protocol: 'SIP' },
    ]);
  });
});
