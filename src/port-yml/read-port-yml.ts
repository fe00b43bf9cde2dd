/**
 * Reads a `port.yml`-shaped file: one entity or a list, as the vendor's GitOps takes them, in YAML (or JSON, for a
 * `.json` file). Every problem is placed at its line and column and names its field, so that the Action's errors
 * and the App's check runs point into the file. `file://` property values are listed for the caller's reader
 * (file-references.ts): reading them is the caller's business, the Action's workspace or the App's GitHub.
 */
import { posix } from 'node:path';
import type { z } from 'zod';
import { jsonValueProblem } from '../json/index.ts';
import { describeValue, formatPath } from './describe.ts';
import {
  ENTITY_KEYS,
  type EntityDocument,
  type EntityShapeOptions,
  entityShape,
  JSON_WORDS,
  YAML_WORDS,
} from './entity-shape.ts';
import { readText } from './read-text.ts';
import { locate, type Position } from './yaml-location.ts';
import { placedIssues } from './zod-issues.ts';

/** The prefix of a property value that stands for a file's text, as in the vendor's GitOps. */
export const FILE_REFERENCE = 'file://';

export interface PortYmlOptions extends Omit<EntityShapeOptions, 'words'> {
  /** YAML `---` documents: the Action's entities files may hold several; the vendor's port.yml holds one. */
  multipleDocuments: boolean;
}

export interface PortYmlProblem {
  /** Which document of the file (0-based). */
  document: number;
  /** `[1].properties.url`, or '' for the whole document. */
  field: string;
  /** 1-based; absent for a problem of the whole text that has no one place (too deeply nested to read). */
  line?: number;
  column?: number;
  /** Where in the text a syntax error is (0-based), as parsers say it. */
  offset?: number;
  /** Said after the field, or after the file when there is no field: `must be a string`. */
  message: string;
}

/** A `file://` property value: the file to read for it. */
export interface FileReference {
  property: string;
  /** The value as written: `file://README.md`. */
  value: string;
  /** The file, as a path from the repository's root. */
  path: string;
  line: number;
  column: number;
  field: string;
}

export interface PortYmlEntity {
  entity: EntityDocument;
  document: number;
  /** Its position in its document's list (0 for a document with one entity). */
  index: number;
  /**
   * Where it and its fields are. Found when asked: for a JSON file that takes a YAML parse of the whole text, which
   * the Action, placing only problems, spares for the 10,000 entities of a file without any.
   */
  lines: () => EntityLines;
  /** Its `file://` values, to be read and put in. */
  fileReferences: FileReference[];
  /** False when a `file://` value points outside the repository: the entity cannot be written as meant. */
  complete: boolean;
}

export interface EntityLines {
  /** The entity's line (1-based). */
  line: number;
  /** The line of each field: `identifier`, `properties.url`, `relations.owner`, ... */
  fields: Record<string, number>;
}

export interface PortYmlFile {
  /** The file, as a path from the repository's root. */
  path: string;
  /** How many documents the text holds (a YAML file may hold several). */
  documents: number;
  entities: PortYmlEntity[];
  problems: PortYmlProblem[];
}

const UNKNOWN_KEY = `(expected ${ENTITY_KEYS.join(', ')})`;

type Target = 'value' | 'key';
/** Where a path of the document is: nothing when the text could be read but not placed. */
type Place = (at: readonly PropertyKey[], target?: Target) => Partial<Position>;
type Report = (at: readonly PropertyKey[], message: string, target?: Target) => void;

/** Parses the text of the file at `path` (from the repository's root). */
export function parsePortYml(path: string, text: string, options: PortYmlOptions): PortYmlFile {
  const read = readText(path, text, options.multipleDocuments);
  const file: PortYmlFile = { path, documents: read.count, entities: [], problems: read.problems };
  if (file.problems.length > 0) return file;
  const shape = entityShape({ ...options, words: read.json ? JSON_WORDS : YAML_WORDS });
  for (const [document, { value, doc, lines }] of read.documents.entries()) {
    const place: Place = (at, target = 'value') => {
      const placed = doc();
      return placed ? locate(placed, lines, at, target) : {};
    };
    const report: Report = (at, message, target) =>
      file.problems.push({ document, field: formatPath(at), ...place(at, target), message });

    const unsafe = jsonValueProblem(value, '');
    if (unsafe) {
      // Its path is text (`.a.b[0]`); the document is where it is placed.
      file.problems.push({ document, field: unsafe.path.replace(/^\./, ''), ...place([]), message: unsafe.problem });
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document holds no entity
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    for (const [index, raw] of list.entries()) {
      const at = Array.isArray(value) ? [index] : [];
      const checked = shape.safeParse(raw, { reportInput: true });
      if (!checked.success) reportIssues(checked.error.issues, at, report);
      else {
        file.entities.push({ document, index, ...placedEntity(checked.data, path, at, place, report) });
      }
    }
  }
  return file;
}

/** zod's issues as problems: an unknown key at the key, a missing field at the entity that lacks it. */
function reportIssues(issues: readonly z.core.$ZodIssue[], at: readonly PropertyKey[], report: Report): void {
  for (const { issue, path } of placedIssues(issues, at)) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) report([...path, key], `unknown key ${UNKNOWN_KEY}`, 'key');
    } else {
      const missing = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
      report(path, missing ? 'required' : issue.message);
    }
  }
}

/** An entity that has the shape, with its lines and the files its `file://` values name. */
function placedEntity(
  entity: EntityDocument,
  file: string,
  at: readonly PropertyKey[],
  place: Place,
  report: Report,
): Omit<PortYmlEntity, 'document' | 'index'> {
  const fileReferences: FileReference[] = [];
  let complete = true;
  for (const [property, value] of Object.entries(entity.properties ?? {})) {
    if (typeof value !== 'string' || !value.startsWith(FILE_REFERENCE)) continue;
    const field = [...at, 'properties', property];
    const path = referencedPath(file, value.slice(FILE_REFERENCE.length));
    if (path === undefined) {
      report(field, `${describeValue(value)} points outside the repository`);
      complete = false;
      continue;
    }
    const { line = 1, column = 1 } = place(field);
    fileReferences.push({ property, value, path, line, column, field: formatPath(field) });
  }
  return { entity, lines: () => entityLines(entity, at, place), fileReferences, complete };
}

function entityLines(entity: EntityDocument, at: readonly PropertyKey[], place: Place): EntityLines {
  const fields: Record<string, number> = {};
  for (const key of Object.keys(entity) as (keyof EntityDocument)[]) {
    fields[key] = place([...at, key]).line ?? 1;
    if (key !== 'properties' && key !== 'relations') continue;
    for (const name of Object.keys(entity[key] ?? {})) {
      fields[`${key}.${name}`] = place([...at, key, name]).line ?? 1;
    }
  }
  return { line: place(at).line ?? 1, fields };
}

/** The path from the repository's root of a `file://` target, relative to the file naming it; undefined outside. */
function referencedPath(file: string, reference: string): string | undefined {
  if (posix.isAbsolute(reference)) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(file), reference));
  return target === '..' || target.startsWith('../') ? undefined : target;
}
