/**
 * After a full resync that completed without an error, the entities the App wrote earlier that the resync did not
 * see again stand for repositories (and GitOps files) that are gone: they are deleted, blueprint by
 * blueprint, unless that would delete more than `entityDeletionThreshold` of the blueprint's entities, which
 * rather means something is wrong (a token that sees fewer repositories, a selector that went wrong).
 */
import { entityKeyOf } from '../sources.ts';
import type { TrackedRow } from '../../state/index.ts';

export interface CoveredRow extends TrackedRow {
  seenResync: number | null;
  updatedAt: number;
}

export interface StalePlan {
  /** Rows to let go of (their entities are deleted when no other source claims them). */
  release: CoveredRow[];
  /** Blueprints left alone because too many of their entities would go. */
  skipped: Array<{ blueprint: string; stale: number; tracked: number }>;
}

/**
 * `rows`: what the resync stands for (SyncState.resyncCoveredRows). A row is stale when the resync did not write
 * it and nothing else did since the resync started (a live event may have created it meanwhile).
 */
export function stalePlan(
  rows: readonly CoveredRow[],
  resync: { id: number; startedAt: number },
  threshold: number,
): StalePlan {
  const isStale = (row: CoveredRow) => row.seenResync !== resync.id && row.updatedAt < resync.startedAt;
  const byBlueprint = Map.groupBy(rows, (row) => row.blueprint);
  const plan: StalePlan = { release: [], skipped: [] };
  for (const [blueprint, blueprintRows] of byBlueprint) {
    const byEntity = Map.groupBy(blueprintRows, (row) => entityKeyOf(row));
    let staleEntities = 0;
    for (const entityRows of byEntity.values()) if (entityRows.every(isStale)) staleEntities++;
    const staleRows = blueprintRows.filter(isStale);
    if (staleRows.length === 0) continue;
    if (staleEntities / byEntity.size > threshold) {
      plan.skipped.push({ blueprint, stale: staleEntities, tracked: byEntity.size });
      continue;
    }
    plan.release.push(...staleRows);
  }
  return plan;
}
