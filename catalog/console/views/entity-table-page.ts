import type { Action, Blueprint, Entity } from '../../model.ts';
import {
  FILTER_OPERATORS,
  filterFields,
  formatSort,
  sortableFields,
  type TableRequest,
  type TableSort,
  tableHref,
  toggledSort,
} from '../entities/index.ts';
import { consolePaths } from '../paths.ts';
import { offeredActions } from './actions-page.ts';
import { markup, type SafeHtml } from './markup.ts';
import { page } from './layout.ts';
import { propertyValue } from './property-value.ts';

export interface EntityTable {
  blueprint: Blueprint;
  request: TableRequest;
  sort: TableSort;
  /** The page's rows; undefined when the filter could not be searched (see problem). */
  entities: Entity[] | undefined;
  /** Whether rows follow this page. */
  hasMore: boolean;
  /** Why the filter was refused: the catalog's search message, shown beside the form. */
  problem?: string | undefined;
  /** Something a person should know about the order shown. */
  note?: string | undefined;
  /** Its blueprint's CREATE actions. */
  actions: Action[];
  csrfToken: string;
}

/** One column of the table: a search field, its header, and how a row's cell is made. */
interface Column {
  field: string;
  label: string;
  cell: (entity: Entity) => SafeHtml;
}

function columnsOf(blueprint: Blueprint): Column[] {
  const properties = Object.entries(blueprint.schema.properties).map(([name, property]) => ({
    field: name,
    label: property.title ?? name,
    cell: (entity: Entity) => propertyValue(entity.properties[name], property, 'cell'),
  }));
  return [
    { field: '$title', label: 'Title', cell: (entity) => markup`${entity.title ?? ''}` },
    ...properties,
    {
      field: '$updatedAt',
      label: 'Updated',
      cell: (entity) => propertyValue(entity.updatedAt, { type: 'string', format: 'date-time' }, 'cell'),
    },
  ];
}

/** A blueprint's entities: the filter form, a table with a column per property, and the way to the next page. */
export function entityTablePage(table: EntityTable): SafeHtml {
  const { blueprint } = table;
  const columns = columnsOf(blueprint);
  return page({
    title: `${blueprint.title} entities`,
    csrfToken: table.csrfToken,
    crumbs: [{ label: 'Blueprints', href: consolePaths.blueprints }, { label: blueprint.title }],
    body: markup`${offeredActions(table.actions)}
${filterForm(table)}
${table.note && markup`<p class="notice" role="status">${table.note}</p>`}
${table.entities && results(table, columns, table.entities)}`,
  });
}

function filterForm(table: EntityTable): SafeHtml {
  const { blueprint, request } = table;
  const filter = request.filter;
  const selected = (yes: boolean) => (yes ? markup` selected` : '');
  return markup`<form class="filter" method="get" action="${consolePaths.entities(blueprint.identifier)}" role="search" aria-label="Filter entities">
<p><label for="filter-property">Property</label>
<select id="filter-property" name="property">
<option value=""${selected(!filter)}>(no filter)</option>
${filterFields(blueprint).map((field) => markup`<option value="${field.name}"${selected(filter?.property === field.name)}>${field.label}</option>`)}
</select></p>
<p><label for="filter-operator">Operator</label>
<select id="filter-operator" name="operator">
${FILTER_OPERATORS.map(({ operator, label }) => markup`<option value="${operator}"${selected(filter?.operator === operator)}>${label}</option>`)}
</select></p>
<p><label for="filter-value">Value</label>
<input id="filter-value" name="value" value="${filter?.value ?? ''}"${table.problem ? markup` aria-invalid="true" aria-describedby="filter-problem"` : ''}></p>
${request.sort && markup`<input type="hidden" name="sort" value="${formatSort(request.sort)}">`}
<p><button type="submit">Filter</button>
${filter && markup`<a href="${consolePaths.entities(blueprint.identifier)}">Clear the filter</a>`}</p>
</form>
${table.problem && markup`<p class="problem" role="alert" id="filter-problem">${table.problem}</p>`}`;
}

function results(table: EntityTable, columns: Column[], entities: Entity[]): SafeHtml {
  const { blueprint, request } = table;
  if (entities.length === 0) {
    return markup`<p id="no-entities">${request.filter ? 'No entity matches the filter.' : `${blueprint.title} has no entities yet.`}</p>`;
  }
  const caption = `${blueprint.title} entities, page ${request.page}${request.filter ? ', filtered' : ''}`;
  return markup`<div class="table-scroll" role="region" aria-label="${caption}" tabindex="0">
<table id="entities">
<caption>${caption}</caption>
<thead><tr>${header(table, { field: '$identifier', label: 'Identifier' })}${columns.map((column) => header(table, column))}</tr></thead>
<tbody>
${entities.map(
  (entity) => markup`<tr>
<th scope="row"><a href="${consolePaths.entity(blueprint.identifier, entity.identifier)}">${entity.identifier}</a></th>
${columns.map((column) => markup`<td>${column.cell(entity)}</td>`)}
</tr>`,
)}
</tbody>
</table>
</div>
${pager(table)}`;
}

/**
 * A column header: aria-sort on the column the rows are ordered by, and for a column the catalog can sort by, a
 * link that sorts by it (ascending first, then the other way), back on the first page.
 */
function header(table: EntityTable, column: Pick<Column, 'field' | 'label'>): SafeHtml {
  const sorted = table.sort.field === column.field ? table.sort.direction : undefined;
  const sortable = sortableFields(table.blueprint).has(column.field);
  const href = tableHref(table.blueprint.identifier, {
    ...table.request,
    sort: toggledSort(table.sort, column.field),
    page: 1,
  });
  const label = sortable ? markup`<a href="${href}">${column.label}</a>` : markup`${column.label}`;
  const marker = sorted ? markup` <span aria-hidden="true">${sorted === 'ascending' ? '▲' : '▼'}</span>` : '';
  return markup`<th scope="col"${sorted ? markup` aria-sort="${sorted}"` : ''}>${label}${marker}</th>`;
}

function pager(table: EntityTable): SafeHtml {
  const { blueprint, request } = table;
  const at = (page: number) => tableHref(blueprint.identifier, { ...request, page });
  if (request.page === 1 && !table.hasMore) return markup``;
  return markup`<nav class="pager" aria-label="Pages">
<span>Page ${request.page}</span>
${request.page > 1 && markup`<a href="${at(1)}">First page</a>`}
${request.page > 2 && markup`<a href="${at(request.page - 1)}" rel="prev">Previous page</a>`}
${table.hasMore && markup`<a href="${at(request.page + 1)}" rel="next">Next page</a>`}
</nav>`;
}
