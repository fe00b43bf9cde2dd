/** GitOps files read from a repository at one commit, with their `file://` values, as sources to write. */
import type { SourceOutput } from '../sources.ts';
import { parseSpecFile, type SpecEntity, type SpecProblem, withFileValues } from './spec-file.ts';

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
 * Parses each text (null: the file is gone) and reads every `file://` value of all of them in one call.
 */
export async function loadSpecs(
  texts: Readonly<Record<string, string | null>>,
  readFiles: SpecFileReader,
): Promise<LoadedSpec[]> {
  const parsed = Object.entries(texts).map(([path, text]) => ({
    path,
    text,
    spec: text === null ? undefined : parseSpecFile(path, text),
  }));
  const wanted = [...new Set(parsed.flatMap((file) => file.spec?.fileValues.map((value) => value.path) ?? []))];
  const contents = new Map(Object.entries(wanted.length > 0 ? await readFiles(wanted) : {}));
  return parsed.map(({ path, spec }): LoadedSpec => {
    if (!spec) return { path, exists: false, entities: [], problems: [] };
    const { entities, missing } = withFileValues(spec, contents);
    const problems = [
      ...spec.problems,
      ...missing.map((value) => ({
        line: value.line,
        column: value.column,
        field: value.field,
        message: `file://${value.path}: no such file in the repository`,
      })),
    ].sort((a, b) => a.line - b.line || a.column - b.column);
    return { path, exists: true, entities, problems };
  });
}

/** Each file as a source: written whole when it parsed without a problem (a file that is gone produces nothing). */
export function specOutputs(repoId: number, specs: readonly LoadedSpec[]): SourceOutput[] {
  return specs.map((spec) => ({
    source: { kind: 'gitops', repoId, item: spec.path },
    entities: spec.entities.map((item) => item.entity),
    complete: spec.problems.length === 0,
  }));
}
