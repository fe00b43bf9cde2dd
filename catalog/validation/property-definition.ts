/**
 * Checks one property definition of a blueprint (`schema.properties.<id>`, or the `items` of an array property)
 * and answers it with every key kept, so UI keys (enumColors, icon, spec...) round-trip.
 * Problems throw invalidRequest naming the field, e.g. `schema.properties.replicas.default: must be one of 1, 2, 3
 * (got 20)`.
 */
import { invalidRequest } from '../errors.ts';
import type { BlueprintProperty, PropertyType } from '../model.ts';
import { describeList, describeValue, isPlainObject } from './describe.ts';
import { FORMATS_BY_TYPE, INPUT_FORMATS_BY_TYPE, PROPERTY_TYPES } from './formats.ts';
import { userPatternProblem } from './user-pattern.ts';
import { compileValueCheck, type ValueCheck } from './value-check.ts';

const SPECS = ['open-api', 'embedded-url', 'async-api'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;
const COUNT_KEYWORDS = ['minLength', 'maxLength', 'minItems', 'maxItems'] as const;

type FormatsByType = Readonly<Record<PropertyType, readonly string[]>>;

/** `path` names the definition in messages (`schema.properties.replicas`). */
export function parsePropertyDefinition(path: string, raw: unknown): BlueprintProperty {
  return parseDefinition(path, raw, true, FORMATS_BY_TYPE) as BlueprintProperty;
}

/**
 * A self-service action's input: written as a property, with what only a form has: the `multi-line` format, and a
 * `default` that is a jq query (`{"jqQuery": "..."}`) the form works out from the entity and the user.
 */
export function parseInputDefinition(path: string, raw: unknown): BlueprintProperty {
  if (isPlainObject(raw) && isJqQuery(raw.default)) {
    const { default: jqDefault, ...rest } = raw;
    checkJqQuery(`${path}.default`, jqDefault);
    return { ...parseDefinition(path, rest, true, INPUT_FORMATS_BY_TYPE), default: jqDefault } as BlueprintProperty;
  }
  return parseDefinition(path, raw, true, INPUT_FORMATS_BY_TYPE) as BlueprintProperty;
}

/** A value written as `{"jqQuery": ...}`: Port's form of "work this out with jq". */
export function isJqQuery(value: unknown): value is { jqQuery: unknown } {
  return isPlainObject(value) && Object.hasOwn(value, 'jqQuery');
}

/** A jq query is a non-empty string of bounded length; whether it compiles is checked with the action's templates. */
function checkJqQuery(path: string, query: { jqQuery: unknown }): void {
  const program = query.jqQuery;
  if (typeof program !== 'string' || program.trim() === '') {
    throw invalidRequest(`${path}.jqQuery: must be a jq program as a string (got ${describeValue(program)})`);
  }
  if (program.length > MAX_JQ_QUERY_LENGTH) {
    throw invalidRequest(`${path}.jqQuery: at most ${MAX_JQ_QUERY_LENGTH} characters (got ${program.length})`);
  }
  const extra = Object.keys(query).filter((key) => key !== 'jqQuery');
  if (extra.length > 0) throw invalidRequest(`${path}: a jq query has only "jqQuery" (got "${extra[0]}")`);
}

export const MAX_JQ_QUERY_LENGTH = 10_000;

/** Array items may leave out the type (`{"type": "array"}` alone takes any items). */
function parseDefinition(
  path: string,
  raw: unknown,
  typeRequired: boolean,
  formats: FormatsByType,
): Record<string, unknown> {
  if (!isPlainObject(raw)) throw invalidRequest(`${path}: must be an object (got ${describeValue(raw)})`);
  const definition = structuredClone(raw);
  const type = parseType(path, definition.type, typeRequired);
  for (const key of ['title', 'description', 'icon']) {
    if (definition[key] !== undefined && typeof definition[key] !== 'string') {
      throw invalidRequest(`${path}.${key}: must be a string (got ${describeValue(definition[key])})`);
    }
  }
  if (typeof definition.title === 'string' && definition.title.length > 100) {
    throw invalidRequest(`${path}.title: must be at most 100 characters long (got ${definition.title.length})`);
  }
  checkFormat(path, definition.format, type, formats);
  if (definition.spec !== undefined && !SPECS.includes(definition.spec as string)) {
    throw invalidRequest(`${path}.spec: must be one of ${describeList(SPECS)} (got ${describeValue(definition.spec)})`);
  }
  checkConstraintKeywords(path, definition);
  if (definition.items !== undefined) {
    if (type !== 'array') throw invalidRequest(`${path}.items: only array properties have items (type is ${type})`);
    definition.items = parseDefinition(`${path}.items`, definition.items, false, formats);
  }
  checkEnum(path, definition);
  // `default: null` sets nothing; dropping it keeps "absent" and "null" one thing for applyDefaults.
  if (definition.default === null) delete definition.default;
  if (definition.default !== undefined) {
    const problem = compileChecked(path, definition)(definition.default);
    if (problem) throw invalidRequest(`${path}.default${problem.path}: ${problem.problem}`);
  }
  return definition;
}

function parseType(path: string, type: unknown, required: boolean): PropertyType | undefined {
  if (type === undefined) {
    if (required) throw invalidRequest(`${path}.type: is required (one of ${PROPERTY_TYPES.join(', ')})`);
    return undefined;
  }
  if (!PROPERTY_TYPES.includes(type as PropertyType)) {
    throw invalidRequest(`${path}.type: must be one of ${describeList(PROPERTY_TYPES)} (got ${describeValue(type)})`);
  }
  return type as PropertyType;
}

function checkFormat(path: string, format: unknown, type: PropertyType | undefined, formats: FormatsByType): void {
  if (format === undefined) return;
  if (typeof format !== 'string')
    throw invalidRequest(`${path}.format: must be a string (got ${describeValue(format)})`);
  if (type === undefined) throw invalidRequest(`${path}.format: a format needs a type`);
  const allowed = formats[type];
  if (!allowed.includes(format)) {
    const formats = allowed.length > 0 ? allowed.join(', ') : 'none';
    throw invalidRequest(
      `${path}.format: "${format}" is not a format of type ${type} (formats of ${type}: ${formats})`,
    );
  }
}

function checkConstraintKeywords(path: string, definition: Record<string, unknown>): void {
  for (const keyword of NUMBER_KEYWORDS) {
    const value = definition[keyword];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw invalidRequest(`${path}.${keyword}: must be a number (got ${describeValue(value)})`);
    }
  }
  for (const keyword of COUNT_KEYWORDS) {
    const value = definition[keyword];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 0)) {
      throw invalidRequest(`${path}.${keyword}: must be a whole number >= 0 (got ${describeValue(value)})`);
    }
  }
  if (definition.uniqueItems !== undefined && typeof definition.uniqueItems !== 'boolean') {
    throw invalidRequest(`${path}.uniqueItems: must be a boolean (got ${describeValue(definition.uniqueItems)})`);
  }
  if (definition.pattern !== undefined) {
    if (typeof definition.pattern !== 'string') {
      throw invalidRequest(`${path}.pattern: must be a string (got ${describeValue(definition.pattern)})`);
    }
    const problem = userPatternProblem(definition.pattern);
    if (problem) throw invalidRequest(`${path}.pattern: ${problem}`);
  }
}

/** Every enum value must itself be a valid value of the property (type, format, pattern, bounds). */
function checkEnum(path: string, definition: Record<string, unknown>): void {
  const values = definition.enum;
  if (values === undefined) return;
  if (!Array.isArray(values) || values.length === 0) {
    throw invalidRequest(`${path}.enum: must be a non-empty array (got ${describeValue(values)})`);
  }
  const withoutEnum = { ...definition };
  delete withoutEnum.enum;
  const check = compileChecked(path, withoutEnum);
  values.forEach((value, index) => {
    const problem = check(value);
    if (problem) throw invalidRequest(`${path}.enum[${index}]${problem.path}: ${problem.problem}`);
  });
}

function compileChecked(path: string, definition: Record<string, unknown>): ValueCheck {
  try {
    return compileValueCheck(definition);
  } catch (error) {
    throw invalidRequest(`${path}: ${(error as Error).message}`);
  }
}
