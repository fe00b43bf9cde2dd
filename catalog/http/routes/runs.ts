import type { FastifyInstance } from 'fastify';
import { addRunLog, type CatalogContext, patchRun, requireRun } from '../../operations/index.ts';
import { actorOf } from '../plugin.ts';
import { booleanParam, integerParam, stringParam } from '../query-params.ts';

type RunParams = { Params: { run: string } };

export function registerRunRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  app.get('/v1/actions/runs', async (request) => {
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
  });

  app.get<RunParams>('/v1/actions/runs/:run', async (request) => ({
    ok: true,
    run: requireRun(ctx, request.params.run).run,
  }));

  app.patch<RunParams>('/v1/actions/runs/:run', async (request) => ({
    ok: true,
    run: patchRun(ctx, request.params.run, request.body, actorOf(request)),
  }));

  app.post<RunParams>('/v1/actions/runs/:run/logs', async (request, reply) => {
    const runLog = addRunLog(ctx, request.params.run, request.body, actorOf(request));
    return reply.status(201).send({ ok: true, runLog });
  });

  app.get<RunParams>('/v1/actions/runs/:run/logs', async (request) => {
    requireRun(ctx, request.params.run);
    return { ok: true, runLogs: ctx.runs.logs(request.params.run) };
  });
}
