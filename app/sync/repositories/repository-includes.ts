/**
 * A repository resource's `include`, as the vendor's integration has it: what GitHub's REST API answers about the
 * repository beside the repository itself, added to the object its jq sees: `collaborators` as `__collaborators`
 * (`GET /repos/{owner}/{repo}/collaborators`, every page), `teams` as `__teams` (`GET /repos/{owner}/{repo}/teams`)
 * and `sbom` as `__sbom` (the SPDX document of `GET /repos/{owner}/{repo}/dependency-graph/sbom`). Each is read once
 * per repository (and per further page of 100 of a list), only when a resource that takes the repository asks, and
 * through the installation's paced REST reads, so that a resync counts them in its GitHub usage. Each resource sees
 * what it includes and nothing more.
 *
 * A repository without an SBOM (GitHub answers 404: the dependency graph off, an empty repository) gets `__sbom:
 * null`, as the vendor's empty answer. Any other read GitHub refuses (403, 404: no permission) leaves the resources that include it
 * unmapped for that repository: what they produced before stays (the output is incomplete) and the refusal is an
 * error of the page, naming the repository, so a resync with one deletes nothing. Any other failure is thrown, as a
 * failed page of repositories is.
 */
import type { ActiveConfig } from '../config/active-config.ts';
import type { RestPageRead } from '../github/graphql-reader.ts';
import { readAllPages, refusal } from '../kinds/rest-lists.ts';
import { isRecord } from '../kinds/repository-objects.ts';
import { mapObjects, type MappableObject } from '../map-objects.ts';
import type { CompiledMapping, MappedEntity } from '../mapping/index.ts';
import { REPOSITORY_INCLUDES, type RepositoryInclude } from '../mapping/selectors.ts';
import type { RepositoryScope } from './repository-search.ts';

/** The field of the object each include fills, as the vendor's exporter names it. */
const FIELDS: Record<RepositoryInclude, string> = {
  collaborators: '__collaborators',
  teams: '__teams',
  sbom: '__sbom',
};

/** Pages of a repository's collaborators or teams read for one include (10,000 of them). */
const PAGES_PER_INCLUDE = 100;

/** The includes of a repository resource's selector, in the vendor's order, each once. */
export function includesOf(selector: unknown): RepositoryInclude[] {
  const include = (selector as { include?: unknown } | null | undefined)?.include;
  if (!Array.isArray(include)) return [];
  return REPOSITORY_INCLUDES.filter((name) => include.includes(name));
}

/** A repository to map, as its REST object (or what a resync converted to it) and the files its mappings read. */
export interface RepositoryToMap extends MappableObject {
  object: { name: string };
}

export interface RepositoryMapping {
  entities: MappedEntity[];
  /** Mapping errors and refused includes, as messages naming the repository or the field. */
  errors: string[];
  /** False when part of the repository's resources could not map it: what it produced before is kept. */
  complete: boolean;
}

/** What `include` read of one repository: each field's value, or why GitHub refused it. */
type IncludeAnswers = Map<RepositoryInclude, { value: unknown } | { refused: string }>;

async function readInclude(
  rest: RestPageRead,
  owner: string,
  name: string,
  include: RepositoryInclude,
): Promise<unknown> {
  const parameters = { owner, repo: name };
  if (include === 'sbom') {
    const answer = await rest<unknown>('GET /repos/{owner}/{repo}/dependency-graph/sbom', parameters);
    return isRecord(answer.data) && isRecord(answer.data.sbom) ? answer.data.sbom : null;
  }
  const route = include === 'teams' ? 'GET /repos/{owner}/{repo}/teams' : 'GET /repos/{owner}/{repo}/collaborators';
  return readAllPages({ restPage: rest }, { route, parameters: {} }, parameters, PAGES_PER_INCLUDE);
}

/** Every include of `includes` for each repository of `names`, read through `rest` (the reader paces them). */
async function readIncludes(
  rest: RestPageRead,
  owner: string,
  names: readonly string[],
  includes: readonly RepositoryInclude[],
): Promise<IncludeAnswers[]> {
  return Promise.all(
    names.map(async (name) => {
      const answers: IncludeAnswers = new Map();
      await Promise.all(
        includes.map(async (include) => {
          try {
            answers.set(include, { value: await readInclude(rest, owner, name, include) });
          } catch (error) {
            const refused = refusal(error);
            if (!refused) throw error;
            // A repository with the dependency graph off (or no commits) has no SBOM: that is what it holds, not a
            // refusal, and as an error it would keep every resync of the account from deleting anything stale.
            if (include === 'sbom' && refused.status === 404) {
              answers.set(include, { value: null });
              return;
            }
            answers.set(include, { refused: `GitHub answered ${refused.status}: ${refused.message}` });
          }
        }),
      );
      return answers;
    }),
  );
}

/**
 * Maps `items`, repositories of `owner`, with the repository resources of `config`: those with an `include` get
 * the object with what they include (read through `scope`'s REST reads), one jq run per resource as mapObjects.
 */
export async function mapRepositories(
  config: ActiveConfig,
  owner: string,
  items: readonly RepositoryToMap[],
  scope: RepositoryScope,
): Promise<RepositoryMapping[]> {
  const results: RepositoryMapping[] = items.map(() => ({ entities: [], errors: [], complete: true }));
  if (items.length === 0) return results;
  // The resources grouped by what they include: one mapObjects call per group, those without first.
  const groups = Map.groupBy(config.mappings.repository, (mapping: CompiledMapping) =>
    includesOf(mapping.resource.selector).join(','),
  );
  const wanted = REPOSITORY_INCLUDES.filter((include) =>
    config.mappings.repository.some((mapping) => includesOf(mapping.resource.selector).includes(include)),
  );
  let answers: IncludeAnswers[] = items.map(() => new Map());
  if (wanted.length > 0) {
    if (!scope.rest) throw new Error('a repository resource includes REST reads, and none were given');
    answers = await readIncludes(
      scope.rest,
      owner,
      items.map((item) => item.object.name),
      wanted,
    );
  }
  for (const [key, mappings] of groups) {
    const includes = key === '' ? [] : (key.split(',') as RepositoryInclude[]);
    const taken: number[] = [];
    const objects: MappableObject[] = [];
    items.forEach((item, index) => {
      const fields: Record<string, unknown> = {};
      const refused: string[] = [];
      for (const include of includes) {
        const answer = answers[index]!.get(include);
        if (answer && 'value' in answer) fields[FIELDS[include]] = answer.value;
        else refused.push(`include ${include}: ${answer?.refused ?? 'not read'}`);
      }
      if (refused.length > 0) {
        results[index]!.complete = false;
        results[index]!.errors.push(
          ...refused.map(
            (reason) => `${owner}/${item.object.name}: ${reason}; not mapped by the resources that include it`,
          ),
        );
        return;
      }
      taken.push(index);
      objects.push(includes.length === 0 ? item : { object: { ...item.object, ...fields }, files: item.files });
    });
    const mapped = await mapObjects(
      { ...config, mappings: { ...config.mappings, repository: mappings } },
      'repository',
      objects,
    );
    mapped.forEach((mapping, position) => {
      const result = results[taken[position]!]!;
      result.entities.push(...mapping.entities);
      result.errors.push(...mapping.errors.map((error) => error.message));
      if (mapping.errors.length > 0) result.complete = false;
    });
  }
  // A refusal is reported once per repository and include, however many groups asked for it.
  for (const result of results) result.errors = [...new Set(result.errors)];
  return results;
}
