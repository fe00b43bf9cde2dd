/**
 * The workflow and workflow-run kinds: a resync reads them over REST repository by repository (a bounded number of
 * repositories per page), the latest 100 runs of each workflow, with the vendor's `__repository`; stale deletion;
 * and a live workflow_run event (recorded payload) shaped the same.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../../helpers/fake-github.ts';
import { type FakeOrgData, restRun, restWorkflow, serveOrgData } from '../../../helpers/fake-org.ts';
import { deliverWebhook, releaseGithub, workflowRunPayload } from '../../../helpers/github-app.ts';
import {
  entity,
  identifiers,
  repositoryObject,
  resyncOwner,
  settled,
  startSyncCatalog,
  stringBlueprint,
} from '../sync-helpers.ts';

const ORG = 'wf-org';
const INSTALLATION = 8300;

/** The vendor's example mappings of the two kinds, related to the repository and to each other. */
const CONFIG = `
createMissingRelatedEntities: true
resources:
  - kind: workflow
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.id | tostring)
          title: .name
          blueprint: '"githubWorkflow"'
          properties:
            path: .path
            status: .state
            link: .html_url
            organization: .__organization
          relations:
            repository: .__repository
  - kind: workflow-run
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.id | tostring)
          title: .display_title
          blueprint: '"githubWorkflowRun"'
          properties:
            name: .name
            status: .status
            conclusion: .conclusion
            link: .html_url
          relations:
            workflow: .__repository + "-" + (.workflow_id | tostring)
`;

let github: FakeGithub;
let catalog: TestCatalog;
let data: FakeOrgData;
let api: FakeRepository;

/** A repository with `runs` runs of each of its workflows (newest first). */
function repository(id: number, name: string, workflows: Array<{ id: number; name: string; runs: number }>) {
  const added = github.addRepository({ id, name, owner: ORG, files: { 'README.md': `# ${name}\n` } });
  data.actions.set(`${ORG}/${name}`.toLowerCase(), {
    workflows: workflows.map((workflow) => restWorkflow(ORG, name, workflow.id, workflow.name)),
    runs: workflows.flatMap((workflow) =>
      Array.from({ length: workflow.runs }, (_, index) =>
        restRun(ORG, added, workflow, workflow.id * 1000 + index, { display_title: `${workflow.name} #${index}` }),
      ),
    ),
  });
  return added;
}

const restCalls = (from: number, pattern: RegExp) =>
  github.requests.slice(from).filter((request) => request.method === 'GET' && pattern.test(request.path)).length;

