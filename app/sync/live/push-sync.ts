/**
 * Pushes to a repository's default branch that matter to the catalog: a changed port-app-config.yml (checked, with
 * a check run on the commit; a good one is put in force and resyncs what it covers), a changed file the mapping
 * reads (README, CODEOWNERS, includedFiles: the repository is mapped again), changed GitOps files (written; what a
 * file no longer holds is deleted), none of which is written for a repository `repositoryType` leaves out. A push of
 * more than 20 commits is compared (push-changes.ts); when GitHub cannot list all it changed, the configuration, the
 * mapped files and every GitOps file (listed with one tree read) are read again.
 */
import type { Context } from 'probot';
import { githubMessage } from '../../github/index.ts';
import { type CheckRunPoster, configCheckRun, type FileProblem, gitopsCheckRun } from '../checks/check-runs.ts';
import type { ActiveConfig } from '../config/active-config.ts';
import { CONFIG_PATH, configSource, ORGANIZATION_CONFIG_REPOSITORIES } from '../config/config-resolver.ts';
import { loadSpecs, specOutputs } from '../gitops/load-specs.ts';
import { matchesSpecPath, needsTreeWalk, rootSpecPaths } from '../gitops/spec-paths.ts';
import type { RepositoryReader } from '../github/repository-reader.ts';
import { filesFor } from '../map-objects.ts';
import type { Resyncs } from '../resync/resyncs.ts';
import { SyncContext, writeOptionsOf } from '../sync-context.ts';
import { pushChanges } from './push-changes.ts';
import type { RepositoryObject, RepositorySync } from './repository-sync.ts';
import { typeLeavesOut } from './repository-type.ts';

/** A `push` webhook's payload, as Probot types it. */
export type PushPayload = Context<'push'>['payload'];

/** A push whose repository names its owner (Probot's types allow none; GitHub sends one). */
export type PushEvent = PushPayload & { repository: RepositoryObject };

export function hasOwner(push: PushPayload): push is PushEvent {
  return push.repository.owner !== null;
}

/** Whether the push moved the default branch (and did not delete it). */
export function isDefaultBranchPush(push: PushEvent): boolean {
  const branch = push.repository.default_branch ?? push.repository.master_branch;
  return !push.deleted && branch !== undefined && push.ref === `refs/heads/${branch}`;
}

export class PushSync {
  private readonly ctx: SyncContext;
  private readonly repositories: RepositorySync;
  private readonly resyncs: Resyncs;
  private readonly checks: CheckRunPoster;

  constructor(ctx: SyncContext, repositories: RepositorySync, resyncs: Resyncs, checks: CheckRunPoster) {
    this.ctx = ctx;
    this.repositories = repositories;
    this.resyncs = resyncs;
    this.checks = checks;
  }

