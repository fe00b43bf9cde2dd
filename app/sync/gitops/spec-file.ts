/**
 * A GitOps file (`port.yml`): one entity or a list, as the vendor's GitOps takes them. Parsed with the line of each
 * entity and of each problem, so that check runs point into the file. `file://` values (a property's text from
 * another file) are relative to the file's folder; they are listed for the caller to read and put in.
 */
import { posix } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { describeValue, formatPath, locate, type MappedEntity } from '../mapping/index.ts';

export interface SpecProblem {
  line: number;
  column: number;
  /** `[1].properties.url`, or '' for the whole file. */
  field: string;
  message: string;
}

export interface SpecEntity {
  entity: MappedEntity;
  /** The entity's line in the file (1-based). */
  line: number;
  /** Its position in the file's list (0 for a file with one entity). */
  index: number;
  /** The line of each field: `identifier`, `properties.url`, `relations.owner`, ... */
  fieldLines: Record<string, number>;
}

export interface FileValue {
  /** Which entity of the file. */
  entity: number;
  /** The property it fills. */
  property: string;
  /** The file to read, as a path from the repository's root. */
  path: string;
  /** Where the value is written, for problems. */
  line: number;
  column: number;
  field: string;
}

export interface ParsedSpec {
  entities: SpecEntity[];
  problems: SpecProblem[];
  fileValues: FileValue[];
}

const FILE_PREFIX = 'file://';

const relationValue = z.union(
  [
    z.string(),
    z.array(z.string()),
    z.null(),
    z.looseObject({ combinator: z.enum(['and', 'or']), rules: z.array(z.unknown()) }),
  ],
  { error: 'must be an entity identifier, a list of them, null, or a search query {combinator, rules}' },
);

const text = (what: string) => z.string({ error: `must be ${what}` });

const entitySchema = z.strictObject(
  {
    identifier: text('a string').min(1, 'must not be empty'),
    blueprint: text('a string').min(1, 'must not be empty'),
    title: text('a string or null').nullish(),
    icon: text('a string or null').nullish(),
    team: z
      .union([z.string(), z.array(z.string()), z.null()], {
        error: 'must be a team name, a list of team names, or null',
      })
      .optional(),
    properties: z.record(z.string(), z.unknown(), { error: 'must be a mapping of property names to values' }).nullish(),
    relations: z
      .record(z.string(), relationValue, { error: 'must be a mapping of relation names to values' })
      .nullish(),
  },
  { error: 'must be an entity (a mapping with identifier, blueprint, properties, ...)' },
);

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return 'required';
  if (issue.code === 'unrecognized_keys') {
    return `unknown key (expected identifier, blueprint, title, icon, team, properties, relations)`;
  }
  return issue.message;
}

/** Parses the text of the GitOps file at `path` (from the repository's root). */
export function parseSpecFile(path: string, text: string): ParsedSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const parsed: ParsedSpec = { entities: [], problems: [], fileValues: [] };
  const problem = (at: readonly PropertyKey[], message: string, target: 'value' | 'key' = 'value'): void => {
    const { line, column } = locate(doc, lines, at, target);
    parsed.problems.push({ line, column, field: formatPath(at), message });
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line, col } = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      parsed.problems.push({ line, column: col, field: '', message: `YAML syntax error: ${message}` });
    }
    return parsed;
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    problem([], `YAML error: ${(error as Error).message}`);
    return parsed;
  }
  if (data === null || data === undefined) return parsed; // an empty file holds no entity
  const list = Array.isArray(data) ? data : [data];
  const prefix = (index: number): PropertyKey[] => (Array.isArray(data) ? [index] : []);
  for (const [index, raw] of list.entries()) {
    const checked = entitySchema.safeParse(raw, { reportInput: true });
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const at = [...prefix(index), ...issue.path];
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) problem([...prefix(index), ...issue.path, key], issueMessage(issue), 'key');
        } else {
          problem(at, issueMessage(issue));
        }
      }
      continue;
    }
    const value = checked.data;
    const entity: MappedEntity = {
      blueprint: value.blueprint,
      identifier: value.identifier,
      properties: { ...(value.properties ?? {}) },
      relations: { ...(value.relations ?? {}) } as MappedEntity['relations'],
    };
    if (value.title !== undefined) entity.title = value.title;
    if (value.icon !== undefined) entity.icon = value.icon;
    if (value.team !== undefined) entity.team = value.team;
    const entityIndex = parsed.entities.length;
    for (const [property, propertyValue] of Object.entries(entity.properties)) {
      if (typeof propertyValue !== 'string' || !propertyValue.startsWith(FILE_PREFIX)) continue;
      const target = posix.normalize(posix.join(posix.dirname(path), propertyValue.slice(FILE_PREFIX.length)));
      if (target.startsWith('../') || target === '..' || posix.isAbsolute(propertyValue.slice(FILE_PREFIX.length))) {
        problem(
          [...prefix(index), 'properties', property],
          `${describeValue(propertyValue)} points outside the repository`,
        );
        continue;
      }
      const at = [...prefix(index), 'properties', property];
      const { line, column } = locate(doc, lines, at);
      parsed.fileValues.push({ entity: entityIndex, property, path: target, line, column, field: formatPath(at) });
    }
    const fieldLines: Record<string, number> = {};
    for (const key of Object.keys(value)) fieldLines[key] = locate(doc, lines, [...prefix(index), key]).line;
    for (const group of ['properties', 'relations'] as const) {
      for (const key of Object.keys(entity[group])) {
        fieldLines[`${group}.${key}`] = locate(doc, lines, [...prefix(index), group, key]).line;
      }
    }
    parsed.entities.push({ entity, line: locate(doc, lines, prefix(index)).line, index, fieldLines });
  }
  return parsed;
}

/**
 * The entities with their `file://` values read: `contents` maps each FileValue path to its text (null when the
 * repository has no such file: a problem at the property, and the entity is left out).
 */
export function withFileValues(
  spec: ParsedSpec,
  contents: ReadonlyMap<string, string | null>,
): { entities: SpecEntity[]; missing: FileValue[] } {
  const entities = spec.entities.map((item) => ({
    ...item,
    entity: { ...item.entity, properties: { ...item.entity.properties } },
  }));
  const missing: FileValue[] = [];
  for (const value of spec.fileValues) {
    const text = contents.get(value.path);
    if (text === null || text === undefined) missing.push(value);
    else entities[value.entity]!.entity.properties[value.property] = text;
  }
  const broken = new Set(missing.map((value) => value.entity));
  return { entities: entities.filter((_, index) => !broken.has(index)), missing };
}
