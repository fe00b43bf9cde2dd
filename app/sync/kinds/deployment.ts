/**
 * Deployments: `GET /repos/{owner}/{repo}/deployments` repository by repository (GitHub has no list of an account's
 * deployments, nor GraphQL that gives the REST fields): one request per repository and per 100 deployments, 20
 * requests per resync page. A `deployment` or `deployment_status` event writes the deployment it carries, read
 * again only when the payload lacks fields of the REST answer (older GitHub Enterprise Servers). GitHub sends no
 * event when a deployment is deleted: a resync removes it.
 */
import type { SelectorOf } from '../mapping/index.ts';
import type { KindDefinition, LiveHandler, RepositoryRef } from './kind-definition.ts';
import { mappedByNone, payloadObject, repositoryObjectById } from './repository-objects.ts';
import { perRepositoryPage, readOne, type RestList } from './rest-lists.ts';

const KIND = 'deployment';

/** Fields of the REST answer that some webhook payloads lack. */
const REST_ONLY = ['transient_environment', 'production_environment'];

function deploymentObject(item: Record<string, unknown>, repository: RepositoryRef) {
  return typeof item.id === 'number' ? repositoryObjectById({ ...item, id: item.id }, repository) : undefined;
}

const LIST: RestList = {
  kind: KIND,
  route: 'GET /repos/{owner}/{repo}/deployments',
  parameters: {},
  object: deploymentObject,
};

/** `task` and `environment`, GitHub's filters of the list, when the selector sets them. */
function filtersOf(selector: SelectorOf<'deployment'>): Record<string, string> {
  const filters: Record<string, string> = {};
  if (selector.task) filters.task = selector.task;
  if (selector.environment) filters.environment = selector.environment;
  return filters;
}

const event: LiveHandler = async (payload, reads) => {
  const carried = payloadObject(payload, 'deployment', 'id');
  if (!carried || (await mappedByNone(reads))) return [];
  const { repository, object: deployment, item } = carried;
  const whole = REST_ONLY.every((field) => field in deployment)
    ? deployment
    : await readOne(
        reads,
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}',
        { owner: repository.owner, repo: repository.name, deployment_id: carried.number },
        `${KIND} ${item} of ${repository.owner}/${repository.name}`,
      );
  const found = whole && deploymentObject(whole, repository);
  return [found ?? { object: null, item, repository }];
};

export const deployments: KindDefinition<'deployment'> = {
  kind: KIND,
  scope: 'repository',
  resyncPage: (reads, selector, cursor) =>
    perRepositoryPage(reads, { ...LIST, parameters: filtersOf(selector) }, cursor),
  selects: (selector, object) =>
    Object.entries(filtersOf(selector)).every(([key, value]) => (object as Record<string, unknown>)[key] === value),
  events: {
    'deployment.created': event,
    'deployment_status.created': event,
  },
  permissions: { deployments: 'read' },
};
