/**
 * Live events about a repository's other objects (pull requests, workflows, workflow runs): the object the event
 * carries is mapped with the resources of its kind, when the configuration in force has any, and written whole.
 */
import type { Kind } from '../mapping/index.ts';
import { filesFor, mapObjects } from '../map-objects.ts';
import { SyncContext, writeOptionsOf } from '../sync-context.ts';
import type { RepositoryObject } from './repository-sync.ts';

export class ObjectSync {
  private readonly ctx: SyncContext;

  constructor(ctx: SyncContext) {
    this.ctx = ctx;
  }

  /**
   * Maps the objects (each with its kind and its id within the repository) with the configuration of
   * `repository`; nothing is read from GitHub beyond that configuration unless a resource reads files.
   */
  async sync(
    installationId: number,
    repository: RepositoryObject,
    objects: ReadonlyArray<{ kind: Exclude<Kind, 'repository'>; item: string; object: object }>,
  ): Promise<void> {
    const { ctx } = this;
    const owner = repository.owner.login;
    // Most configurations map no workflow runs: then the event is done before anything is set up for it.
    const known = ctx.configs.cachedRepository(owner, repository.name);
    if (known && objects.every((object) => known.mappings[object.kind].length === 0)) return;
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const config = await ctx.configs.repository(owner, repository.name, SyncContext.configFiles(reader));
    const wanted = objects.filter((object) => config.mappings[object.kind].length > 0);
    if (wanted.length === 0) return;
    const paths = [...new Set(wanted.flatMap((object) => filesFor(config, object.kind)))];
    const files = paths.length > 0 ? await reader.files(owner, repository.name, 'HEAD', paths) : {};
    const outputs = [];
    for (const { kind, item, object } of wanted) {
      const [mapping] = await mapObjects(config, kind, [{ object, files }]);
      for (const error of mapping!.errors) ctx.warn(`${config.source}: ${error.message}`);
      outputs.push({
        source: { kind, repoId: repository.id, item },
        entities: mapping!.entities,
        complete: mapping!.errors.length === 0,
      });
    }
    ctx.enqueue(repository.id, {
      type: 'write',
      installationId,
      outputs,
      options: writeOptionsOf(config),
      ensureServiceBlueprint: false,
    });
  }
}
