import type { Action, ActionOperation } from '../../model.ts';
import { type CatalogContext, searchEntitiesPage } from '../../operations/index.ts';
import type { EntitySort } from '../../store/index.ts';

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

/** What narrows and orders a picker's entities: the input's `dataset` (a search query) and `sort`. */
export interface PickerScope {
  /** A search query whose jq values are already worked out (picker-scope.ts). */
  dataset?: unknown;
  sort?: EntitySort | undefined;
}

/**
 * Entities of a blueprint whose identifier or title holds `text`, for an entity picker: the catalog's search with
 * its own rules (`contains` on `$identifier` and `$title`), within the input's dataset, in its sort (else by
 * identifier). A dataset the catalog's search refuses is refused here with the same message.
 */
export function entityOptions(
  ctx: CatalogContext,
  blueprint: string,
  text: string,
  scope: PickerScope = {},
): EntityOption[] {
  const rules: unknown[] = [];
  if (scope.dataset !== undefined) rules.push(scope.dataset);
  if (text !== '') {
    rules.push({
      combinator: 'or',
      rules: [
        { property: '$identifier', operator: 'contains', value: text },
        { property: '$title', operator: 'contains', value: text },
      ],
    });
  }
  const query = rules.length === 0 ? undefined : { combinator: 'and', rules };
  const { entities } = searchEntitiesPage(ctx, { blueprint, query, sort: scope.sort, limit: ENTITY_OPTIONS_LIMIT });
  return entities.map((entity) => ({ identifier: entity.identifier, title: entity.title ?? null }));
}
