/**
 * The project's conventions, checked so that they hold without a reviewer:
 *  - every catalogue rule (the `RuleId` list of src/core/coach/types.ts) has its module,
 *    src/core/coach/rules/<rule-id>.ts, and that module's rule is in the registry;
 *  - the managed-storage schema (generated, and assets/managed-schema.json) and the valibot
 *    schema agree on every key and type;
 *  - an exported constant is defined in one module only (re-exports are fine);
 *  - every text id a rule uses is declared by it and is in _locales/en and _locales/lv.
 * `UPDATE_MANAGED_SCHEMA=1` rewrites assets/managed-schema.json from the generator.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../_locales/en/messages.json';
import lv from '../../_locales/lv/messages.json';
import { RULES } from '../../src/core/coach/rules/registry';
import { CoachConfigInputSchema } from '../../src/core/coach/config';
import { managedSchema, managedSchemaText, type JsonSchema } from '../../src/core/coach/managed-schema';
import { TEXT_IDS, localeKeyOf } from '../../src/core/coach/texts';

const ROOT = join(import.meta.dirname, '../..');
const RULES_DIR = 'src/core/coach/rules';
/** The folder's files that are not rules: the contract, the registry, shared helpers. */
const NOT_RULES = new Set(['rule.ts', 'registry.ts', 'explain-kit.ts']);

/** The catalogue's ids, as src/core/coach/types.ts lists them in `RuleId`. */
function catalogueIds(): string[] {
  const source = readFileSync(join(ROOT, 'src/core/coach/types.ts'), 'utf8');
  const union = /export type RuleId =([^;]+);/.exec(source)?.[1] ?? '';
  return [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!);
}

describe('rules', () => {
  const ids = catalogueIds();

  it('reads the catalogue', () => {
    expect(ids.length).toBeGreaterThanOrEqual(15);
    expect(ids).toContain('hold-check-back');
  });

  it.each(ids)('%s has its module and is in the registry', async (id) => {
    const file = `${RULES_DIR}/${id}.ts`;
    expect(existsSync(join(ROOT, file)), `${file} is missing`).toBe(true);
    const exported = Object.values((await import(`../../src/core/coach/rules/${id}.ts`)) as Record<string, unknown>);
    const rule = exported.find((value) => typeof value === 'object' && value !== null && (value as { id?: unknown }).id === id);
    expect(rule, `${file} exports no rule with id "${id}"`).toBeDefined();
    expect(RULES.includes(rule as (typeof RULES)[number]), `${file}'s rule is not in the registry (${RULES_DIR}/registry.ts)`).toBe(true);
  });

  it('has no module that is not a catalogue rule, and the registry in the catalogue order', () => {
    const files = readdirSync(join(ROOT, RULES_DIR)).filter((f) => f.endsWith('.ts') && !NOT_RULES.has(f));
    expect(files.map((f) => f.slice(0, -3)).sort()).toEqual([...ids].sort());
    expect(RULES.map((rule) => rule.id)).toEqual(ids);
  });
});

// ─── the managed schema ─────────────────────────────────────────────────────────────────────

type Valibot = { type: string; wrapped?: Valibot; entries?: Record<string, Valibot>; item?: Valibot; value?: Valibot; options?: unknown[]; literal?: unknown; pipe?: { type: string }[] };

/** The JSON types a valibot schema accepts (a pipe by its base schema; integer when it checks for one). */
function jsonTypeOf(schema: Valibot): string {
  if (schema.type === 'strict_object' || schema.type === 'object' || schema.type === 'record') return 'object';
  if (schema.type === 'number') return schema.pipe?.some((a) => a.type === 'integer') ? 'integer' : 'number';
  if (schema.type === 'picklist') return typeof schema.options?.[0] === 'string' ? 'string' : 'number';
  if (schema.type === 'literal') return Number.isInteger(schema.literal) ? 'integer' : typeof schema.literal;
  return schema.type; // string, boolean, array
}

