/**
 * Names and numbers from the network (a SIP display name, a softphone's DOM, a message's caller)
 * are attacker-chosen text. Three rules, applied where they enter and where they leave:
 *
 * - Entering (`cleanName`): control characters are removed — C0 and C1 controls (NUL, ESC, CR,
 *   LF, tab become a space), the bidi embeddings, overrides and isolates (U+202A–U+202E,
 *   U+2066–U+2069, U+200E/U+200F/U+061C marks), the line and paragraph separators (U+2028,
 *   U+2029) and the BOM — spaces are collapsed and the length is capped. An RLO in a name
 *   would otherwise reverse the text after it ("Anna‮gnirts" reads backwards), a CR would split
 *   a CSV row or a notification line.
 * - On screen: a name is its own element with `dir="auto"` (or a `<bdi>`), so a right-to-left
 *   name cannot reorder the sentence around it.
 * - In plain text (notifications, CSV, exports, nudge texts): `isolate` wraps it in
 *   U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE, the plain-text `<bdi>`.
 */

/** Longest name kept; longer ones are cut with an ellipsis. */
export const MAX_NAME_CHARS = 128;

const FSI = '\u2068';
const PDI = '\u2069';

// Whitespace controls become a space; every other control or direction format character goes.
const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const REMOVED = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A name fit to keep: no control or bidi characters, single spaces, trimmed, at most `max` chars. */
export function cleanName(text: string, max = MAX_NAME_CHARS): string {
  const cleaned = text.replace(WHITESPACE_CONTROLS, ' ').replace(REMOVED, '').replace(/ {2,}/g, ' ').trim();
  if (cleaned.length <= max) return cleaned;
  // Never cut a surrogate pair in half.
  const cut = /[\ud800-\udbff]/.test(cleaned[max - 2] ?? '') ? max - 2 : max - 1;
  return `${cleaned.slice(0, cut)}…`;
}

/** `cleanName` for an optional value; undefined when nothing is left. */
export function cleanOptionalName(text: string | undefined, max = MAX_NAME_CHARS): string | undefined {
  if (text === undefined) return undefined;
  const cleaned = cleanName(text, max);
  return cleaned === '' ? undefined : cleaned;
}

/** A name for plain text: direction-isolated from the text around it. Empty stays empty. */
export function isolate(name: string): string {
  return name === '' ? name : `${FSI}${name}${PDI}`;
}

/** Whether a text holds a character `cleanName` removes or replaces (for checks and tests). */
export function hasControlCharacters(text: string): boolean {
  return new RegExp(REMOVED.source).test(text) || new RegExp(WHITESPACE_CONTROLS.source).test(text);
}
