/** A search query (docs/port-api.md, "Search"): rules joined by a combinator; a rule may itself be a query. */
export interface SearchQuery {
  combinator: 'and' | 'or';
  rules: SearchRule[];
}

/** A search rule: a property test, `relatedTo`, or a nested query. */
export type SearchRule =
  | { property: string; operator: string; value?: unknown }
  | { operator: 'relatedTo'; blueprint: string; value: string | string[]; direction?: 'upstream' | 'downstream' }
  | SearchQuery;
