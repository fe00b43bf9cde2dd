import { glob, readFile, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { JsonSyntaxError, parseJson } from '../json/index.ts';
import type { BulkEntity } from '../port/index.ts';
import { describeIssues, type EntityDocument, entityListSchema } from './entity-schema.ts';
import { InputError, missingBlueprints, withBlueprints } from './inputs.ts';

/** The prefix of a property value that stands for a file's text, as in the vendor's GitOps (port.yml). */
export const FILE_REFERENCE = 'file://';

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
  const root = resolve(workspace);
  const problems: string[] = [];
  const problem = (where: string, message: string) => problems.push(`Input "entitiesFile" ${where}${message}`);

  const files: string[] = [];
  for (const pattern of patterns) {
    if (isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..')) {
      problem(`"${pattern}": `, 'must be a path or glob inside the repository (relative, without "..")');
      continue;
    }
    const matches = await filesMatching(pattern, root);
    if (matches.length === 0) problem(`"${pattern}": `, 'matches no file');
    for (const match of matches) if (!files.includes(match)) files.push(match);
  }

  const entities: BulkEntity[] = [];
  const texts = new Map<string, Promise<string>>();
  for (const file of files) {
    const where = `"${file}"`;
    const documents = await readDocuments(resolve(root, file));
    if (!documents.ok) {
      problem(`${where}: `, documents.problem);
      continue;
    }
    for (const [position, document] of documents.values.entries()) {
      const at = documents.values.length > 1 ? `${where} (document ${position + 1})` : where;
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

async function filesMatching(pattern: string, root: string): Promise<string[]> {
  const matches: string[] = [];
  for await (const match of glob(pattern, { cwd: root })) {
    const info = await stat(resolve(root, match)).catch(() => undefined);
    if (info?.isFile()) matches.push(match.split(sep).join('/'));
  }
  return matches.sort();
}

type Documents = { ok: true; values: unknown[] } | { ok: false; problem: string };

/** `.json` as JSON; anything else as YAML (which JSON also is). Positions are 1-based lines and columns. */
async function readDocuments(path: string): Promise<Documents> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, problem: `cannot be read: ${(error as Error).message}` };
  }
  if (extname(path).toLowerCase() === '.json') {
    try {
      return { ok: true, values: [parseJson(text)] };
    } catch (error) {
      if (error instanceof JsonSyntaxError) return { ok: false, problem: `is not valid JSON: ${error.message}` };
      throw error;
    }
  }
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return { ok: true, values: [] }; // an empty stream
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      const [start] = error.linePos ?? [];
      const where = start ? ` at line ${start.line}, column ${start.col} (position ${error.pos[0]})` : '';
      // yaml's own message repeats the position and draws the line; its first sentence is enough here.
      const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return { ok: false, problem: `is not valid YAML: ${what}${where}` };
    }
  }
  return { ok: true, values: documents.map((document) => document.toJS() as unknown) };
}

/** Replaces each `file://path` string in the entity's properties, at any depth, with that file's text. */
async function inlineFileReferences(
  entity: EntityDocument,
  directory: string,
  root: string,
  texts: Map<string, Promise<string>>,
  problem: (message: string) => void,
): Promise<void> {
  const visit = async (value: unknown, path: string): Promise<unknown> => {
    if (typeof value === 'string' && value.startsWith(FILE_REFERENCE)) {
      const target = resolve(directory, value.slice(FILE_REFERENCE.length));
      const inside = relative(root, target);
      if (inside.startsWith('..') || isAbsolute(inside)) {
        problem(`: ${path}: "${value}" points outside the repository`);
        return value;
      }
      if (!texts.has(target)) texts.set(target, readFile(target, 'utf8'));
      try {
        return await texts.get(target)!;
      } catch (error) {
        problem(`: ${path}: "${value}" cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        return value;
      }
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
