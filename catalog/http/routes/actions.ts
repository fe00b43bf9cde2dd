import type { FastifyInstance } from 'fastify';
import {
  type CatalogContext,
  createAction,
  createRun,
  deleteAction,
  replaceAction,
  requireAction,
} from '../../operations/index.ts';
import { actorOf } from '../plugin.ts';
import { stringParam } from '../query-params.ts';

type ActionParams = { Params: { action: string } };

export function registerActionRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  app.get('/v1/actions', async () => ({ ok: true, actions: ctx.actions.list() }));

  app.post('/v1/actions', async (request, reply) => {
    const action = await createAction(ctx, request.body, actorOf(request));
    return reply.status(201).send({ ok: true, action });
  });

  app.get<ActionParams>('/v1/actions/:action', async (request) => ({
    ok: true,
    action: requireAction(ctx, request.params.action),
  }));

  app.put<ActionParams>('/v1/actions/:action', async (request) => ({
    ok: true,
    action: await replaceAction(ctx, request.params.action, request.body, actorOf(request)),
  }));

  app.delete<ActionParams>('/v1/actions/:action', async (request) => {
    ctx.write(() => deleteAction(ctx, request.params.action, actorOf(request)));
    return { ok: true };
  });

  app.post<ActionParams>('/v1/actions/:action/runs', async (request, reply) => {
    const actor = { ...actorOf(request), userEmail: stringParam(request, 'run_as') };
    const run = createRun(ctx, request.params.action, request.body, actor);
    return reply.status(202).send({ ok: true, run });
  });
}
