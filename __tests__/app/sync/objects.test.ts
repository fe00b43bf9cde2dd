import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub, workflowRunPayload } from '../../helpers/github-app.ts';
import { entity, INSTALLATION, recordedPayload, repositoryObject, settled, startSyncCatalog } from './sync-helpers.ts';

const ORG = 'objects-org';

/** Pull requests, workflows and workflow runs, from the organization's `.github` repository (no .github-private). */
const CONFIG = `
createMissingRelatedEntities: true
resources:
  - kind: pull-request
    selector:
      query: .draft | not
      states: [open, closed]
    port:
      entity:
        mappings:
          identifier: .base.repo.name + "-" + (.number | tostring)
          title: .title
          blueprint: '"githubPullRequest"'
          properties:
            status: .state
            author: .user.login
            link: .html_url
          relations:
            repository: .base.repo.name
  - kind: workflow
    port:
      entity:
        mappings:
          identifier: '"workflow-" + (.id | tostring)'
          title: .name
          blueprint: '"githubWorkflow"'
          properties:
            path: .path
  - kind: workflow-run
    port:
      entity:
        mappings:
          identifier: .repository.name + "-run-" + (.id | tostring)
          title: .name
          blueprint: '"githubWorkflowRun"'
          properties:
            status: .status
            conclusion: .conclusion
`;

let github: FakeGithub;
let catalog: TestCatalog;
let repo: FakeRepository;

async function deliver(event: string, payload: unknown): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  github.addRepository({ id: 1, name: '.github', owner: ORG, files: { '.github/port-app-config.yml': CONFIG } });
  repo = github.addRepository({ id: 2, name: 'Hello-World', owner: ORG, files: {} });
  catalog = await startSyncCatalog(github);
  const blueprint = (identifier: string, properties: string[], relations = {}) =>
    catalog.api('POST', '/v1/blueprints', {
      identifier,
      title: identifier,
      schema: { properties: Object.fromEntries(properties.map((name) => [name, { type: 'string' }])) },
      relations,
    });
  await blueprint('service', []);
  await blueprint('githubPullRequest', ['status', 'author', 'link'], {
    repository: { title: 'Repository', target: 'service', many: false, required: false },
  });
  await blueprint('githubWorkflow', ['path']);
  await blueprint('githubWorkflowRun', ['status', 'conclusion']);
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

function pullRequestEvent(action: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const recorded = recordedPayload('pull_request', 'opened');
  return {
    ...recorded,
    action,
    pull_request: { ...(recorded.pull_request as object), ...changes },
    repository: repositoryObject(repo),
    installation: { id: INSTALLATION },
  };
}

test('pull requests: opened writes an entity with its relation, closed updates it, a draft leaves the selector', async () => {
  await deliver('pull_request', pullRequestEvent('opened'));
  expect(await entity(catalog, 'githubPullRequest', 'Hello-World-2')).toMatchObject({
    title: 'Update the README with new information.',
    properties: { status: 'open', author: 'Codertocat', link: 'https://github.com/Codertocat/Hello-World/pull/2' },
    relations: { repository: 'Hello-World' },
  });
  // The relation's target did not exist: createMissingRelatedEntities made it.
  expect(await entity(catalog, 'service', 'Hello-World')).toBeDefined();

  // Closed ones are read when updated within `since` days (60 by default), as the vendor reads them.
  const now = new Date().toISOString();
  await deliver('pull_request', pullRequestEvent('closed', { state: 'closed', updated_at: now, closed_at: now }));
  expect((await entity(catalog, 'githubPullRequest', 'Hello-World-2'))!.properties.status).toBe('closed');

  await deliver('pull_request', pullRequestEvent('converted_to_draft', { draft: true }));
  expect(await entity(catalog, 'githubPullRequest', 'Hello-World-2')).toBeUndefined();
});

test('workflow_run: the run and its workflow become entities, next to the reporting part of the App', async () => {
  const payload = workflowRunPayload('completed', { id: 777, name: 'CI', conclusion: 'success' });
  const run = payload.workflow_run as Record<string, unknown>;
  const event = {
    ...payload,
    repository: repositoryObject(repo),
    workflow_run: { ...run, repository: { ...(run.repository as object), name: 'Hello-World' } },
  };
  await deliver('workflow_run', event);
  expect(await entity(catalog, 'githubWorkflowRun', 'Hello-World-run-777')).toMatchObject({
    title: 'CI',
    properties: { status: 'completed', conclusion: 'success' },
  });
  const workflow = (event as { workflow?: { id: number; path: string } }).workflow;
  expect(await entity(catalog, 'githubWorkflow', `workflow-${workflow!.id}`)).toMatchObject({
    properties: { path: workflow!.path },
  });
  // One query for the configuration (the repository's own, .github-private, .github), cached after.
  const before = github.requests.length;
  await deliver('workflow_run', { ...event, workflow_run: { ...event.workflow_run, id: 778 } });
  expect(github.requests.length - before).toBe(0);
  expect(await entity(catalog, 'githubWorkflowRun', 'Hello-World-run-778')).toBeDefined();
});

test('a burst of workflow_run events on a repository not seen yet reads its configuration once', async () => {
  const fresh = github.addRepository({ id: 3, name: 'burst', owner: ORG, files: {} });
  const payload = workflowRunPayload('completed', { name: 'CI', conclusion: 'success' });
  const run = payload.workflow_run as Record<string, unknown>;
  const before = github.requests.length;
  const responses = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      deliverWebhook(catalog.url, 'workflow_run', {
        ...payload,
        repository: repositoryObject(fresh),
        workflow_run: { ...run, id: 900 + i, repository: { ...(run.repository as object), name: 'burst' } },
      }),
    ),
  );
  expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
  await settled(catalog);
  const configReads = github.requests.slice(before).filter((request) => request.path === '/graphql');
  expect(configReads).toHaveLength(1);
  for (let i = 0; i < 10; i++) expect(await entity(catalog, 'githubWorkflowRun', `burst-run-${900 + i}`)).toBeDefined();
});
