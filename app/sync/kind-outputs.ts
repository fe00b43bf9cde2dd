/**
 * Objects of a kind to the outputs of their sources: each resource of the kind maps the objects its selector takes
 * (its jq query, and the kind's own options such as `states`), in one jq run per resource for the whole batch.
 */
import type { KindDefinition, KindObject } from './kinds/index.ts';
import { type CompiledMapping, includedFilesContext, resolveEntityFiles } from './mapping/index.ts';
import { objectSource, type SourceOutput } from './sources.ts';

export interface KindOutputs {
  outputs: SourceOutput[];
  /** Mapping errors, as messages naming the object and the field. */
  errors: string[];
}

/** What each object's repository files are, for mappings that read some (`file://`); path -> text or null. */
export type ObjectFiles = (
  objects: readonly KindObject[],
  paths: readonly string[],
) => Promise<Array<Readonly<Record<string, string | null>>>>;

/**
 * Maps `objects` (null object: gone) with `mappings`, all of `definition`'s kind. Every object gives one output,
 * written whole: an object no resource takes any more gives none, and what it produced before goes.
 */
export async function kindOutputs(
  definition: Pick<KindDefinition, 'kind' | 'selects' | 'view'>,
  owner: string,
  mappings: readonly CompiledMapping[],
  objects: ReadonlyArray<Omit<KindObject, 'object'> & { object: object | null }>,
  files: ObjectFiles,
  now = Date.now(),
): Promise<KindOutputs> {
  const outputs = objects.map((object): SourceOutput => ({
    source: objectSource(definition.kind, owner, object),
    entities: [],
    complete: true,
  }));
  const errors: string[] = [];
  for (const mapping of mappings) {
    const selector = mapping.resource.selector as never;
    const taken = objects
      .map((object, index) => ({ object, index }))
      .filter(
        (entry): entry is { object: KindObject; index: number } =>
          entry.object.object !== null && (definition.selects?.(selector, entry.object.object as object, now) ?? true),
      );
    if (taken.length === 0) continue;
    const contents: Array<Readonly<Record<string, string | null>>> =
      mapping.filesToFetch.length > 0
        ? await files(
            taken.map((entry) => entry.object),
            mapping.filesToFetch,
          )
        : taken.map(() => ({}));
    const mapped = await mapping.map(
      taken.map((entry) => definition.view?.(selector, entry.object.object) ?? entry.object.object),
      includedFilesContext(mapping.includedFiles, contents),
    );
    mapped.forEach((result, position) => {
      const output = outputs[taken[position]!.index]!;
      output.entities.push(...resolveEntityFiles(result.entities, contents[position]!, mapping.fileReferencePaths));
      if (result.errors.length > 0) output.complete = false;
      errors.push(...result.errors.map((error) => error.message));
    });
  }
  return { outputs, errors };
}
