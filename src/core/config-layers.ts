/**
 * How the configuration in force is put together from its layers, pure: the team lead's local
 * settings, enterprise policy on top (policy wins, key by key), and the language chain
 * (agent's choice > team's > browser's). Also what policy locks, and how a policy value that
 * breaks the schema is refused without losing the rest of the policy.
 */
import { parseCoachConfig, type CoachConfig, type CoachConfigInput, type ConfigError } from './coach/config';
import type { Language } from './coach/types';

type Json = unknown;

const isPlainObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` wins; objects merge key by key; arrays and scalars replace. */
export function deepMerge(under: Json, over: Json): Json {
  if (!isPlainObject(under) || !isPlainObject(over)) return over === undefined ? under : over;
  const out: Record<string, Json> = { ...under };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(under[key], value);
  return out;
}

/** Dotted paths of every value policy sets. Arrays (sites, holidays…) are locked whole. */
export function lockedPaths(policy: Json, prefix = ''): string[] {
  if (!isPlainObject(policy)) return prefix ? [prefix] : [];
  return Object.entries(policy).flatMap(([key, value]) =>
    isPlainObject(value) ? lockedPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** Whether `path` or one of its parents is locked. */
export function isLocked(locked: readonly string[], path: string): boolean {
  return locked.some((l) => path === l || path.startsWith(`${l}.`));
}

/** A value's place in a configuration, as keys (text ids contain dots, so never a dotted string). */
export type Keys = readonly string[];

/** A configuration error with its keys: what code that acts on an error (removes the value, finds its field) reads. */
export interface KeyedConfigError extends ConfigError {
  /** `['texts', 'en', 'hold-check-back.nudge']`; [] for the root. `path` is the same, dotted, for display. */
  keys: readonly string[];
}

/** The keys of an error; errors made without them name a single top-level or field key. */
export const errorKeys = (error: ConfigError): Keys => (error as Partial<KeyedConfigError>).keys ?? (error.path === '' ? [] : [error.path]);

const err = (keys: Keys, message: string): KeyedConfigError => ({ path: keys.join('.'), keys: [...keys], message });

/** The schema's errors, each with its keys (`parseCoachConfig` gives them). */
function schemaErrors(input: Json): KeyedConfigError[] {
  const parsed = parseCoachConfig(input);
  return parsed.ok ? [] : parsed.errors.map((e) => err(errorKeys(e), e.message));
}

/** Where a configuration holds lists (`#` stands for any index); anywhere else a list is a mistake. */
const LIST_PLACES = new Set(['sites', 'businessHours.days', 'businessHours.holidays', 'rules.professional-language.phrases.en', 'rules.professional-language.phrases.lv']);

/**
 * Lists where an object belongs. The schema library takes a list for an object (`{"rules": []}`
 * passes as "no rules"), and a policy of that shape would lock every rule.
 */
function listsOutOfPlace(value: Json, keys: string[] = []): KeyedConfigError[] {
  if (Array.isArray(value)) {
    const place = keys.map((k) => (/^\d+$/.test(k) ? '#' : k)).join('.');
    if (!LIST_PLACES.has(place)) return [err(keys, 'Expected an object, not a list')];
    return value.flatMap((item, i) => listsOutOfPlace(item, [...keys, String(i)]));
  }
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => listsOutOfPlace(item, [...keys, key]));
}

/** Second-level names under which anyone can register a domain (`*.co.uk` is a whole country's companies). */
const SHARED_SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go', 'ltd', 'plc', 'sch', 'nhs', 'mil', 'id', 'biz', 'info']);

/**
 * Why a site pattern's wildcard covers more than one organization's hosts, or null. The schema
 * takes `https://*.com/*` (any host with a leading "*."): that is every .com site.
 */
