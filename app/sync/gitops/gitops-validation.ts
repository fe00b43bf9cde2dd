/**
 * GitOps files changed by a pull request, checked before they reach the default branch: parsed (YAML, entity
 * shape, `file://` values), then sent to Port with validation_only (nothing is written) so that Port says whether
 * its blueprints take them. A check run on the pull request's head names each problem's file and line.
 */
import { type CheckRunPoster, type FileProblem, gitopsCheckRun } from '../checks/check-runs.ts';
import { pullRequestFiles } from '../checks/pull-files.ts';
import type { ActiveConfig } from '../config/active-config.ts';
import type { SyncContext } from '../sync-context.ts';
import { loadSpecs, type LoadedSpec } from './load-specs.ts';
import { matchesSpecPath } from './spec-paths.ts';
import type { SpecEntity } from './spec-file.ts';

/** The line a Port refusal points at: the property or relation it names, else the entity. */
export function refusalLine(entity: SpecEntity, message: string): { line: number; field: string } {
  const named = /\b(property|relation) "([^".[\]"]+)/.exec(message);
  if (named) {
    const field = `${named[1] === 'property' ? 'properties' : 'relations'}.${named[2]}`;
    const line = entity.fieldLines[field];
    if (line !== undefined) return { line, field };
  }
  return { line: entity.line, field: `[${entity.index}]` };
}

export class GitopsValidation {
  private readonly ctx: SyncContext;
  private readonly checks: CheckRunPoster;

  constructor(ctx: SyncContext, checks: CheckRunPoster) {
    this.ctx = ctx;
    this.checks = checks;
  }

  /** Checks the GitOps files a pull request adds or changes; no check run when it touches none. */
  async validate(
    installationId: number,
    owner: string,
    repo: string,
    pullNumber: number,
    headSha: string,
    config: ActiveConfig,
  ): Promise<void> {
    const { ctx } = this;
    const changed = await pullRequestFiles(ctx, installationId, owner, repo, pullNumber);
    const specs = changed
      .filter((file) => file.status !== 'removed' && matchesSpecPath(file.filename, config.config.specPath))
      .map((file) => file.filename);
    if (specs.length === 0) return;
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    // The head's commits are in the base repository too (refs/pull/N/head), also for pull requests from forks.
    const texts = await reader.files(owner, repo, headSha, specs);
    const loaded = await loadSpecs(texts, (paths) => reader.files(owner, repo, headSha, paths));
    const problems = await this.problems(loaded, config);
    const entities = loaded.reduce((sum, spec) => sum + spec.entities.length, 0);
    await this.checks.post(
      installationId,
      owner,
      repo,
      headSha,
      gitopsCheckRun(specs, entities, problems, 'validated'),
    );
  }

  private async problems(loaded: readonly LoadedSpec[], config: ActiveConfig): Promise<FileProblem[]> {
    const problems: FileProblem[] = loaded.flatMap((spec) =>
      spec.problems.map((problem) => ({ path: spec.path, ...problem })),
    );
    const entities = loaded.flatMap((spec) => spec.entities.map((entity) => ({ spec, entity })));
    if (entities.length > 0) {
      const results = await this.ctx.port!.bulkUpsertEntities(
        entities.map(({ entity }) => ({ ...entity.entity })),
        {
          validationOnly: true,
          merge: config.config.enableMergeEntity,
          createMissingRelatedEntities: config.config.createMissingRelatedEntities,
        },
      );
      for (const result of results) {
        if (result.status !== 'failed') continue;
        const { spec, entity } = entities[result.index]!;
        const message = result.error?.message ?? 'refused';
        const { line, field } = refusalLine(entity, message);
        problems.push({
          path: spec.path,
          line,
          field,
          message: `Port refuses ${entity.entity.blueprint}/${entity.entity.identifier}: ${message}`,
        });
      }
    }
    return problems.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
  }
}
