/**
 * Just enough SDP (RFC 8866) to tell hold from resume in an offer (RFC 3264 §8.4).
 */

export type AudioDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/**
 * The direction of the first audio stream that is not disabled (port ≠ 0): its own
 * a=sendrecv/sendonly/recvonly/inactive, else the session-level one, else 'sendrecv' (the
 * default of RFC 3264 §5.1). Where a level repeats a direction attribute, the first one counts.
 *
 * Without any direction attribute, a connection address of IP4 0.0.0.0 (at media level, or at
 * session level when the stream has no c= of its own) means the old RFC 2543 hold: "do not
 * send to me" (RFC 3264 §8.4). It reads as 'sendonly', what the offerer would say today to
 * hold while still able to send (music on hold); an explicit direction attribute wins over it.
 *
 * Undefined when the text is not SDP or has no enabled audio stream. Never throws.
 */
export function audioDirection(sdp: string): AudioDirection | undefined {
  if (typeof sdp !== 'string') return undefined;
  let sessionDirection: AudioDirection | undefined;
  let sessionNullAddress = false;
  // undefined: still at session level; false: in some other m= section; true: in ours.
  let inAudio: boolean | undefined;
  let mediaDirection: AudioDirection | undefined;
  let mediaConnection: boolean | undefined;

  // Line by line without splitting: only m=, a= lines of a direction's length, and c= lines
  // are copied out. Each line is trimmed as String.prototype.trim would.
  for (let pos = 0; pos <= sdp.length; ) {
    let nl = sdp.indexOf('\n', pos);
    if (nl === -1) nl = sdp.length;
    let start = pos;
    let end = nl;
    pos = nl + 1;
    while (start < end && isTrimmedSpace(sdp.charCodeAt(start))) start += 1;
    while (end > start && isTrimmedSpace(sdp.charCodeAt(end - 1))) end -= 1;
    if (end - start < 2 || sdp.charCodeAt(start + 1) !== 61) continue; // "x="
    const type = sdp.charCodeAt(start);
    if (type === 109) {
      // m=
      if (inAudio === true) break;
      inAudio = isEnabledAudio(sdp.slice(start, end));
      continue;
    }
    if (inAudio === false) continue;
    if (type === 97) {
      // a=, and every direction attribute is 8 characters long
      if (end - start !== 10) continue;
      const direction = asDirection(sdp.slice(start + 2, end));
      if (direction === undefined) continue;
      if (inAudio === undefined) sessionDirection ??= direction;
      else mediaDirection ??= direction;
    } else if (type === 99) {
      // c=
      const isNull = isNullConnection(sdp.slice(start + 2, end));
      if (inAudio === undefined) sessionNullAddress = isNull;
      else mediaConnection ??= isNull;
    }
  }
  if (inAudio !== true) return undefined;
  if (mediaDirection !== undefined) return mediaDirection;
  if (sessionDirection !== undefined) return sessionDirection;
  return (mediaConnection ?? sessionNullAddress) ? 'sendonly' : 'sendrecv';
}

/** Whether an offer with this direction puts the other side on hold (RFC 3264 §8.4). */
export function isHoldDirection(direction: AudioDirection | undefined): boolean {
  return direction === 'sendonly' || direction === 'inactive';
}

/** What String.prototype.trim removes: ECMAScript WhiteSpace and LineTerminator. */
function isTrimmedSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function asDirection(attribute: string): AudioDirection | undefined {
  return DIRECTIONS.includes(attribute) ? (attribute as AudioDirection) : undefined;
}

/** "m=audio 49170 RTP/AVP 0" or "m=audio 9 UDP/TLS/RTP/SAVPF 111": audio with a port ≠ 0. */
function isEnabledAudio(line: string): boolean {
  const [media, port] = line.slice(2).split(/[ \t]+/, 2);
  if (media !== 'audio' || port === undefined) return false;
  const number = /^([0-9]{1,5})(?:\/[0-9]+)?$/.exec(port)?.[1];
  return number !== undefined && Number(number) !== 0;
}

function isNullConnection(value: string): boolean {
  const [network, type, address] = value.split(/[ \t]+/, 3);
  // "0.0.0.0/127" carries a TTL (multicast syntax), still the null address.
  return network === 'IN' && type === 'IP4' && address !== undefined && address.split('/')[0] === '0.0.0.0';
}
