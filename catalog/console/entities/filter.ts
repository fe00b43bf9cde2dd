import type { Blueprint } from '../../model.ts';

/** The operators the filter form offers, in the catalog's search language, with what a person reads. */
export const FILTER_OPERATORS = [
  { operator: '=', label: 'is' },
  { operator: '!=', label: 'is not' },
  { operator: 'contains', label: 'contains' },
  { operator: 'doesNotContains', label: 'does not contain' },
  { operator: 'beginsWith', label: 'begins with' },
  { operator: 'endsWith', label: 'ends with' },
  { operator: '>', label: 'is greater than' },
  { operator: '>=', label: 'is at least' },
  { operator: '<', label: 'is less than' },
  { operator: '<=', label: 'is at most' },
  { operator: 'in', label: 'is one of (separated by commas)' },
  { operator: 'isEmpty', label: 'is empty' },
  { operator: 'isNotEmpty', label: 'is not empty' },
] as const;

const WITHOUT_VALUE = new Set(['isEmpty', 'isNotEmpty']);

/** A property a person can filter on: the entity's own fields ($identifier…) and the blueprint's properties. */
export interface FilterField {
  name: string;
  label: string;
  type: string;
}

export interface EntityFilter {
  property: string;
  operator: string;
  value: string;
}

/** A search query for the catalog's search operation, or why the form's fields cannot make one. */
export type FilterQuery =
  | { query: { combinator: 'and'; rules: Record<string, unknown>[] } | undefined; problem?: undefined }
  | { query?: undefined; problem: string };

const META_FIELDS: FilterField[] = [
  { name: '$identifier', label: 'Identifier', type: 'string' },
  { name: '$title', label: 'Title', type: 'string' },
  { name: '$team', label: 'Team', type: 'string' },
  { name: '$createdAt', label: 'Created', type: 'string' },
  { name: '$updatedAt', label: 'Updated', type: 'string' },
];

export function filterFields(blueprint: Blueprint): FilterField[] {
  const properties = Object.entries(blueprint.schema.properties).map(([name, property]) => ({
    name,
    label: property.title ?? name,
    type: property.type,
  }));
  return [...META_FIELDS, ...properties];
}

/**
 * The filter as one rule of the catalog's search language; the search operation checks it as the API would and
 * its message is shown beside the form. Only the value's type is decided here, from the property's type, since a
 * form sends text.
 */
export function filterQueryOf(blueprint: Blueprint, filter: EntityFilter | undefined): FilterQuery {
  if (!filter) return { query: undefined };
  const field = filterFields(blueprint).find((candidate) => candidate.name === filter.property);
  if (!field) return { problem: `Choose a property of ${blueprint.title} to filter on.` };
  if (!FILTER_OPERATORS.some((known) => known.operator === filter.operator)) {
    return { problem: 'Choose an operator.' };
  }
  const rule: Record<string, unknown> = { property: field.name, operator: filter.operator };
  if (!WITHOUT_VALUE.has(filter.operator)) {
    if (filter.value === '') return { problem: `Enter a value to compare ${field.label} with.` };
    const texts = filter.operator === 'in' ? filter.value.split(',').map((item) => item.trim()) : [filter.value];
    if (TYPED_OPERATORS.has(filter.operator)) {
      const values = texts.map((text) => typedValue(text, field.type));
      // A number or a yes/no compared with words would match nothing, silently: say so instead.
      const untyped = texts.find((_, index) => values[index] === undefined);
      if (untyped !== undefined) {
        const expected = field.type === 'number' ? 'a number' : 'true or false';
        return { problem: `${field.label} holds ${expected}: "${untyped}" is not ${expected}.` };
      }
      rule.value = filter.operator === 'in' ? values : values[0];
    } else {
      rule.value = filter.value;
    }
  }
  return { query: { combinator: 'and', rules: [rule] } };
}

/** Operators that compare a value of the property's own type; text operators (contains...) take text. */
const TYPED_OPERATORS = new Set(['=', '!=', '>', '>=', '<', '<=', 'in']);

/** The value the text stands for in a property of `type`; undefined when it stands for none (words for a number). */
function typedValue(text: string, type: string): string | number | boolean | undefined {
  if (type === 'number') return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined;
  if (type === 'boolean') return text === 'true' || text === 'false' ? text === 'true' : undefined;
  return text;
}
