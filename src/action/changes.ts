import type { EntityAnswer, EntityInput } from '../port/index.ts';

/** One field a merge upsert would change: `properties.version` from "1.0" to "1.1". */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/**
 * What a merge upsert of `input` would change in `before` (undefined: the entity does not exist yet). Only the
 * fields given count, as a merge leaves the others; a property or relation set to null is removed.
 */
export function entityChanges(before: EntityAnswer | undefined, input: EntityInput): FieldChange[] {
  const changes: FieldChange[] = [];
  const compare = (field: string, was: unknown, will: unknown) => {
    if (!sameValue(was, will)) changes.push({ field, before: was, after: will });
  };
  if (input.title !== undefined) compare('title', before?.title ?? null, input.title);
  if (input.icon !== undefined) compare('icon', before?.icon ?? null, input.icon);
  if (input.team !== undefined) compare('team', before?.team ?? [], teamList(input.team));
  for (const [key, value] of Object.entries(input.properties ?? {})) {
    compare(`properties.${key}`, before?.properties?.[key] ?? null, value);
  }
  for (const [key, value] of Object.entries(input.relations ?? {})) {
    compare(`relations.${key}`, before?.relations?.[key] ?? null, value);
  }
  return changes;
}

const teamList = (team: string | string[] | null): string[] =>
  team === null ? [] : typeof team === 'string' ? [team] : team;

/** Deep equality of JSON values; object key order does not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return (
    aKeys.length === Object.keys(b).length &&
    aKeys.every((key) => key in bRecord && sameValue((a as Record<string, unknown>)[key], bRecord[key]))
  );
}
