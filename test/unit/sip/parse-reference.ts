/**
 * The parser as it was before it learned to read only what the tracker needs (every header
 * copied, regex per line): the reference the one-pass parser is checked against in
 * parse-differential.test.ts. Test code only; not shipped.
 */
import type { SipMessage } from '../../../src/core/sip/message';
import { TOKEN, canonicalHeaderName } from '../../../src/core/sip/header-names';

/** Frames larger than this are not parsed at all (a SIP message over WebSocket is a few kB). */
const MAX_FRAME_BYTES = 64 * 1024;

interface ParseResult {
  messages: SipMessage[];
  /** Messages (or unframeable rest of a frame) that were not valid SIP. */
  invalid: number;
}

// Lenient on whitespace between the elements (RFC 4475 §3.1.2.9, §3.1.2.10 allow it), strict
// on the rest: the Request-URI must have a scheme and no LWS (§3.1.2.7, §3.1.2.8), the version
// must be 2.0 (§3.1.2.16), the status three digits 100–699 (§3.1.2.19).
const REQUEST_LINE = /^([A-Za-z0-9\-.!%*_+`'~]+)[ \t]+([A-Za-z][A-Za-z0-9+.-]*:[^ \t]+)[ \t]+SIP\/2\.0[ \t]*$/i;
const STATUS_LINE = /^SIP\/2\.0[ \t]+([1-6][0-9]{2})(?:[ \t]+(.*))?$/i;
const CONTENT_LENGTH = /^[0-9]{1,10}$/;

/**
 * Parse one WebSocket text frame. Handles several messages per frame (framed by
 * Content-Length), CRLF keep-alives, leading CRLFs (RFC 3261 §7.5), compact and folded
 * headers and LF-only line ends. A message without Content-Length takes the rest of the frame
 * as its body (RFC 7118 §5: one message per frame).
 *
 * Decisions where the RFCs leave a choice:
 * - A frame over {@link MAX_FRAME_BYTES} UTF-8 octets counts as one invalid and is not read.
 * - A message whose header block never ends (no empty line) is truncated: invalid.
 * - Content-Length larger than what is left, negative or not a number: invalid (RFC 4475
 *   §3.1.2.2, §3.1.2.3). Several Content-Length values that differ: invalid, because the
 *   framing is ambiguous (RFC 4475 §3.3.9 mcl01); repeated equal values are fine.
 * - A header line without a colon, with a name that is not a token, or a continuation line
 *   with nothing to continue makes its message invalid, but when the framing is still clear
 *   the parser carries on with the next message in the frame.
 * - Once a frame can no longer be framed, the rest of it counts as one invalid.
 */
export function parseSipFrameReference(data: string): ParseResult {
  const result: ParseResult = { messages: [], invalid: 0 };
  try {
    if (typeof data !== 'string' || exceedsFrameCap(data)) {
      result.invalid = 1;
      return result;
    }
    let pos = 0;
    while (pos < data.length) {
      pos = skipLineBreaks(data, pos);
      if (isBlankFrom(data, pos)) break;
      const one = parseMessageAt(data, pos);
      if (one.message) result.messages.push(one.message);
      else result.invalid += 1;
      if (one.next === undefined || one.next <= pos) break;
      pos = one.next;
    }
    return result;
  } catch {
    // Not expected to happen: the code above is written not to throw. Kept so a page's frame
    // can never break the content script.
    result.invalid += 1;
    return result;
  }
}

interface OneMessage {
  message?: SipMessage;
  /** Where the next message starts, or undefined when the rest of the frame cannot be framed. */
  next: number | undefined;
}

function parseMessageAt(data: string, start: number): OneMessage {
  const lines: string[] = [];
  let pos = start;
  let bodyStart = -1;
  while (bodyStart === -1) {
    const nl = data.indexOf('\n', pos);
    // No line feed left: the header block was cut short.
    if (nl === -1) return { next: undefined };
    const end = nl > pos && data.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const line = data.slice(pos, end);
    pos = nl + 1;
    if (line === '') bodyStart = pos;
    else lines.push(line);
  }

  const [startLine = '', ...headerLines] = lines;
  const parsedHeaders = parseHeaderLines(headerLines);
  const headers = parsedHeaders.headers;

  const framing = frameBody(data, bodyStart, headers.get('content-length'));
  if (framing === undefined) return { next: undefined };
  const { body, next } = framing;
  if (!parsedHeaders.ok) return { next };

  const request = REQUEST_LINE.exec(startLine);
  if (request) {
    const [, method = '', uri = ''] = request;
    return { message: { kind: 'request', method, uri, headers, body }, next };
  }
  const status = STATUS_LINE.exec(startLine);
  if (status) {
    const [, code = '', reason = ''] = status;
    return {
      message: { kind: 'response', status: Number(code), reason: trimLws(reason), headers, body },
      next,
    };
  }
  return { next };
}

function parseHeaderLines(lines: readonly string[]): { headers: Map<string, string[]>; ok: boolean } {
  const entries: [string, string][] = [];
  let ok = true;
  for (const line of lines) {
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) {
      // Folding (RFC 3261 §7.3.1): the continuation joins the previous value with one space.
      const last = entries[entries.length - 1];
      if (last === undefined) {
        ok = false;
        continue;
      }
      const more = trimLws(line);
      if (more !== '') last[1] = last[1] === '' ? more : `${last[1]} ${more}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : trimLws(line.slice(0, colon));
    if (!TOKEN.test(name)) {
      ok = false;
      continue;
    }
    entries.push([canonicalHeaderName(name), trimLws(line.slice(colon + 1))]);
  }
  const headers = new Map<string, string[]>();
  for (const [name, value] of entries) {
    const values = headers.get(name);
    if (values) values.push(value);
    else headers.set(name, [value]);
  }
  return { headers, ok };
}

