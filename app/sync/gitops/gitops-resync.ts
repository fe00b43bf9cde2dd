/**
 * GitOps during a full resync. The files at the root of each repository that specPath names without a folder walk
 * (`port.yml` for the default `**\/port.yml`) come with each page of repositories. When the patterns can match
 * deeper, each repository's default branch is listed (a recursive tree read) unless it is still at the commit it
 * was listed at before (the matching paths are kept in app.sqlite by commit), the paths that match are read in batched
 * GraphQL queries (a repository without one costs no read), and every file is written like a push would, marked
 * seen by the resync: the entities of files it did not see are deleted after a resync without errors.
 */
import type { ActiveConfig } from '../config/active-config.ts';
import type { FetchedRepository, RepositoryReader, RepositoryTree } from '../github/repository-reader.ts';
import { type SyncContext, writeOptionsOf } from '../sync-context.ts';
import { loadSpecs, specOutputs } from './load-specs.ts';
import { matchesSpecPath, needsTreeWalk, rootSpecPaths } from './spec-paths.ts';

/** File aliases in one GraphQL query of a tree walk's reads. */
const FILES_PER_QUERY = 100;

export class GitopsResync {
  private readonly ctx: SyncContext;

  constructor(ctx: SyncContext) {
    this.ctx = ctx;
  }

  rootPaths(config: ActiveConfig): string[] {
    return rootSpecPaths(config.config.specPath);
  }

  /** Whether a resync under `config` stands for the GitOps file at `path` (its entities go when it is not seen). */
  covers(config: ActiveConfig): (path: string) => boolean {
    const patterns = config.config.specPath;
    return (path) => matchesSpecPath(path, patterns);
  }

  /** Writes the GitOps files of a page's repositories; answers what was written and every problem as a message. */
  async writePage(
    reader: RepositoryReader,
    installationId: number,
    organization: ActiveConfig,
    repositories: readonly FetchedRepository[],
    paths: readonly string[],
    resyncId: number,
    signal?: AbortSignal,
  ): Promise<{ written: number; errors: string[] }> {
    const result = { written: 0, errors: [] as string[] };
    const found = repositories.map(({ repository, files, commit }) => ({
      repository,
      commit,
      texts: Object.fromEntries(
        paths.filter((path) => typeof files[path] === 'string').map((path) => [path, files[path]!]),
      ) as Record<string, string>,
    }));
    if (needsTreeWalk(organization.config.specPath)) {
      await this.walk(reader, installationId, organization, found, resyncId, result.errors, signal);
    }
    const outputs = [];
    for (const { repository, texts } of found) {
      if (Object.keys(texts).length === 0) continue;
      const specs = await loadSpecs(texts, (wanted) =>
        reader.files(repository.owner.login, repository.name, 'HEAD', wanted),
      );
      for (const spec of specs) {
        for (const problem of spec.problems) {
          result.errors.push(
            `${repository.full_name}:${spec.path} line ${problem.line}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`,
          );
        }
      }
      outputs.push(...specOutputs(repository.id, specs));
    }
    if (outputs.length === 0) return result;
    const outcome = await this.ctx.writer!.write(installationId, outputs, {
      ...writeOptionsOf(organization),
      ensureServiceBlueprint: false,
      reconcile: false,
      resyncId,
    });
    result.written = outcome.written;
    result.errors.push(
      ...outcome.failed.map(
        (failure) => `Port refused ${failure.entity.blueprint}/${failure.entity.identifier}: ${failure.message}`,
      ),
    );
    return result;
  }

  /**
   * Lists each repository's default branch (the reads share the installation's slots and pacing), then reads the
   * matching files that the page did not bring, adding them to `found`. A tree GitHub truncated keeps the
   * repository's GitOps entities that the resync did not see: it cannot tell that their files are gone.
   */
  private async walk(
    reader: RepositoryReader,
    installationId: number,
    organization: ActiveConfig,
    found: Array<{
      repository: FetchedRepository['repository'];
      commit: string | null | undefined;
      texts: Record<string, string>;
    }>,
    resyncId: number,
    errors: string[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const patterns = organization.config.specPath;
    const patternsKey = JSON.stringify(patterns);
    const trees = await Promise.all(
      found.map(async ({ repository, commit }): Promise<RepositoryTree | undefined> => {
        if (!repository.default_branch || commit === null) return { paths: [], truncated: false };
        // The paths a tree read found matching at a commit: a commit's files never change.
        const known = await this.ctx.store.listing(repository.id);
        if (commit && known?.commit === commit && known.patterns === patternsKey) {
          return { paths: known.paths, truncated: false };
        }
        try {
          const tree = await reader.tree(repository.owner.login, repository.name, repository.default_branch);
          if (commit && !tree.truncated) {
            const paths = tree.paths.filter((path) => matchesSpecPath(path, patterns));
            await this.ctx.store.saveListing(repository.id, { commit, patterns: patternsKey, paths });
          }
          return tree;
        } catch (error) {
          if (signal?.aborted) throw error;
          errors.push(
            `${repository.full_name}: its files could not be listed: ${error instanceof Error ? error.message : String(error)}`,
          );
          return undefined;
        }
      }),
    );
    const wanted: Array<{ index: number; path: string }> = [];
    for (const [index, tree] of trees.entries()) {
      if (!tree) continue;
      const { repository, texts } = found[index]!;
      if (tree.truncated) {
        this.ctx.warn(
          `resync of ${repository.owner.login}: GitHub listed only part of the files of ${repository.full_name}; the GitOps files it did not list are kept as they are`,
        );
        await this.ctx.store.keepGitops(installationId, repository.id, resyncId);
      }
      for (const path of tree.paths) {
        if (!(path in texts) && matchesSpecPath(path, patterns)) wanted.push({ index, path });
      }
    }
    for (let start = 0; start < wanted.length; start += FILES_PER_QUERY) {
      const byRepository = Map.groupBy(wanted.slice(start, start + FILES_PER_QUERY), (entry) => entry.index);
      const requests = [...byRepository].map(([index, entries]) => ({
        index,
        owner: found[index]!.repository.owner.login,
        name: found[index]!.repository.name,
        ref: 'HEAD',
        paths: entries.map((entry) => entry.path),
      }));
      const answers = await reader.filesOfRepositories(requests);
      requests.forEach((request, position) => {
        const { repository, texts } = found[request.index]!;
        for (const [path, text] of Object.entries(answers[position]!)) {
          if (typeof text === 'string') texts[path] = text;
          else errors.push(`${repository.full_name}:${path}: GitHub listed it but did not give its text`);
        }
      });
    }
  }
}
