/**
 * Deployment environments: `GET /repos/{owner}/{repo}/environments` (`{ total_count, environments }`) repository by
 * repository: one request per repository and per 100 environments, 20 requests per resync page. GitHub has no
 * webhook event about environments; a `deployment` created reads its environment again
 * (`GET /repos/{owner}/{repo}/environments/{environment_name}`: a first deployment creates it), and resyncs keep
 * the rest (a deleted environment is removed by the next resync).
 */
import type { KindDefinition, LiveHandler, RepositoryRef } from './kind-definition.ts';
import { isRecord, mappedByNone, payloadRepository, repositoryObject } from './repository-objects.ts';
import { perRepositoryPage, readOne, type RestList } from './rest-lists.ts';

const KIND = 'environment';

function environmentObject(item: Record<string, unknown>, repository: RepositoryRef) {
  return typeof item.name === 'string' ? repositoryObject(item, item.name, repository) : undefined;
}

const LIST: RestList = {
  kind: KIND,
  route: 'GET /repos/{owner}/{repo}/environments',
  parameters: {},
  items: (data) => (isRecord(data) ? data.environments : undefined),
  object: environmentObject,
};

const deploymentCreated: LiveHandler = async (payload, reads) => {
  const repository = payloadRepository(payload);
  const deployment = payload.deployment;
  if (!repository || !isRecord(deployment) || typeof deployment.environment !== 'string') return [];
  if (await mappedByNone(reads)) return [];
  const name = deployment.environment;
  const read = await readOne(
    reads,
    'GET /repos/{owner}/{repo}/environments/{environment_name}',
    { owner: repository.owner, repo: repository.name, environment_name: name },
    `${KIND} ${name} of ${repository.owner}/${repository.name}`,
  );
  const found = read && environmentObject(read, repository);
  return [found ?? { object: null, item: name, repository }];
};

export const environments: KindDefinition<'environment'> = {
  kind: KIND,
  scope: 'repository',
  resyncPage: (reads, _selector, cursor) => perRepositoryPage(reads, LIST, cursor),
  events: { 'deployment.created': deploymentCreated },
  permissions: { actions: 'read' },
};
