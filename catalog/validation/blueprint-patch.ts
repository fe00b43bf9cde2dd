/**
 * PATCH /v1/blueprints/{id}: `schema.properties` and `relations` merge key by key with the stored blueprint
 * (a key set to null removes that property or relation); every other key given replaces the stored one.
 * The answer is unchecked: it goes through parseBlueprintDefinition like a PUT body.
 */
import { isPlainObject } from './describe.ts';
import type { BlueprintDefinition } from './blueprint-definition.ts';

export function mergeBlueprintPatch(existing: BlueprintDefinition, patch: unknown): unknown {
  // Not an object: leave it to parseBlueprintDefinition to say so.
  if (!isPlainObject(patch)) return patch;
  const merged: Record<string, unknown> = { ...structuredClone(existing), ...patch };
  if (isPlainObject(patch.schema)) {
    merged.schema = {
      ...existing.schema,
      ...patch.schema,
      properties: mergeKeyed(existing.schema.properties, patch.schema.properties),
    };
  }
  if (patch.relations !== undefined) merged.relations = mergeKeyed(existing.relations, patch.relations);
  return merged;
}

/** Existing entries overlaid with the patch's; null deletes. A patch value that is not an object is passed on. */
function mergeKeyed(existing: Record<string, unknown>, patch: unknown): unknown {
  if (patch === undefined) return structuredClone(existing);
  if (!isPlainObject(patch)) return patch;
  const merged: Record<string, unknown> = structuredClone(existing);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
