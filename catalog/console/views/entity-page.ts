import type { Action, Blueprint, Entity } from '../../model.ts';
import type { AuditRecord } from '../../store/index.ts';
import type { IncomingRelation, OutgoingRelation, RelatedEntity } from '../entities/index.ts';
import { consolePaths } from '../paths.ts';
import { offeredActions } from './actions-page.ts';
import { markup, type SafeHtml } from './markup.ts';
import { page } from './layout.ts';
import { propertyValue } from './property-value.ts';

export interface EntityView {
  blueprint: Blueprint;
  entity: Entity;
  outgoing: OutgoingRelation[];
  incoming: IncomingRelation[];
  history: AuditRecord[];
  /** Its blueprint's DAY-2 and DELETE actions. */
  actions: Action[];
  csrfToken: string;
}

const DATE = { type: 'string' as const, format: 'date-time' };

/** One entity: its properties by format, its relations both ways, and its history from the audit log. */
export function entityPage(view: EntityView): SafeHtml {
  const { blueprint, entity } = view;
  return page({
    title: entity.title || entity.identifier,
    csrfToken: view.csrfToken,
    crumbs: [
      { label: 'Blueprints', href: consolePaths.blueprints },
      { label: blueprint.title, href: consolePaths.entities(blueprint.identifier) },
      { label: entity.identifier },
    ],
    body: markup`<dl class="properties" id="entity-details">
<dt>Identifier</dt><dd><code>${entity.identifier}</code></dd>
<dt>Blueprint</dt><dd><a href="${consolePaths.entities(blueprint.identifier)}">${blueprint.title}</a></dd>
${entity.team.length > 0 && markup`<dt>Team</dt><dd>${entity.team.map((team) => markup`<span class="label">${team}</span> `)}</dd>`}
<dt>Created</dt><dd>${propertyValue(entity.createdAt, DATE, 'page')} by ${entity.createdBy}</dd>
<dt>Updated</dt><dd>${propertyValue(entity.updatedAt, DATE, 'page')} by ${entity.updatedBy}</dd>
</dl>
${offeredActions(view.actions, entity.identifier)}
<section aria-labelledby="properties-heading">
<h2 id="properties-heading">Properties</h2>
${properties(blueprint, entity)}
</section>
<section aria-labelledby="relations-heading">
<h2 id="relations-heading">Relations</h2>
<h3 id="outgoing-heading">Points to</h3>
${outgoing(view.outgoing)}
<h3 id="incoming-heading">Pointed to by</h3>
${incoming(view.incoming)}
</section>
<section aria-labelledby="history-heading">
<h2 id="history-heading">History</h2>
${history(view.history)}
</section>`,
  });
}

function properties(blueprint: Blueprint, entity: Entity): SafeHtml {
  const entries = Object.entries(blueprint.schema.properties);
  if (entries.length === 0) return markup`<p>${blueprint.title} has no properties.</p>`;
  return markup`<dl class="properties" id="properties">${entries.map(
    ([name, property]) => markup`<dt id="property-${name}">${property.title ?? name}</dt>
<dd>${propertyValue(entity.properties[name], property, 'page')}</dd>`,
  )}</dl>`;
}

function entityLink(related: RelatedEntity): SafeHtml {
  const label = related.title
    ? markup`${related.title} <span class="muted">(${related.identifier})</span>`
    : markup`${related.identifier}`;
  return related.exists
    ? markup`<a href="${consolePaths.entity(related.blueprint, related.identifier)}">${label}</a>`
    : markup`${label} <span class="muted">(not in the catalog)</span>`;
}

function entityList(entities: RelatedEntity[], more: SafeHtml | string): SafeHtml {
  if (entities.length === 0) return markup`<span class="muted">none</span>`;
  return markup`<ul>${entities.map((related) => markup`<li>${entityLink(related)}</li>`)}</ul>${more}`;
}

function outgoing(relations: OutgoingRelation[]): SafeHtml {
  if (relations.length === 0) return markup`<p>This blueprint has no relations.</p>`;
  return markup`<dl class="properties" id="outgoing">${relations.map(
    (relation) => markup`<dt>${relation.title} <span class="muted">(${relation.target.title})</span></dt>
<dd>${entityList(relation.entities, relation.more > 0 ? markup`<p class="muted">and ${relation.more} more</p>` : '')}</dd>`,
  )}</dl>`;
}

function incoming(relations: IncomingRelation[]): SafeHtml {
  if (relations.length === 0) return markup`<p>No blueprint relates to this one.</p>`;
  return markup`<dl class="properties" id="incoming">${relations.map(
    (
      relation,
    ) => markup`<dt><a href="${consolePaths.entities(relation.source.identifier)}">${relation.source.title}</a>, through ${relation.title}</dt>
<dd>${entityList(relation.entities, relation.more ? markup`<p class="muted">and more</p>` : '')}</dd>`,
  )}</dl>`;
}

const CHANGE_NAMES: Record<string, string> = { CREATE: 'Created', UPDATE: 'Updated', DELETE: 'Deleted' };

function history(records: AuditRecord[]): SafeHtml {
  if (records.length === 0) return markup`<p>No change is recorded.</p>`;
  return markup`<div class="table-scroll" role="region" aria-labelledby="history-heading" tabindex="0">
<table id="history">
<thead><tr><th scope="col">When</th><th scope="col">Change</th><th scope="col">By</th><th scope="col">Run</th></tr></thead>
<tbody>${records.map(
    (record) => markup`<tr><td>${propertyValue(record.trigger.at, DATE, 'cell')}</td>
<td>${CHANGE_NAMES[record.action] ?? record.action}</td>
<td>${record.trigger.by.clientId}</td>
<td>${record.context.runId ? markup`<code>${record.context.runId}</code>` : markup`<span class="muted">none</span>`}</td></tr>`,
  )}</tbody>
</table>
</div>`;
}
