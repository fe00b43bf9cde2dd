import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { globPaths, globPatternProblem } from '../glob/index.ts';
import { type BulkEntity, MAX_BODY_BYTES } from '../port/index.ts';
import {
  type FileReader,
  formatPath,
  parsePortYml,
  type PortYmlFile,
  type PortYmlProblem,
  resolveFileReferences,
} from '../port-yml/index.ts';
import { InputError, withBlueprints } from './inputs.ts';
import { type Checked, isInside, readBoundedFile, realPathInside, realRoot } from './workspace-files.ts';

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

  const parsed: PortYmlFile[] = [];
  for (const file of files) {
    const real = await realPathInside(root, resolve(root, file));
    const text = real.ok ? await readBoundedFile(real.value, MAX_ENTITIES_FILE_BYTES, 'an entities file') : real;
    if (text.ok) parsed.push(parsePortYml(file, text.value, ENTITIES_FILE_RULES));
    else problem(`"${file}": `, text.problem);
  }

  const entities: BulkEntity[] = [];
  for (const file of await resolveFileReferences(parsed, workspaceReader(root))) {
    const where = (document: number) => `"${file.path}"${file.documents > 1 ? ` (document ${document + 1})` : ''}`;
    for (const found of file.problems) problem(where(found.document), placedMessage(found));
    if (defaultBlueprint === undefined) {
      for (const { entity, document, index, lines } of file.entities) {
        if (entity.blueprint !== undefined) continue;
        const field = formatPath([index]);
        problem(
          where(document),
          `${field}: has no "blueprint" (give it one, or the "blueprint" input) at line ${lines().line}`,
        );
      }
    }
    entities.push(
      ...withBlueprints(
        file.entities.map((item) => item.entity),
        defaultBlueprint,
      ),
    );
  }
  if (problems.length > 0) throw new InputError(problems);
  return { entities, files };
}

/**
 * The Action's entities: the identifier may be left to the server and the blueprint to the `blueprint` input;
 * a YAML file may hold several documents.
 */
const ENTITIES_FILE_RULES = { identifierRequired: false, blueprintRequired: false, multipleDocuments: true };

/** `: properties.url: must be a string at line 4, column 8`, said after the file. */
function placedMessage({ field, message, line, column, offset }: PortYmlProblem): string {
  const at = field === '' ? ': ' : field.startsWith('[') ? `${field}: ` : `: ${field}: `;
  const place = line === undefined ? '' : ` at line ${line}, column ${column}`;
  return `${at}${message}${place}${offset === undefined ? '' : ` (position ${offset})`}`;
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

/** `file://` targets read from the workspace: each inside the repository once links are resolved. */
function workspaceReader(root: string): FileReader {
  return async (paths) =>
    new Map(
      await Promise.all(
        paths.map(async (path) => [path, await readReferencedFile(root, resolve(root, path))] as const),
      ),
    );
}

/** A `file://` value's text: inside the repository once links are resolved, and small enough to be sent. */
async function readReferencedFile(root: string, target: string): Promise<Checked<string>> {
  const real = await realPathInside(root, target);
  if (!real.ok) return real;
  return readBoundedFile(real.value, MAX_BODY_BYTES, 'a file:// value (an entity holding more cannot be sent)');
}
