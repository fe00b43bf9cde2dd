import { jsonValueProblem } from '../../src/json/index.ts';
import { ApiError, invalidRequest, notFound } from '../errors.ts';
import type { Blueprint, Entity, EntityInput, RelationValue } from '../model.ts';
import { inSavepoint, KEEP_DATASOURCE } from '../store/index.ts';
import { entityIdentifierProblem } from '../validation/index.ts';
import { type Actor, type CatalogContext, generateIdentifier } from './context.ts';
import { recordEntityChange } from './entity-changes.ts';
import { parseEntityInput } from './entity-input.ts';

/**
 * How a write treats an entity that already exists:
 * create: refuse (409); replace: fields not given are dropped; merge: only the given fields change.
 */
export type WriteMode = 'create' | 'replace' | 'merge';

export interface WriteOptions {
  mode: WriteMode;
  /** PUT and PATCH address an existing entity: 404 when it is missing. */
  mustExist?: boolean;
  validationOnly?: boolean;
  createMissingRelated?: boolean;
}

export interface WriteResult {
  entity: Entity;
  created: boolean;
}

export interface BulkWriteResult {
  entities: { identifier: string; index: number; created: boolean }[];
  errors: { identifier: string | null; index: number; statusCode: number; error: string; message: string }[];
}

export function requireBlueprint(ctx: CatalogContext, identifier: string): Blueprint {
  const blueprint = ctx.blueprints.get(identifier);
  if (!blueprint) throw notFound(`blueprint "${identifier}" not found`);
  return blueprint;
}

export function requireEntity(ctx: CatalogContext, blueprint: string, identifier: string): Entity {
  const entity = ctx.entities.get(blueprint, identifier);
  if (!entity) throw notFound(`entity "${identifier}" of blueprint "${blueprint}" not found`);
  return entity;
}

/** Validates and writes one entity. The caller owns the transaction. */
export function writeEntity(
  ctx: CatalogContext,
  blueprintId: string,
  input: EntityInput,
  options: WriteOptions,
  actor: Actor,
): WriteResult {
  const blueprint = requireBlueprint(ctx, blueprintId);
  const identifier = input.identifier ?? generateIdentifier('e');
  const identifierProblem = entityIdentifierProblem(identifier);
  if (identifierProblem) throw invalidRequest(`identifier: ${identifierProblem}`);

  const existing = ctx.entities.get(blueprintId, identifier);
  if (!existing && options.mustExist) {
    throw notFound(`entity "${identifier}" of blueprint "${blueprintId}" not found`);
  }
  if (existing && options.mode === 'create') {
    throw new ApiError(
      409,
      'identifier_taken',
      `entity "${identifier}" of blueprint "${blueprintId}" already exists; upsert it to change it`,
    );
  }

  const now = ctx.now();
  const entity = composeEntity(blueprint, identifier, input, options.mode === 'merge' ? existing : undefined);
  entity.createdAt = existing?.createdAt ?? now;
  entity.createdBy = existing?.createdBy ?? actor.clientId;
  entity.updatedAt = now;
  entity.updatedBy = actor.clientId;

  const validator = ctx.validatorFor(blueprint);
  entity.properties = validator.applyDefaults(entity.properties);
  validator.validate(entity);
  ensureRelatedEntitiesExist(ctx, blueprint, entity, options, actor);

  if (!options.validationOnly) {
    ctx.entities.save(entity, relationTargets(blueprint), actor.datasource ?? null);
    recordEntityChange(
      ctx,
      { action: existing ? 'UPDATE' : 'CREATE', before: existing ?? null, after: entity },
      actor,
      now,
    );
  }
  return { entity, created: !existing };
}

/**
 * Writes each entity in its own savepoint of one transaction: a failing entity leaves nothing and stops nothing.
 * The request parser leaves each entity's JSON (depth, numbers, keys) to be checked here, so that it fails alone.
 */
export function writeEntities(
  ctx: CatalogContext,
  blueprintId: string,
  bodies: unknown[],
  options: WriteOptions,
  actor: Actor,
): BulkWriteResult {
  requireBlueprint(ctx, blueprintId);
  const result: BulkWriteResult = { entities: [], errors: [] };
  ctx.write(() => {
    bodies.forEach((body, index) => {
      try {
        const root = `entities[${index}]`;
        const jsonProblem = jsonValueProblem(body, root);
        if (jsonProblem) throw invalidRequest(`${jsonProblem.path}: ${jsonProblem.problem}`);
        const input = parseEntityInput(body, root);
        const written = inSavepoint(ctx.db, () => writeEntity(ctx, blueprintId, input, options, actor));
        result.entities.push({ identifier: written.entity.identifier, index, created: written.created });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const identifier = (body as { identifier?: unknown } | null)?.identifier;
        result.errors.push({
          identifier: typeof identifier === 'string' ? identifier : null,
          index,
          statusCode: error.status,
          error: error.code,
          message: error.message,
        });
      }
    });
  });
  return result;
}

/**
 * Deletes an entity. Entities whose required relation points at it block the delete (403 has_dependents) unless
 * `deleteDependents`, which deletes every entity related to it, recursively, as the vendor documents; optional
 * relations pointing at it are cleared. Returns the identifiers deleted, the asked-for entity first.
 */
