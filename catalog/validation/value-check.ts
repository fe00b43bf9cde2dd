/**
 * Compiles the check of one property's values (a blueprint property, or the `items` of one) with ajv.
 * A check answers the first problem as `{path, problem}`: `path` is where inside the value it is (`''`, `[2]`,
 * `.url`), `problem` a phrase such as `must be a number (got "three")`. Callers put the property name in front.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LruMap } from '../../src/lru/index.ts';
import { describeList, describeValue, isPlainObject } from './describe.ts';
import { FORMAT_DESCRIPTIONS, LABELED_URL_SCHEMA, STRING_FORMAT_CHECKS } from './formats.ts';
import { PatternBudgetError, re2RegExpEngine, UnsupportedPatternError } from './user-pattern.ts';

export interface ValueProblem {
  path: string;
  problem: string;
}

export type ValueCheck = (value: unknown) => ValueProblem | undefined;

// Only these keywords of a property definition constrain values; the rest (title, icon, enumColors, spec...)
// is for the UI and never reaches ajv.
const CONSTRAINT_KEYWORDS = [
  'enum',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
] as const;

// strict off: keywords that do not apply to a type (minimum on a string) are ignored, as JSON Schema says,
// instead of logging warnings. Patterns are users' and run on RE2 (user-pattern.ts).
const newAjv = (): Ajv =>
  new Ajv({ strict: false, allErrors: false, formats: STRING_FORMAT_CHECKS, code: { regExp: re2RegExpEngine } });

// ajv keeps every pattern it compiled in its instance's scope, for good: a fresh instance now and then bounds that.
// Compiled checks keep working after their instance is replaced.
const COMPILES_PER_INSTANCE = 1000;
let ajv = newAjv();
let compilesOnInstance = 0;

/** The JSON Schema that a property definition stands for. */
export function valueSchema(definition: Record<string, unknown>): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  if (definition.type !== undefined) schema.type = definition.type;
  for (const keyword of CONSTRAINT_KEYWORDS) {
    if (definition[keyword] !== undefined) schema[keyword] = definition[keyword];
  }
  if (definition.format === 'labeled-url') Object.assign(schema, structuredClone(LABELED_URL_SCHEMA));
  else if (definition.format !== undefined) schema.format = definition.format;
  if (isPlainObject(definition.items)) schema.items = valueSchema(definition.items);
  return schema;
}

// Compiled checks by schema text. Most properties share a handful of schemas ({"type":"string"}...), and a
// changed blueprint recompiles all of its properties: this makes that cheap. Blueprints' validators hold their
// own checks, so one dropped here only costs a compile.
const checksBySchema = new LruMap<string, ValueCheck>(5000);

/** Throws ajv's error when the definition does not compile (callers check definitions before compiling). */
export function compileValueCheck(definition: Record<string, unknown>): ValueCheck {
  const schema = valueSchema(definition);
  return checksBySchema.getOrMake(JSON.stringify(schema), () => {
    if (++compilesOnInstance > COMPILES_PER_INSTANCE) {
      ajv = newAjv();
      compilesOnInstance = 1;
    }
    const validate = ajv.compile(schema);
    // ajv also caches compiled schemas, by object identity, so every compile would stay; the map above is the
    // cache. The compiled function keeps working after removal.
    ajv.removeSchema(schema);
    return (value) => {
      try {
        return validate(value) ? undefined : describeFirstError(validate, value);
      } catch (error) {
        if (error instanceof PatternBudgetError) return { path: '', problem: error.message };
        // Only a pattern stored before patterns were checked on write gets here; the value cannot be checked.
        if (!(error instanceof UnsupportedPatternError)) throw error;
        return { path: '', problem: `cannot be checked: its pattern ${error.message}; change the pattern` };
      }
    };
  });
}

function describeFirstError(validate: ValidateFunction, value: unknown): ValueProblem {
  const error = validate.errors![0]!;
  const segments = error.instancePath.split('/').slice(1).map(unescapePointer);
  const path = segments.map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`)).join('');
  const actual = segments.reduce<unknown>((current, segment) => (current as Record<string, unknown>)[segment], value);
  return { path, problem: describeError(error, actual) };
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function describeError(error: ErrorObject, actual: unknown): string {
  const params = error.params as Record<string, unknown>;
  const got = ` (got ${describeValue(actual)})`;
  switch (error.keyword) {
    case 'type':
      return `must be ${withArticle(String(params.type))}${got}`;
    case 'format': {
      const format = String(params.format);
      return `must be ${FORMAT_DESCRIPTIONS[format] ?? `a valid ${format}`}${got}`;
    }
    case 'enum':
      return `must be one of ${describeList(params.allowedValues as unknown[])}${got}`;
    case 'pattern':
      return `must match the pattern ${String(params.pattern)}${got}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(params.comparison)} ${String(params.limit)}${got}`;
    case 'minLength':
      return `must be at least ${String(params.limit)} characters long${got}`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters long${got}`;
    case 'minItems':
      return `must have at least ${String(params.limit)} items (got ${(actual as unknown[]).length})`;
    case 'maxItems':
      return `must have at most ${String(params.limit)} items (got ${(actual as unknown[]).length})`;
    case 'uniqueItems':
      return `must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)`;
    case 'required':
      return `must have "${String(params.missingProperty)}"${got}`;
    default:
      return `${error.message ?? 'is not valid'}${got}`;
  }
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
