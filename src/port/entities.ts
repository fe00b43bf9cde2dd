import { ENTITY_MAX_ANSWER_BYTES, LIST_MAX_ANSWER_BYTES } from './answer-body.ts';
import { PortApiError } from './errors.ts';
import { apiPath, type PortHttp, type QueryValue } from './http.ts';
import type { EntityAnswer, EntityInput, SearchQuery } from '../port-model/index.ts';

/** Entity JSON paths to keep or drop in answers (`properties.x`, `identifier`); sent as repeated query parameters. */
export interface ProjectionOptions {
  include?: string[];
  exclude?: string[];
}

export interface WriteOptions {
  /** Record the write against this action run (`run_id`). */
  runId?: string;
  /** Create a bare entity for a relation to one that does not exist, instead of failing with 404. */
  createMissingRelatedEntities?: boolean;
  /** Validate only; nothing is written. */
  validationOnly?: boolean;
}

export interface UpsertOptions extends WriteOptions {
  /** true (default): update only the fields given. false: replace the entity, dropping fields not given. */
  merge?: boolean;
}

export interface DeleteOptions {
  /** Also delete the entities whose required relation points at this one (else 403 has_dependents). */
  deleteDependents?: boolean;
  runId?: string;
}

export interface BlueprintSearchOptions extends ProjectionOptions {
  query?: SearchQuery;
  /** Entities per page (1..1000, the server's default 200); every page is fetched. */
  limit?: number;
}

export interface EntityMethods {
  /** GET one entity. Idempotent. A missing one fails with status 404. */
  getEntity(blueprint: string, identifier: string, options?: ProjectionOptions): Promise<EntityAnswer>;
  /** Create or update (merge by default). Idempotent: retried. A repeat after a lost answer reports created: false. */
  upsertEntity(
    blueprint: string,
    entity: EntityInput,
    options?: UpsertOptions,
  ): Promise<{ entity: EntityAnswer; created: boolean }>;
  /** Create only; 409 identifier_taken when it exists. NOT idempotent: never resent once it may have arrived. */
  createEntity(blueprint: string, entity: EntityInput, options?: WriteOptions): Promise<EntityAnswer>;
  /** Idempotent: retried; a 404 on a retry counts as deleted, since the lost first try did it. */
  deleteEntity(blueprint: string, identifier: string, options?: DeleteOptions): Promise<void>;
  /** POST /v1/entities/search across blueprints. Idempotent (a read). */
  searchEntities(query: SearchQuery, options?: ProjectionOptions): Promise<EntityAnswer[]>;
  /** POST /v1/blueprints/{bp}/entities/search, following `next` to the last page. Idempotent (a read). */
  searchBlueprintEntities(blueprint: string, options?: BlueprintSearchOptions): Promise<EntityAnswer[]>;
}

/** The write flags as query parameters; false ones are left out, as the server's default is false. */
export function writeQuery(options: UpsertOptions, upsert: boolean): Record<string, QueryValue> {
  const flag = (value: boolean | undefined) => (value ? true : undefined);
  return {
    upsert: flag(upsert),
    merge: flag(upsert && (options.merge ?? true)),
    validation_only: flag(options.validationOnly),
    create_missing_related_entities: flag(options.createMissingRelatedEntities),
    run_id: options.runId,
  };
}

const projectionQuery = (options: ProjectionOptions) => ({ include: options.include, exclude: options.exclude });

export function entityMethods(http: PortHttp): EntityMethods {
  return {
    async getEntity(blueprint, identifier, options = {}) {
      const answer = await http.send<{ entity: EntityAnswer }>({
        operation: 'getEntity',
        method: 'GET',
        path: apiPath`/v1/blueprints/${blueprint}/entities/${identifier}`,
        query: projectionQuery(options),
        idempotent: true,
        expect: 'entity',
        maxAnswerBytes: ENTITY_MAX_ANSWER_BYTES,
      });
      return answer.body.entity;
    },

    async upsertEntity(blueprint, entity, options = {}) {
      const answer = await http.send<{ entity: EntityAnswer }>({
        operation: 'upsertEntity',
        method: 'POST',
        path: apiPath`/v1/blueprints/${blueprint}/entities`,
        query: writeQuery(options, true),
        body: entity,
        idempotent: true,
        expect: 'entity',
        maxAnswerBytes: ENTITY_MAX_ANSWER_BYTES,
      });
      return { entity: answer.body.entity, created: answer.status === 201 };
    },

    async createEntity(blueprint, entity, options = {}) {
      const answer = await http.send<{ entity: EntityAnswer }>({
        operation: 'createEntity',
        method: 'POST',
        path: apiPath`/v1/blueprints/${blueprint}/entities`,
        query: writeQuery(options, false),
        body: entity,
        idempotent: false,
        expect: 'entity',
        maxAnswerBytes: ENTITY_MAX_ANSWER_BYTES,
      });
      return answer.body.entity;
    },

    async deleteEntity(blueprint, identifier, options = {}) {
      try {
        await http.send({
          operation: 'deleteEntity',
          method: 'DELETE',
          path: apiPath`/v1/blueprints/${blueprint}/entities/${identifier}`,
          query: { delete_dependents: options.deleteDependents ? true : undefined, run_id: options.runId },
          idempotent: true,
        });
      } catch (error) {
        if (error instanceof PortApiError && error.status === 404 && error.attempts > 1) return;
        throw error;
      }
    },

    async searchEntities(query, options = {}) {
      const answer = await http.send<{ entities: EntityAnswer[] }>({
        operation: 'searchEntities',
        method: 'POST',
        path: '/v1/entities/search',
        query: projectionQuery(options),
        body: query,
        idempotent: true,
        expect: 'entities',
        maxAnswerBytes: LIST_MAX_ANSWER_BYTES,
      });
      return answer.body.entities;
    },

    async searchBlueprintEntities(blueprint, options = {}) {
      const entities: EntityAnswer[] = [];
      let from: string | undefined;
      do {
        const answer = await http.send<{ entities: EntityAnswer[]; next?: string | null }>({
          operation: 'searchBlueprintEntities',
          method: 'POST',
          path: apiPath`/v1/blueprints/${blueprint}/entities/search`,
          body: {
            query: options.query,
            include: options.include,
            exclude: options.exclude,
            limit: options.limit,
            from,
          },
          idempotent: true,
          expect: 'entities',
          maxAnswerBytes: LIST_MAX_ANSWER_BYTES,
        });
        entities.push(...answer.body.entities);
        const next = answer.body.next || undefined;
        // A server that hands back the cursor it was given would keep this loop going forever.
        if (next !== undefined && next === from) {
          throw new Error(`searchBlueprintEntities: the server answered the same "next" cursor twice (${next})`);
        }
        from = next;
      } while (from !== undefined);
      return entities;
    },
  };
}
