/**
 * Writes what sources produce to Port and remembers it: upserts through the bulk route, then, for a source written
 * whole, deletes what it produced before and no longer does (unless another source still claims the entity).
 * Failures Port may get over (no answer, 5xx, 429) throw, so the caller tries again; every step is safe to repeat.
 */
import { PortApiError, type PortClient } from '../../../src/port/index.ts';
import { mayRetry, type RetryConditions } from '../../../src/retry/index.ts';
import { type EntityKey, entityKeyOf, type SourceKey, type SourceOutput } from '../sources.ts';
import type { SyncState, TrackedRow } from '../../state/index.ts';
import type { ServiceBlueprintGuard } from './blueprint-guard.ts';

/** The flags of port-app-config.yml that decide how entities are written and deleted. */
export interface EntityWriteOptions {
  merge: boolean;
  createMissingRelatedEntities: boolean;
  deleteDependents: boolean;
}

export interface WriteOutcome {
  written: number;
  /** Entities Port refused, with its reason. */
  failed: Array<{ entity: EntityKey; message: string }>;
  deleted: number;
}

/** Every step is safe to repeat, and a failed one is tried again later (the sync jobs' outbox), a 500 included. */
const SYNC_WRITE_RETRY: RetryConditions = { idempotent: true, serverFaults: true };

/** No answer, a server error, a timeout or a rate limit: worth trying again later. */
export function isTransientPortError(error: unknown): boolean {
  return error instanceof PortApiError && mayRetry(error, SYNC_WRITE_RETRY);
}

export class SourceWriter {
  private readonly store: SyncState;
  private readonly port: PortClient;
  private readonly guard: ServiceBlueprintGuard;
  private readonly warn: (message: string) => void;

  constructor(store: SyncState, port: PortClient, guard: ServiceBlueprintGuard, warn: (message: string) => void) {
    this.store = store;
    this.port = port;
    this.guard = guard;
    this.warn = warn;
  }

  /**
   * Upserts every output's entities and records them; entities Port refuses are in the outcome for the caller to
   * report (seen by `resyncId`, when a resync writes). Complete outputs
   * whose upserts all succeeded are then reconciled when `reconcile`: what their source produced before and does
   * not now is deleted. A resync does not reconcile; it deletes at its end, within the deletion threshold.
   */
  async write(
    installationId: number,
    outputs: readonly SourceOutput[],
    options: EntityWriteOptions & { ensureServiceBlueprint: boolean; reconcile: boolean; resyncId?: number },
  ): Promise<WriteOutcome> {
    const outcome: WriteOutcome = { written: 0, failed: [], deleted: 0 };
    const entities = outputs.flatMap((output) => output.entities);
    if (entities.length > 0 && options.ensureServiceBlueprint) await this.guard.ensure();
    const results =
      entities.length === 0
        ? []
        : await this.port.bulkUpsertEntities(entities, {
            merge: options.merge,
            createMissingRelatedEntities: options.createMissingRelatedEntities,
          });
    const transient = results.find(
      (result) => result.status === 'failed' && mayRetry({ status: result.error?.statusCode }, SYNC_WRITE_RETRY),
    );
    if (transient) {
      throw new Error(
        `Port could not take ${transient.blueprint}/${transient.identifier}: ${transient.error!.message}`,
      );
    }
    if (results.some((result) => result.error?.statusCode === 404 && /blueprint/i.test(result.error.message))) {
      this.guard.forget();
    }

    let next = 0;
    const now = Date.now();
    const complete: SourceOutput[] = [];
    await this.store.transaction(async (tx) => {
      for (const output of outputs) {
        const mine = results.slice(next, next + output.entities.length);
        next += output.entities.length;
        const done: EntityKey[] = [];
        for (const [index, result] of mine.entries()) {
          const entity = output.entities[index]!;
          if (result.status === 'failed') {
            outcome.failed.push({
              entity: { blueprint: entity.blueprint, identifier: entity.identifier },
              message: result.error?.message ?? 'refused',
            });
          } else {
            done.push({ blueprint: entity.blueprint, identifier: entity.identifier });
          }
        }
        outcome.written += done.length;
        await this.store.track(output.source, installationId, done, now, options.resyncId, tx);
        if (output.complete && done.length === output.entities.length) complete.push(output);
      }
    });
    if (options.reconcile) {
      for (const output of complete) {
        const produced = new Set(output.entities.map(entityKeyOf));
        const dropped = (await this.store.sourceRows(output.source)).filter((row) => !produced.has(entityKeyOf(row)));
        outcome.deleted += await this.release(dropped, options.deleteDependents);
      }
    }
    return outcome;
  }

  /**
   * Everything a repository's sources produced (it was deleted, or the App lost access to it), but for the entities
   * of `keepBlueprints`.
   */
  async dropRepository(
    repoId: number,
    deleteDependents: boolean,
    keepBlueprints: readonly string[] = [],
  ): Promise<number> {
    const rows = (await this.store.repositoryRows(repoId)).filter((row) => !keepBlueprints.includes(row.blueprint));
    return this.release(rows, deleteDependents);
  }

  /** Everything one source produced (a GitOps file that was deleted). */
  async dropSource(source: SourceKey, deleteDependents: boolean): Promise<number> {
    return this.release(await this.store.sourceRows(source), deleteDependents);
  }

  /**
   * Lets go of each row's claim; an entity no other source claims is deleted from Port first, and the row goes
   * only once that is done, so a retry after a failure finds it again. Answers how many entities were deleted.
   */
  async release(rows: readonly TrackedRow[], deleteDependents: boolean): Promise<number> {
    let deleted = 0;
    for (const row of rows) {
      if ((await this.store.claims(row)) <= 1) {
        try {
          await this.port.deleteEntity(row.blueprint, row.identifier, { deleteDependents });
          deleted++;
        } catch (error) {
          if (isTransientPortError(error)) throw error;
          if (!(error instanceof PortApiError && error.status === 404)) {
            this.warn(`could not delete ${row.blueprint}/${row.identifier} from Port: ${(error as Error).message}`);
          }
        }
      }
      await this.store.untrack(row);
    }
    return deleted;
  }
}
