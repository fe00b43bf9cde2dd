/**
 * GitHub Actions workflows: `GET /repos/{owner}/{repo}/actions/workflows` for each repository (GitHub has no
 * GraphQL for Actions), as REST answers them, with the vendor's `__repository` and `__organization`. Live changes
 * come with workflow runs (catalog-sync.ts's workflow_run handler), so no event is listened to here.
 */
import type { KindDefinition, KindReads, RepositoryRef } from './kind-definition.ts';
import { isRecord, repositoryObjectById } from './repository-objects.ts';
import { isNotFound, readAllPages, repositoryWalkPage, wholeRepositories } from './rest-lists.ts';

/** Repositories a resync page reads: one request each for most. */
const REPOSITORIES_PER_PAGE = 20;
/** Pages of 100 workflows read for one repository at the most. */
const MAX_WORKFLOW_PAGES = 10;

export interface RestWorkflow {
  id: number;
  name: string;
  path: string;
  state: string;
}

/** Every workflow of `repository` as the REST list answers it; none when the repository is gone (404). */
export async function repositoryWorkflows(reads: KindReads, repository: RepositoryRef): Promise<RestWorkflow[]> {
  try {
    const items = await readAllPages(
      reads,
      {
        route: 'GET /repos/{owner}/{repo}/actions/workflows',
        parameters: {},
        items: (data) => (isRecord(data) ? data.workflows : undefined),
      },
      { owner: repository.owner, repo: repository.name },
      MAX_WORKFLOW_PAGES,
    );
    return items as unknown as RestWorkflow[];
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

/** Each repository's workflows, all in one read; a list GitHub refuses (403) is kept by the resync. */
const WALK = wholeRepositories('workflow', REPOSITORIES_PER_PAGE, async (reads, repository) =>
  (await repositoryWorkflows(reads, repository)).map((workflow) => repositoryObjectById(workflow, repository)),
);

export const workflowKind: KindDefinition<'workflow'> = {
  kind: 'workflow',
  scope: 'repository',
  resyncPage: (reads, _selector, cursor) => repositoryWalkPage(reads, WALK, cursor),
  events: {},
  permissions: { actions: 'read' },
};
