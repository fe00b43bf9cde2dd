/**
 * Puts the text of the files `file://` values name into the entities, read through the caller's reader: the
 * Action reads its workspace, the App reads GitHub at a commit. One read for all the files given, so that a
 * reader can batch.
 */
import { describeValue } from './describe.ts';
import type { PortYmlEntity, PortYmlFile, PortYmlProblem } from './read-port-yml.ts';

/** A file's text, or why there is none, said after the value: `cannot be read: ENOENT`. */
export type FileText = { ok: true; value: string } | { ok: false; problem: string };

/** Reads files by their path from the repository's root; a path it does not answer counts as not there. */
export type FileReader = (paths: readonly string[]) => Promise<ReadonlyMap<string, FileText>>;

export interface ResolvedPortYml {
  path: string;
  documents: number;
  /** The entities that parsed, their `file://` values read; one that a value could not be read for is left out. */
  entities: PortYmlEntity[];
  /** The file's problems and those of its `file://` values, in the file's order. */
  problems: PortYmlProblem[];
}

const NOT_THERE: FileText = { ok: false, problem: 'is not in the repository' };

export async function resolveFileReferences(
  files: readonly PortYmlFile[],
  read: FileReader,
): Promise<ResolvedPortYml[]> {
  const wanted = new Set(
    files.flatMap((file) => file.entities.flatMap((item) => item.fileReferences.map((reference) => reference.path))),
  );
  const texts = wanted.size > 0 ? await read([...wanted]) : new Map<string, FileText>();
  return files.map((file) => {
    const problems = [...file.problems];
    const entities: PortYmlEntity[] = [];
    for (const item of file.entities) {
      const properties = { ...item.entity.properties };
      let complete = item.complete;
      for (const reference of item.fileReferences) {
        const text = texts.get(reference.path) ?? NOT_THERE;
        if (text.ok) {
          properties[reference.property] = text.value;
          continue;
        }
        const { line, column, field } = reference;
        const message = `${describeValue(reference.value)} ${text.problem}`;
        problems.push({ document: item.document, field, line, column, message });
        complete = false;
      }
      if (complete) entities.push({ ...item, entity: { ...item.entity, properties } });
    }
    problems.sort(
      (a, b) => a.document - b.document || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
    return { path: file.path, documents: file.documents, entities, problems };
  });
}
