/**
 * Checks a blueprint as a client writes it (POST, PUT, and PATCH after mergeBlueprintPatch) and answers it with
 * Port's defaults filled in. Problems throw invalidRequest (422 invalid_request) naming the field.
 * Shapes follow the POST /v1/blueprints body of the Port API (docs/port-api.md, "Blueprints").
 */
import { invalidRequest } from '../errors.ts';
import type { Blueprint, BlueprintProperty, BlueprintRelation } from '../model.ts';
import { describeValue, isPlainObject } from './describe.ts';
import { blueprintIdentifierProblem, schemaKeyProblem } from './identifiers.ts';
import { parsePropertyDefinition } from './property-definition.ts';

export type BlueprintDefinition = Omit<Blueprint, 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy'>;

export interface BlueprintDefinitionOptions {
  /** Whether a relation target exists. A relation to the blueprint being defined needs no lookup. */
  blueprintExists: (identifier: string) => boolean;
  /** The identifier in the route (PUT/PATCH): used when the body has none, and the body may not name another. */
  pathIdentifier?: string;
}

export function parseBlueprintDefinition(body: unknown, options: BlueprintDefinitionOptions): BlueprintDefinition {
  if (!isPlainObject(body)) throw invalidRequest(`body: must be a JSON object (got ${describeValue(body)})`);
  const identifier = parseIdentifier(body.identifier, options.pathIdentifier);
  const definition: BlueprintDefinition = {
    identifier,
    title: parseTitle(body.title),
    schema: parseSchema(body.schema),
    relations: parseRelations(body.relations, identifier, options.blueprintExists),
    mirrorProperties: parseNamedObjects('mirrorProperties', body.mirrorProperties),
    calculationProperties: parseNamedObjects('calculationProperties', body.calculationProperties),
    aggregationProperties: parseNamedObjects('aggregationProperties', body.aggregationProperties),
  };
  const icon = optionalString('icon', body.icon);
  if (icon !== undefined) definition.icon = icon;
  const description = optionalString('description', body.description, 200);
  if (description !== undefined) definition.description = description;
  // null clears these on PUT/PATCH, the same as leaving them out.
  if (body.changelogDestination != null) {
    definition.changelogDestination = parseChangelogDestination(body.changelogDestination);
  }
  if (body.ownership != null) definition.ownership = parseOwnership(body.ownership);
  return definition;
}

function parseIdentifier(identifier: unknown, pathIdentifier: string | undefined): string {
  if (identifier === undefined) {
    if (pathIdentifier === undefined) throw invalidRequest('identifier: is required');
    return pathIdentifier;
  }
  const problem = blueprintIdentifierProblem(identifier);
  if (problem) throw invalidRequest(`identifier: ${problem}`);
  if (pathIdentifier !== undefined && identifier !== pathIdentifier) {
    // Renaming would have to rewrite every entity and every relation pointing at the blueprint.
    throw invalidRequest(
      `identifier: ${describeValue(identifier)} differs from the blueprint in the path (${describeValue(pathIdentifier)}); renaming a blueprint is not supported`,
    );
  }
  return identifier as string;
}

function parseTitle(title: unknown): string {
  if (title === undefined) throw invalidRequest('title: is required');
  const text = optionalString('title', title, 100)!;
  if (text.length === 0) throw invalidRequest('title: must not be empty');
  return text;
}

function optionalString(field: string, value: unknown, maxLength?: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`${field}: must be a string (got ${describeValue(value)})`);
  if (maxLength !== undefined && value.length > maxLength) {
    throw invalidRequest(`${field}: must be at most ${maxLength} characters long (got ${value.length})`);
  }
  return value;
}

/** An object whose keys follow the property-identifier rule; `field` names it in messages. */
function requireKeyedObject(field: string, value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalidRequest(`${field}: must be an object (got ${describeValue(value)})`);
  for (const key of Object.keys(value)) {
    const problem = schemaKeyProblem(key);
    if (problem) throw invalidRequest(`${field}[${JSON.stringify(key)}]: identifier ${problem}`);
  }
  return value;
}

function parseSchema(schema: unknown): BlueprintDefinition['schema'] {
  if (schema === undefined) throw invalidRequest('schema: is required (give at least {"properties": {}})');
  if (!isPlainObject(schema)) throw invalidRequest(`schema: must be an object (got ${describeValue(schema)})`);
  for (const key of Object.keys(schema)) {
    if (key !== 'properties' && key !== 'required') {
      throw invalidRequest(`schema.${key}: is not a schema key (schema has only properties and required)`);
    }
  }
  if (schema.properties === undefined) throw invalidRequest('schema.properties: is required');
  const properties: Record<string, BlueprintProperty> = {};
  for (const [key, raw] of Object.entries(requireKeyedObject('schema.properties', schema.properties))) {
    properties[key] = parsePropertyDefinition(`schema.properties.${key}`, raw);
  }
  return { properties, required: parseRequired(schema.required, properties) };
}

