import type { FastifyInstance } from 'fastify';
import {
  acknowledgeRun,
  type Actor,
  addRunLog,
  type CatalogContext,
  claimPendingRuns,
  patchRun,
  requireRun,
} from '../../operations/index.ts';
import { actorOf } from '../plugin.ts';
import { booleanParam, integerParam, stringParam, type WithQuery } from '../query-params.ts';

type RunParams = { Params: { run: string } };

/** The answers of the run routes, apart from the transport (the fastify routes below). */
export const runCalls = {
  list(ctx: CatalogContext, request: WithQuery) {
    const active = stringParam(request, 'active') === undefined ? undefined : booleanParam(request, 'active');
    return {
      ok: true,
      runs: ctx.runs.list({
        entity: stringParam(request, 'entity'),
        blueprint: stringParam(request, 'blueprint'),
        action: stringParam(request, 'action'),
        externalRunId: stringParam(request, 'external_run_id'),
        active,
        limit: integerParam(request, 'limit', { min: 1, max: 1000 }) ?? 100,
      }),
    };
  },
  get: (ctx: CatalogContext, runId: string) => ({ ok: true, run: requireRun(ctx, runId).run }),
  patch: (ctx: CatalogContext, runId: string, body: unknown, actor: Actor) => ({
    ok: true,
    run: patchRun(ctx, runId, body, actor),
  }),
  /** Answered 201. */
  addLog: (ctx: CatalogContext, runId: string, body: unknown, actor: Actor) => ({
    ok: true,
    runLog: addRunLog(ctx, runId, body, actor),
  }),
  logs(ctx: CatalogContext, runId: string) {
    requireRun(ctx, runId);
    return { ok: true, runLogs: ctx.runs.logs(runId) };
  },
  /** An integration's poll: `{ installationId, limit?, visibilityTimeoutMs?, exclude? }`. */
  claimPending: (ctx: CatalogContext, body: unknown) => ({ ok: true, runs: claimPendingRuns(ctx, body) }),
  /** `{ runId }`; 409 when taken already or ended. */
  acknowledge: (ctx: CatalogContext, body: unknown, actor: Actor) => ({
    ok: true,
    run: acknowledgeRun(ctx, body, actor),
  }),
};

export function registerRunRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  // Static paths: they win over /v1/actions/runs/:run whatever the order they are registered in.
  app.post('/v1/actions/runs/claim-pending', async (request) => runCalls.claimPending(ctx, request.body));
  app.patch('/v1/actions/runs/ack', async (request) => runCalls.acknowledge(ctx, request.body, actorOf(request)));
  app.get('/v1/actions/runs', async (request) => runCalls.list(ctx, request));
  app.get<RunParams>('/v1/actions/runs/:run', async (request) => runCalls.get(ctx, request.params.run));
  app.patch<RunParams>('/v1/actions/runs/:run', async (request) =>
    runCalls.patch(ctx, request.params.run, request.body, actorOf(request)),
  );
  app.post<RunParams>('/v1/actions/runs/:run/logs', async (request, reply) =>
    reply.status(201).send(runCalls.addLog(ctx, request.params.run, request.body, actorOf(request))),
  );
  app.get<RunParams>('/v1/actions/runs/:run/logs', async (request) => runCalls.logs(ctx, request.params.run));
}
