/**
 * The managed-storage schema (the manifest's `storage.managed_schema`), generated from the
 * configuration's valibot schema, itself built from the rules' modules: never written by hand.
 *
 * Types only: Chrome drops a policy value that breaks `managed_schema` without a word, so the
 * schema declares each key's JSON type (object, array, string, integer, number, boolean) and
 * nothing else (no ranges, patterns or enums); `parseCoachConfig` checks the rest and the options
 * page lists what it refused. The build writes it (vite.config.ts); assets/managed-schema.json
 * is the same text, kept for administrators to read, and test/unit/conventions.test.ts holds
 * both to the valibot schema.
 */
import type * as v from 'valibot';
import { CoachConfigInputSchema } from './config';

export interface JsonSchema {
  type: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
}

/** What an administrator reads beside each top-level key. */
const TOP_LEVEL: Readonly<Record<string, { title: string; description?: string }>> = {
  version: { title: 'Configuration format version', description: '1' },
  language: { title: 'Nudge and interface language of the team', description: 'en or lv; agents may still choose their own' },
  region: { title: 'Ring cadence region', description: 'north-america, uk or europe' },
  organization: { title: 'Organization name used in the greeting' },
  greeting: { title: 'The four parts of the greeting, per language' },
  businessHours: { title: 'Business hours for return calls' },
  sites: { title: 'Softphone sites' },
  rules: { title: 'Coaching rules by id' },
  texts: { title: 'Nudge texts by language and text id' },
};

type AnySchema = v.GenericSchema & {
  wrapped?: AnySchema;
  entries?: Record<string, AnySchema>;
  item?: AnySchema;
  value?: AnySchema;
  options?: readonly unknown[];
  literal?: unknown;
  pipe?: readonly { type: string }[];
};

/** The JSON type of a valibot schema (optional unwrapped, a pipe read from its base and its `integer` check). */
export function jsonSchemaOf(schema: AnySchema): JsonSchema {
  switch (schema.type) {
    case 'optional':
    case 'nullish':
      return jsonSchemaOf(schema.wrapped as AnySchema);
    case 'object':
    case 'strict_object':
    case 'loose_object':
      return {
        type: 'object',
        properties: Object.fromEntries(Object.entries(schema.entries ?? {}).map(([key, entry]) => [key, jsonSchemaOf(entry)])),
      };
    case 'record':
      return { type: 'object', additionalProperties: jsonSchemaOf(schema.value as AnySchema) };
    case 'array':
      return { type: 'array', items: jsonSchemaOf(schema.item as AnySchema) };
    case 'string':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return { type: schema.pipe?.some((action) => action.type === 'integer') ? 'integer' : 'number' };
    case 'picklist':
      return { type: literalType(schema.options ?? []) };
    case 'literal':
      return { type: literalType([schema.literal]) };
    default:
      throw new Error(`No managed-schema type for a valibot "${schema.type}" schema`);
  }
}

function literalType(values: readonly unknown[]): JsonSchema['type'] {
  if (values.every((x) => typeof x === 'string')) return 'string';
  if (values.every((x) => Number.isInteger(x))) return 'integer';
  if (values.every((x) => typeof x === 'number')) return 'number';
  if (values.every((x) => typeof x === 'boolean')) return 'boolean';
  throw new Error(`No managed-schema type for the values ${JSON.stringify(values)}`);
}

/** The whole managed schema, with the titles administrators read on its top-level keys. */
export function managedSchema(): JsonSchema {
  const root = jsonSchemaOf(CoachConfigInputSchema as AnySchema);
  const properties = Object.fromEntries(
    Object.entries(root.properties ?? {}).map(([key, schema]) => {
      const { type, ...rest } = schema;
      return [key, { type, ...TOP_LEVEL[key], ...rest }];
    }),
  );
  return { type: 'object', properties };
}

/** The schema as the file holds it: two-space JSON and a final newline. */
export const managedSchemaText = (): string => `${JSON.stringify(managedSchema(), null, 2)}\n`;
