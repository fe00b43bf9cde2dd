/** GitHub objects to entities with the configuration in force: one jq run per resource for a whole batch. */
import type { ActiveConfig } from './config/active-config.ts';
import {
  includedFilesContext,
  type Kind,
  type MappedEntity,
  type MappingError,
  resolveEntityFiles,
} from './mapping/index.ts';

export interface MappableObject {
  /** The GitHub object in the REST shape. */
  object: object;
  /** Files of its repository's default branch that the mapping reads (path -> text, null when missing). */
  files: Readonly<Record<string, string | null>>;
}

export interface ObjectMapping {
  entities: MappedEntity[];
  errors: MappingError[];
}

/** The files every resource of `kind` reads (includedFiles and `file://` values). */
export function filesFor(config: ActiveConfig, kind: Kind): string[] {
  return [...new Set(config.mappings[kind].flatMap((mapping) => mapping.filesToFetch))];
}

/** Maps `items` with every resource of `kind`, in resource order; one result per item. */
export async function mapObjects(
  config: ActiveConfig,
  kind: Kind,
  items: readonly MappableObject[],
): Promise<ObjectMapping[]> {
  const results: ObjectMapping[] = items.map(() => ({ entities: [], errors: [] }));
  if (items.length === 0) return results;
  for (const mapping of config.mappings[kind]) {
    const mapped = await mapping.map(
      items.map((item) => item.object),
      includedFilesContext(
        mapping.includedFiles,
        items.map((item) => item.files),
      ),
    );
    mapped.forEach((result, index) => {
      const target = results[index]!;
      target.entities.push(...resolveEntityFiles(result.entities, items[index]!.files, mapping.fileReferencePaths));
      target.errors.push(...result.errors);
    });
  }
  return results;
}
