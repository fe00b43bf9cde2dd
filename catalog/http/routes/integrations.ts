import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type CatalogContext,
  createIntegration,
  deleteIntegration,
  ingestKindExamples,
  ingestLogs,
  integrationView,
  patchIntegration,
  requireIntegration,
  updateResyncState,
} from '../../operations/index.ts';
import type { StoredIntegration } from '../../store/index.ts';
import { actorOf } from '../plugin.ts';
import { integerParam } from '../query-params.ts';

type IntegrationParams = { Params: { identifier: string } };
type KindParams = { Params: { identifier: string; kind: string } };

/**
 * Where the integration is to send its logs: this catalog, at the address the request reached it by, which is the
 * base URL the integration was given.
 */
function logIngestUrl(request: FastifyRequest, identifier: string): string {
  return `${request.protocol}://${request.host}/v1/integration/${encodeURIComponent(identifier)}/logs`;
}

const answer = (request: FastifyRequest, integration: StoredIntegration) => ({
  ok: true,
  integration: integrationView(integration, logIngestUrl(request, integration.identifier)),
});

/** The `/v1/integration/...` routes an Ocean integration calls at start-up and during a resync, and the organization. */
export function registerIntegrationRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  // Integrations whose defaults the vendor provisions itself; the catalog provisions none, so Ocean creates its own.
  app.get('/v1/integration/provision-enabled', async () => ({ ok: true, integrations: [] }));

  app.get<IntegrationParams>('/v1/integration/:identifier', async (request) =>
    answer(request, requireIntegration(ctx, request.params.identifier)),
  );

  app.post('/v1/integration', async (request, reply) =>
    reply.status(201).send(answer(request, createIntegration(ctx, request.body, actorOf(request)))),
  );

  app.patch<IntegrationParams>('/v1/integration/:identifier', async (request) =>
    answer(request, patchIntegration(ctx, request.params.identifier, request.body, actorOf(request))),
  );

  app.delete<IntegrationParams>('/v1/integration/:identifier', async (request) => {
    deleteIntegration(ctx, request.params.identifier);
    return { ok: true };
  });

  app.patch<IntegrationParams>('/v1/integration/:identifier/resync-state', async (request) =>
    answer(request, updateResyncState(ctx, request.params.identifier, request.body, actorOf(request))),
  );

  app.post<IntegrationParams>('/v1/integration/:identifier/logs', async (request) => {
    ingestLogs(ctx, request.params.identifier, request.body);
    return { ok: true };
  });

  app.get<IntegrationParams>('/v1/integration/:identifier/logs', async (request) => {
    requireIntegration(ctx, request.params.identifier);
    const limit = integerParam(request, 'limit', { min: 1, max: 1000 }) ?? 100;
    return { ok: true, logs: ctx.integrations.logs(request.params.identifier, limit) };
  });

  app.post<KindParams>('/v1/integration/:identifier/kinds/:kind/examples', async (request) => {
    ingestKindExamples(ctx, request.params.identifier, request.params.kind, request.body);
    return { ok: true };
  });

  app.get<KindParams>('/v1/integration/:identifier/kinds/:kind/examples', async (request) => {
    requireIntegration(ctx, request.params.identifier);
    return { ok: true, examples: ctx.integrations.examples(request.params.identifier, request.params.kind) ?? [] };
  });

  // Ocean reads the organization's id and feature flags; the catalog is one organization and turns on no flag.
  app.get('/v1/organization', async () => ({
    ok: true,
    organization: { id: ctx.settings.organizationId(), name: 'wharf', featureFlags: [] },
  }));
}
