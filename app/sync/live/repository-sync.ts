/**
 * Live events about repositories: one that changed is mapped again and written whole (so a rename or a transfer
 * moves its entity: the new identifier is upserted, the old one deleted); one that is gone (deleted, or taken
 * out of the installation) has everything it produced deleted.
 */
import { mapRepositoryBatch } from '../repositories/map-repositories.ts';
import { filesFor, mapObjects } from '../map-objects.ts';
import { repositorySource, type SourceOutput } from '../sources.ts';
import { SyncContext, writeOptionsOf } from '../sync-context.ts';

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

/** What a `repository` event's action means for the catalog. */
export function repositoryChange(action: string): RepositoryChange {
  if (action === 'deleted') return 'drop';
  return REFRESHING.has(action) ? 'refresh' : 'ignore';
}

export class RepositorySync {
  private readonly ctx: SyncContext;

  constructor(ctx: SyncContext) {
    this.ctx = ctx;
  }

  /** Maps `repository` (as the event carries it) with the files its configuration reads, and writes the result. */
  async refresh(installationId: number, repository: RepositoryObject): Promise<void> {
    const { ctx } = this;
    const owner = repository.owner.login;
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const config = await ctx.configs.repository(owner, repository.name, SyncContext.configFiles(reader));
    const paths = filesFor(config, 'repository');
    const files = paths.length > 0 ? await reader.files(owner, repository.name, 'HEAD', paths) : {};
    const [mapping] = await mapObjects(config, 'repository', [{ object: repository, files }]);
    for (const error of mapping!.errors) ctx.warn(`${config.source}: ${error.message}`);
    const output: SourceOutput = {
      source: repositorySource(repository.id),
      entities: mapping!.entities,
      complete: mapping!.errors.length === 0,
    };
    ctx.enqueue(repository.id, {
      type: 'write',
      installationId,
      outputs: [output],
      options: writeOptionsOf(config),
      ensureServiceBlueprint: config.isDefault,
    });
  }

  /** Repositories added to the installation: read in one query with their files, mapped, written. */
  async refreshMany(installationId: number, owner: string, names: readonly string[]): Promise<void> {
    const { ctx } = this;
    if (names.length === 0) return;
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const organization = await ctx.configs.organization(owner, SyncContext.configFiles(reader));
    const batch = await mapRepositoryBatch(ctx, reader, owner, organization, names);
    for (const error of batch.errors) ctx.warn(error);
    for (const group of batch.groups) {
      for (const output of group.outputs) {
        ctx.enqueue(output.source.repoId, {
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
    ctx.enqueue(repoId, {
      type: 'drop-repository',
      installationId,
      repoId,
      deleteDependents: organization.config.deleteDependentEntities,
    });
  }
}
