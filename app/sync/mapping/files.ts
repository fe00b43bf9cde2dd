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
 * for a file the repository does not have); `entity` itself when it has none. A path missing from `contents` is a
 * bug in the caller: it throws.
 */
export function resolveFileReferences(
  entity: MappedEntity,
  contents: ReadonlyMap<string, string | null>,
): MappedEntity {
  return hasFileReference(entity) ? resolveMarkers(entity, contents) : entity;
}

/**
 * The MapContext of a mapping's `includedFiles` for items whose fetched files are `files` (one record per item, in
 * their order): each named path's text, null when the repository lacks it; no context at all when it names none, so
 * that nothing is built per item for the most common mappings.
 */
export function includedFilesContext(
  includedFiles: readonly string[],
  files: ReadonlyArray<Readonly<Record<string, string | null>>>,
): { includedFiles?: Array<Record<string, string | null>> } {
  if (includedFiles.length === 0) return {};
  return {
    includedFiles: files.map((content) =>
      Object.fromEntries(includedFiles.map((path) => [path, content[path] ?? null])),
    ),
  };
}

/**
 * `entities` of one object with their `file://` values resolved as resolveFileReferences does, from `files` (the
 * object's repository files that were read) and `referenced` (the mapping's fileReferencePaths: one not read is a
 * file the repository lacks). Most entities have no marker: they are kept as they are, with nothing built for them.
 */
export function resolveEntityFiles(
  entities: readonly MappedEntity[],
  files: Readonly<Record<string, string | null>>,
  referenced: readonly string[],
): MappedEntity[] {
  // A `file://` string the mapping did not write is data (a repository's description, say): it stays as it is.
  if (referenced.length === 0) return [...entities];
  let contents: Map<string, string | null> | undefined;
  return entities.map((entity) => {
    if (!hasFileReference(entity)) return entity;
    if (!contents) {
      contents = new Map(Object.entries(files));
      for (const path of referenced) if (!contents.has(path)) contents.set(path, null);
    }
    return resolveMarkers(entity, contents, 'keep');
  });
}

const isMarker = (value: unknown): boolean => typeof value === 'string' && fileReferencePath(value) !== undefined;

/** Looks without building anything: it runs for every entity a resync maps. */
function hasFileReference(entity: MappedEntity): boolean {
  return (
    isMarker(entity.title) ||
    isMarker(entity.icon) ||
    isMarker(entity.team) ||
    hasMarkerValue(entity.properties) ||
    hasMarkerValue(entity.relations)
  );
}

function hasMarkerValue(values: Readonly<Record<string, unknown>>): boolean {
  for (const key in values) if (isMarker(values[key])) return true;
  return false;
}

/** `unknown`: what a path `contents` lacks is: a caller's bug (throw), or a value jq took from the object (keep). */
function resolveMarkers(
  entity: MappedEntity,
  contents: ReadonlyMap<string, string | null>,
  unknown: 'throw' | 'keep' = 'throw',
): MappedEntity {
  const resolve = (value: unknown, group: string, key?: string): unknown => {
    const path = typeof value === 'string' ? fileReferencePath(value) : undefined;
    if (!path) return value;
    const content = contents.get(path);
    if (content === undefined) {
      if (unknown === 'keep') return value;
      const field = key === undefined ? group : `${group}.${key}`;
      throw new Error(`${field}: no content given for ${FILE_PREFIX}${path} (fetch the paths fileReferences lists)`);
    }
    return content;
  };
  const copy: MappedEntity = { ...entity, properties: { ...entity.properties }, relations: { ...entity.relations } };
  const head = copy as unknown as Record<string, unknown>;
  for (const field of ['title', 'icon', 'team'] as const) {
    if (field in copy) head[field] = resolve(head[field], field);
  }
  for (const group of ['properties', 'relations'] as const) {
    const values = copy[group] as Record<string, unknown>;
    for (const key of Object.keys(values)) values[key] = resolve(values[key], group, key);
  }
  return copy;
}
