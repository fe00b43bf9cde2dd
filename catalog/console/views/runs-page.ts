import type { Action, Blueprint, Run } from '../../model.ts';
import { consolePaths } from '../paths.ts';
import type { RunPage } from '../runs/run-list.ts';
import { hasFilter, type RunListRequest, runListHref } from '../runs/run-list-request.ts';
import { RUN_STATUSES } from '../runs/run-status.ts';
import { page } from './layout.ts';
import { markup, type SafeHtml } from './markup.ts';
import { runEntity, runTime, statusBadge } from './run-parts.ts';

export interface RunsView {
  request: RunListRequest;
  /** The choices of the action and blueprint fields. */
  actions: Action[];
  blueprints: Blueprint[];
  /** The page's runs; undefined when the request could not be searched (see the problems). */
  page: RunPage | undefined;
  /** Why the status asked for is refused, shown beside its field. */
  statusProblem?: string | undefined;
  /** Why the page asked for cannot be shown (a cursor naming no run). */
  pageProblem?: string | undefined;
  csrfToken: string;
}

/** Every run of the catalog, newest first: a filter form, a table, and the way to older and newer pages. */
export function runsPage(view: RunsView): SafeHtml {
  return page({
    title: 'Runs',
    csrfToken: view.csrfToken,
    body: markup`${filterForm(view)}
${view.pageProblem && markup`<p class="problem" role="alert" id="page-problem">${view.pageProblem} <a href="${runListHref(view.request)}">The newest runs</a></p>`}
${view.page && results(view, view.page)}`,
  });
}

interface Choice {
  value: string;
  label: string;
}

/** A select of "any" and the choices; a value asked for that is not among them (a deleted action) stays chosen. */
function select(
  id: string,
  name: string,
  chosen: string | undefined,
  choices: Choice[],
  attributes: SafeHtml | '' = '',
): SafeHtml {
  const listed = chosen === undefined || choices.some((choice) => choice.value === chosen);
  const all = listed ? choices : [...choices, { value: chosen, label: chosen }];
  const selected = (yes: boolean) => (yes ? markup` selected` : '');
  return markup`<select id="${id}" name="${name}"${attributes}>
<option value=""${selected(chosen === undefined)}>any</option>
${all.map((choice) => markup`<option value="${choice.value}"${selected(choice.value === chosen)}>${choice.label}</option>`)}
</select>`;
}

function filterForm(view: RunsView): SafeHtml {
  const { request } = view;
  const invalid = view.statusProblem ? markup` aria-invalid="true" aria-describedby="status-problem"` : '';
  const actions = view.actions.map((action) => ({ value: action.identifier, label: action.title }));
  const blueprints = view.blueprints.map((blueprint) => ({ value: blueprint.identifier, label: blueprint.title }));
  const statuses = RUN_STATUSES.map(({ status, label }) => ({ value: status, label }));
  return markup`<form class="filter" method="get" action="${consolePaths.runs}" role="search" aria-label="Filter runs">
<p><label for="filter-action">Action</label>
${select('filter-action', 'action', request.action, actions)}</p>
<p><label for="filter-status">Status</label>
${select('filter-status', 'status', view.statusProblem ? undefined : request.status, statuses, invalid)}
${view.statusProblem && markup`<span class="problem field-problem" role="alert" id="status-problem">${view.statusProblem}</span>`}</p>
<p><label for="filter-blueprint">Blueprint</label>
${select('filter-blueprint', 'blueprint', request.blueprint, blueprints)}</p>
<p><label for="filter-entity">Entity identifier</label>
<input id="filter-entity" name="entity" value="${request.entity ?? ''}"></p>
<p><button type="submit">Filter</button>
${hasFilter(request) && markup`<a href="${consolePaths.runs}">Clear the filter</a>`}</p>
</form>`;
}

function results(view: RunsView, runs: RunPage): SafeHtml {
  const filtered = hasFilter(view.request);
  if (runs.runs.length === 0) {
    const message = filtered ? 'No run matches the filter.' : 'No run yet: runs appear here once an action is run.';
    return markup`<p id="no-runs">${message}</p>${pager(view, runs)}`;
  }
  const caption = `Runs, newest first${filtered ? ', filtered' : ''}`;
  return markup`<div class="table-scroll" role="region" aria-label="${caption}" tabindex="0">
<table id="runs" class="runs">
<caption>${caption}</caption>
<thead><tr><th scope="col">Run</th><th scope="col">Action</th><th scope="col">Entity</th><th scope="col">Status</th><th scope="col">Status label</th><th scope="col">Started</th><th scope="col">Ended</th></tr></thead>
<tbody>
${runs.runs.map(row)}
</tbody>
</table>
</div>
${pager(view, runs)}`;
}

function row(run: Run): SafeHtml {
  return markup`<tr>
<th scope="row"><a href="${consolePaths.run(run.id)}"><code class="run-id">${run.id}</code></a></th>
<td>${run.action.title}</td>
<td>${runEntity(run)}</td>
<td>${statusBadge(run.status)}</td>
<td>${run.statusLabel ?? ''}</td>
<td>${runTime(run.createdAt, 'unknown')}</td>
<td>${runTime(run.endedAt, 'not yet')}</td>
</tr>`;
}

function pager(view: RunsView, runs: RunPage): SafeHtml {
  const first = runs.runs[0];
  const last = runs.runs.at(-1);
  const onCursor = view.request.before !== undefined || view.request.after !== undefined;
  const newer = runs.hasNewer && first && runListHref(view.request, { after: first.id });
  const older = runs.hasOlder && last && runListHref(view.request, { before: last.id });
  if (!onCursor && !older) return markup``;
  return markup`<nav class="pager" aria-label="Pages">
${onCursor && markup`<a href="${runListHref(view.request)}">Newest runs</a>`}
${newer && markup`<a href="${newer}" rel="prev">Previous page</a>`}
${older && markup`<a href="${older}" rel="next">Next page</a>`}
</nav>`;
}