export function wildcardTooWide(pattern: string): string | null {
  const m = /^[^:]+:\/\/(\*\.)?([^/:]+)/.exec(pattern);
  if (!m?.[1] || !m[2]) return null;
  const labels = m[2].toLowerCase().split('.');
  const [tld = '', second = ''] = [labels.at(-1), labels.at(-2)];
  const wide = labels.length < 2 || !/^[a-z]{2,}$/.test(tld) || (labels.length < 3 && tld.length === 2 && SHARED_SECOND_LEVEL.has(second));
  return wide ? `"*.${m[2]}" covers every site under a top-level domain: name the organization's own domain, e.g. "https://*.example.com/*"` : null;
}

function sitePatternErrors(value: Json): KeyedConfigError[] {
  if (!isPlainObject(value) || !Array.isArray(value.sites)) return [];
  return value.sites.flatMap((site, i) => {
    const pattern = isPlainObject(site) ? site.pattern : undefined;
    const why = typeof pattern === 'string' ? wildcardTooWide(pattern) : null;
    return why ? [err(['sites', String(i), 'pattern'], why)] : [];
  });
}

const errorId = (e: KeyedConfigError): string => JSON.stringify([errorKeys(e), e.message]);

function uniqueErrors(errors: readonly KeyedConfigError[]): KeyedConfigError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(errorId(e)) && !!seen.add(errorId(e)));
}

/**
 * The schema and what it cannot say (lists where objects belong, top-level-domain wildcards):
 * every check a team lead's file, a policy, an import or a stored configuration goes through.
 */
export function checkConfigInput(input: Json): { ok: true; config: CoachConfig } | { ok: false; errors: KeyedConfigError[] } {
  const extra = [...listsOutOfPlace(input), ...sitePatternErrors(input)];
  const parsed = parseCoachConfig(input);
  if (parsed.ok && extra.length === 0) return parsed;
  const schema: KeyedConfigError[] = parsed.ok ? [] : schemaErrors(input);
  const all = uniqueErrors([...extra, ...schema]);
  // An error inside a value that is wrong as a whole (a list where an object belongs) says nothing more.
  const inside = (e: KeyedConfigError, outer: KeyedConfigError) => outer.keys.length < e.keys.length && outer.keys.every((k, i) => e.keys[i] === k);
  return { ok: false, errors: all.filter((e) => !all.some((outer) => inside(e, outer))) };
}

const REMOVED = Symbol('removed');

/**
 * A copy of `value` with the value at `keys` marked removed. In a list, the whole item goes (a
 * site without its pattern is no better); list items are dropped at the end of the round.
 * Returns `value` itself when nothing is there to remove.
 */
function markRemoved(value: Json, keys: Keys): Json {
  const [head, ...rest] = keys;
  if (head === undefined) return REMOVED;
  if (Array.isArray(value)) {
    const index = Number(head);
    if (!Number.isInteger(index) || index < 0 || index >= value.length || value[index] === REMOVED) return value;
    const copy = [...value];
    copy[index] = REMOVED;
    return copy;
  }
  if (!isPlainObject(value) || !Object.hasOwn(value, head)) return value;
  const inner = markRemoved(value[head], rest);
  return inner === value[head] ? value : { ...value, [head]: inner };
}

/** Whether the value at `keys`, or one holding it, was already removed this round. */
function alreadyRemoved(value: Json, keys: Keys): boolean {
  let at: Json = value;
  for (const key of keys) {
    if (at === REMOVED) return true;
    if (!isPlainObject(at) && !Array.isArray(at)) return false;
    at = (at as Record<string, Json>)[key];
  }
  return at === REMOVED;
}

/** Remove the value an error names; a missing required key names nothing, so its parent goes. */
function removeFor(value: Json, keys: Keys): Json {
  if (alreadyRemoved(value, keys)) return value;
  for (let depth = keys.length; depth > 0; depth--) {
    const next = markRemoved(value, keys.slice(0, depth));
    if (next !== value) return next;
  }
  return value;
}

/**
 * Drop what was marked. A list emptied by the removals goes as a whole: `"sites": [bad]` meant
 * some site, never "no sites", and as policy an empty list would lock the team lead out of them.
 */
function sweep(value: Json): Json {
  if (Array.isArray(value)) {
    const kept = value.filter((item) => item !== REMOVED).map(sweep);
    return kept.length === 0 && value.length > 0 ? REMOVED : kept;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    const swept = sweep(item);
    if (swept !== REMOVED) out[key] = swept;
  }
  return out;
}

