import type { FastifyInstance } from 'fastify';
import {
  type CatalogContext,
  createBlueprint,
  deleteBlueprint,
  patchBlueprint,
  replaceBlueprint,
  requireBlueprint,
} from '../../operations/index.ts';
import { actorOf } from '../plugin.ts';

type BlueprintParams = { Params: { blueprint: string } };

export function registerBlueprintRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  app.get('/v1/blueprints', async () => ({ ok: true, blueprints: ctx.blueprints.list() }));

  app.post('/v1/blueprints', async (request, reply) => {
    const blueprint = ctx.write(() => createBlueprint(ctx, request.body, actorOf(request)));
    return reply.status(201).send({ ok: true, blueprint });
  });

  app.get<BlueprintParams>('/v1/blueprints/:blueprint', async (request) => ({
    ok: true,
    blueprint: requireBlueprint(ctx, request.params.blueprint),
  }));

  app.put<BlueprintParams>('/v1/blueprints/:blueprint', async (request) => ({
    ok: true,
    blueprint: ctx.write(() => replaceBlueprint(ctx, request.params.blueprint, request.body, actorOf(request))),
  }));

  app.patch<BlueprintParams>('/v1/blueprints/:blueprint', async (request) => ({
    ok: true,
    blueprint: ctx.write(() => patchBlueprint(ctx, request.params.blueprint, request.body, actorOf(request))),
  }));

  app.delete<BlueprintParams>('/v1/blueprints/:blueprint', async (request) => {
    ctx.write(() => deleteBlueprint(ctx, request.params.blueprint, actorOf(request)));
    return { ok: true };
  });
}
