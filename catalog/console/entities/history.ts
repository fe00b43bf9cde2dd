import type { CatalogContext } from '../../operations/index.ts';
import type { AuditRecord } from '../../store/index.ts';

/** Changes listed on an entity's page, newest first. */
export const HISTORY_SHOWN = 100;

/** The entity's changes from the catalog's audit log, as GET /v1/audit-log answers them. */
export function entityHistory(ctx: CatalogContext, blueprint: string, identifier: string): AuditRecord[] {
  // A blueprint's own records carry its identifier too: only the entity's are kept.
  return ctx.audit
    .query({ blueprint, identifier, limit: HISTORY_SHOWN })
    .filter((record) => record.resourceType === 'entity');
}
