/** GitOps files read from a repository at one commit, with their `file://` values, as sources to write. */
import type { SourceOutput } from '../sources.ts';
import { type FileText, resolveFileReferences } from '../../../src/port-yml/index.ts';
import { parseSpecFile, type SpecEntity, specEntity, type SpecProblem, specProblem } from './spec-file.ts';

export interface LoadedSpec {
  path: string;
  /** False when the file is not in the repository (any more). */
  exists: boolean;
  /** The entities that parsed and whose `file://` values could be read. */
  entities: SpecEntity[];
  problems: SpecProblem[];
}

/** Reads files of the same repository and commit: path -> text, null when missing. */
export type SpecFileReader = (paths: readonly string[]) => Promise<Record<string, string | null>>;

/**
 * Parses each text (null: the file is gone) and reads every `file://` value of all of them in one call. An entity
 * whose `file://` value cannot be read is left out, with a problem at the value.
 */
export async function loadSpecs(
  texts: Readonly<Record<string, string | null>>,
  readFiles: SpecFileReader,
): Promise<LoadedSpec[]> {
  const present = Object.entries(texts).flatMap(([path, text]) => (text === null ? [] : [parseSpecFile(path, text)]));
  const resolved = await resolveFileReferences(present, async (paths) => repositoryTexts(await readFiles(paths)));
  const byPath = new Map(resolved.map((spec) => [spec.path, spec]));
  return Object.keys(texts).map((path): LoadedSpec => {
    const spec = byPath.get(path);
    if (!spec) return { path, exists: false, entities: [], problems: [] };
    return { path, exists: true, entities: spec.entities.map(specEntity), problems: spec.problems.map(specProblem) };
  });
}

/** What the repository holds at the paths asked for; a path it lacks is said to be missing at the value. */
function repositoryTexts(texts: Readonly<Record<string, string | null>>): Map<string, FileText> {
  return new Map(
    Object.entries(texts).map(([path, text]) => [
      path,
      text === null ? { ok: false, problem: 'is not in the repository' } : { ok: true, value: text },
    ]),
  );
}

/** Each file as a source: written whole when it parsed without a problem (a file that is gone produces nothing). */
export function specOutputs(repoId: number, specs: readonly LoadedSpec[]): SourceOutput[] {
  return specs.map((spec) => ({
    source: { kind: 'gitops', repoId, item: spec.path },
    entities: spec.entities.map((item) => item.entity),
    complete: spec.problems.length === 0,
  }));
}
