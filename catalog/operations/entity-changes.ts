import type { Entity } from '../model.ts';
import type { AuditAction } from '../store/index.ts';
import type { Actor, CatalogContext } from './context.ts';

const VERBS: Record<AuditAction, string> = { CREATE: 'created', UPDATE: 'updated', DELETE: 'deleted' };

/**
 * Everything one entity write leaves behind, in the write's transaction: the audit record, a line in the log of
 * the run it belongs to, and the changelog event when the blueprint has a destination.
 */
export function recordEntityChange(
  ctx: CatalogContext,
  change: { action: AuditAction; before: Entity | null; after: Entity | null },
  actor: Actor,
  at: string,
): void {
  const entity = (change.after ?? change.before)!;
  ctx.audit.record({
    at,
    actor: actor.clientId,
    resourceType: 'entity',
    action: change.action,
    blueprint: entity.blueprint,
    identifier: entity.identifier,
    runId: actor.runId,
  });
  if (actor.runId !== undefined) {
    ctx.runs.addLog({
      runId: actor.runId,
      message: `${VERBS[change.action]} entity "${entity.identifier}" of blueprint "${entity.blueprint}"`,
      createdAt: at,
      createdBy: actor.clientId,
    });
  }
  const destination = ctx.blueprints.get(entity.blueprint)?.changelogDestination;
  if (destination?.type === 'WEBHOOK' && typeof destination.url === 'string') {
    const event = {
      action: change.action,
      resourceType: 'entity',
      status: 'SUCCESS',
      trigger: { by: { orgId: 'wharf', userId: actor.clientId }, origin: 'API', at },
      context: { blueprint: entity.blueprint, entity: entity.identifier, runId: actor.runId ?? null },
      diff: { before: change.before, after: change.after },
    };
    // One ordering key per entity: its events go out one at a time, in the order they were written.
    ctx.enqueueDelivery('changelog', `entity:${entity.blueprint}/${entity.identifier}`, {
      url: destination.url,
      event,
    });
  }
}
