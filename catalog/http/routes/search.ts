import type { FastifyInstance } from 'fastify';
import {
  type CatalogContext,
  projectEntity,
  searchAllEntities,
  searchBlueprintEntities,
} from '../../operations/index.ts';
import { listParam } from '../query-params.ts';

export function registerSearchRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  app.post('/v1/entities/search', async (request) => {
    const projection = { include: listParam(request, 'include'), exclude: listParam(request, 'exclude') };
    const entities = searchAllEntities(ctx, request.body);
    return { ok: true, entities: entities.map((entity) => projectEntity(entity, projection)) };
  });

  app.post<{ Params: { blueprint: string } }>('/v1/blueprints/:blueprint/entities/search', async (request) => {
    const page = searchBlueprintEntities(ctx, request.params.blueprint, request.body);
    return {
      ok: true,
      entities: page.entities.map((entity) => projectEntity(entity, page)),
      next: page.next,
    };
  });
}
