import type { Action, ActionOperation } from '../../model.ts';
import { type CatalogContext, searchEntitiesPage } from '../../operations/index.ts';

/** The actions a blueprint's page offers: CREATE on its table, DAY-2 and DELETE on each entity. */
export function actionsOffered(
  ctx: CatalogContext,
  blueprint: string,
  operations: ReadonlySet<ActionOperation>,
): Action[] {
  return ctx.actions
    .list()
    .filter((action) => action.trigger.blueprintIdentifier === blueprint && operations.has(action.trigger.operation));
}

export interface EntityOption {
  identifier: string;
  title: string | null;
}

export const ENTITY_OPTIONS_LIMIT = 20;
/** A picker's text is a person typing, not a document: longer is refused before any search. */
export const MAX_PICKER_TEXT = 200;

/**
 * Entities of a blueprint whose identifier or title holds `text`, for an entity picker: the catalog's search with
 * its own rules (`contains` on `$identifier` and `$title`), first by identifier.
 */
export function entityOptions(ctx: CatalogContext, blueprint: string, text: string): EntityOption[] {
  const query =
    text === ''
      ? undefined
      : {
          combinator: 'or',
          rules: [
            { property: '$identifier', operator: 'contains', value: text },
            { property: '$title', operator: 'contains', value: text },
          ],
        };
  const { entities } = searchEntitiesPage(ctx, { blueprint, query, limit: ENTITY_OPTIONS_LIMIT });
  return entities.map((entity) => ({ identifier: entity.identifier, title: entity.title ?? null }));
}
