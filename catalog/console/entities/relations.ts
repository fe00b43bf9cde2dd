import type { Blueprint, Entity } from '../../model.ts';
import { type CatalogContext, searchBlueprintEntities } from '../../operations/index.ts';

/** Entities listed per relation on an entity's page; past it the page says there are more. */
export const RELATED_SHOWN = 50;

export interface RelatedEntity {
  blueprint: string;
  identifier: string;
  title: string | null;
  /** False when the relation names an entity that is not (or no longer) in the catalog. */
  exists: boolean;
}

/** A relation of the entity's blueprint and the entities this entity points to through it. */
export interface OutgoingRelation {
  relation: string;
  title: string;
  target: { identifier: string; title: string };
  entities: RelatedEntity[];
  more: number;
}

/** A relation of another blueprint that targets this one, and the entities that point to this entity through it. */
export interface IncomingRelation {
  relation: string;
  title: string;
  source: { identifier: string; title: string };
  entities: RelatedEntity[];
  more: boolean;
}

type Rule = Record<string, unknown>;

/** Entities found by the catalog's search operation, the same rules as POST /v1/.../entities/search. */
function search(ctx: CatalogContext, blueprint: string, rules: Rule[], limit: number) {
  return searchBlueprintEntities(ctx, blueprint, { query: { combinator: 'and', rules }, limit });
}

/** What the entity points to, per relation of its blueprint, with the targets' titles. */
export function outgoingRelations(ctx: CatalogContext, blueprint: Blueprint, entity: Entity): OutgoingRelation[] {
  return Object.entries(blueprint.relations).map(([relation, definition]) => {
    const value = entity.relations[relation];
    const identifiers = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
    const shown = identifiers.slice(0, RELATED_SHOWN);
    const found =
      shown.length === 0
        ? []
        : search(ctx, definition.target, [{ property: '$identifier', operator: 'in', value: shown }], RELATED_SHOWN)
            .entities;
    const titles = new Map(found.map((target) => [target.identifier, target.title]));
    return {
      relation,
      title: definition.title ?? relation,
      target: {
        identifier: definition.target,
        title: ctx.blueprints.get(definition.target)?.title ?? definition.target,
      },
      entities: shown.map((identifier) => ({
        blueprint: definition.target,
        identifier,
        title: titles.get(identifier) ?? null,
        exists: titles.has(identifier),
      })),
      more: identifiers.length - shown.length,
    };
  });
}

/** What points to the entity: for every relation of any blueprint that targets its blueprint, the entities using it. */
export function incomingRelations(ctx: CatalogContext, blueprint: Blueprint, entity: Entity): IncomingRelation[] {
  return ctx.blueprints.list().flatMap((source) =>
    Object.entries(source.relations)
      .filter(([, definition]) => definition.target === blueprint.identifier)
      .map(([relation, definition]) => {
        // relatedTo walks the relation edges from this entity, so only the entities that reach it are read; the
        // relation rule keeps those pointing to it directly, through this relation. The relation rule alone reads
        // every entity of the source blueprint (39 ms over 100,000 against 0.7 ms).
        const rules = [
          { operator: 'relatedTo', blueprint: blueprint.identifier, value: entity.identifier, direction: 'downstream' },
          { relation, operator: '=', value: entity.identifier },
        ];
        const page = search(ctx, source.identifier, rules, RELATED_SHOWN);
        return {
          relation,
          title: definition.title ?? relation,
          source: { identifier: source.identifier, title: source.title },
          entities: page.entities.map((related) => ({
            blueprint: related.blueprint,
            identifier: related.identifier,
            title: related.title,
            exists: true,
          })),
          more: page.next !== null,
        };
      }),
  );
}
