/**
 * The entity shape (src/port-yml) as the Action's JSON inputs (`entities`, `properties`, `relations`, `query`) take
 * it, and zod's issues as lines that say where.
 */
import type { z } from 'zod';
import {
  entityShape,
  formatPath,
  JSON_WORDS,
  placedIssues,
  propertiesSchema as propertiesShape,
  relationsSchema as relationsShape,
  searchQuerySchema as searchQueryShape,
} from '../port-yml/index.ts';

export const searchQuerySchema = searchQueryShape(JSON_WORDS);
export const propertiesSchema = propertiesShape(JSON_WORDS);
export const relationsSchema = relationsShape(JSON_WORDS);

/** One entity as users write it in `entities`: the identifier may be left to the server, the blueprint to its input. */
export const entitySchema = entityShape({ identifierRequired: false, blueprintRequired: false, words: JSON_WORDS });

/** zod's issues as one line each: `[2].properties: must be a JSON object`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return placedIssues(issues, prefix).map(({ issue, path: at }) => {
    const path = formatPath(at);
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`
        : issue.message;
    return path ? `${path}: ${message}` : message;
  });
}
