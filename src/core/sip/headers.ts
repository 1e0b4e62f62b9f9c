/**
 * Readers for the few SIP header fields the call tracker needs. All total: they return
 * undefined when a field is absent or garbled, and never throw.
 */
import type { SipMessage } from './message';
import { TOKEN, canonicalHeaderName } from './header-names';

/** The first value of a header field; `name` in any case and in long or compact form. */
export function headerValue(msg: SipMessage, name: string): string | undefined {
  return headerValues(msg, name)[0];
}

/** Every value of a header field, in order (one per header line, comma lists unsplit). */
export function headerValues(msg: SipMessage, name: string): readonly string[] {
  return msg.headers.get(canonicalHeaderName(name.trim())) ?? [];
}

export function callIdOf(msg: SipMessage): string | undefined {
  const value = headerValue(msg, 'call-id')?.trim();
  return value === undefined || value === '' ? undefined : value;
}

const CSEQ = /^([0-9]{1,10})[ \t]+([A-Za-z0-9\-.!%*_+`'~]+)$/;
/** RFC 3261 §8.1.1.5: the sequence number is a 32-bit unsigned integer. */
const MAX_CSEQ = 2 ** 32 - 1;

export function cseqOf(msg: SipMessage): { seq: number; method: string } | undefined {
  const match = CSEQ.exec((headerValue(msg, 'cseq') ?? '').trim());
  if (!match) return undefined;
  const [, digits = '', method = ''] = match;
  const seq = Number(digits);
  return seq <= MAX_CSEQ ? { seq, method } : undefined;
}

/** Lower-case media type without parameters, e.g. "application/sdp". */
export function contentTypeOf(msg: SipMessage): string | undefined {
  return mediaType(headerValue(msg, 'content-type'));
}

/** The event package of an Event header, without its parameters, e.g. "refer". */
export function eventPackageOf(msg: SipMessage): string | undefined {
  const value = headerValue(msg, 'event');
  if (value === undefined) return undefined;
  const type = (value.split(';', 1)[0] ?? '').trim().toLowerCase();
  return TOKEN.test(type) ? type : undefined;
}

/** The branch parameter of the topmost Via, which names the transaction (RFC 3261 §8.1.1.7). */
export function topViaBranchOf(msg: SipMessage): string | undefined {
  const top = splitOutsideQuotes(headerValue(msg, 'via') ?? '', ',')[0] ?? '';
  const semi = top.indexOf(';');
  return semi === -1 ? undefined : paramOf(top.slice(semi), 'branch');
}

/** The protocol and cause of each Reason header value (RFC 3326), e.g. SIP 200, Q.850 16. */
export function reasonsOf(msg: SipMessage): { protocol: string; cause?: number }[] {
  const reasons: { protocol: string; cause?: number }[] = [];
  for (const value of headerValues(msg, 'reason')) {
    for (const item of splitOutsideQuotes(value, ',')) {
      const semi = item.indexOf(';');
      const protocol = (semi === -1 ? item : item.slice(0, semi)).trim();
      if (protocol === '') continue;
      const cause = semi === -1 ? undefined : paramOf(item.slice(semi), 'cause');
      reasons.push(
        cause !== undefined && /^[0-9]{1,6}$/.test(cause) ? { protocol, cause: Number(cause) } : { protocol },
      );
    }
  }
  return reasons;
}

/** The `;tag=` parameter of a From or To value. */
export function tagOf(nameAddr: string | undefined): string | undefined {
  const parsed = parseNameAddr(nameAddr);
  return parsed ? paramOf(parsed.params, 'tag') : undefined;
}

/** The URI of a name-addr (inside `<>`) or of a bare addr-spec (before its parameters). */
export function uriOf(nameAddr: string | undefined): string | undefined {
  return parseNameAddr(nameAddr)?.uri;
}

/** The display name, quoted (unescaped) or as tokens; undefined when there is none. */
export function displayNameOf(nameAddr: string | undefined): string | undefined {
  const name = parseNameAddr(nameAddr)?.displayName;
  return name === undefined || name.trim() === '' ? undefined : name;
}

/**
 * The user part of a sip:, sips: or tel: URI, percent-decoded and without its parameters:
 * "sip:+37167000000;npdi@pbx.example.com;user=phone" → "+37167000000". Undefined for other
 * schemes and for URIs without a user part.
 */
export function userPartOf(uri: string | undefined): string | undefined {
  if (typeof uri !== 'string') return undefined;
  let text = uri.trim();
  if (text.startsWith('<') && text.endsWith('>')) text = text.slice(1, -1).trim();
  const colon = text.indexOf(':');
  if (colon === -1) return undefined;
  const scheme = text.slice(0, colon).toLowerCase();
  const rest = text.slice(colon + 1);
  let user: string;
  if (scheme === 'tel') {
    user = cutAt(rest, ';?');
  } else if (scheme === 'sip' || scheme === 'sips') {
    const at = rest.indexOf('@');
    if (at === -1) return undefined;
    // userinfo = user [":" password]; a telephone-subscriber user may carry ";params".
    user = cutAt(rest.slice(0, at), ':;');
  } else {
    return undefined;
  }
  const decoded = percentDecode(user).trim();
  return decoded === '' ? undefined : decoded;
}

interface NameAddr {
  displayName?: string;
  uri: string;
  /** What follows the URI: ";tag=…;other" (may be ''). */
  params: string;
}

function parseNameAddr(value: string | undefined): NameAddr | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text.startsWith('"')) {
    const quoted = readQuoted(text, 0);
    if (!quoted) return undefined;
    const rest = text.slice(quoted.end).trimStart();
    const inner = angleBracketed(rest, 0);
    return inner && { displayName: quoted.text, ...inner };
  }
  const lt = text.indexOf('<');
  const semi = text.indexOf(';');
  if (lt !== -1 && (semi === -1 || lt < semi)) {
    const inner = angleBracketed(text, lt);
    const displayName = text.slice(0, lt).trim().replace(/[ \t]+/g, ' ');
    if (!inner) return undefined;
    return displayName === '' ? inner : { displayName, ...inner };
  }
  // A bare addr-spec: everything after the first ';' is a header parameter (RFC 3261 §20.10).
  const uri = (semi === -1 ? text : text.slice(0, semi)).trim();
  if (uri === '' || /[ \t<>"]/.test(uri)) return undefined;
  return { uri, params: semi === -1 ? '' : text.slice(semi) };
}

function angleBracketed(text: string, lt: number): { uri: string; params: string } | undefined {
  if (text.charAt(lt) !== '<') return undefined;
  const gt = text.indexOf('>', lt);
  if (gt === -1) return undefined;
  const uri = text.slice(lt + 1, gt).trim();
  return uri === '' ? undefined : { uri, params: text.slice(gt + 1) };
}

/** A quoted-string starting at `start` (RFC 3261 §25.1), unescaped; undefined if unterminated. */
function readQuoted(text: string, start: number): { text: string; end: number } | undefined {
  let out = '';
  for (let at = start + 1; at < text.length; at += 1) {
    const char = text.charAt(at);
    if (char === '\\') {
      at += 1;
      out += text.charAt(at);
    } else if (char === '"') {
      return { text: out, end: at + 1 };
    } else {
      out += char;
    }
  }
  return undefined;
}

/** The value of `;name=value` in a parameter list (name case-insensitive, value unquoted). */
function paramOf(params: string, name: string): string | undefined {
  for (const piece of splitOutsideQuotes(params, ';')) {
    const eq = piece.indexOf('=');
    if (eq === -1 || piece.slice(0, eq).trim().toLowerCase() !== name) continue;
    let value = piece.slice(eq + 1).trim();
    if (value.startsWith('"')) value = readQuoted(value, 0)?.text ?? '';
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** Split on `separator` except inside quoted strings and `<…>`. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text.charAt(at);
    if (quoted && char === '\\') {
      current += char + text.charAt(at + 1);
      at += 1;
      continue;
    }
    if (char === '"' && !angle) quoted = !quoted;
    else if (!quoted && char === '<') angle = true;
    else if (!quoted && char === '>') angle = false;
    if (char === separator && !quoted && !angle) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function mediaType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const type = (value.split(';', 1)[0] ?? '').trim().toLowerCase();
  const slash = type.indexOf('/');
  if (slash === -1) return undefined;
  const main = type.slice(0, slash).trim();
  const sub = type.slice(slash + 1).trim();
  return TOKEN.test(main) && TOKEN.test(sub) ? `${main}/${sub}` : undefined;
}

function cutAt(text: string, stops: string): string {
  for (let at = 0; at < text.length; at += 1) {
    if (stops.includes(text.charAt(at))) return text.slice(0, at);
  }
  return text;
}

function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape (RFC 3986 says nothing better): keep the text as written.
    return text;
  }
}
