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

function deletePath(value: Json, path: string[]): Json {
  if (path.length === 0 || !isPlainObject(value) && !Array.isArray(value)) return undefined;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) {
    // An invalid array element (a site, a holiday) drops the whole list: half a list is a guess.
    return undefined;
  }
  const copy: Record<string, Json> = { ...value };
  if (rest.length === 0) delete copy[head];
  else {
    const inner = deletePath(copy[head], rest);
    if (inner === undefined) delete copy[head];
    else copy[head] = inner;
  }
  return copy;
}

/**
 * Validate a policy on its own; every value that breaks the schema is refused and reported,
 * and the rest of the policy still applies. (Chrome drops what breaks `managed_schema` without
 * a word; this catches everything that schema cannot say, and says it.)
 */
export function acceptPolicy(raw: Json): { policy: CoachConfigInput; errors: ConfigError[] } {
  if (raw === undefined || (isPlainObject(raw) && Object.keys(raw).length === 0)) return { policy: {}, errors: [] };
  const errors: ConfigError[] = [];
  let candidate: Json = raw;
  for (let round = 0; round < 50; round++) {
    const parsed = parseCoachConfig(candidate);
    if (parsed.ok) return { policy: candidate as CoachConfigInput, errors };
    errors.push(...parsed.errors);
    for (const error of parsed.errors) {
      candidate = error.path === '' ? {} : (deletePath(candidate, error.path.split('.')) ?? {});
    }
  }
  return { policy: {}, errors };
}

export interface Layers {
  /** The team lead's local settings (already validated when saved). */
  local: CoachConfigInput;
  /** Policy, after `acceptPolicy`. */
  policy: CoachConfigInput;
  agentLanguage: Language | null;
  browserLanguage: Language;
}

export function effectiveConfig(layers: Layers): { config: CoachConfig; errors: ConfigError[] } {
  const merged = deepMerge(layers.local, layers.policy) as CoachConfigInput;
  const teamLanguage = merged.language;
  const language = layers.agentLanguage ?? teamLanguage ?? layers.browserLanguage;
  const parsed = parseCoachConfig({ ...merged, language });
  if (parsed.ok) return { config: parsed.config, errors: [] };
  // Local and policy are each valid on their own; together they can still clash (a local
  // selector site where policy… ). Policy alone then, and say why.
  const policyOnly = parseCoachConfig({ ...layers.policy, language });
  const fallback = policyOnly.ok ? policyOnly.config : (parseCoachConfig({ language }) as { ok: true; config: CoachConfig }).config;
  return { config: fallback, errors: parsed.errors };
}

/** The product language for a browser UI language tag such as "lv-LV" or "en-US". */
export function productLanguage(uiLanguage: string): Language {
  return uiLanguage.toLowerCase().startsWith('lv') ? 'lv' : 'en';
}
