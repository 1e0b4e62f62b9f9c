/**
 * The SIP-over-WebSocket sniffer: text frames (RFC 7118) in, SIP messages (RFC 3261 §7) out.
 *
 * Total: it never throws and never guesses. Junk is counted in `invalid` and skipped. The
 * frames come from the softphone page, which we do not control, so everything here treats
 * its input as hostile: bounded size, no regex with nested quantifiers, no object keys
 * taken from the input.
 *
 * It runs on the page's main thread for every frame, so it reads only what the call tracker
 * needs: the start line, and the values of the few headers in {@link TRACKED_HEADERS}. Every
 * other header line is checked (a token, a colon) but not copied; its value is read from the
 * kept header block only when someone asks for it (see {@link SipHeaderMap}).
 */
import type { SipMessage } from './message';
import { canonicalHeaderName } from './header-names';

/** Frames larger than this are not parsed at all (a SIP message over WebSocket is a few kB). */
export const MAX_FRAME_BYTES = 64 * 1024;

export interface ParseResult {
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
export function parseSipFrame(data: string): ParseResult {
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

/**
 * The headers the call tracker reads (long form), copied while the message is scanned. The
 * others are read from the header block on first use.
 */
export const TRACKED_HEADERS: ReadonlySet<string> = new Set([
  'call-id',
  'cseq',
  'from',
  'to',
  'via',
  'content-length',
  'content-type',
  'event',
  'refer-to',
  'reason',
]);

/**
 * A message's headers, as a Map from long lower-case name to every value in order: the
 * tracked ones filled while scanning, all of them (in order of first appearance, as a full
 * parse gives) as soon as anything else is asked for. Read-only for its users.
 */
export class SipHeaderMap extends Map<string, string[]> {
  private complete = false;

  constructor(
    private readonly data: string,
    private readonly blockStart: number,
  ) {
    super();
  }

  /** Adds one header line's value; returns the name's values, for a folded line to extend. */
  add(name: string, value: string): string[] {
    const values = super.get(name);
    if (values !== undefined) {
      values.push(value);
      return values;
    }
    const created = [value];
    super.set(name, created);
    return created;
  }

  override get(name: string): string[] | undefined {
    if (!this.complete && !TRACKED_HEADERS.has(name)) this.completeFromBlock();
    return super.get(name);
  }

  override has(name: string): boolean {
    if (!this.complete && !TRACKED_HEADERS.has(name)) this.completeFromBlock();
    return super.has(name);
  }

  override get size(): number {
    this.completeFromBlock();
    return super.size;
  }

  override forEach(callback: (value: string[], key: string, map: Map<string, string[]>) => void, thisArg?: unknown): void {
    this.completeFromBlock();
    super.forEach(callback, thisArg);
  }

  override keys(): MapIterator<string> {
    this.completeFromBlock();
    return super.keys();
  }

  override values(): MapIterator<string[]> {
    this.completeFromBlock();
    return super.values();
  }

  override entries(): MapIterator<[string, string[]]> {
    this.completeFromBlock();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, string[]]> {
    return this.entries();
  }

  /** Every header of the block, in order of first appearance, as a full parse reads them. */
  private completeFromBlock(): void {
    if (this.complete) return;
    this.complete = true;
    super.clear();
    scanHeaderBlock(this.data, this.blockStart, this, true);
  }
}

/**
 * The long name of the tracked header named by `data[from, to)` (a token, any case, long or
 * compact form), or undefined for any other header. No string is made for the name.
 */
function trackedHeaderAt(data: string, from: number, to: number): string | undefined {
  const length = to - from;
  // | 0x20 lower-cases letters; no other token character maps onto a letter or '-'.
  const first = data.charCodeAt(from) | 0x20;
  if (length === 1) {
    switch (first) {
      case 105: return 'call-id'; // i
      case 102: return 'from'; // f
      case 116: return 'to'; // t
      case 118: return 'via'; // v
      case 108: return 'content-length'; // l
      case 99: return 'content-type'; // c
      case 111: return 'event'; // o
      case 114: return 'refer-to'; // r
      default: return undefined;
    }
  }
  let name: string | undefined;
  switch (first) {
    case 99: // c
      name = length === 7 ? 'call-id' : length === 4 ? 'cseq' : length === 14 ? 'content-length' : length === 12 ? 'content-type' : undefined;
      break;
    case 102:
      name = length === 4 ? 'from' : undefined;
      break;
    case 116:
      name = length === 2 ? 'to' : undefined;
      break;
    case 118:
      name = length === 3 ? 'via' : undefined;
      break;
    case 101:
      name = length === 5 ? 'event' : undefined;
      break;
    case 114:
      name = length === 8 ? 'refer-to' : length === 6 ? 'reason' : undefined;
      break;
    default:
      return undefined;
  }
  if (name === undefined) return undefined;
  for (let i = 1; i < length; i += 1) if ((data.charCodeAt(from + i) | 0x20) !== name.charCodeAt(i)) return undefined;
  return name;
}

/** `[A-Za-z0-9\-.!%*_+`'~]`: RFC 3261 §25.1 token characters, by char code (ASCII only). */
const TOKEN_CHAR = new Uint8Array(128);
for (const char of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") {
  TOKEN_CHAR[char.charCodeAt(0)] = 1;
}

function parseMessageAt(data: string, start: number): OneMessage {
  const nl = data.indexOf('\n', start);
  // No line feed left: the header block was cut short.
  if (nl === -1) return { next: undefined };
  const startLine = data.slice(start, lineEnd(data, start, nl));

  const headers = new SipHeaderMap(data, nl + 1);
  const block = scanHeaderBlock(data, nl + 1, headers, false);
  if (block === undefined) return { next: undefined };
  const { ok, bodyStart } = block;

  const framing = frameBody(data, bodyStart, headers.get('content-length'));
  if (framing === undefined) return { next: undefined };
  const { body, next } = framing;
  if (!ok) return { next };

  const request = REQUEST_LINE.exec(startLine);
  if (request) {
    const [, method = '', uri = ''] = request;
    return { message: { kind: 'request', method, uri, headers, body }, next };
  }
  const status = STATUS_LINE.exec(startLine);
  if (status) {
    const [, code = '', reason = ''] = status;
    return {
      message: { kind: 'response', status: Number(code), reason: trimmedSlice(reason, 0, reason.length), headers, body },
      next,
    };
  }
  return { next };
}

/**
 * One pass over the header lines from `from` to the empty line: every line is checked (a
 * token, optional SP/HTAB, a colon; or a continuation of the line before), and the values of
 * the tracked headers (of all headers, with `all`) are added to `headers`. Undefined when the
 * block never ends; else whether every line was valid, and where the body starts.
 */
function scanHeaderBlock(data: string, from: number, headers: SipHeaderMap, all: boolean): { ok: boolean; bodyStart: number } | undefined {
  let ok = true;
  let seenHeader = false;
  /** The values of the last header line read, when it is kept (folding appends to it). */
  let last: string[] | undefined;
  let pos = from;
  for (;;) {
    const nl = data.indexOf('\n', pos);
    if (nl === -1) return undefined;
    const end = lineEnd(data, pos, nl);
    if (end === pos) return { ok, bodyStart: nl + 1 };
    const first = data.charCodeAt(pos);
    if (first === 32 || first === 9) {
      // Folding (RFC 3261 §7.3.1): the continuation joins the previous value with one space.
      if (!seenHeader) ok = false;
      else if (last !== undefined) {
        const more = trimmedSlice(data, pos, end);
        const at = last.length - 1;
        const value = last[at] ?? '';
        if (more !== '') last[at] = value === '' ? more : `${value} ${more}`;
      }
    } else {
      let at = pos;
      while (at < end && isTokenChar(data.charCodeAt(at))) at += 1;
      const nameEnd = at;
      while (at < end && isSpaceOrTab(data.charCodeAt(at))) at += 1;
      if (nameEnd === pos || at === end || data.charCodeAt(at) !== 58) {
        // No colon, or a name that is not a token. The previous value stays the one a
        // continuation line would extend, as it was before this line.
        ok = false;
      } else {
        seenHeader = true;
        const name = all ? canonicalHeaderName(data.slice(pos, nameEnd)) : trackedHeaderAt(data, pos, nameEnd);
        last = name === undefined ? undefined : headers.add(name, trimmedSlice(data, at + 1, end));
      }
    }
    pos = nl + 1;
  }
}

/** The end of the line whose line feed is at `nl`, without one CR before it. */
function lineEnd(data: string, lineStart: number, nl: number): number {
  return nl > lineStart && data.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_CHAR[code] === 1;
}

/** The body and the end of the message, or undefined when the frame cannot be framed further. */
function frameBody(
  data: string,
  bodyStart: number,
  lengths: readonly string[] | undefined,
): { body: string; next: number } | undefined {
  if (lengths === undefined) {
    // RFC 7118: a frame holds one message, so without Content-Length the rest is the body.
    return { body: isBlankFrom(data, bodyStart) ? '' : data.slice(bodyStart), next: data.length };
  }
  const first = lengths[0] ?? '';
  if (!CONTENT_LENGTH.test(first)) return undefined;
  for (let i = 1; i < lengths.length; i += 1) if (lengths[i] !== first) return undefined;
  const end = advanceUtf8(data, bodyStart, Number(first));
  if (end === undefined) return undefined;
  return { body: data.slice(bodyStart, end), next: end };
}

/**
 * The index `octets` UTF-8 octets after `start`, or undefined when the string ends first or
 * the count ends inside a character (the Content-Length is then wrong).
 */
function advanceUtf8(data: string, start: number, octets: number): number | undefined {
  // ASCII first: one octet per code unit, the usual SDP body.
  const asciiEnd = Math.min(data.length, start + octets);
  let pos = Math.min(asciiEnd, firstNonAsciiFrom(data, start, asciiEnd));
  let left = octets - (pos - start);
  while (left > 0) {
    if (pos >= data.length) return undefined;
    const code = data.charCodeAt(pos);
    const units = utf8UnitsAt(data, pos, code);
    left -= utf8Octets(code, units);
    pos += units;
  }
  return left === 0 ? pos : undefined;
}

const NON_ASCII = /[^\0-\x7f]/g;

/**
 * The index of the first code unit ≥ 0x80 at or after `from` (or at least `until` when there is
 * none before it). When the range runs to the end of the string (the usual body: one message
 * per frame), a regex search, about twice as fast as a charCodeAt loop; otherwise the loop, so
 * that many messages in one frame never rescan the frame's tail.
 */
function firstNonAsciiFrom(data: string, from: number, until: number): number {
  if (until === data.length) {
    NON_ASCII.lastIndex = from;
    return NON_ASCII.test(data) ? NON_ASCII.lastIndex - 1 : data.length;
  }
  let pos = from;
  while (pos < until && data.charCodeAt(pos) < 0x80) pos += 1;
  return pos;
}

/** UTF-16 code units of the character at `pos`: 2 for a surrogate pair, else 1. */
function utf8UnitsAt(data: string, pos: number, code: number): number {
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = data.charCodeAt(pos + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 2;
  }
  return 1;
}

/** UTF-8 octets of the character starting with `code` (a lone surrogate as U+FFFD: 3). */
function utf8Octets(code: number, units: number): number {
  if (units === 2) return 4;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  return 3;
}

function exceedsFrameCap(data: string): boolean {
  if (data.length > MAX_FRAME_BYTES) return true;
  if (data.length * 3 <= MAX_FRAME_BYTES) return false;
  let octets = 0;
  for (let pos = 0; pos < data.length; ) {
    const code = data.charCodeAt(pos);
    const units = utf8UnitsAt(data, pos, code);
    octets += utf8Octets(code, units);
    if (octets > MAX_FRAME_BYTES) return true;
    pos += units;
  }
  return false;
}

/**
 * `text.slice(from, to)` without leading and trailing SP and HTAB (String.prototype.trim
 * would also eat a BOM or NBSP that is data).
 */
export function trimmedSlice(text: string, from: number, to: number): string {
  let start = from;
  let end = to;
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

/**
 * True when the frame cannot change a call, so the content script may drop it unparsed:
 * a keep-alive (only CR/LF/SP/HTAB), a REGISTER or OPTIONS request, a provisional response
 * below 180 (100 Trying: the tracker reads 18x as ringing), or a response to a REGISTER or
 * OPTIONS. Conservative: false whenever unsure, e.g. when the frame might hold a second
 * message (its Content-Length does not end exactly at the end of the frame), when the CSeq
 * cannot be found, or when the start line is anything else. Reads the start line and, for
 * responses, the CSeq line; never throws.
 */
export function frameCannotChangeCall(data: string): boolean {
  try {
    if (typeof data !== 'string' || data.length > MAX_FRAME_BYTES) return false;
    const start = skipLineBreaks(data, 0);
    if (isBlankFrom(data, start)) return true;
    const nl = data.indexOf('\n', start);
    if (nl === -1) return false;
    const end = lineEnd(data, start, nl);
    if (startsWithAt(data, start, 'REGISTER ') || startsWithAt(data, start, 'OPTIONS ')) {
      return endsAtOneMessage(data, nl + 1) && REQUEST_LINE.test(data.slice(start, end));
    }
    if (!startsWithAt(data, start, 'SIP/2.0 ') || end - start < 11) return false;
    const status = STATUS_LINE.exec(data.slice(start, end));
    const code = status === null ? NaN : Number(status[1]);
    if (!(code >= 100 && code <= 699)) return false;
    if (code >= 180) {
      // The CSeq line first: it rules out most responses before the whole block is read.
      const method = cseqMethodOf(data, nl + 1);
      if (method !== 'REGISTER' && method !== 'OPTIONS') return false;
    }
    return endsAtOneMessage(data, nl + 1);
  } catch {
    return false;
  }
}

function startsWithAt(data: string, at: number, prefix: string): boolean {
  return data.startsWith(prefix, at);
}

/**
 * True when the header block from `blockStart` ends, has one Content-Length (long or compact)
 * of digits, and that many characters reach exactly the end of the frame: a single message.
 * Character count = octet count only for ASCII bodies; anything else is "unsure" (false).
 */
function endsAtOneMessage(data: string, blockStart: number): boolean {
  let length: string | undefined;
  let pos = blockStart;
  for (;;) {
    const nl = data.indexOf('\n', pos);
    if (nl === -1) return false;
    const end = lineEnd(data, pos, nl);
    if (end === pos) {
      pos = nl + 1;
      break;
    }
    const raw = data.charCodeAt(pos);
    // A folded line: unusual, let the full parser decide.
    if (raw === 32 || raw === 9) return false;
    const first = raw | 0x20;
    if (first === 108 || first === 99) {
      let at = pos;
      while (at < end && isTokenChar(data.charCodeAt(at))) at += 1;
      if (trackedHeaderAt(data, pos, at) === 'content-length') {
        while (at < end && isSpaceOrTab(data.charCodeAt(at))) at += 1;
        if (data.charCodeAt(at) !== 58 || length !== undefined) return false;
        length = trimmedSlice(data, at + 1, end);
      }
    }
    pos = nl + 1;
  }
  if (length === undefined || !CONTENT_LENGTH.test(length)) return false;
  const bodyEnd = pos + Number(length);
  if (bodyEnd !== data.length) return false;
  return firstNonAsciiFrom(data, pos, bodyEnd) >= bodyEnd;
}

/** The method of the first CSeq line of the header block from `blockStart`, if readable. */
function cseqMethodOf(data: string, blockStart: number): string | undefined {
  let pos = blockStart;
  for (;;) {
    const nl = data.indexOf('\n', pos);
    if (nl === -1) return undefined;
    const end = lineEnd(data, pos, nl);
    if (end === pos) return undefined;
    let at = pos;
    while (at < end && isTokenChar(data.charCodeAt(at))) at += 1;
    if (trackedHeaderAt(data, pos, at) === 'cseq') {
      while (at < end && isSpaceOrTab(data.charCodeAt(at))) at += 1;
      if (data.charCodeAt(at) !== 58) return undefined;
      const value = trimmedSlice(data, at + 1, end);
      const space = value.search(/[ \t]/);
      return space === -1 ? undefined : trimmedSlice(value, space, value.length);
    }
    pos = nl + 1;
  }
}
