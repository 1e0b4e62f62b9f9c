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

  for (const raw of sdp.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('m=')) {
      if (inAudio === true) break;
      inAudio = isEnabledAudio(line);
      continue;
    }
    if (inAudio === false) continue;
    if (line.startsWith('a=')) {
      const direction = asDirection(line.slice(2));
      if (direction === undefined) continue;
      if (inAudio === undefined) sessionDirection ??= direction;
      else mediaDirection ??= direction;
    } else if (line.startsWith('c=')) {
      const isNull = isNullConnection(line.slice(2));
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
