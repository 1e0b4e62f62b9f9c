/**
 * Filling a text's `{placeholders}`: apart from the text tables so that the rule modules can use
 * it without importing the tables (which are derived from the rule registry).
 */

export type TextParams = Readonly<Record<string, string | number>>;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_-]*)\}/g;

/**
 * Fill `{name}` placeholders in one pass, so a value that itself contains "{seconds}" (a
 * caller's display name can be anything) is never expanded again. Unknown placeholders stay
 * as they are: a team lead's typo then shows up verbatim instead of vanishing.
 */
export function formatText(template: string, params: TextParams): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

const MAX_NAME_CHARS = 80;
/** A name or number from the network (or the agent's own name), cut for a toast. */
export const shorten = (s: string): string => (s.length > MAX_NAME_CHARS ? `${s.slice(0, MAX_NAME_CHARS - 1)}…` : s);
