import type { Run } from '../../model.ts';
import { consolePaths } from '../paths.ts';
import { runStatusClass, runStatusLabel } from '../runs/run-status.ts';
import { markup, type SafeHtml } from './markup.ts';
import { propertyValue } from './property-value.ts';

const DATE = { type: 'string' as const, format: 'date-time' };

/** A status as a badge: its words say it, the colour only repeats them. */
export function statusBadge(status: string, id?: string): SafeHtml {
  return markup`<span${id && markup` id="${id}"`} class="badge ${runStatusClass(status)}" data-status="${status}">${runStatusLabel(status)}</span>`;
}

/** The entity a run ran on, linked to its page; "none" for an action that creates one. */
export function runEntity(run: Run): SafeHtml {
  if (!run.entity) return markup`<span class="muted">none</span>`;
  const label = run.entity.title
    ? markup`${run.entity.title} <span class="muted">(${run.entity.identifier})</span>`
    : markup`${run.entity.identifier}`;
  if (!run.blueprint) return label;
  return markup`<a href="${consolePaths.entity(run.blueprint.identifier, run.entity.identifier)}">${label}</a>`;
}

/** A time the reader's browser writes out in their zone; `missing` when there is none yet. */
export function runTime(value: string | null, missing: string): SafeHtml {
  return value === null ? markup`<span class="muted">${missing}</span>` : propertyValue(value, DATE, 'cell');
}
