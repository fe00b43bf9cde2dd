import type { FastifyInstance } from 'fastify';
import type { CatalogContext } from '../../operations/index.ts';
import { dateParam, integerParam, stringParam } from '../query-params.ts';

export function registerAuditRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  app.get('/v1/audit-log', async (request) => ({
    ok: true,
    audits: ctx.audit.query({
      identifier: stringParam(request, 'identifier'),
      blueprint: stringParam(request, 'blueprint'),
      runId: stringParam(request, 'run_id'),
      from: dateParam(request, 'from'),
      to: dateParam(request, 'to'),
      limit: integerParam(request, 'limit', { min: 1, max: 10000 }) ?? 1000,
    }),
  }));
}
