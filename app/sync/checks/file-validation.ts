/**
 * `validationCheck` of `file` patterns, as the vendor's integration offers it: a pull request that changes files a
 * resource reads with such a pattern gets a check run saying whether the entities they would become are valid,
 * before they are merged. The files are read at the pull request's head as a resync reads them on the branch they
 * are to land on (the base), mapped with their resource, and sent to Port with validation_only (nothing written):
 * a file that does not parse, a mapping error, or an entity Port refuses fails the check, naming the file.
 */
import type { ActiveConfig } from '../config/active-config.ts';
import { kindOutputs } from '../kind-outputs.ts';
import { fileItem, readFilesAt } from '../kinds/file.ts';
import { syntaxProblem } from '../kinds/file-content.ts';
import { kindDefinition, type RepositoryRef } from '../kinds/index.ts';
import { kindReads } from '../kinds/kind-reads.ts';
import { patternTaking } from '../kinds/repository-files.ts';
import { repositoryFiles } from '../live/object-sync.ts';
import type { CompiledMapping, FilePattern, MappedEntity } from '../mapping/index.ts';
import type { SyncContext } from '../sync-context.ts';
import { type CheckRunPoster, fileValidationCheckRun, type FileProblem } from './check-runs.ts';
import { pullRequestFiles } from './pull-files.ts';

/** A pull request as its webhook carries it: what the check needs. */
export interface ValidatedPull {
  number: number;
  head: { sha: string };
  base: { ref: string };
}

/** A file of the pull request and the resource that reads it. */
interface Validated {
  path: string;
  mapping: CompiledMapping;
  skipParsing: boolean;
}

export class FileValidation {
  private readonly ctx: SyncContext;
  private readonly checks: CheckRunPoster;

  constructor(ctx: SyncContext, checks: CheckRunPoster) {
    this.ctx = ctx;
    this.checks = checks;
  }

  /**
   * Checks the files `pull` adds or changes that a `file` resource of `config` reads with a `validationCheck`
   * pattern on its base branch; no check run (nor any request) when no pattern asks for one or no file matches.
   */
  async validate(
    installationId: number,
    repository: RepositoryRef,
    pull: ValidatedPull,
    config: ActiveConfig,
  ): Promise<void> {
    const mappings = config.mappings.file.filter((mapping) =>
      patternsOf(mapping).some((pattern) => pattern.validationCheck),
    );
    if (mappings.length === 0) return;
    const { ctx } = this;
    const owner = repository.owner;
    const changed = await pullRequestFiles(ctx, installationId, owner, repository.name, pull.number);
    const validated = changed
      .filter((file) => file.status !== 'removed')
      .flatMap((file) => readBy(mappings, repository, pull.base.ref, file.filename));
    if (validated.length === 0) return;

    const reads = await kindReads(ctx.reads, installationId, owner, ctx.settings.liveRateLimits);
    const read = await readFilesAt(reads, repository, pull.base.ref, pull.head.sha, [
      ...new Map(validated.map((file) => [`${file.skipParsing}:${file.path}`, file])).values(),
    ]);
    const problems: FileProblem[] = read.failed.map(({ path, message }) => ({ path, line: 1, field: '', message }));
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const entities: Array<{ path: string; entity: MappedEntity }> = [];
    const mapped = new Set<string>();
    for (const file of validated) {
      const item = fileItem(pull.base.ref, file.path, file.skipParsing);
      const object = read.objects.find((candidate) => candidate.item === item);
      if (!object) continue;
      // A file that does not parse is mapped as its text, as the vendor's; here it is the problem to name.
      const content = (object.object as { content?: unknown }).content;
      const syntax = !file.skipParsing && typeof content === 'string' ? syntaxProblem(file.path, content) : undefined;
      if (syntax) {
        problems.push({ path: file.path, line: syntax.line, field: '', message: syntax.message });
        continue;
      }
      // One file at a time, so that each mapping error is the file's.
      const outcome = await kindOutputs(
        kindDefinition('file')!,
        owner,
        [file.mapping],
        [object],
        repositoryFiles(reader, owner),
      );
      const made = outcome.outputs[0]?.entities ?? [];
      if (made.length > 0 || outcome.errors.length > 0) mapped.add(file.path);
      entities.push(...made.map((entity) => ({ path: file.path, entity })));
      problems.push(...outcome.errors.map((message) => ({ path: file.path, line: 1, field: '', message })));
    }
    problems.push(...(await this.refusals(entities, config)));
    const paths = [...new Set(validated.map((file) => file.path))].sort();
    const failed = new Set(problems.map((problem) => problem.path));
    const skipped = paths.filter((path) => !mapped.has(path) && !failed.has(path));
    await this.checks.post(
      installationId,
      owner,
      repository.name,
      pull.head.sha,
      fileValidationCheckRun(
        paths,
        entities.length,
        skipped,
        problems.sort((a, b) => a.path.localeCompare(b.path)),
      ),
    );
  }

  /** What Port refuses of `entities` with validation_only: nothing is written. */
  private async refusals(
    entities: ReadonlyArray<{ path: string; entity: MappedEntity }>,
    config: ActiveConfig,
  ): Promise<FileProblem[]> {
    if (entities.length === 0) return [];
    const results = await this.ctx.port!.bulkUpsertEntities(
      entities.map(({ entity }) => ({ ...entity })),
      {
        validationOnly: true,
        merge: config.config.enableMergeEntity,
        createMissingRelatedEntities: config.config.createMissingRelatedEntities,
      },
    );
    return results.flatMap((result) => {
      if (result.status !== 'failed') return [];
      const { path, entity } = entities[result.index]!;
      return [
        {
          path,
          line: 1,
          field: `${entity.blueprint}/${entity.identifier}`,
          message: `Port refuses it: ${result.error?.message ?? 'refused'}`,
        },
      ];
    });
  }
}

function patternsOf(mapping: CompiledMapping): readonly FilePattern[] {
  return (mapping.resource.selector as { files: FilePattern[] }).files;
}

/**
 * The resources that read `path` of `repository` on `branch` with a validationCheck pattern: the first of a
 * resource's patterns that reads a file decides, as in a resync.
 */
function readBy(
  mappings: readonly CompiledMapping[],
  repository: RepositoryRef,
  branch: string,
  path: string,
): Validated[] {
  const place = {
    organization: repository.owner,
    path,
    branch,
    repository: { name: repository.name, default_branch: repository.defaultBranch },
  };
  return mappings.flatMap((mapping) => {
    const pattern = patternTaking(patternsOf(mapping), place);
    return pattern?.validationCheck ? [{ path, mapping, skipParsing: pattern.skipParsing }] : [];
  });
}
