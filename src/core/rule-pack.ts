/**
 * Rule pack files: a team's configuration as a versioned JSON file a team lead exports,
 * shares and imports. A bare configuration object (the policy JSON) is accepted too.
 */
import { parseCoachConfig, type ConfigError } from './coach/config';

/** The versioned envelope of a rule pack file; a bare configuration object is accepted too. */
export const RULE_PACK_FORMAT = 'second-ring/rule-pack';

/** Read a rule pack file's text: JSON errors with their position, schema errors with their paths. */
export function readRulePack(text: string): { ok: true; input: unknown } | { ok: false; errors: ConfigError[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: `Not valid JSON: ${(error as Error).message}` }] };
  }
  let input = json;
  if (typeof json === 'object' && json !== null && 'format' in json) {
    const pack = json as { format?: unknown; version?: unknown; config?: unknown };
    if (pack.format !== RULE_PACK_FORMAT) return { ok: false, errors: [{ path: 'format', message: `Expected "${RULE_PACK_FORMAT}"` }] };
    if (pack.version !== 1) return { ok: false, errors: [{ path: 'version', message: 'Unsupported rule pack version: expected 1' }] };
    input = pack.config;
  }
  const parsed = parseCoachConfig(input);
  if (!parsed.ok) {
    const prefix = input === json ? '' : 'config.';
    return { ok: false, errors: parsed.errors.map((e) => ({ ...e, path: e.path ? prefix + e.path : prefix.replace(/\.$/, '') })) };
  }
  return { ok: true, input };
}

