export { FILTER_OPERATORS, filterFields, filterQueryOf, type EntityFilter, type FilterField } from './filter.ts';
export { catalogSortOf, chooseSort, formatSort, sortableFields, toggledSort, type TableSort } from './sorting.ts';
export { offsetOf, PAGE_SIZE, parseTableRequest, tableHref, type TableRequest } from './table-request.ts';
export {
  incomingRelations,
  outgoingRelations,
  type IncomingRelation,
  type OutgoingRelation,
  type RelatedEntity,
} from './relations.ts';
export { entityHistory, HISTORY_SHOWN } from './history.ts';