/** Every disagreement between a valibot schema and the managed schema, by path. */
function disagreements(schema: Valibot, json: JsonSchema | undefined, path: string): string[] {
  const s = schema.type === 'optional' ? schema.wrapped! : schema;
  if (!json) return [`${path}: in the valibot schema, not in the managed schema`];
  const type = jsonTypeOf(s);
  if (type !== json.type) return [`${path}: valibot ${type}, managed ${json.type}`];
  const out: string[] = [];
  if (s.entries) {
    const keys = new Set([...Object.keys(s.entries), ...Object.keys(json.properties ?? {})]);
    for (const key of keys) {
      const entry = s.entries[key];
      if (!entry) out.push(`${path}.${key}: in the managed schema, not in the valibot schema`);
      else out.push(...disagreements(entry, json.properties?.[key], `${path}.${key}`));
    }
  }
  if (s.type === 'record') out.push(...disagreements(s.value!, json.additionalProperties, `${path}{}`));
  if (s.type === 'array') out.push(...disagreements(s.item!, json.items, `${path}[]`));
  return out;
}

describe('the managed-storage schema', () => {
  it('agrees with the valibot schema on every key and type', () => {
    expect(disagreements(CoachConfigInputSchema as unknown as Valibot, managedSchema(), '')).toEqual([]);
  });

  it('is what assets/managed-schema.json holds (the build writes the same)', () => {
    if (process.env.UPDATE_MANAGED_SCHEMA === '1') writeFileSync(join(ROOT, 'assets/managed-schema.json'), managedSchemaText());
    expect(readFileSync(join(ROOT, 'assets/managed-schema.json'), 'utf8')).toBe(managedSchemaText());
  });

  it('declares types only: Chrome drops a value that breaks any other constraint without a word', () => {
    const keywords = new Set<string>();
    const walk = (node: JsonSchema) => {
      for (const key of Object.keys(node)) keywords.add(key);
      Object.values(node.properties ?? {}).forEach(walk);
      if (node.items) walk(node.items);
      if (node.additionalProperties) walk(node.additionalProperties);
    };
    walk(managedSchema());
    expect([...keywords].sort()).toEqual(['additionalProperties', 'description', 'items', 'properties', 'title', 'type']);
  });
});

// ─── constants ──────────────────────────────────────────────────────────────────────────────

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('exported constants', () => {
  it('are each defined in one module', () => {
    const where = new Map<string, string[]>();
    for (const file of sourceFiles('src')) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      for (const [, name] of source.matchAll(/^export const ([A-Za-z_$][\w$]*)/gm)) {
        where.set(name!, [...(where.get(name!) ?? []), relative(ROOT, join(ROOT, file))]);
      }
    }
    const twice = [...where].filter(([, files]) => files.length > 1).map(([name, files]) => `${name}: ${files.join(', ')}`);
    expect(twice).toEqual([]);
  });
});

// ─── texts ──────────────────────────────────────────────────────────────────────────────────

describe('the rules’ texts', () => {
  it('are in _locales/en and _locales/lv', () => {
    const missing: string[] = [];
    for (const rule of RULES) {
      for (const id of rule.texts) {
        for (const [language, messages] of [['en', en], ['lv', lv]] as const) {
          if (!(localeKeyOf(id) in messages)) missing.push(`${rule.id}: ${id} (${localeKeyOf(id)}) in _locales/${language}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('are the ones each module uses, all declared by a rule', () => {
    for (const rule of RULES) {
      const source = readFileSync(join(ROOT, `${RULES_DIR}/${rule.id}.ts`), 'utf8');
      const used = [...source.matchAll(/\btext\('([a-z-]+\.[a-z-]+)'/g)].map((m) => m[1]!);
      for (const id of used) expect(TEXT_IDS, `${RULES_DIR}/${rule.id}.ts uses "${id}"`).toContain(id);
      for (const id of rule.texts) expect(id.startsWith(`${rule.id}.`), `${rule.id} declares "${id}"`).toBe(true);
    }
  });
});
