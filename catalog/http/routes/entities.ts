import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { invalidRequest, parseOrInvalid } from '../../errors.ts';
import {
  type Actor,
  type CatalogContext,
  requireWritableRun,
  datasourceEntities,
  deleteAllEntities,
  deleteEntity,
  parseEntityInput,
  projectEntity,
  requireBlueprint,
  requireEntity,
  writeEntities,
  writeEntity,
  type WriteOptions,
} from '../../operations/index.ts';
import { actorOf } from '../plugin.ts';
import { booleanParam, listParam, stringParam } from '../query-params.ts';

type BlueprintParams = { Params: { blueprint: string } };
type EntityParams = { Params: { blueprint: string; identifier: string } };

const bulkUpsertSchema = z.strictObject({ entities: z.array(z.unknown()).min(1).max(20) });
const bulkDeleteSchema = z.strictObject({ entities: z.array(z.string()).min(1).max(100) });

/** `upsert`, `merge`, `validation_only` and `create_missing_related_entities` as one set of write options. */
function writeOptionsOf(request: FastifyRequest): WriteOptions {
  const upsert = booleanParam(request, 'upsert');
  const merge = booleanParam(request, 'merge');
  return {
    mode: upsert ? (merge ? 'merge' : 'replace') : 'create',
    validationOnly: booleanParam(request, 'validation_only'),
    createMissingRelated: booleanParam(request, 'create_missing_related_entities'),
  };
}

/** The writer and the run named by `run_id`, which must still be in progress (400 run_exhausted when ended). */
function runActor(ctx: CatalogContext, request: FastifyRequest): Actor {
  const runId = stringParam(request, 'run_id');
  requireWritableRun(ctx, runId);
  return actorOf(request, runId);
}

const projectionOf = (request: FastifyRequest) => ({
  include: listParam(request, 'include'),
  exclude: listParam(request, 'exclude'),
});

export function registerEntityRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  app.post<BlueprintParams>('/v1/blueprints/:blueprint/entities', async (request, reply) => {
    const input = parseEntityInput(request.body, 'body');
    const options = writeOptionsOf(request);
    const actor = runActor(ctx, request);
    const { entity, created } = ctx.write(() => writeEntity(ctx, request.params.blueprint, input, options, actor));
    return reply.status(created ? 201 : 200).send({ ok: true, entity });
  });

  app.post<BlueprintParams>('/v1/blueprints/:blueprint/entities/bulk', async (request, reply) => {
    const { entities } = parseOrInvalid(bulkUpsertSchema, request.body, 'body');
    const actor = runActor(ctx, request);
    const result = writeEntities(ctx, request.params.blueprint, entities, writeOptionsOf(request), actor);
    return reply.status(result.errors.length > 0 ? 207 : 200).send({ ok: true, ...result });
  });

  app.get<BlueprintParams>('/v1/blueprints/:blueprint/entities', async (request) => {
    requireBlueprint(ctx, request.params.blueprint);
    const projection = projectionOf(request);
    const entities = ctx.entities.search({ where: '1', params: [], blueprint: request.params.blueprint });
    return { ok: true, entities: entities.map((entity) => projectEntity(entity, projection)) };
  });

  app.get<EntityParams>('/v1/blueprints/:blueprint/entities/:identifier', async (request) => {
    requireBlueprint(ctx, request.params.blueprint);
    const entity = requireEntity(ctx, request.params.blueprint, request.params.identifier);
    return { ok: true, entity: projectEntity(entity, projectionOf(request)) };
  });

  const updateRoute = (mode: 'replace' | 'merge') => async (request: FastifyRequest<EntityParams>) => {
    const { blueprint, identifier } = request.params;
    const input = parseEntityInput(request.body, 'body');
    if (input.identifier !== undefined && input.identifier !== identifier) {
      throw invalidRequest(
        `body.identifier: "${input.identifier}" differs from the entity in the path ("${identifier}")`,
      );
    }
    const options: WriteOptions = {
      mode,
      mustExist: true,
      createMissingRelated: booleanParam(request, 'create_missing_related_entities'),
    };
    const actor = runActor(ctx, request);
    const { entity } = ctx.write(() => writeEntity(ctx, blueprint, { ...input, identifier }, options, actor));
    return { ok: true, entity };
  };
  app.put<EntityParams>('/v1/blueprints/:blueprint/entities/:identifier', updateRoute('replace'));
  app.patch<EntityParams>('/v1/blueprints/:blueprint/entities/:identifier', updateRoute('merge'));

  app.delete<EntityParams>('/v1/blueprints/:blueprint/entities/:identifier', async (request) => {
    const { blueprint, identifier } = request.params;
    const options = { deleteDependents: booleanParam(request, 'delete_dependents') };
    const actor = runActor(ctx, request);
    ctx.write(() => deleteEntity(ctx, blueprint, identifier, options, actor));
    return { ok: true };
  });

  // Ocean's resync reads its own entities here, of every blueprint, to delete those it no longer sees.
  app.post('/v1/blueprints/entities/datasource-entities', async (request) => ({
    ok: true,
    ...datasourceEntities(ctx, request.body),
  }));

  // Done before the answer, so there is no migration to wait for: the vendor's answer names one, this one none.
  app.delete<BlueprintParams>('/v1/blueprints/:blueprint/all-entities', async (request) => {
    const options = { deleteBlueprint: booleanParam(request, 'delete_blueprint') };
    const actor = runActor(ctx, request);
    const deleted = ctx.write(() => deleteAllEntities(ctx, request.params.blueprint, options, actor));
    return { ok: true, deletedCount: deleted };
  });

  // All or nothing: a bulk delete that cannot delete one of its entities deletes none and says which.
  app.post<BlueprintParams>('/v1/blueprints/:blueprint/bulk/entities/delete', async (request) => {
    const { entities } = parseOrInvalid(bulkDeleteSchema, request.body, 'body');
    const options = { deleteDependents: booleanParam(request, 'delete_dependents') };
    const actor = runActor(ctx, request);
    const { blueprint } = request.params;
    const deleted = ctx.write(() => {
      const done = new Set<string>();
      for (const identifier of entities) {
        // An entity may already be gone as a dependent of an earlier one, or be listed twice.
        if (done.has(identifier)) continue;
        for (const gone of deleteEntity(ctx, blueprint, identifier, options, actor)) {
          if (gone.blueprint === blueprint) done.add(gone.identifier);
        }
      }
      return [...done];
    });
    return { ok: true, deletedEntities: deleted };
  });
}
