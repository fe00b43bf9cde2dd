export { FILTER_OPERATORS, filterFields, filterQueryOf, type EntityFilter, type FilterField } from './filter.ts';
export { AVAILABLE_SORTS, chooseSort, formatSort, type TableSort } from './sorting.ts';
export { PAGE_SIZE, parseTableRequest, tableHref, type TableRequest } from './table-request.ts';
export {
  incomingRelations,
  outgoingRelations,
  type IncomingRelation,
  type OutgoingRelation,
  type RelatedEntity,
} from './relations.ts';
export { entityHistory, HISTORY_SHOWN } from './history.ts';
