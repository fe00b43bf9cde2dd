import type { Run } from '../../model.ts';
import type { CatalogContext } from '../../operations/index.ts';
import type { RunCursor } from '../../store/run-store.ts';
import { RUNS_PAGE_SIZE, type RunListRequest } from './run-list-request.ts';
import { isRunStatus } from './run-status.ts';

/** One page of the runs list, newest first, and whether runs come before and after it. */
export interface RunPage {
  runs: Run[];
  hasNewer: boolean;
  hasOlder: boolean;
}

/** A page, or why it cannot be read: an address naming a run the catalog does not have. */
export type RunPageResult = { page: RunPage } | { problem: string };

/** The page of runs a request asks for. The status must have been checked (statusProblem). */
export function findRunPage(ctx: CatalogContext, request: RunListRequest): RunPageResult {
  const cursorId = request.before ?? request.after;
  let cursor: RunCursor | undefined;
  if (cursorId !== undefined) {
    const run = ctx.runs.get(cursorId)?.run;
    if (!run) return { problem: `The page started at run "${cursorId}", which is not in the catalog.` };
    cursor = { createdAt: run.createdAt, id: run.id };
  }
  const newer = request.after !== undefined;
  // One more than a page: whether it exists says if there is a page beyond this one.
  const runs = ctx.runs.list({
    action: request.action,
    status: request.status !== undefined && isRunStatus(request.status) ? request.status : undefined,
    entity: request.entity,
    blueprint: request.blueprint,
    olderThan: newer ? undefined : cursor,
    newerThan: newer ? cursor : undefined,
    limit: RUNS_PAGE_SIZE + 1,
  });
  const beyond = runs.length > RUNS_PAGE_SIZE;
  if (newer) {
    // Read upwards from the cursor: the extra run is the newest, past the top of this page.
    return { page: { runs: beyond ? runs.slice(1) : runs, hasNewer: beyond, hasOlder: true } };
  }
  return { page: { runs: runs.slice(0, RUNS_PAGE_SIZE), hasNewer: cursor !== undefined, hasOlder: beyond } };
}
