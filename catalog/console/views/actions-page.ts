import type { Action, Blueprint } from '../../model.ts';
import { consolePaths } from '../paths.ts';
import { markup, type SafeHtml } from './markup.ts';
import { page } from './layout.ts';

const OPERATION_NAMES: Record<string, string> = { CREATE: 'Create', 'DAY-2': 'Day-2', DELETE: 'Delete' };

/** Every self-service action, by blueprint, each with the way to its form. */
export function actionsPage(actions: readonly Action[], blueprints: readonly Blueprint[], csrfToken: string): SafeHtml {
  const titles = new Map(blueprints.map((blueprint) => [blueprint.identifier, blueprint.title]));
  const groups = new Map<string, Action[]>();
  for (const action of actions) {
    const key = action.trigger.blueprintIdentifier ?? '';
    groups.set(key, [...(groups.get(key) ?? []), action]);
  }
  const body =
    actions.length === 0
      ? markup`<p>The catalog has no action yet. Create one with <code>POST /v1/actions</code>.</p>`
      : [...groups.entries()].map(
          ([blueprint, grouped]) => markup`<section aria-labelledby="actions-${blueprint || 'none'}">
<h2 id="actions-${blueprint || 'none'}">${blueprint ? (titles.get(blueprint) ?? blueprint) : 'Not tied to a blueprint'}</h2>
<ul class="action-list">${grouped.map((action) => markup`<li>${actionCard(action)}</li>`)}</ul>
</section>`,
        );
  return page({ title: 'Self-service', csrfToken, body });
}

/** The actions a page offers (CREATE on a table, DAY-2 and DELETE on an entity), or nothing. */
export function offeredActions(actions: readonly Action[], entity?: string): SafeHtml | false {
  if (actions.length === 0) return false;
  return markup`<section aria-labelledby="offered-actions-heading">
<h2 id="offered-actions-heading">Actions</h2>
<ul class="action-list">${actions.map((action) => markup`<li>${actionCard(action, entity)}</li>`)}</ul>
</section>`;
}

function actionCard(action: Action, entity?: string): SafeHtml {
  const operation = action.trigger.operation;
  const needsEntity = operation !== 'CREATE' && entity === undefined;
  return markup`<a class="action-link" href="${consolePaths.actionForm(action.identifier, entity)}">${action.title ?? action.identifier}</a>
<span class="label">${OPERATION_NAMES[operation] ?? operation}</span>
${action.description && markup`<p class="muted">${action.description}</p>`}
${needsEntity && markup`<p class="muted">Runs on an entity: its form asks which.</p>`}`;
}
