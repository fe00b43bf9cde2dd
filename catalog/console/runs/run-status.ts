import type { RunStatus } from '../../model.ts';

/** Each status a run can have, in the order a person picks from, with the words its badge says. */
export const RUN_STATUSES: ReadonlyArray<{ status: RunStatus; label: string }> = [
  { status: 'IN_PROGRESS', label: 'In progress' },
  { status: 'WAITING_FOR_APPROVAL', label: 'Waiting for approval' },
  { status: 'SUCCESS', label: 'Succeeded' },
  { status: 'FAILURE', label: 'Failed' },
];

export function isRunStatus(value: string): value is RunStatus {
  return RUN_STATUSES.some((known) => known.status === value);
}

/** The words of a status; an unknown one (a newer catalog's) is shown as stored. */
export function runStatusLabel(status: string): string {
  return RUN_STATUSES.find((known) => known.status === status)?.label ?? status;
}

/** The CSS class of a status's badge: `status-in-progress`, `status-success`... */
export function runStatusClass(status: string): string {
  return `status-${status.toLowerCase().replace(/[^a-z]+/g, '-')}`;
}
