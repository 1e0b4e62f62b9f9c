import { describe, expect, it } from 'vitest';
import { audioDirection, isHoldDirection } from '../../../src/core/sip/sdp';
import { sdp } from '../../fixtures/sip/builders';

const lines = (...all: string[]) => `${all.join('\r\n')}\r\n`;

describe('audioDirection', () => {
  it.each(['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const)('reads a=%s at media level from a WebRTC offer', (direction) => {
    expect(audioDirection(sdp(direction))).toBe(direction);
  });

  it('defaults to sendrecv when no direction is given (RFC 3264 §5.1)', () => {
    expect(audioDirection(sdp(null))).toBe('sendrecv');
  });

  it('uses the session-level direction when the stream has none', () => {
    expect(audioDirection(sdp(null, { pbx: true, sessionDirection: 'sendonly' }))).toBe('sendonly');
  });

  it('lets the media-level direction win over the session-level one', () => {
    expect(audioDirection(sdp('sendrecv', { pbx: true, sessionDirection: 'inactive' }))).toBe('sendrecv');
  });

  it('reads c=IN IP4 0.0.0.0 without a direction as the RFC 2543 hold, sendonly', () => {
    expect(audioDirection(sdp(null, { pbx: true, nullAddress: true }))).toBe('sendonly');
    expect(audioDirection(sdp(null, { nullAddress: true }))).toBe('sendonly');
  });

  it('lets an explicit direction win over c=0.0.0.0, as in a WebRTC offer sent before ICE gathering', () => {
    expect(audioDirection(sdp('sendrecv', { nullAddress: true }))).toBe('sendrecv');
  });

  it('lets a media-level c= with a real address win over a session-level 0.0.0.0', () => {
    const text = lines('v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 'c=IN IP4 0.0.0.0', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'c=IN IP4 192.0.2.1');
    expect(audioDirection(text)).toBe('sendrecv');
  });

  it('skips disabled streams (port 0) and other media', () => {
    const text = lines(
      'v=0',
      'o=- 1 1 IN IP4 192.0.2.1',
      's=-',
      'c=IN IP4 192.0.2.1',
      't=0 0',
      'm=video 5000 RTP/AVP 96',
      'a=inactive',
      'm=audio 0 RTP/AVP 0',
      'a=sendonly',
      'm=audio 4000/2 RTP/AVP 0',
      'a=recvonly',
      'm=audio 4002 RTP/AVP 0',
      'a=inactive',
    );
    expect(audioDirection(text)).toBe('recvonly');
  });

  it('tolerates LF-only lines and trailing spaces', () => {
    expect(audioDirection('v=0\nm=audio 4000 RTP/AVP 0 \na=inactive \n')).toBe('inactive');
  });

  it.each([
    ['an empty body', ''],
    ['a body that is not SDP', 'SIP/2.0 200 OK\r\n'],
    ['video only', lines('v=0', 'm=video 5000 RTP/AVP 96', 'a=sendonly')],
    ['only a disabled audio stream', lines('v=0', 'm=audio 0 RTP/AVP 0', 'a=sendonly')],
    ['a garbled port', lines('v=0', 'm=audio x RTP/AVP 0')],
  ])('gives undefined for %s', (_name, text) => {
    expect(audioDirection(text)).toBeUndefined();
  });

  it('never throws on input that is not a string', () => {
    expect(audioDirection(undefined as unknown as string)).toBeUndefined();
  });
});

describe('isHoldDirection', () => {
  it('treats sendonly and inactive offers as hold, the rest as not', () => {
    expect(['sendrecv', 'sendonly', 'recvonly', 'inactive', undefined].map((d) => isHoldDirection(d as never))).toEqual([
      false,
      true,
      false,
      true,
      false,
    ]);
  });
});
