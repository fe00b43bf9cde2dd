/**
 * The part of a full resync after the repositories: every other resource of the organization's configuration in
 * turn (a phase each), page by page, each page mapped and written before its cursor is saved, so that a resync cut
 * short goes on from the page it was at. A repository with a configuration of its own has its objects mapped with
 * that configuration's resources of the kind, read with the organization's first resource of the kind.
 */
import type { ActiveConfig } from '../config/active-config.ts';
import type { RepositoryReader } from '../github/repository-reader.ts';
import { kindOutputs } from '../kind-outputs.ts';
import { kindDefinition, type KindObject, type ResyncPage, type ResyncReads } from '../kinds/index.ts';
import { selectorResyncPage } from '../kinds/kind-reads.ts';
import { repositoryFiles } from '../live/object-sync.ts';
import type { CompiledMapping, Kind } from '../mapping/index.ts';
import { type SyncContext, writeOptionsOf } from '../sync-context.ts';

export interface KindPhase {
  /** The resource's position in the configuration. */
  resource: number;
  kind: Exclude<Kind, 'repository'>;
  /** Its position among the resources of its kind (the compiled mapping to use). */
  position: number;
}

/** The phases of a resync under `config`: its resources other than repositories, in file order. */
export function kindPhases(config: ActiveConfig): KindPhase[] {
  const seen = new Map<Kind, number>();
  const phases: KindPhase[] = [];
  config.config.resources.forEach((resource, index) => {
    const position = seen.get(resource.kind) ?? 0;
    seen.set(resource.kind, position + 1);
    if (resource.kind !== 'repository') phases.push({ resource: index, kind: resource.kind, position });
  });
  return phases;
}

/** Where a resync is: phase 0 is the repositories (its cursor saved bare, as before phases existed). */
export interface ResyncCursor {
  phase: number;
  after: string | null;
}

export function encodeCursor(cursor: ResyncCursor): string | null {
  return cursor.phase === 0 ? cursor.after : JSON.stringify(cursor);
}

export function decodeCursor(saved: string | null): ResyncCursor {
  if (saved?.startsWith('{"phase"')) {
    try {
      const parsed = JSON.parse(saved) as ResyncCursor;
      if (Number.isInteger(parsed.phase)) return { phase: parsed.phase, after: parsed.after ?? null };
    } catch {
      // not ours: read it as a repository cursor
    }
  }
  return { phase: 0, after: saved };
}

export interface KindPageOutcome {
  next: string | null;
  objects: number;
  written: number;
  errors: string[];
}

/** Reads, maps and writes one page of `phase`. */
export async function resyncKindPage(
  ctx: SyncContext,
  reads: ResyncReads,
  reader: RepositoryReader,
  installationId: number,
  organization: ActiveConfig,
  phase: KindPhase,
  after: string | null,
  resyncId: number,
): Promise<KindPageOutcome> {
  const definition = kindDefinition(phase.kind);
  if (!definition) throw new Error(`wharf does not sync the kind "${phase.kind}"`);
  const resource = organization.config.resources[phase.resource]!;
  const page = await selectorResyncPage(definition, reads, resource.selector, after);
  const owner = reads.owner;
  if (page.unread?.length) await keepUnread(ctx, installationId, phase.kind, owner, page.unread, resyncId);

  // Objects of repositories with their own configuration go with it; the rest with this phase's resource.
  const groups = new Map<
    string,
    { config: ActiveConfig; mappings: readonly CompiledMapping[]; objects: KindObject[] }
  >();
  const orgMapping = organization.mappings[phase.kind][phase.position];
  for (const object of page.objects) {
    const own = object.repository && ctx.configs.cachedRepository(owner, object.repository.name);
    const config = own && own.key !== organization.key ? own : organization;
    if (config !== organization && phase.position > 0) continue; // mapped in the kind's first phase
    let group = groups.get(config.key);
    if (!group) {
      const mappings = config === organization ? (orgMapping ? [orgMapping] : []) : config.mappings[phase.kind];
      groups.set(config.key, (group = { config, mappings, objects: [] }));
    }
    group.objects.push(object);
  }

  const outcome: KindPageOutcome = {
    next: page.next,
    objects: page.objects.length,
    written: 0,
    errors: [...(page.errors ?? [])],
  };
  const writer = ctx.writer!;
  for (const { config, mappings, objects } of groups.values()) {
    if (mappings.length === 0) continue;
    // A slice at a time: the jq input and output, the entities and the Port bodies of one slice are alive at
    // once, not those of the whole page.
    for (let start = 0; start < objects.length; start += OBJECTS_PER_WRITE) {
      const slice = objects.slice(start, start + OBJECTS_PER_WRITE);
      const mapped = await kindOutputs(definition, owner, mappings, slice, repositoryFiles(reader, owner));
      outcome.errors.push(...mapped.errors.map((error) => `${config.source}: ${error}`));
      const written = await writer.write(installationId, mapped.outputs, {
        ...writeOptionsOf(config),
        ensureServiceBlueprint: false,
        reconcile: false,
        resyncId,
      });
      outcome.written += written.written;
      outcome.errors.push(
        ...written.failed.map(
          (failure) => `Port refused ${failure.entity.blueprint}/${failure.entity.identifier}: ${failure.message}`,
        ),
      );
    }
  }
  return outcome;
}

/** Objects of a page mapped (one jq run per resource) and written together. */
const OBJECTS_PER_WRITE = 100;

/** Repositories named in the warning about lists a page could not read; the rest are counted. */
const UNREAD_NAMED = 5;

/**
 * Lists a page could not read (GitHub refused them: the feature off, no permission): one warning per reason, and
 * the entities the kind produced there before are marked seen by the resync, so that stale deletion keeps them.
 */
async function keepUnread(
  ctx: SyncContext,
  installationId: number,
  kind: KindPhase['kind'],
  owner: string,
  unread: NonNullable<ResyncPage['unread']>,
  resyncId: number,
): Promise<void> {
  for (const [reason, entries] of Map.groupBy(unread, (entry) => entry.reason)) {
    const names = entries.flatMap((entry) => (entry.repository ? [entry.repository.name] : []));
    const where =
      names.length === 0
        ? `of ${owner}`
        : `of ${names.length} repositories of ${owner} (${names.slice(0, UNREAD_NAMED).join(', ')}${names.length > UNREAD_NAMED ? ', ...' : ''})`;
    ctx.warn(`resync of ${owner}: ${kind} ${where} not read: ${reason}; the entities they produced before are kept`);
  }
  const now = Date.now();
  await ctx.state.transaction(async (tx) => {
    for (const entry of unread) {
      const rows = entry.repository
        ? await ctx.store.repositoryRows(entry.repository.id, tx)
        : await ctx.store.installationRows(installationId, tx);
      for (const row of rows) {
        if (row.kind === kind && row.installationId === installationId) {
          await ctx.store.track(row, installationId, [row], now, resyncId, tx);
        }
      }
    }
  });
}