export function deleteEntity(
  ctx: CatalogContext,
  blueprintId: string,
  identifier: string,
  options: {
    deleteDependents: boolean;
    /** Every entity of this blueprint is being deleted too: relations from them neither block nor are cleared. */
    wholeBlueprint?: string;
  },
  actor: Actor,
): { blueprint: string; identifier: string }[] {
  requireBlueprint(ctx, blueprintId);
  requireEntity(ctx, blueprintId, identifier);
  const deleted: { blueprint: string; identifier: string }[] = [];
  const visited = new Set<string>();

  const remove = (blueprint: string, id: string): void => {
    const key = `${blueprint}\u0000${id}`;
    if (visited.has(key)) return;
    visited.add(key);
    const incoming = ctx.entities
      .edgesTo(blueprint, id)
      .filter((edge) => !(edge.blueprint === blueprint && edge.identifier === id))
      .filter((edge) => edge.blueprint !== options.wholeBlueprint);
    if (!options.deleteDependents) {
      const blocking = incoming.filter(
        (edge) => ctx.blueprints.get(edge.blueprint)?.relations[edge.relation]?.required === true,
      );
      if (blocking.length > 0) {
        const names = blocking.slice(0, 5).map((e) => `${e.blueprint}/${e.identifier} (relation "${e.relation}")`);
        const more = blocking.length > 5 ? ` and ${blocking.length - 5} more` : '';
        throw new ApiError(
          403,
          'has_dependents',
          `entity "${id}" of blueprint "${blueprint}" is required by ${names.join(', ')}${more}; ` +
            'delete them first or pass delete_dependents=true',
        );
      }
    }
    const now = ctx.now();
    deleted.push({ blueprint, identifier: id });
    for (const edge of incoming) {
      if (options.deleteDependents) remove(edge.blueprint, edge.identifier);
      else detachRelation(ctx, edge, actor, now);
    }
    const before = ctx.entities.get(blueprint, id) ?? null;
    ctx.entities.delete(blueprint, id);
    recordEntityChange(ctx, { action: 'DELETE', before, after: null }, actor, now);
  };

  remove(blueprintId, identifier);
  return deleted;
}

/** Builds the entity a write asks for, on top of `base` when merging. */
function composeEntity(blueprint: Blueprint, identifier: string, input: EntityInput, base: Entity | undefined): Entity {
  const entity: Entity = {
    identifier,
    title: input.title !== undefined ? input.title : (base?.title ?? null),
    blueprint: blueprint.identifier,
    team: input.team !== undefined ? normalizeTeam(input.team) : (base?.team ?? []),
    properties: withoutNulls({ ...base?.properties, ...input.properties }),
    relations: withoutNulls({ ...base?.relations, ...input.relations }) as Record<string, RelationValue>,
    createdAt: '',
    createdBy: '',
    updatedAt: '',
    updatedBy: '',
  };
  const icon = input.icon !== undefined ? input.icon : base?.icon;
  if (icon) entity.icon = icon;
  return entity;
}

function normalizeTeam(team: string | string[] | null): string[] {
  if (team === null) return [];
  return Array.isArray(team) ? team : [team];
}

/** A null property or relation means "unset": it is not stored. */
function withoutNulls<T>(record: Record<string, T>): Record<string, T> {
  for (const key of Object.keys(record)) if (record[key] === null) delete record[key];
  return record;
}

export function relationTargets(blueprint: Blueprint): Record<string, string> {
  const targets: Record<string, string> = {};
  for (const [id, relation] of Object.entries(blueprint.relations)) targets[id] = relation.target;
  return targets;
}

function ensureRelatedEntitiesExist(
  ctx: CatalogContext,
  blueprint: Blueprint,
  entity: Entity,
  options: WriteOptions,
  actor: Actor,
): void {
  for (const [relationId, value] of Object.entries(entity.relations)) {
    const target = blueprint.relations[relationId]?.target;
    if (target === undefined || value === null) continue;
    for (const targetId of Array.isArray(value) ? value : [value]) {
      const isSelf = target === blueprint.identifier && targetId === entity.identifier;
      if (isSelf || ctx.entities.exists(target, targetId)) continue;
      if (!options.createMissingRelated) {
        throw notFound(
          `relation "${relationId}" points at entity "${targetId}" of blueprint "${target}", which does not ` +
            'exist; create it first or pass create_missing_related_entities=true',
        );
      }
      try {
        writeEntity(ctx, target, { identifier: targetId }, { ...options, mode: 'create', mustExist: false }, actor);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        throw new ApiError(
          error.status,
          error.code,
          `relation "${relationId}": could not create the missing entity "${targetId}" of blueprint "${target}": ` +
            error.message,
        );
      }
    }
  }
}

/** Removes the edge's target from the dependent entity's relation, leaving the dependent in place. */
function detachRelation(
  ctx: CatalogContext,
  edge: { blueprint: string; identifier: string; relation: string; targetIdentifier: string },
  actor: Actor,
  now: string,
): void {
  const dependent = ctx.entities.get(edge.blueprint, edge.identifier);
  const blueprint = ctx.blueprints.get(edge.blueprint);
  if (!dependent || !blueprint) return;
  const before = structuredClone(dependent);
  const value = dependent.relations[edge.relation];
  if (Array.isArray(value)) dependent.relations[edge.relation] = value.filter((id) => id !== edge.targetIdentifier);
  else delete dependent.relations[edge.relation];
  dependent.updatedAt = now;
  dependent.updatedBy = actor.clientId;
  ctx.entities.save(dependent, relationTargets(blueprint), KEEP_DATASOURCE);
  recordEntityChange(ctx, { action: 'UPDATE', before, after: dependent }, actor, now);
}
