/**
 * Writes of live events go through the App's outbox: they reach Port even when it is down as the event arrives or
 * the App restarts (GitHub does not redeliver a webhook), and the writes of one repository happen in order (one
 * ordering key per repository), so an edit that follows a rename never lands before it.
 */
import type { Delivery, DeliveryHandler } from '../../../src/outbox/index.ts';
import type { SqlExecutor } from '../../../src/sql/index.ts';
import type { OutboxQueue } from '../../state/index.ts';
import { PortApiError } from '../../../src/port/index.ts';
import type { SourceKey, SourceOutput } from '../sources.ts';
import { type EntityWriteOptions, isTransientPortError, type SourceWriter } from './source-writer.ts';

export const CATALOG_SYNC = 'catalog-sync';

export type SyncJob =
  | {
      type: 'write';
      installationId: number;
      outputs: SourceOutput[];
      options: EntityWriteOptions;
      ensureServiceBlueprint: boolean;
    }
  | {
      type: 'drop-repository';
      installationId: number;
      repoId: number;
      deleteDependents: boolean;
      /** Blueprints whose entities stay (too many would go: entityDeletionThreshold). */
      keepBlueprints?: string[];
    }
  | { type: 'drop-source'; installationId: number; source: SourceKey; deleteDependents: boolean };

/** Puts a job in the outbox, after the earlier jobs of its repository (in `on`'s transaction when given). */
export async function enqueueSyncJob(
  outbox: OutboxQueue,
  repoId: number,
  job: SyncJob,
  now: number,
  on?: SqlExecutor,
): Promise<void> {
  await outbox.enqueue({ kind: CATALOG_SYNC, orderingKey: `sync:${repoId}`, payload: job }, now, on);
}

export interface SyncJobEvents {
  /** An entity write finished (for the benchmark's and tests' timing). */
  done?(job: SyncJob): void;
  givenUp(reason: string): void;
}

export function syncJobsHandler(
  writer: SourceWriter,
  maxAttempts: number,
  warn: (message: string) => void,
  events: SyncJobEvents,
): DeliveryHandler {
  return {
    maxAttempts,
    async attempt(delivery: Delivery) {
      const job = delivery.payload as SyncJob;
      try {
        if (job.type === 'write') {
          const outcome = await writer.write(job.installationId, job.outputs, {
            ...job.options,
            ensureServiceBlueprint: job.ensureServiceBlueprint,
            reconcile: true,
          });
          for (const { entity, message } of outcome.failed) {
            warn(`catalog sync: Port refused ${entity.blueprint}/${entity.identifier}: ${message}`);
          }
        } else if (job.type === 'drop-repository') {
          await writer.dropRepository(job.repoId, job.deleteDependents, job.keepBlueprints);
        } else {
          await writer.dropSource(job.source, job.deleteDependents);
        }
        events.done?.(job);
        return { result: 'delivered' };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // A Port error that will not change is final; anything else (Port or the App's own) may pass.
        if (error instanceof PortApiError && !isTransientPortError(error)) {
          return { result: 'failed', error: message };
        }
        return { result: 'retry', error: message };
      }
    },
    giveUp(_delivery, reason) {
      warn(`catalog sync: a write to Port was given up: ${reason}`);
      events.givenUp(reason);
    },
  };
}