function parseRequired(required: unknown, properties: Record<string, BlueprintProperty>): string[] {
  if (required === undefined) return [];
  if (!Array.isArray(required)) {
    throw invalidRequest(`schema.required: must be an array of property identifiers (got ${describeValue(required)})`);
  }
  required.forEach((name, index) => {
    if (typeof name !== 'string' || !Object.hasOwn(properties, name)) {
      throw invalidRequest(`schema.required[${index}]: ${describeValue(name)} is not a property of this blueprint`);
    }
  });
  return [...new Set(required as string[])];
}

// The spec also allows a relation `type` string; nothing in the catalog uses it, so it is accepted and dropped.
const RELATION_KEYS = new Set(['title', 'description', 'target', 'required', 'many', 'type']);

function parseRelations(
  relations: unknown,
  blueprint: string,
  blueprintExists: (identifier: string) => boolean,
): Record<string, BlueprintRelation> {
  if (relations === undefined) return {};
  const parsed: Record<string, BlueprintRelation> = {};
  for (const [key, raw] of Object.entries(requireKeyedObject('relations', relations))) {
    const field = `relations.${key}`;
    if (!isPlainObject(raw)) throw invalidRequest(`${field}: must be an object (got ${describeValue(raw)})`);
    for (const name of Object.keys(raw)) {
      if (!RELATION_KEYS.has(name)) {
        throw invalidRequest(
          `${field}.${name}: is not a relation key (keys: title, description, target, required, many)`,
        );
      }
    }
    const target = raw.target;
    if (typeof target !== 'string' || target.length === 0) {
      throw invalidRequest(`${field}.target: must be a blueprint identifier (got ${describeValue(target)})`);
    }
    if (target !== blueprint && !blueprintExists(target)) {
      throw invalidRequest(`${field}.target: blueprint "${target}" does not exist`);
    }
    // The spec gives both flags a default of false.
    const required = optionalBoolean(`${field}.required`, raw.required) ?? false;
    const many = optionalBoolean(`${field}.many`, raw.many) ?? false;
    if (required && many) throw invalidRequest(`${field}: a relation cannot be both many and required`);
    const relation: BlueprintRelation = { target, required, many };
    const title = optionalString(`${field}.title`, raw.title, 100);
    if (title !== undefined) relation.title = title;
    const description = optionalString(`${field}.description`, raw.description);
    if (description !== undefined) relation.description = description;
    parsed[key] = relation;
  }
  return parsed;
}

function optionalBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(`${field}: must be true or false (got ${describeValue(value)})`);
  return value;
}

/** Mirror, calculation and aggregation properties: kept as given, only their identifiers and shape checked. */
function parseNamedObjects(field: string, value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  const named = requireKeyedObject(field, value);
  for (const [key, entry] of Object.entries(named)) {
    if (!isPlainObject(entry)) throw invalidRequest(`${field}.${key}: must be an object (got ${describeValue(entry)})`);
  }
  return structuredClone(named);
}

function parseChangelogDestination(value: unknown): NonNullable<BlueprintDefinition['changelogDestination']> {
  const field = 'changelogDestination';
  if (!isPlainObject(value)) throw invalidRequest(`${field}: must be an object (got ${describeValue(value)})`);
  if (value.type === 'KAFKA') {
    rejectOtherKeys(field, value, ['type']);
    return { type: 'KAFKA' };
  }
  if (value.type !== 'WEBHOOK') {
    throw invalidRequest(`${field}.type: must be "WEBHOOK" or "KAFKA" (got ${describeValue(value.type)})`);
  }
  rejectOtherKeys(field, value, ['type', 'url', 'agent']);
  if (typeof value.url !== 'string' || !isHttpUrl(value.url)) {
    throw invalidRequest(`${field}.url: must be an http(s) URL (got ${describeValue(value.url)})`);
  }
  const destination: NonNullable<BlueprintDefinition['changelogDestination']> = { type: 'WEBHOOK', url: value.url };
  if (value.agent !== undefined) destination.agent = optionalBoolean(`${field}.agent`, value.agent);
  return destination;
}

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

function rejectOtherKeys(field: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw invalidRequest(`${field}.${key}: is not allowed here (allowed: ${allowed.join(', ')})`);
    }
  }
}

/** `{type: "Direct"}` or `{type: "Inherited", path}`, each with an optional title. */
function parseOwnership(value: unknown): unknown {
  const field = 'ownership';
  if (!isPlainObject(value)) throw invalidRequest(`${field}: must be an object (got ${describeValue(value)})`);
  if (value.type === 'Direct') {
    rejectOtherKeys(field, value, ['type', 'title']);
  } else if (value.type === 'Inherited') {
    rejectOtherKeys(field, value, ['type', 'path', 'title']);
    if (typeof value.path !== 'string' || value.path.length === 0) {
      throw invalidRequest(
        `${field}.path: must be a dot-separated path of relations (got ${describeValue(value.path)})`,
      );
    }
  } else {
    throw invalidRequest(`${field}.type: must be "Direct" or "Inherited" (got ${describeValue(value.type)})`);
  }
  optionalString(`${field}.title`, value.title, 100);
  return structuredClone(value);
}