  async onPush(installationId: number, push: PushEvent): Promise<void> {
    if (!isDefaultBranchPush(push)) return;
    const { ctx } = this;
    const { paths: changed, complete } = await pushChanges(ctx, installationId, push);
    if (complete && changed.size === 0) return;
    // Incomplete: the push may have changed any file, so whatever it could touch is read again.
    const touched = (path: string) => !complete || changed.has(path);
    const repository = push.repository;
    const owner = repository.owner.login;
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const files = SyncContext.configFiles(reader);

    let refreshed = false;
    if (touched(CONFIG_PATH)) refreshed = await this.configChanged(installationId, push);
    const config = await ctx.configs.repository(owner, repository.name, files);
    if (!refreshed && filesFor(config, 'repository').some(touched)) {
      await this.repositories.refresh(installationId, repository);
    }

    // Its GitOps files are not the catalog's while repositoryType leaves it out (its configuration still counts).
    if (await typeLeavesOut(ctx, installationId, owner, repository)) return;
    const candidates = complete ? changed : new Set([...changed, ...(await this.everySpec(reader, push, config))]);
    const specs = [...candidates].filter((path) => matchesSpecPath(path, config.config.specPath));
    if (specs.length === 0) return;
    const texts = await reader.files(owner, repository.name, push.after, specs);
    const loaded = await loadSpecs(texts, (paths) => reader.files(owner, repository.name, push.after, paths));
    await ctx.enqueue(repository.id, {
      type: 'write',
      installationId,
      outputs: specOutputs(repository.id, loaded),
      options: writeOptionsOf(config),
      ensureServiceBlueprint: false,
    });
    const problems: FileProblem[] = loaded.flatMap((spec) =>
      spec.problems.map((problem) => ({ path: spec.path, ...problem })),
    );
    for (const problem of problems) {
      ctx.warn(
        `${owner}/${repository.name}:${problem.path} line ${problem.line}: ${problem.field}: ${problem.message}`,
      );
    }
    const present = loaded.filter((spec) => spec.exists);
    if (present.length === 0) return;
    const entities = present.reduce((sum, spec) => sum + spec.entities.length, 0);
    await this.checks.post(
      installationId,
      owner,
      repository.name,
      push.after,
      gitopsCheckRun(
        present.map((spec) => spec.path),
        entities,
        problems,
        'written',
      ),
    );
  }

  /**
   * Every GitOps file the push may have changed, for a push whose changed files GitHub could not list: the files at
   * the commit (one tree read; a truncated tree still names most), the root ones, and those whose entities the App
   * keeps (which are deleted if they are gone).
   */
  private async everySpec(reader: RepositoryReader, push: PushEvent, config: ActiveConfig): Promise<string[]> {
    const { repository } = push;
    const patterns = config.config.specPath;
    const written = (await this.ctx.store.repositoryRows(repository.id))
      .filter((row) => row.kind === 'gitops')
      .map((row) => row.item);
    const paths = [...rootSpecPaths(patterns), ...written];
    if (!needsTreeWalk(patterns)) return paths;
    try {
      const tree = await reader.tree(repository.owner.login, repository.name, push.after);
      return [...paths, ...tree.paths];
    } catch (error) {
      this.ctx.warn(
        `catalog sync: listing the files of ${repository.owner.login}/${repository.name} at ${push.after} failed (${githubMessage(error)}); its GitOps files at the root and those already written are read`,
      );
      return paths;
    }
  }

  /**
   * The configuration file changed: a check run on the commit says whether it parses; the configuration in force
   * is read again (a broken file leaves the last good one in force), and what it covers is synced again: the
   * organization (a full resync) or this repository. Answers whether this repository was mapped again.
   */
  private async configChanged(installationId: number, push: PushEvent): Promise<boolean> {
    const { ctx } = this;
    const repository = push.repository;
    const owner = repository.owner.login;
    const organizationWide = (ORGANIZATION_CONFIG_REPOSITORIES as readonly string[]).includes(repository.name);
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const [text] = Object.values(await reader.files(owner, repository.name, push.after, [CONFIG_PATH]));
    const source = configSource(owner, repository.name);
    ctx.configs.invalidate(owner, organizationWide ? undefined : repository.name);
    const files = SyncContext.configFiles(reader);
    const inForce = organizationWide
      ? await ctx.configs.organization(owner, files)
      : await ctx.configs.repository(owner, repository.name, files);
    if (text !== null && text !== undefined) {
      const evaluated = await ctx.configs.evaluate(source, text);
      const stays = inForce.source === source ? 'its last version that parsed' : inForce.source;
      await this.checks.post(
        installationId,
        owner,
        repository.name,
        push.after,
        configCheckRun(CONFIG_PATH, evaluated.ok ? undefined : evaluated.error, stays),
      );
      if (!evaluated.ok) return false;
    }
    if (organizationWide) {
      await this.resyncs.request(installationId, owner, `${source} changed`);
      return false;
    }
    await this.repositories.refresh(installationId, repository);
    return true;
  }
}
