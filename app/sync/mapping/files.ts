/**
 * `file://path` mapping values: the content of a file in the object's repository (the vendor reads it from the
 * default branch; a missing file gives null). Mapping leaves them in the entity as the string `file://path`;
 * the caller fetches the files that fileReferences lists and puts their text in with resolveFileReferences.
 */
import { posix } from 'node:path';
import type { MappedEntity } from './entity.ts';

export const FILE_PREFIX = 'file://';

/** The repository path a `file://` value names ("file://./docs/README.md" -> "docs/README.md"), if it is one. */
export function fileReferencePath(value: string): string | undefined {
  const text = value.trim();
  if (!text.startsWith(FILE_PREFIX)) return undefined;
  const path = text
    .slice(FILE_PREFIX.length)
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
  return path.length > 0 ? path : undefined;
}

/** `path` from `folder` ('' the root) as a path from the repository's root; null when it leaves the repository. */
export function relativeFilePath(folder: string, path: string): string | null {
  const joined = posix.normalize(posix.join(folder || '.', path.replace(/^\/+/, '')));
  if (joined === '..' || joined.startsWith('../') || joined === '.') return null;
  return joined;
}

export interface FileReference {
  /** Where the marker sits in the entity: "properties.readme", "title", "relations.owner". */
  field: string;
  /** The repository path to read. */
  path: string;
}

type Slot = { field: string; get: () => unknown; set: (value: unknown) => void };

/** Every place a `file://` marker may sit: title, icon, team and each property and relation. */
function slots(entity: MappedEntity): Slot[] {
  const list: Slot[] = [];
  for (const field of ['title', 'icon', 'team'] as const) {
    if (field in entity) {
      list.push({
        field,
        get: () => entity[field],
        set: (value) => ((entity as unknown as Record<string, unknown>)[field] = value),
      });
    }
  }
  for (const group of ['properties', 'relations'] as const) {
    const values = entity[group] as Record<string, unknown>;
    for (const key of Object.keys(values)) {
      list.push({ field: `${group}.${key}`, get: () => values[key], set: (value) => (values[key] = value) });
    }
  }
  return list;
}

/** The files an entity's `file://` values name, in field order. A path named twice is listed once per field. */
export function fileReferences(entity: MappedEntity): FileReference[] {
  const references: FileReference[] = [];
  for (const slot of slots(entity)) {
    const value = slot.get();
    const path = typeof value === 'string' ? fileReferencePath(value) : undefined;
    if (path) references.push({ field: slot.field, path });
  }
  return references;
}

/**
 * A copy of `entity` with each `file://` value replaced by the file's text from `contents` (path -> text, or null
 * for a file the repository does not have). A path missing from `contents` is a bug in the caller: it throws.
 */
export function resolveFileReferences(
  entity: MappedEntity,
  contents: ReadonlyMap<string, string | null>,
): MappedEntity {
  const copy: MappedEntity = { ...entity, properties: { ...entity.properties }, relations: { ...entity.relations } };
  for (const slot of slots(copy)) {
    const value = slot.get();
    const path = typeof value === 'string' ? fileReferencePath(value) : undefined;
    if (!path) continue;
    const content = contents.get(path);
    if (content === undefined) {
      throw new Error(
        `${slot.field}: no content given for ${FILE_PREFIX}${path} (fetch the paths fileReferences lists)`,
      );
    }
    slot.set(content);
  }
  return copy;
}
