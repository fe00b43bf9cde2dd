import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.ts';
import type { Entity } from '../../model.ts';
import { requireBlueprint, requireEntity, searchEntitiesPage } from '../../operations/index.ts';
import {
  catalogSortOf,
  chooseSort,
  entityHistory,
  filterQueryOf,
  incomingRelations,
  outgoingRelations,
  offsetOf,
  PAGE_SIZE,
  parseTableRequest,
} from '../entities/index.ts';
import { actionsOffered } from '../actions/index.ts';
import { CONSOLE_PATH } from '../paths.ts';
import { entityPage } from '../views/entity-page.ts';
import { entityTablePage } from '../views/entity-table-page.ts';
import { type ConsoleDeps, csrfTokenFor, sendPage } from './deps.ts';

type BlueprintParams = { Params: { blueprint: string }; Querystring: Record<string, unknown> };
type EntityParams = { Params: { blueprint: string; identifier: string } };

const TABLE_OPERATIONS = new Set(['CREATE'] as const);
const ENTITY_OPERATIONS = new Set(['DAY-2', 'DELETE'] as const);

export function registerEntityRoutes(app: FastifyInstance, { ctx }: ConsoleDeps): void {
  app.get<BlueprintParams>(`${CONSOLE_PATH}/blueprints/:blueprint/entities`, async (request, reply) => {
    const blueprint = requireBlueprint(ctx, request.params.blueprint);
    const tableRequest = parseTableRequest(request.query);
    const { sort, note } = chooseSort(blueprint, tableRequest.sort);
    const filter = filterQueryOf(blueprint, tableRequest.filter);
    let problem = filter.problem;
    let entities: Entity[] | undefined;
    let hasMore = false;
    if (!problem) {
      try {
        // The catalog's sorted page: the same search rules and checks as POST /v1/.../entities/search.
        const found = searchEntitiesPage(ctx, {
          blueprint: blueprint.identifier,
          query: filter.query,
          sort: catalogSortOf(sort),
          limit: PAGE_SIZE,
          offset: offsetOf(tableRequest),
        });
        entities = found.entities;
        hasMore = found.hasMore;
      } catch (error) {
        // The catalog's own message, as the API would answer the same search (422 for a rule it refuses).
        if (!(error instanceof ApiError) || error.status >= 500) throw error;
        problem = error.message;
      }
    }
    const document = entityTablePage({
      blueprint,
      request: tableRequest,
      sort,
      entities,
      hasMore,
      problem,
      note,
      actions: actionsOffered(ctx, blueprint.identifier, TABLE_OPERATIONS),
      csrfToken: csrfTokenFor(reply),
    });
    return sendPage(reply, document, problem ? 422 : 200);
  });

  app.get<EntityParams>(`${CONSOLE_PATH}/blueprints/:blueprint/entities/:identifier`, async (request, reply) => {
    const blueprint = requireBlueprint(ctx, request.params.blueprint);
    const entity = requireEntity(ctx, blueprint.identifier, request.params.identifier);
    const document = entityPage({
      blueprint,
      entity,
      outgoing: outgoingRelations(ctx, blueprint, entity),
      incoming: incomingRelations(ctx, blueprint, entity),
      history: entityHistory(ctx, blueprint.identifier, entity.identifier),
      actions: actionsOffered(ctx, blueprint.identifier, ENTITY_OPERATIONS),
      csrfToken: csrfTokenFor(reply),
    });
    return sendPage(reply, document);
  });
}
