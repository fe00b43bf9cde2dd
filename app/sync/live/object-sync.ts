/**
 * Live events about objects of other kinds than repositories: each object an event carries (or reads) is mapped with
 * the resources of its kind the configuration in force has, and written whole, so that an object that is gone, or
 * that its resources' selectors no longer take, loses the entities it produced.
 */
import { kindOutputs, type ObjectFiles } from '../kind-outputs.ts';
import { kindDefinition, type KindObject } from '../kinds/index.ts';
import { type Kind, relativeFilePath } from '../mapping/index.ts';
import type { SourceOutput } from '../sources.ts';
import { SyncContext, writeOptionsOf } from '../sync-context.ts';
import type { RepositoryReader } from '../github/repository-reader.ts';
import { typeLeavesOut } from './repository-type.ts';
import { configWithin, liveRepositoryScope } from '../repositories/repository-search.ts';

/** An object of a kind, or null when it is gone. */
export interface LiveObject extends Omit<KindObject, 'object'> {
  kind: Exclude<Kind, 'repository'>;
  object: object | null;
}

export class ObjectSync {
  private readonly ctx: SyncContext;

  constructor(ctx: SyncContext) {
    this.ctx = ctx;
  }

  /**
   * Maps `objects`, all of `repository` (when set) or of the account `owner`, with the configuration in force there:
   * the repository's, or the organization's. Nothing is read from GitHub beyond that configuration unless a
   * resource reads files. Nothing is written for a repository (as the webhook carries it) that the organization's
   * `repositoryType` leaves out.
   */
  async sync(
    installationId: number,
    owner: string,
    repository: { id: number; name: string } | undefined,
    objects: readonly LiveObject[],
  ): Promise<void> {
    const { ctx } = this;
    // Most configurations map no workflow runs: then the event is done before anything is set up for it.
    const known = repository
      ? ctx.configs.cachedRepository(owner, repository.name)
      : ctx.configs.cachedOrganization(owner);
    if (known && objects.every((object) => known.mappings[object.kind].length === 0)) return;
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const files = SyncContext.configFiles(reader);
    const config = repository
      ? await ctx.configs.repository(owner, repository.name, files)
      : await ctx.configs.organization(owner, files);
    if (await typeLeavesOut(ctx, installationId, owner, repository)) return;
    const kinds = objects.map((object) => object.kind);
    const scope = liveRepositoryScope(ctx, installationId, owner);
    const taking = await configWithin(config, kinds, repository, scope);
    const outputs: SourceOutput[] = [];
    for (const object of objects) {
      const mappings = taking.mappings[object.kind];
      if (mappings.length === 0) continue;
      const definition = kindDefinition(object.kind) ?? { kind: object.kind };
      const mapped = await kindOutputs(definition, owner, mappings, [object], repositoryFiles(reader, owner));
      for (const error of mapped.errors) ctx.warn(`${config.source}: ${error}`);
      outputs.push(...mapped.outputs);
    }
    if (outputs.length === 0) return;
    await ctx.enqueue(repository?.id ?? 0, {
      type: 'write',
      installationId,
      outputs,
      options: writeOptionsOf(config),
      ensureServiceBlueprint: false,
    });
  }
}

/**
 * The files of each object's repository (none for objects of the account): on the default branch from the root, or
 * where the object's `fileBase` says (a file's own branch and folder); a path that leaves the repository has none.
 */
export function repositoryFiles(reader: RepositoryReader, owner: string): ObjectFiles {
  return async (objects, paths) => {
    const located = objects.map((object) =>
      paths.map((path) => (object.fileBase ? relativeFilePath(object.fileBase.folder, path) : path)),
    );
    const answers = await reader.filesOfRepositories(
      objects.map((object, index) => ({
        owner: object.repository?.owner ?? owner,
        name: object.repository?.name ?? '',
        ref: object.fileBase?.ref ?? 'HEAD',
        paths: object.repository ? located[index]!.filter((path): path is string => path !== null) : [],
      })),
    );
    return answers.map((answer, index) =>
      Object.fromEntries(paths.map((path, at) => [path, answer[located[index]![at] ?? ''] ?? null])),
    );
  };
}
