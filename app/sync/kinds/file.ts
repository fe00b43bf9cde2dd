/**
 * The `file` kind: files of repositories, named by `files` patterns (`path` a path or a glob such as
 * `**\/package.json`, `repos` with their branches or every repository on its default branch, `organization`,
 * `skipParsing`), each given to jq as the vendor's integration gives it: `{ organization, content, repository,
 * branch, path, name, metadata }`, `content` parsed from JSON or YAML (file-content.ts) and its top-level `file://`
 * values replaced by the content of the file they name, relative to the file. A resync reads a page of (repository,
 * branch) pairs: one tree read each when a pattern is a glob, then the files in batched GraphQL queries with their
 * repositories. A push to a branch a pattern reads re-reads the matched files it changed, at its commit; those it
 * removed lose their entities.
 */
import { posix } from 'node:path';
import { isGlob } from '../../../src/glob/index.ts';
import { RepositoryReader, type TreeEntry } from '../github/repository-reader.ts';
import type { RestRepository } from '../github/repository-query.ts';
import { FILE_PREFIX, type FilePattern, relativeFilePath, type SelectorOf } from '../mapping/index.ts';
import { MAX_FILE_BYTES, parseFileContent, tooLarge } from './file-content.ts';
import type {
  KindDefinition,
  KindObject,
  KindReads,
  LiveChange,
  LiveReads,
  RepositoryRef,
  ResyncPage,
  ResyncReads,
} from './kind-definition.ts';
import {
  type BlobAnswer,
  blobKey,
  branchPushPatterns,
  branchTargets,
  kindPushChanges,
  matchesPattern,
  patternPath,
  patternTaking,
  readRepositoryBlobs,
  targetPage,
  targetTree,
} from './repository-files.ts';

/** (repository, branch) pairs a resync page reads: a tree read each for globs, a query for 25 otherwise. */
const GLOB_TARGETS_PER_PAGE = 10;
const PLAIN_TARGETS_PER_PAGE = 25;
/** `file://` values one file may hold (each is a file to read). */
const MAX_FILE_VALUES = 100;

const isGlobPattern = (pattern: FilePattern) => isGlob(patternPath(pattern.path));

/** A file to read: where, at which commit or branch, and how. */
interface FileRead {
  repository: RepositoryRef;
  branch: string;
  /** The branch, or the commit of a push. */
  ref: string;
  path: string;
  skipParsing: boolean;
  size?: number | undefined;
}

interface FilesRead {
  objects: KindObject[];
  /** Files that are not there (any more). */
  gone: FileRead[];
  /** Files that could not be read or parsed, each with why. */
  failed: FileFailure[];
}

interface FileFailure {
  file: FileRead;
  message: string;
}

const where = (file: Pick<FileRead, 'repository' | 'branch' | 'path'>) =>
  `${file.repository.owner}/${file.repository.name}@${file.branch}:${file.path}`;
const failureMessage = (failure: FileFailure) => `${where(failure.file)}: ${failure.message}`;

/**
 * A file's key within its repository: `<branch>:<path>`, and `text:<branch>:<path>` for the file as text
 * (`skipParsing`), which resources may read besides the parsed file: each is an object of its own.
 */
export const fileItem = (branch: string, path: string, skipParsing: boolean): string =>
  `${skipParsing ? 'text:' : ''}${branch}:${path}`;

/** Whether an object's content is the file's text (skipParsing); jq does not see it (a symbol is not JSON). */
const SKIPPED_PARSING = Symbol('skipParsing');

/** The first of a selector's patterns matching `path` decides whether the file is parsed for it. */
function firstMatch(patterns: readonly FilePattern[], path: string): FilePattern | undefined {
  return patterns.find((pattern) => matchesPattern(path, pattern));
}

/**
 * Reads `files` (batched with their repositories), parses them and resolves their `file://` values. A file too
 * large or too deep is an error naming it; a binary one is left out; one that is not there is `gone`.
 */
async function readFiles(reads: KindReads, owner: string, files: readonly FileRead[]): Promise<FilesRead> {
  const read: FilesRead = { objects: [], gone: [], failed: [] };
  const byRepository = Map.groupBy(
    files.filter((file) => {
      if (file.size === undefined || file.size <= MAX_FILE_BYTES) return true;
      read.failed.push({ file, message: tooLarge(file.size) });
      return false;
    }),
    (file) => file.repository.id,
  );
  const groups = [...byRepository.values()];
  const answers = await readRepositoryBlobs(
    reads,
    groups.map((group) => ({
      repository: group[0]!.repository,
      withRepository: true,
      // A file read both parsed and as text is read once.
      blobs: [
        ...new Map(
          group.map((file) => [blobKey(file.ref, file.path), { ref: file.ref, path: file.path, size: file.size }]),
        ).values(),
      ],
    })),
  );

  const parsed: Array<{ file: FileRead; repository: RestRepository; blob: BlobAnswer; content: unknown }> = [];
  groups.forEach((group, index) => {
    const answer = answers[index]!;
    if (!answer.repository) return; // gone since it was listed
    for (const file of group) {
      const blob = answer.blobs.get(blobKey(file.ref, file.path));
      if (!blob) {
        read.gone.push(file);
        continue;
      }
      if (blob.byteSize > MAX_FILE_BYTES || blob.isTruncated) {
        read.failed.push({ file, message: tooLarge(blob.byteSize) });
        continue;
      }
      if (blob.text === null) continue; // binary: no text to map, as the vendor skips it
      const content = parseFileContent(file.path, blob.text, file.skipParsing);
      if (!content.ok) {
        read.failed.push({ file, message: content.error });
        continue;
      }
      parsed.push({ file, repository: answer.repository, blob, content: content.content });
    }
  });

  const withValues = await resolveFileValues(reads, parsed, read.failed);
  for (const { file, repository, blob, content } of withValues) {
    read.objects.push({
      object: fileObject(reads.apiUrl, owner, repository, file, blob, content),
      item: fileItem(file.branch, file.path, file.skipParsing),
      repository: file.repository,
      fileBase: { ref: file.ref, folder: posix.dirname(file.path) === '.' ? '' : posix.dirname(file.path) },
    });
  }
  return read;
}

