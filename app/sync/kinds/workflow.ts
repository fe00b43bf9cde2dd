/**
 * GitHub Actions workflows: `GET /repos/{owner}/{repo}/actions/workflows` for each repository (GitHub has no
 * GraphQL for Actions), as REST answers them, with the vendor's `__repository` and `__organization`. Live changes
 * come with workflow runs (catalog-sync.ts's workflow_run handler), so no event is listened to here.
 */
import type { KindDefinition, RepositoryRef, ResyncReads } from './kind-definition.ts';
import { isNotFound, repositoryWalkPage, restList } from './repository-walk.ts';
import { repositoryObjectById } from './repository-objects.ts';

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

/** Every workflow of `repository` as the REST list answers it; none when the repository is gone. */
export async function repositoryWorkflows(reads: ResyncReads, repository: RepositoryRef): Promise<RestWorkflow[]> {
  try {
    const { items } = await restList<RestWorkflow>(
      reads,
      'GET /repos/{owner}/{repo}/actions/workflows',
      { owner: repository.owner, repo: repository.name, per_page: 100 },
      'workflows',
      MAX_WORKFLOW_PAGES,
    );
    return items;
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

export const workflowKind: KindDefinition<'workflow'> = {
  kind: 'workflow',
  scope: 'repository',
  resyncPage: (reads, _selector, cursor) =>
    repositoryWalkPage(reads, cursor, REPOSITORIES_PER_PAGE, async (repository) =>
      (await repositoryWorkflows(reads, repository)).map((workflow) => repositoryObjectById(workflow, repository)),
    ),
  events: {},
  permissions: { actions: 'read' },
};