/** The body and the end of the message, or undefined when the frame cannot be framed further. */
function frameBody(
  data: string,
  bodyStart: number,
  lengths: readonly string[] | undefined,
): { body: string; next: number } | undefined {
  if (lengths === undefined) {
    // RFC 7118: a frame holds one message, so without Content-Length the rest is the body.
    const rest = data.slice(bodyStart);
    return { body: isBlankFrom(rest, 0) ? '' : rest, next: data.length };
  }
  const first = lengths[0] ?? '';
  if (!CONTENT_LENGTH.test(first) || lengths.some((value) => value !== first)) return undefined;
  const end = advanceUtf8(data, bodyStart, Number(first));
  if (end === undefined) return undefined;
  return { body: data.slice(bodyStart, end), next: end };
}

/**
 * The index `octets` UTF-8 octets after `start`, or undefined when the string ends first or
 * the count ends inside a character (the Content-Length is then wrong).
 */
function advanceUtf8(data: string, start: number, octets: number): number | undefined {
  let pos = start;
  let left = octets;
  while (left > 0) {
    if (pos >= data.length) return undefined;
    const size = utf8SizeAt(data, pos);
    left -= size.octets;
    pos += size.units;
  }
  return left === 0 ? pos : undefined;
}

/** UTF-8 octets and UTF-16 code units of the character at `pos` (a lone surrogate as U+FFFD). */
function utf8SizeAt(data: string, pos: number): { octets: number; units: number } {
  const code = data.charCodeAt(pos);
  if (code < 0x80) return { octets: 1, units: 1 };
  if (code < 0x800) return { octets: 2, units: 1 };
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = data.charCodeAt(pos + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return { octets: 4, units: 2 };
  }
  return { octets: 3, units: 1 };
}

function exceedsFrameCap(data: string): boolean {
  if (data.length > MAX_FRAME_BYTES) return true;
  if (data.length * 3 <= MAX_FRAME_BYTES) return false;
  let octets = 0;
  for (let pos = 0; pos < data.length; ) {
    const size = utf8SizeAt(data, pos);
    octets += size.octets;
    if (octets > MAX_FRAME_BYTES) return true;
    pos += size.units;
  }
  return false;
}

/** Strip SP and HTAB only: String.prototype.trim would also eat a BOM or NBSP that is data. */
function trimLws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpaceOrTab(text.charCodeAt(start))) start += 1;
  while (end > start && isSpaceOrTab(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(start, end);
}

function isSpaceOrTab(code: number): boolean {
  return code === 32 || code === 9;
}

function skipLineBreaks(data: string, pos: number): number {
  let at = pos;
  while (at < data.length) {
    const code = data.charCodeAt(at);
    if (code !== 13 && code !== 10) break;
    at += 1;
  }
  return at;
}

/** True when nothing but SP, HTAB, CR or LF follows `pos` (keep-alives, trailing padding). */
function isBlankFrom(data: string, pos: number): boolean {
  for (let at = pos; at < data.length; at += 1) {
    const code = data.charCodeAt(at);
    if (code !== 32 && code !== 9 && code !== 13 && code !== 10) return false;
  }
  return true;
}

// ─── audioDirection as it was (src/core/sip/sdp.ts), split and trim per line ───────────

type AudioDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

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
export function audioDirectionReference(sdp: string): AudioDirection | undefined {
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
