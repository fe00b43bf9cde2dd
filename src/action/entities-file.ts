import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { globPaths, globPatternProblem } from '../glob/index.ts';
import { type BulkEntity, MAX_BODY_BYTES } from '../port/index.ts';
import { readDocuments } from './documents.ts';
import { describeIssues, type EntityDocument, entityListSchema } from './entity-schema.ts';
import { InputError, missingBlueprints, withBlueprints } from './inputs.ts';
import { valueProblem } from './json-input.ts';
import { type Checked, isInside, readBoundedFile, realPathInside, realRoot } from './workspace-files.ts';

/** The prefix of a property value that stands for a file's text, as in the vendor's GitOps (port.yml). */
export const FILE_REFERENCE = 'file://';

/** An entities file holds at most this much: ten times what one bulk request can carry. */
export const MAX_ENTITIES_FILE_BYTES = 10 * 1024 * 1024;

export interface LoadedEntities {
  entities: BulkEntity[];
  /** The files read, relative to the workspace, in the order their entities come. */
  files: string[];
}

/**
 * Reads the entities of `entitiesFile`: JSON or YAML files (YAML may hold several documents), each holding one
 * entity or a list. Each pattern is a path or a glob inside the workspace; files come in pattern order, then
 * sorted, each once. A property value `file://path` becomes that file's text, the path relative to the file that
 * names it. Every problem, in any file, is reported at once as an InputError naming `entitiesFile`, the file and
 * the position.
 */
export async function loadEntitiesFiles(
  patterns: readonly string[],
  workspace: string,
  defaultBlueprint: string | undefined,
): Promise<LoadedEntities> {
  const root = await realRoot(resolve(workspace));
  const problems: string[] = [];
  const problem = (where: string, message: string) => problems.push(`Input "entitiesFile" ${where}${message}`);

  const files: string[] = [];
  for (const pattern of patterns) {
    if (isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..')) {
      problem(`"${pattern}": `, 'must be a path or glob inside the repository (relative, without "..")');
      continue;
    }
    const refused = globPatternProblem(pattern);
    if (refused !== undefined) {
      problem(`"${pattern}": `, refused);
      continue;
    }
    const matches = await filesMatching(pattern, root);
    if (matches.length === 0) problem(`"${pattern}": `, 'matches no file');
    for (const match of matches) if (!files.includes(match)) files.push(match);
  }

  const entities: BulkEntity[] = [];
  const texts = new Map<string, Promise<Checked<string>>>();
  for (const file of files) {
    const where = `"${file}"`;
    const real = await realPathInside(root, resolve(root, file));
    const text = real.ok ? await readBoundedFile(real.value, MAX_ENTITIES_FILE_BYTES, 'an entities file') : real;
    const documents = text.ok ? readDocuments(text.value, file) : text;
    if (!documents.ok) {
      problem(`${where}: `, documents.problem);
      continue;
    }
    for (const [position, document] of documents.value.entries()) {
      const at = documents.value.length > 1 ? `${where} (document ${position + 1})` : where;
      const unsafe = valueProblem(document);
      if (unsafe !== undefined) {
        problem(at, `: ${unsafe}`);
        continue;
      }
      const checked = entityListSchema.safeParse(document);
      if (!checked.success) {
        for (const message of describeIssues(checked.error.issues))
          problem(at, message.startsWith('[') ? message : `: ${message}`);
        continue;
      }
      if (defaultBlueprint === undefined) {
        for (const index of missingBlueprints(checked.data)) {
          problem(at, `[${index}]: has no "blueprint" (give it one, or the "blueprint" input)`);
        }
      }
      for (const entity of checked.data) {
        await inlineFileReferences(entity, dirname(resolve(root, file)), root, texts, (message) =>
          problem(at, message),
        );
      }
      entities.push(...withBlueprints(checked.data, defaultBlueprint));
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return { entities, files };
}

/**
 * Files, and matches that lead outside the repository: those are kept so that they are refused by name. Wildcards
 * leave out names starting with `.`, as fs.glob did (`**\/*.yml` does not read `.github/workflows`).
 */
async function filesMatching(pattern: string, root: string): Promise<string[]> {
  const matches: string[] = [];
  for (const match of await globPaths(root, pattern, { dot: false })) {
    const path = resolve(root, match);
    const info = await stat(path).catch(() => undefined);
    const leadsOutside = !isInside(root, await realpath(path).catch(() => path));
    if (info?.isFile() || leadsOutside) matches.push(match);
  }
  return matches;
}

/** Replaces each `file://path` string in the entity's properties, at any depth, with that file's text. */
async function inlineFileReferences(
  entity: EntityDocument,
  directory: string,
  root: string,
  texts: Map<string, Promise<Checked<string>>>,
  problem: (message: string) => void,
): Promise<void> {
  const visit = async (value: unknown, path: string): Promise<unknown> => {
    if (typeof value === 'string' && value.startsWith(FILE_REFERENCE)) {
      const target = resolve(directory, value.slice(FILE_REFERENCE.length));
      if (!isInside(root, target)) {
        problem(`: ${path}: "${value}" points outside the repository`);
        return value;
      }
      if (!texts.has(target)) texts.set(target, readReferencedFile(root, target));
      const text = await texts.get(target)!;
      if (text.ok) return text.value;
      problem(`: ${path}: "${value}" ${text.problem}`);
      return value;
    }
    if (Array.isArray(value)) return Promise.all(value.map((item, index) => visit(item, `${path}[${index}]`)));
    if (value !== null && typeof value === 'object') {
      const entries = await Promise.all(
        Object.entries(value).map(async ([key, item]) => [key, await visit(item, `${path}.${key}`)] as const),
      );
      return Object.fromEntries(entries);
    }
    return value;
  };
  if (entity.properties) entity.properties = (await visit(entity.properties, 'properties')) as Record<string, unknown>;
}

/** A `file://` value's text: inside the repository once links are resolved, and small enough to be sent. */
async function readReferencedFile(root: string, target: string): Promise<Checked<string>> {
  const real = await realPathInside(root, target);
  if (!real.ok) return real;
  return readBoundedFile(real.value, MAX_BODY_BYTES, 'a file:// value (an entity holding more cannot be sent)');
}