beforeAll(async () => {
  github = await startFakeGithub();
  data = serveOrgData(github);
  github.addInstallation(ORG, INSTALLATION);
  github.addRepository({ id: 83_000, name: '.github', owner: ORG, files: { '.github/port-app-config.yml': CONFIG } });
  data.actions.set(`${ORG}/.github`, { workflows: [], runs: [] });
  api = repository(83_001, 'api', [
    { id: 101, name: 'CI', runs: 2 },
    { id: 102, name: 'Deploy', runs: 1 },
  ]);
  // 150 runs in all: more than one page, so each workflow's latest 100 are read apart.
  repository(83_002, 'web', [
    { id: 201, name: 'Build', runs: 120 },
    { id: 202, name: 'Nightly', runs: 30 },
  ]);
  // Enough repositories for several resync pages of each kind.
  for (let index = 0; index < 22; index++) {
    repository(83_100 + index, `svc-${String(index).padStart(2, '0')}`, [{ id: 300 + index, name: 'CI', runs: 1 }]);
  }
  catalog = await startSyncCatalog(github);
  await stringBlueprint(catalog, 'githubRepository', []);
  await stringBlueprint(catalog, 'githubWorkflow', ['path', 'status', 'link', 'organization'], {
    repository: { title: 'Repository', target: 'githubRepository', many: false, required: false },
  });
  await stringBlueprint(catalog, 'githubWorkflowRun', ['name', 'status', 'conclusion', 'link'], {
    workflow: { title: 'Workflow', target: 'githubWorkflow', many: false, required: false },
  });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

test('a resync maps every workflow and the latest 100 runs of each, in few requests', async () => {
  const before = github.requests.length;
  expect(await resyncOwner(catalog, ORG)).toMatchObject({ state: 'completed', errors: 0 });

  expect(await entity(catalog, 'githubWorkflow', 'api-101')).toMatchObject({
    title: 'CI',
    properties: {
      path: '.github/workflows/ci.yml',
      status: 'active',
      link: `https://github.com/${ORG}/api/blob/main/.github/workflows/ci.yml`,
      organization: ORG,
    },
    relations: { repository: 'api' },
  });
  expect(await entity(catalog, 'githubRepository', 'api')).toBeDefined();
  expect(await entity(catalog, 'githubWorkflowRun', 'api-101000')).toMatchObject({
    title: 'CI #0',
    properties: { name: 'CI', link: `https://github.com/${ORG}/api/actions/runs/101000` },
    relations: { workflow: 'api-101' },
  });
  expect(await identifiers(catalog, 'githubWorkflow')).toHaveLength(2 + 2 + 22);
  const runs = await identifiers(catalog, 'githubWorkflowRun');
  expect(runs.filter((id) => id.startsWith('web-201'))).toHaveLength(100);
  expect(runs.filter((id) => id.startsWith('web-202'))).toHaveLength(30);
  expect(runs).toHaveLength(3 + 130 + 22);

  // Workflows: one list per repository. Runs: one list per repository, and for `web` its workflows and theirs.
  const repositories = 2 + 22 + 1;
  expect(restCalls(before, /\/actions\/workflows$/)).toBe(repositories + 1);
  expect(restCalls(before, /\/actions\/runs$/)).toBe(repositories);
  expect(restCalls(before, /\/actions\/workflows\/\d+\/runs$/)).toBe(2);
});

test('a workflow gone from GitHub loses its entity and its runs at the next resync', async () => {
  const actions = data.actions.get(`${ORG}/api`)!;
  actions.workflows = actions.workflows.filter((workflow) => workflow.id !== 102);
  actions.runs = actions.runs.filter((run) => run.workflow_id !== 102);
  expect(await resyncOwner(catalog, ORG)).toMatchObject({ state: 'completed', errors: 0 });
  expect(await entity(catalog, 'githubWorkflow', 'api-102')).toBeUndefined();
  expect(await entity(catalog, 'githubWorkflowRun', 'api-102000')).toBeUndefined();
  expect(await entity(catalog, 'githubWorkflow', 'api-101')).toBeDefined();
});

test('a repository GitHub answers 404 for (gone since it was listed) is read as empty, not as an error', async () => {
  data.actions.delete(`${ORG}/svc-21`);
  expect(await resyncOwner(catalog, ORG)).toMatchObject({ state: 'completed', errors: 0 });
  expect(await entity(catalog, 'githubWorkflow', 'svc-21-321')).toBeUndefined();
});

test('a live workflow_run carries __repository and __organization like a resync', async () => {
  const payload = workflowRunPayload('completed', { id: 555, name: 'CI', conclusion: 'success' });
  const run = payload.workflow_run as Record<string, unknown>;
  const workflow = (payload as unknown as { workflow: Record<string, unknown> }).workflow;
  const event = {
    ...payload,
    repository: repositoryObject(api),
    workflow_run: { ...run, workflow_id: 101, display_title: 'Live run' },
    workflow: { ...workflow, id: 101, name: 'CI', path: '.github/workflows/ci.yml' },
    installation: { id: INSTALLATION },
  };
  expect((await deliverWebhook(catalog.url, 'workflow_run', event)).status).toBe(200);
  await settled(catalog);
  expect(await entity(catalog, 'githubWorkflowRun', 'api-555')).toMatchObject({
    title: 'Live run',
    properties: { status: 'completed', conclusion: 'success' },
    relations: { workflow: 'api-101' },
  });
  expect(await entity(catalog, 'githubWorkflow', 'api-101')).toMatchObject({
    properties: { organization: ORG },
    relations: { repository: 'api' },
  });
});