/** The file as the vendor's integration gives it to jq; `metadata` has the fields of the contents API's answer. */
function fileObject(
  apiUrl: string,
  owner: string,
  repository: RestRepository,
  file: FileRead,
  blob: BlobAnswer,
  content: unknown,
): object {
  const api = apiUrl.replace(/\/+$/, '');
  const encoded = file.path.split('/').map(encodeURIComponent).join('/');
  const name = posix.basename(file.path);
  return {
    [SKIPPED_PARSING]: file.skipParsing,
    organization: owner,
    content,
    repository,
    branch: file.branch,
    path: file.path,
    name,
    metadata: {
      name,
      path: file.path,
      sha: blob.oid,
      size: blob.byteSize,
      url: `${api}/repos/${repository.full_name}/contents/${encoded}?ref=${encodeURIComponent(file.branch)}`,
      html_url: `${repository.html_url}/blob/${file.branch}/${encoded}`,
      git_url: `${api}/repos/${repository.full_name}/git/blobs/${blob.oid}`,
      download_url: `${repository.html_url}/raw/${file.branch}/${encoded}`,
      type: 'file',
    },
  };
}

/** The `file://` values at the top of a parsed file (of the object, or of each object of a list). */
function fileValueSlots(content: unknown): Array<{ holder: Record<string, unknown>; key: string; value: string }> {
  const holders = Array.isArray(content) ? content : [content];
  const slots: Array<{ holder: Record<string, unknown>; key: string; value: string }> = [];
  for (const holder of holders) {
    if (holder === null || typeof holder !== 'object' || Array.isArray(holder)) continue;
    for (const [key, value] of Object.entries(holder as Record<string, unknown>)) {
      if (typeof value === 'string' && value.startsWith(FILE_PREFIX)) {
        slots.push({ holder: holder as Record<string, unknown>, key, value });
      }
    }
  }
  return slots;
}

/**
 * Each parsed file with its top-level `file://` values replaced by the content of the file they name (relative to
 * the file, at the same commit; parsed by its own name): an empty string for a file that is not there, as the
 * vendor's. A file whose values cannot be read is an error, and left out.
 */
async function resolveFileValues<T extends { file: FileRead; content: unknown }>(
  reads: KindReads,
  parsed: readonly T[],
  failed: FileFailure[],
): Promise<T[]> {
  const wanted = parsed.map((entry) => {
    const slots = entry.file.skipParsing ? [] : fileValueSlots(entry.content);
    const folder = posix.dirname(entry.file.path);
    return slots.map((slot) => ({ ...slot, path: relativeFilePath(folder, slot.value.slice(FILE_PREFIX.length)) }));
  });
  if (wanted.every((slots) => slots.length === 0)) return [...parsed];
  const reading = parsed
    .map((entry, index) => ({ entry, slots: wanted[index]! }))
    .filter(({ entry, slots }) => {
      if (slots.length <= MAX_FILE_VALUES) return true;
      failed.push({
        file: entry.file,
        message: `it has ${slots.length} file:// values; at most ${MAX_FILE_VALUES} are read`,
      });
      return false;
    });
  const answers = await readRepositoryBlobs(
    reads,
    reading.map(({ entry, slots }) => ({
      repository: entry.file.repository,
      withRepository: false,
      blobs: slots.flatMap((slot) => (slot.path ? [{ ref: entry.file.ref, path: slot.path }] : [])),
    })),
  );
  const kept: T[] = [...parsed.filter((_, index) => wanted[index]!.length === 0)];
  reading.forEach(({ entry, slots }, index) => {
    const values: unknown[] = [];
    for (const slot of slots) {
      const blob = slot.path ? answers[index]!.blobs.get(blobKey(entry.file.ref, slot.path)) : null;
      if (!blob || blob.text === null) {
        values.push('');
        continue;
      }
      const content = blob.isTruncated
        ? { ok: false as const, error: tooLarge(blob.byteSize) }
        : parseFileContent(slot.path!, blob.text);
      if (!content.ok) {
        failed.push({ file: entry.file, message: `${slot.value}: ${content.error}` });
        return;
      }
      values.push(content.content);
    }
    slots.forEach((slot, at) => (slot.holder[slot.key] = values[at]));
    kept.push(entry);
  });
  return kept;
}

