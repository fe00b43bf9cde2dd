/**
 * GitHub Actions workflow runs, as REST answers them, with the vendor's `__repository` and `__organization`. Like
 * the vendor, a resync reads the latest 100 runs of each workflow: one request (`GET .../actions/runs`) for a
 * repository with 100 runs or fewer in all, else the workflows and one request for each
 * (`GET .../actions/workflows/{id}/runs`). Live changes come from catalog-sync.ts's workflow_run handler.
 */
import type { KindDefinition, KindReads, RepositoryRef } from './kind-definition.ts';
import { repositoryObjectById } from './repository-objects.ts';
import { isNotFound, repositoryWalkPage, wholeRepositories } from './rest-lists.ts';
import { repositoryWorkflows } from './workflow.ts';

/** Repositories a resync page reads: each is 1 request, or 2 and one per workflow when it has many runs. */
const REPOSITORIES_PER_PAGE = 5;
/** The vendor's limit: the latest runs of each workflow (one page). */
const RUNS_PER_WORKFLOW = 100;

interface RunList {
  total_count: number;
  workflow_runs: Array<{ id: number }>;
}

/** The latest runs of each workflow of `repository`; none when the repository is gone. */
export async function repositoryRuns(reads: KindReads, repository: RepositoryRef): Promise<Array<{ id: number }>> {
  const where = { owner: repository.owner, repo: repository.name, per_page: RUNS_PER_WORKFLOW };
  try {
    const recent = await reads.rest<RunList>('GET /repos/{owner}/{repo}/actions/runs', where);
    const runs = new Map(recent.workflow_runs.map((run) => [run.id, run]));
    if (recent.total_count <= recent.workflow_runs.length) return [...runs.values()];
    for (const workflow of await repositoryWorkflows(reads, repository)) {
      const answer = await reads.rest<RunList>('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
        ...where,
        workflow_id: workflow.id,
      });
      for (const run of answer.workflow_runs) runs.set(run.id, run);
    }
    return [...runs.values()];
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

/** Each repository's runs, all in one read; a list GitHub refuses (403) is kept by the resync. */
const WALK = wholeRepositories('workflow-run', REPOSITORIES_PER_PAGE, async (reads, repository) =>
  (await repositoryRuns(reads, repository)).map((run) => repositoryObjectById(run, repository)),
);

export const workflowRunKind: KindDefinition<'workflow-run'> = {
  kind: 'workflow-run',
  scope: 'repository',
  resyncPage: (reads, _selector, cursor) => repositoryWalkPage(reads, WALK, cursor),
  events: {},
  permissions: { actions: 'read' },
};
