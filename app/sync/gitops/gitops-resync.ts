/**
 * GitOps during a full resync: the GitOps files at the root of each repository (the ones specPath names without a
 * folder walk, `port.yml` for the default `**\/port.yml`) come with each page of repositories and are written like
 * a push would, marked seen by the resync; files deeper in the tree are kept current by pushes.
 */
import type { ActiveConfig } from '../config/active-config.ts';
import type { FetchedRepository, RepositoryReader } from '../github/repository-reader.ts';
import { type SyncContext, writeOptionsOf } from '../sync-context.ts';
import { loadSpecs, specOutputs } from './load-specs.ts';
import { rootSpecPaths } from './spec-paths.ts';

export class GitopsResync {
  private readonly ctx: SyncContext;

  constructor(ctx: SyncContext) {
    this.ctx = ctx;
  }

  rootPaths(config: ActiveConfig): string[] {
    return rootSpecPaths(config.config.specPath);
  }

  /** Writes the GitOps files of a page's repositories; answers what was written and every problem as a message. */
  async writePage(
    reader: RepositoryReader,
    installationId: number,
    organization: ActiveConfig,
    repositories: readonly FetchedRepository[],
    paths: readonly string[],
    resyncId: number,
  ): Promise<{ written: number; errors: string[] }> {
    const result = { written: 0, errors: [] as string[] };
    const outputs = [];
    for (const { repository, files } of repositories) {
      const texts = Object.fromEntries(
        paths.filter((path) => typeof files[path] === 'string').map((path) => [path, files[path]!]),
      );
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
}
