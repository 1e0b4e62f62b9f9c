/**
 * Rule pack files: a team's configuration as a versioned JSON file a team lead exports, shares
 * and imports. A bare configuration object (the policy JSON) is accepted too.
 *
 * Reading a pack removes exactly the values that break the checks and lists them; a pack that
 * is not JSON, of another format, or that sets nothing once its bad values are gone is refused
 * whole, with the reason. What the pack then does is the team lead's explicit choice: merge it
 * into the local configuration or replace it, each shown with the sites that would lose access.
 */
import type { CoachConfigInput, SoftphoneSite } from './coach/config';
import { checkConfigInput, cleanConfigInput, deepMerge, setsNothing, type KeyedConfigError } from './config-layers';

/** The versioned envelope of a rule pack file; a bare configuration object is accepted too. */
export const RULE_PACK_FORMAT = 'second-ring/rule-pack';

export type ImportMode = 'merge' | 'replace';

export type ReadRulePackResult =
  | {
      ok: true;
      /** What the pack sets, its bad values removed (valid on its own). */
      input: CoachConfigInput;
      /** The values left out, each with its keys in the file and why. */
      dropped: KeyedConfigError[];
    }
  | { ok: false; errors: KeyedConfigError[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const at = (keys: readonly string[], message: string): KeyedConfigError => ({ path: keys.join('.'), keys: [...keys], message });

/** Read a rule pack file's text: JSON errors with their position, schema errors with their keys. */
export function readRulePack(text: string): ReadRulePackResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [at([], `Not valid JSON: ${(error as Error).message}`)] };
  }
  let input = json;
  let prefix: string[] = [];
  if (isObject(json) && 'format' in json) {
    if (json.format !== RULE_PACK_FORMAT) return { ok: false, errors: [at(['format'], `Expected "${RULE_PACK_FORMAT}"`)] };
    if (json.version !== 1) return { ok: false, errors: [at(['version'], 'Unsupported rule pack version: expected 1')] };
    input = json.config;
    prefix = ['config'];
  }
  const inFile = (e: KeyedConfigError) => at([...prefix, ...e.keys], e.message);
  const cleaned = cleanConfigInput(input);
  const dropped = cleaned.errors.map(inFile);
  if (cleaned.refused) return { ok: false, errors: dropped };
  if (setsNothing(cleaned.input)) {
    const why = dropped.length ? 'Nothing is left to import once the values above are left out' : 'The pack sets nothing: no rule, text, site or team setting';
    return { ok: false, errors: [...dropped, at(prefix, why)] };
  }
  return { ok: true, input: cleaned.input, dropped };
}

/**
 * The local configuration after an import. Merge: the pack wins key by key, and its sites join
 * the local ones (a site of both: the pack's settings). Replace: the pack alone.
 */
export function importedConfig(local: CoachConfigInput, pack: CoachConfigInput, mode: ImportMode): CoachConfigInput {
  if (mode === 'replace') return pack;
  const merged = deepMerge(local, pack) as CoachConfigInput;
  if (pack.sites && local.sites) {
    const ours = new Set(pack.sites.map((s) => s.pattern));
    merged.sites = [...local.sites.filter((s) => !ours.has(s.pattern)), ...pack.sites];
  }
  return merged;
}

/** The sites in force before that are not after (policy's sites, when it sets them, win whole). */
export function sitesLosingAccess(before: readonly SoftphoneSite[], policySites: readonly SoftphoneSite[] | undefined, nextLocal: CoachConfigInput): string[] {
  const next = policySites ?? (checkConfigInput(nextLocal).ok ? (nextLocal.sites ?? []) : before);
  const kept = new Set(next.map((s) => s.pattern));
  return [...new Set(before.map((s) => s.pattern))].filter((pattern) => !kept.has(pattern));
}
