/**
 * A batch of repositories (a page of a resync, the repositories added to an installation) to entities: each with
 * the configuration in force for it (its own file, read in the same query, or the organization's), grouped so that
 * each configuration maps its repositories in one jq run. A repository with its own configuration that reads
 * other files gets them in one more query for the whole batch.
 */
import type { ActiveConfig } from '../config/active-config.ts';
import type { CompiledMapping } from '../mapping/index.ts';
import { CONFIG_PATH } from '../config/config-resolver.ts';
import type { FetchedRepository, RepositoryReader } from '../github/repository-reader.ts';
import { repositoryTypeTakes } from '../kinds/kind-reads.ts';
import { repositorySource, type SourceOutput } from '../sources.ts';
import type { SyncContext } from '../sync-context.ts';
import { mapRepositories } from './repository-includes.ts';
import { mappingsTaking, repoSearchOf, type RepositoryScope } from './repository-search.ts';

export interface RepositoryBatch {
  /** The outputs of each configuration in force, which also decides how they are written. */
  groups: Array<{ config: ActiveConfig; outputs: SourceOutput[] }>;
  repositories: number;
  /** Mapping errors, as messages naming the configuration, the repository and the field. */
  errors: string[];
}

/** The files to read with each repository of a batch under the organization's configuration. */
export function batchFiles(organization: ActiveConfig): string[] {
  return [...new Set([...organization.repositoryFiles, CONFIG_PATH])];
}

/**
 * Reads the named repositories with their files (one query per 25), then maps those the organization's
 * `repositoryType` takes as mapFetchedRepositories.
 */
export async function mapRepositoryBatch(
  ctx: SyncContext,
  reader: RepositoryReader,
  owner: string,
  organization: ActiveConfig,
  names: readonly string[],
  scope: RepositoryScope,
): Promise<RepositoryBatch> {
  const paths = batchFiles(organization);
  const fetched = await reader.repositories(names.map((name) => ({ owner, name, paths })));
  return mapFetchedRepositories(
    ctx,
    reader,
    owner,
    organization,
    fetched.filter(
      (item): item is FetchedRepository =>
        item !== null && repositoryTypeTakes(organization.config.repositoryType, item.repository),
    ),
    scope,
  );
}

/**
 * Maps repositories read with batchFiles(organization). A resource with a `repoSearch` maps only the repositories
 * `scope` says it takes (the resync's searches, or a live event's repository judged alone); one with an `include`
 * gets what it includes, read through `scope`'s REST reads (repository-includes.ts).
 */
export async function mapFetchedRepositories(
  ctx: SyncContext,
  reader: RepositoryReader,
  owner: string,
  organization: ActiveConfig,
  fetched: readonly FetchedRepository[],
  scope: RepositoryScope,
): Promise<RepositoryBatch> {
  const groups = new Map<string, { config: ActiveConfig; items: FetchedRepository[] }>();
  for (const item of fetched) {
    const own = item.files[CONFIG_PATH] ?? null;
    const config = await ctx.configs.repositoryFrom(owner, item.repository.name, own, organization);
    let group = groups.get(config.key);
    if (!group) groups.set(config.key, (group = { config, items: [] }));
    group.items.push(item);
  }

  const batch: RepositoryBatch = { groups: [], repositories: fetched.length, errors: [] };
  for (const { config, items } of groups.values()) {
    const missing = config.repositoryFiles.filter((path) => !(path in items[0]!.files));
    if (missing.length > 0) {
      const extra = await reader.filesOfRepositories(
        items.map((item) => ({ owner, name: item.repository.name, ref: 'HEAD', paths: missing })),
      );
      items.forEach((item, index) => Object.assign(item.files, extra[index]));
    }
    const outputs: SourceOutput[] = [];
    for (const part of await byResourcesTaking(config, items, scope)) {
      const mapped = await mapRepositories(
        part.config,
        owner,
        part.items.map((item) => ({ object: item.repository, files: item.files })),
        scope,
      );
      part.items.forEach((item, index) => {
        const { entities, errors, complete } = mapped[index]!;
        batch.errors.push(...errors.map((error) => `${config.source}: ${error}`));
        outputs.push({ source: repositorySource(item.repository.id), entities, complete });
      });
    }
    batch.groups.push({ config, outputs });
  }
  return batch;
}

/**
 * `items` grouped by the repository resources of `config` that take them (a `repoSearch` may not), each group with
 * `config` narrowed to those resources: one jq run per group, and one group when no resource has a `repoSearch`.
 */
async function byResourcesTaking(
  config: ActiveConfig,
  items: readonly FetchedRepository[],
  scope: RepositoryScope,
): Promise<Array<{ config: ActiveConfig; items: FetchedRepository[] }>> {
  const all = config.mappings.repository;
  if (!all.some((mapping) => repoSearchOf(mapping.resource.selector) !== undefined)) {
    return [{ config, items: [...items] }];
  }
  const parts = new Map<string, { config: ActiveConfig; items: FetchedRepository[] }>();
  for (const item of items) {
    let taken: CompiledMapping[];
    try {
      taken = await mappingsTaking(all, item.repository, scope);
    } catch (error) {
      // Nothing of the page is written: a source written without a resource would lose what it produced.
      throw new Error(`${config.source}: repoSearch: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    const key = taken.map((mapping) => all.indexOf(mapping)).join(',');
    let part = parts.get(key);
    if (!part) {
      part = { config: { ...config, mappings: { ...config.mappings, repository: taken } }, items: [] };
      parts.set(key, part);
    }
    part.items.push(item);
  }
  return [...parts.values()];
}
