/**
 * Header names as the parser stores them: lower-case, long form.
 *
 * Compact forms from RFC 3261 §7.3.3 and the extensions that registered one (IANA "Header
 * Fields" registry). A Map, not an object literal, so a header named "constructor" or
 * "__proto__" cannot reach Object.prototype.
 */
const COMPACT_FORMS: ReadonlyMap<string, string> = new Map([
  ['a', 'accept-contact'],
  ['b', 'referred-by'],
  ['c', 'content-type'],
  ['d', 'request-disposition'],
  ['e', 'content-encoding'],
  ['f', 'from'],
  ['i', 'call-id'],
  ['j', 'reject-contact'],
  ['k', 'supported'],
  ['l', 'content-length'],
  ['m', 'contact'],
  ['n', 'identity-info'],
  ['o', 'event'],
  ['r', 'refer-to'],
  ['s', 'subject'],
  ['t', 'to'],
  ['u', 'allow-events'],
  ['v', 'via'],
  ['x', 'session-expires'],
  ['y', 'identity'],
]);

/** "I" → "call-id", "Content-Length" → "content-length". Expects a trimmed token. */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT_FORMS.get(lower) ?? lower;
}

/** RFC 3261 §25.1 `token` characters, for method and header names. */
export const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