export interface CleanedInput {
  /** What is left: valid on its own. */
  input: CoachConfigInput;
  /** Each value removed, once, with its keys and the reason. */
  errors: KeyedConfigError[];
  /** Nothing could be kept: not an object at all. */
  refused: boolean;
}

/**
 * Remove exactly the values that break the checks, and keep the rest. One round removes every
 * value the checks name at once; a second is needed only when a removal uncovers a check that
 * could not run before (opening and closing times compared once both are well-formed, a list
 * emptied). Each round removes at least one value, so this ends; an error is reported once.
 */
export function cleanConfigInput(raw: Json): CleanedInput {
  if (!isPlainObject(raw)) {
    return { input: {}, errors: [err([], raw === null || typeof raw !== 'object' ? 'Expected an object' : 'Expected an object, not a list')], refused: true };
  }
  const errors: KeyedConfigError[] = [];
  let candidate: Json = raw;
  for (;;) {
    const checked = checkConfigInput(candidate);
    if (checked.ok) return { input: candidate as CoachConfigInput, errors: uniqueErrors(errors), refused: false };
    errors.push(...checked.errors);
    const before = JSON.stringify(candidate);
    for (const error of checked.errors) candidate = removeFor(candidate, error.keys);
    candidate = sweep(candidate);
    if (candidate === REMOVED || !isPlainObject(candidate)) candidate = {};
    // A check that names nothing removable (the root): nothing of it can be trusted.
    if (JSON.stringify(candidate) === before || checked.errors.some((e) => errorKeys(e).length === 0)) {
      return { input: {}, errors: uniqueErrors(errors), refused: true };
    }
  }
}

/** Whether an input sets anything at all (`{}`, `{"rules": {}}` and `{"version": 1}` set nothing). */
export function setsNothing(input: Json, keys: string[] = []): boolean {
  if (Array.isArray(input)) return false;
  if (!isPlainObject(input)) return keys.length === 1 && keys[0] === 'version';
  return Object.entries(input).every(([key, value]) => setsNothing(value, [...keys, key]));
}

/**
 * Validate a policy on its own; every value that breaks the checks is refused and reported with
 * its keys, and the rest of the policy still applies. (Chrome drops what breaks
 * `managed_schema` without a word; this catches everything that schema cannot say, and says it.)
 */
export function acceptPolicy(raw: Json): { policy: CoachConfigInput; errors: KeyedConfigError[] } {
  if (raw === undefined || (isPlainObject(raw) && Object.keys(raw).length === 0)) return { policy: {}, errors: [] };
  const { input, errors } = cleanConfigInput(raw);
  return { policy: input, errors };
}

export interface Layers {
  /** The team lead's local settings (already validated when saved). */
  local: CoachConfigInput;
  /** Policy, after `acceptPolicy`. */
  policy: CoachConfigInput;
  agentLanguage: Language | null;
  browserLanguage: Language;
}

export function effectiveConfig(layers: Layers): { config: CoachConfig; errors: KeyedConfigError[] } {
  const merged = deepMerge(layers.local, layers.policy) as CoachConfigInput;
  const teamLanguage = merged.language;
  const language = layers.agentLanguage ?? teamLanguage ?? layers.browserLanguage;
  const parsed = parseCoachConfig({ ...merged, language });
  if (parsed.ok) return { config: parsed.config, errors: [] };
  // Local and policy are each valid on their own; together they can still clash (a local
  // selector site where policy… ). Policy alone then, and say why.
  const policyOnly = parseCoachConfig({ ...layers.policy, language });
  const fallback = policyOnly.ok ? policyOnly.config : (parseCoachConfig({ language }) as { ok: true; config: CoachConfig }).config;
  return { config: fallback, errors: schemaErrors({ ...merged, language }) };
}

/** The product language for a browser UI language tag such as "lv-LV" or "en-US". */
export function productLanguage(uiLanguage: string): Language {
  return uiLanguage.toLowerCase().startsWith('lv') ? 'lv' : 'en';
}
