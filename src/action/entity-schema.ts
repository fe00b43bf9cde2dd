import { z } from 'zod';
import type { SearchQuery } from '../port/index.ts';

/** A search query as the API takes it; its rules are the API's to check. */
export const searchQuerySchema = z
  .looseObject(
    { combinator: z.enum(['and', 'or'], { error: 'must be "and" or "or"' }), rules: z.array(z.unknown()) },
    { error: 'must be a JSON object {combinator, rules}' },
  )
  .transform((query) => query as unknown as SearchQuery);

/** A relation's value: an identifier, several, none, or a search query that finds the related entity. */
export const relationValueSchema = z.union([z.string(), z.array(z.string()), z.null(), searchQuerySchema], {
  error: 'must be an identifier, an array of identifiers, null, or a search query {combinator, rules}',
});

export const propertiesSchema = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });
export const relationsSchema = z.record(z.string(), relationValueSchema, { error: 'must be a JSON object' });
export const teamSchema = z.union([z.string(), z.array(z.string()), z.null()], {
  error: 'must be a team name, an array of team names, or null',
});

/**
 * One entity as users write it in `entities` or an entitiesFile. Strict: a misspelt key ("propeties") is an error
 * here rather than a field the API refuses or, worse, ignores.
 */
export const entitySchema = z.strictObject(
  {
    identifier: z.string().min(1, 'must not be empty').optional(),
    title: z.string().nullable().optional(),
    icon: z.string().nullable().optional(),
    blueprint: z.string().min(1, 'must not be empty').optional(),
    team: teamSchema.optional(),
    properties: propertiesSchema.optional(),
    relations: relationsSchema.optional(),
  },
  { error: 'must be an entity object {identifier, blueprint, title, properties, relations, ...}' },
);

export type EntityDocument = z.infer<typeof entitySchema>;

/** A list of entities, or one. */
export const entityListSchema = z.union([z.array(entitySchema), entitySchema.transform((entity) => [entity])], {
  error: 'must be an entity object or an array of them',
});

/** `path` inside a JSON value as people write it: `[2].properties.url`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .join('')
    .replace(/^\./, '');
}

/** zod's issues as one line each: `[2].properties: must be a JSON object`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    // A union's own message is vaguer than its best branch's: for an object that failed inside, say where.
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const deepest = issue.errors.find((branch) => branch.some((inner) => inner.path.length > 0));
      if (deepest) return describeIssues(deepest, [...prefix, ...issue.path]);
    }
    const path = jsonPath([...prefix, ...issue.path]);
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`
        : issue.message;
    return [path ? `${path}: ${message}` : message];
  });
}