/**
 * Files of `repository` as they are at `ref` (a pull request's head), as objects of `branch` (where they are to
 * land), read as a resync reads them: for checking them before they are merged. `failed` names each file that
 * cannot be read or parsed, and why.
 */
export async function readFilesAt(
  reads: KindReads,
  repository: RepositoryRef,
  branch: string,
  ref: string,
  files: ReadonlyArray<{ path: string; skipParsing: boolean }>,
): Promise<{ objects: KindObject[]; failed: Array<{ path: string; message: string }> }> {
  const read = await readFiles(
    reads,
    repository.owner,
    files.map((file) => ({ repository, branch, ref, ...file })),
  );
  return {
    objects: read.objects,
    failed: [
      ...read.failed.map(({ file, message }) => ({ path: file.path, message })),
      ...read.gone.map((file) => ({ path: file.path, message: `not found at ${ref}` })),
    ],
  };
}

/** Whether `object` (a file object) is one the patterns read, and read as it is (parsed or as text). */
export function filePatternsTake(patterns: readonly FilePattern[], object: object): boolean {
  const file = object as {
    organization?: unknown;
    path?: unknown;
    branch?: unknown;
    repository?: { name?: unknown; default_branch?: unknown } | null;
    [SKIPPED_PARSING]?: boolean;
  };
  const first = patternTaking(patterns, file);
  return first !== undefined && first.skipParsing === (file[SKIPPED_PARSING] ?? false);
}

async function resyncFiles(
  reads: ResyncReads,
  selector: SelectorOf<'file'>,
  cursor: string | null,
): Promise<ResyncPage> {
  const targets = await branchTargets(reads, selector.files);
  const perPage = selector.files.some(isGlobPattern) ? GLOB_TARGETS_PER_PAGE : PLAIN_TARGETS_PER_PAGE;
  const { page, next } = targetPage(targets, cursor, perPage);
  const errors: string[] = [];
  const files: FileRead[] = [];
  for (const target of page) {
    const { repository, branch } = target;
    let tree: Map<string, TreeEntry> | undefined;
    if (target.patterns.some(isGlobPattern)) {
      tree = await targetTree(reads, target, 'blob', errors);
      if (!tree) continue;
    }
    const paths = new Set<string>();
    for (const pattern of target.patterns) {
      if (isGlobPattern(pattern)) {
        for (const path of tree!.keys()) if (matchesPattern(path, pattern)) paths.add(path);
      } else if (!tree || tree.has(patternPath(pattern.path))) {
        paths.add(patternPath(pattern.path));
      }
    }
    for (const path of paths) {
      files.push({
        repository,
        branch,
        ref: branch,
        path,
        skipParsing: firstMatch(target.patterns, path)?.skipParsing ?? false,
        size: tree?.get(path)?.size,
      });
    }
  }
  const read = await readFiles(reads, reads.owner, files);
  return { objects: read.objects, next, errors: [...errors, ...read.failed.map(failureMessage)] };
}

/**
 * A push to a branch some pattern reads: the matched files it changed, read at its commit; those it removed are
 * gone. When GitHub cannot list everything the push changed, every matched file of the branch is read again.
 */
async function pushFiles(payload: Record<string, unknown>, reads: LiveReads): Promise<LiveChange[]> {
  const found = await branchPushPatterns(payload, reads, (selector: SelectorOf<'file'>) => selector.files);
  if (!found) return [];
  // The first of a selector's patterns matching a path says how the selector reads it.
  const { push, patterns: applicable } = found;
  const { repository, branch, after } = push;
  const modes = (path: string) =>
    new Set(applicable.flatMap((patterns) => firstMatch(patterns, path)?.skipParsing ?? []));
  const changes = await kindPushChanges(push.payload, reads);
  const paths = new Set([...changes.paths].filter((path) => modes(path).size > 0));
  if (!changes.complete) {
    const reader = new RepositoryReader(reads.graphql, reads.apiUrl, reads.rest);
    const listed = await reader.tree(repository.owner, repository.name, after);
    for (const path of listed.paths) if (modes(path).size > 0) paths.add(path);
  }
  if (paths.size === 0) return [];
  const read = await readFiles(
    reads,
    repository.owner,
    [...paths].flatMap((path) =>
      [...modes(path)].map((skipParsing) => ({ repository, branch, ref: after, path, skipParsing })),
    ),
  );
  for (const failure of read.failed) reads.warn?.(failureMessage(failure));
  return [
    ...read.objects,
    ...read.gone.map((file) => ({
      object: null,
      item: fileItem(file.branch, file.path, file.skipParsing),
      repository,
    })),
  ];
}

export const fileKind: KindDefinition<'file'> = {
  kind: 'file',
  scope: 'repository',
  resyncPage: resyncFiles,
  selects: (selector, object) => filePatternsTake(selector.files, object),
  events: { push: pushFiles },
  permissions: { contents: 'read' },
};
