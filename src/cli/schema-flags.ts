import { Option } from 'commander';
import { z } from 'zod';
import { HyperparameterError } from '../shared/hyperparameters';

/**
 * Flags named after the schemas' keys: a key's path joined in camelCase is the flag's
 * attribute (augmentation.shift → augmentationShift) and its kebab-case the flag
 * (`--augmentation-shift`). Bounds, choices and defaults come from the schema, through
 * zod's JSON Schema view of it, so help text cannot drift from what is checked.
 */

/** A schema property as zod's JSON Schema shows it. */
export interface SchemaField {
  type?: string;
  enum?: string[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  maxItems?: number;
  default?: unknown;
  properties?: Record<string, SchemaField>;
}

/** ['augmentation', 'shift'] → 'augmentationShift'. */
export function joinedName(path: readonly string[]): string {
  return path.map((part, i) => (i === 0 ? part : part[0].toUpperCase() + part.slice(1))).join('');
}

/** 'learningRate' → '--learning-rate'. */
export function flagFor(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Every leaf of an object schema by its joined name, nested objects flattened
 * (`augmentation` gives augmentationShift, ...); arrays are leaves.
 */
export function schemaFields(schema: z.ZodType): Map<string, { path: string[]; field: SchemaField }> {
  const fields = new Map<string, { path: string[]; field: SchemaField }>();
  const walk = (properties: Record<string, SchemaField>, prefix: string[]) => {
    for (const [key, field] of Object.entries(properties)) {
      const path = [...prefix, key];
      if (field.type === 'object' && field.properties) walk(field.properties, path);
      else fields.set(joinedName(path), { path, field });
    }
  };
  walk((z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as SchemaField).properties ?? {}, []);
  return fields;
}

/** '0 < x ≤ 10', '1 ≤ n ≤ 4096': what the schema accepts, for help text. */
export function describeBounds(field: SchemaField): string {
  const value = placeholder(field);
  const low =
    field.exclusiveMinimum !== undefined
      ? `${field.exclusiveMinimum} < `
      : field.minimum !== undefined
        ? `${field.minimum} ≤ `
        : '';
  const high =
    field.exclusiveMaximum !== undefined
      ? ` < ${field.exclusiveMaximum}`
      : field.maximum !== undefined
        ? ` ≤ ${field.maximum}`
        : '';
  return low || high ? `${low}${value}${high}` : '';
}

function placeholder(field: SchemaField): string {
  if (field.enum) return 'kind';
  return field.type === 'integer' ? 'n' : 'x';
}

/** A number from the command line; the schema judges its range afterwards. */
export const parseNumber =
  (flag: string) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new HyperparameterError(`${flag} expects a number, got "${value}"`);
    return n;
  };

/** The flag for one scalar schema field: its choices, or a number parser; help with the bounds and any default. */
export function schemaOption(name: string, field: SchemaField, help: string, defaultText?: string): Option {
  const flag = flagFor(name);
  const bounds = describeBounds(field);
  const fallback = defaultText ?? (field.default !== undefined ? String(field.default) : undefined);
  const details = [bounds, fallback !== undefined ? `default ${fallback}` : ''].filter(Boolean).join(', ');
  const option = new Option(`${flag} <${placeholder(field)}>`, details ? `${help} (${details})` : help);
  return field.enum ? option.choices(field.enum) : option.argParser(parseNumber(flag));
}

export const ALIAS_HELP_GROUP = 'Short aliases (same as the long flags):';

/** Today's short name for a flag, kept working and listed in its own help group. */
export function aliasOption(alias: string, name: string, field: SchemaField): Option {
  const flag = flagFor(alias);
  const option = new Option(`${flag} <${placeholder(field)}>`, `= ${flagFor(name)}`).helpGroup(ALIAS_HELP_GROUP);
  return field.enum ? option.choices(field.enum) : option.argParser(parseNumber(flag));
}

/**
 * The flags with each alias's value moved to the name it stands for. Giving both an
 * alias and its long name with different values is a mistake worth a message.
 */
export function resolveAliases<Flags extends object>(flags: Flags, aliases: Readonly<Record<string, string>>): Flags {
  const resolved: Record<string, unknown> = { ...(flags as Record<string, unknown>) };
  for (const [alias, name] of Object.entries(aliases)) {
    const value = resolved[alias];
    if (value === undefined) continue;
    if (resolved[name] !== undefined && resolved[name] !== value) {
      throw new HyperparameterError(`${flagFor(alias)} is another name for ${flagFor(name)}: give one of them`);
    }
    resolved[name] = value;
    delete resolved[alias];
  }
  return resolved as Flags;
}
