/**
 * The entity shape of the vendor's GitOps `port.yml` (an entity: identifier, title, blueprint, properties,
 * relations, team, icon), which the Action's `entities` and `entitiesFile` inputs take too. Strict: a misspelt key
 * ("propeties") is an error here rather than a field the API refuses or, worse, ignores.
 */
import { z } from 'zod/mini';
import type { SearchQuery } from '../port-model/index.ts';

/** How messages name collections: as JSON says it (an input, a .json file) or as YAML does (a port.yml). */
export interface ShapeWords {
  /** "a JSON object", "a mapping". */
  object: string;
  /** "an array", "a list". */
  list: string;
}

export const JSON_WORDS: ShapeWords = { object: 'a JSON object', list: 'an array' };
export const YAML_WORDS: ShapeWords = { object: 'a mapping', list: 'a list' };

export interface EntityShapeOptions {
  /** GitOps entities are tracked by identifier; the Action lets the server generate one. */
  identifierRequired: boolean;
  /** The Action's `blueprint` input stands in for an entity's missing one; GitOps has nothing to stand in. */
  blueprintRequired: boolean;
  words: ShapeWords;
}

export const ENTITY_KEYS = ['identifier', 'blueprint', 'title', 'icon', 'team', 'properties', 'relations'] as const;

/** A search query as the API takes it; its rules are the API's to check. */
export const searchQuerySchema = (words: ShapeWords) =>
  z.pipe(
    z.looseObject(
      { combinator: z.enum(['and', 'or'], { error: 'must be "and" or "or"' }), rules: z.array(z.unknown()) },
      { error: `must be ${words.object} {combinator, rules}` },
    ),
    z.transform((query) => query as unknown as SearchQuery),
  );

/** A relation's value: an identifier, several, none, or a search query that finds the related entity. */
export const relationValueSchema = (words: ShapeWords) =>
  z.union([z.string(), z.array(z.string()), z.null(), searchQuerySchema(words)], {
    error: `must be an identifier, ${words.list} of identifiers, null, or a search query {combinator, rules}`,
  });

export const propertiesSchema = (words: ShapeWords) =>
  z.record(z.string(), z.unknown(), { error: `must be ${words.object}` });

export const relationsSchema = (words: ShapeWords) =>
  z.record(z.string(), relationValueSchema(words), { error: `must be ${words.object}` });

export const teamSchema = (words: ShapeWords) =>
  z.union([z.string(), z.array(z.string()), z.null()], {
    error: `must be a team name, ${words.list} of team names, or null`,
  });

const name = z.string({ error: 'must be a string' }).check(z.minLength(1, 'must not be empty'));
const text = z.nullish(z.string({ error: 'must be a string or null' }));
// `properties:` with nothing after it is YAML's null: an entity without properties, as the vendor reads it.
const emptyAsAbsent = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/** One entity, its keys required as `options` say. */
export function entityShape(options: EntityShapeOptions) {
  const { words } = options;
  return z.strictObject(
    {
      identifier: options.identifierRequired ? name : z.optional(name),
      blueprint: options.blueprintRequired ? name : z.optional(name),
      title: text,
      icon: text,
      team: z.optional(teamSchema(words)),
      properties: z.pipe(z.nullish(propertiesSchema(words)), z.transform(emptyAsAbsent)),
      relations: z.pipe(z.nullish(relationsSchema(words)), z.transform(emptyAsAbsent)),
    },
    { error: `must be an entity (${words.object} with identifier, blueprint, properties, ...)` },
  );
}

/** An entity as written, its keys checked; `identifier` and `blueprint` are there when the options require them. */
export type EntityDocument = z.output<ReturnType<typeof entityShape>>;
