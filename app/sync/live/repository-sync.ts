/**
 * Live events about repositories: one that changed is mapped again and written whole (so a rename or a transfer
 * moves its entity: the new identifier is upserted, the old one deleted); one that is gone (deleted, or taken
 * out of the installation) has everything it produced deleted. The organization's `repositoryType` holds as in a
 * resync: a repository it leaves out is not written, and one made public or private out of it goes as a deleted
 * one does; one made public or private into it is mapped, and a resync reads what it holds (its pull requests,
 * alerts, GitOps files...), which no event would bring.
 */
import { repositoryTypeTakes } from '../kinds/index.ts';
import { filesFor } from '../map-objects.ts';
import { mapRepositoryBatch } from '../repositories/map-repositories.ts';
import { mapRepositories } from '../repositories/repository-includes.ts';
import { configWithin, liveRepositoryScope } from '../repositories/repository-search.ts';
import type { Resyncs } from '../resync/resyncs.ts';
import { repositorySource, type SourceOutput } from '../sources.ts';
import { SyncContext, writeOptionsOf } from '../sync-context.ts';
import { repositoryTypeOf, typeLeavesOut, visibilityOf } from './repository-type.ts';

/** A repository as webhooks carry it (REST shape); only these fields are relied on. */
export interface RepositoryObject {
  id: number;
  name: string;
  full_name?: string;
  owner: { login: string };
  [field: string]: unknown;
}

export type RepositoryChange = 'refresh' | 'drop' | 'ignore';

const REFRESHING = new Set([
  'created',
  'edited',
  'renamed',
  'transferred',
  'archived',
  'unarchived',
  'publicized',
  'privatized',
]);

/** The actions that change a repository's visibility, and so whether `repositoryType` takes it. */
const VISIBILITY_CHANGES = new Set(['publicized', 'privatized']);

/** What a `repository` event's action means for the catalog. */
export function repositoryChange(action: string): RepositoryChange {
  if (action === 'deleted') return 'drop';
  return REFRESHING.has(action) ? 'refresh' : 'ignore';
}

export class RepositorySync {
  private readonly ctx: SyncContext;
  private readonly resyncs: Pick<Resyncs, 'request'>;

  constructor(ctx: SyncContext, resyncs: Pick<Resyncs, 'request'>) {
    this.ctx = ctx;
    this.resyncs = resyncs;
  }

  /** A `repository` event with `action` about `repository` (as the event carries it). */
  async onEvent(installationId: number, action: string, repository: RepositoryObject): Promise<void> {
    const owner = repository.owner.login;
    const change = repositoryChange(action);
    if (change === 'drop') return this.drop(installationId, owner, repository.id);
    if (change === 'ignore') return;
    const visibility = visibilityOf(repository);
    if (!visibility || !VISIBILITY_CHANGES.has(action)) return this.refresh(installationId, repository);
    const type = await repositoryTypeOf(this.ctx, installationId, owner);
    if (!repositoryTypeTakes(type, visibility)) return this.drop(installationId, owner, repository.id);
    await this.refresh(installationId, repository);
    if (!repositoryTypeTakes(type, { ...visibility, private: !visibility.private })) {
      const made = visibility.private ? 'private' : 'public';
      await this.resyncs.request(
        installationId,
        owner,
        `${owner}/${repository.name} was made ${made}, which repositoryType ${type} syncs`,
      );
    }
  }

  /**
   * Maps `repository` (as the event carries it) with the files its configuration reads and what its resources
   * `include`, and writes the result; nothing when `repositoryType` leaves it out.
   */
  async refresh(installationId: number, repository: RepositoryObject): Promise<void> {
    const { ctx } = this;
    const owner = repository.owner.login;
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const config = await ctx.configs.repository(owner, repository.name, SyncContext.configFiles(reader));
    if (await typeLeavesOut(ctx, installationId, owner, repository)) return;
    const scope = liveRepositoryScope(ctx, installationId, owner);
    const taking = await configWithin(config, ['repository'], repository, scope);
    const paths = filesFor(taking, 'repository');
    const files = paths.length > 0 ? await reader.files(owner, repository.name, 'HEAD', paths) : {};
    const [mapping] = await mapRepositories(taking, owner, [{ object: repository, files }], scope);
    for (const error of mapping!.errors) ctx.warn(`${config.source}: ${error}`);
    const output: SourceOutput = {
      source: repositorySource(repository.id),
      entities: mapping!.entities,
      complete: mapping!.complete,
    };
    await ctx.enqueue(repository.id, {
      type: 'write',
      installationId,
      outputs: [output],
      options: writeOptionsOf(config),
      ensureServiceBlueprint: config.isDefault,
    });
  }

  /**
   * Repositories added to the installation: read in one query with their files, mapped, written; those
   * `repositoryType` leaves out are not (mapRepositoryBatch).
   */
  async refreshMany(installationId: number, owner: string, names: readonly string[]): Promise<void> {
    const { ctx } = this;
    if (names.length === 0) return;
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const organization = await ctx.configs.organization(owner, SyncContext.configFiles(reader));
    const scope = liveRepositoryScope(ctx, installationId, owner);
    const batch = await mapRepositoryBatch(ctx, reader, owner, organization, names, scope);
    for (const error of batch.errors) ctx.warn(error);
    for (const group of batch.groups) {
      for (const output of group.outputs) {
        await ctx.enqueue(output.source.repoId, {
          type: 'write',
          installationId,
          outputs: [output],
          options: writeOptionsOf(group.config),
          ensureServiceBlueprint: group.config.isDefault,
        });
      }
    }
  }

  /** A repository that is gone for the App: everything it produced is deleted. */
  async drop(installationId: number, owner: string, repoId: number): Promise<void> {
    const { ctx } = this;
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const organization = await ctx.configs.organization(owner, SyncContext.configFiles(reader));
    await ctx.enqueue(repoId, {
      type: 'drop-repository',
      installationId,
      repoId,
      deleteDependents: organization.config.deleteDependentEntities,
    });
  }
}
