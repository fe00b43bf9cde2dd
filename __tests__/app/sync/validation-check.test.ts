/**
 * `validationCheck` on `file` patterns: a pull request changing files such a pattern reads on its base branch gets
 * a `wharf: file validation` check run on its head, with the files read at the head, mapped by their resource and
 * checked by the embedded catalog with validation_only (nothing written). Signed deliveries through the real App.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub } from '../../helpers/github-app.ts';
import { entity, recordedPayload, repositoryObject, settled, startSyncCatalog } from './sync-helpers.ts';

const ORG = 'validco';
const INSTALLATION = 8181;
const CHECK = 'wharf: file validation';
const README = '# api, as the pull request leaves it\n';

const CONFIG = `specPath: [gitops/port.yml]
resources:
  - kind: file
    selector:
      query: .content.kind == "service"
      files:
        - path: '**/service.yaml'
          validationCheck: true
        - path: 'docs/*.json'
        - path: 'raw/*.txt'
          skipParsing: true
          validationCheck: true
          repos: [other]
    port:
      entity:
        mappings:
          identifier: .content.name
          title: .content.title
          blueprint: '"svc"'
          properties:
            tier: .content.tier
            readme: file://README.md
`;

let github: FakeGithub;
let catalog: TestCatalog;
let api: FakeRepository;
let sha = 0;
const nextSha = () => (++sha).toString(16).padStart(40, 'a');

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  github.addRepository({ id: 81_001, name: '.github', owner: ORG, files: { '.github/port-app-config.yml': CONFIG } });
  api = github.addRepository({ id: 81_002, name: 'api', owner: ORG, files: { 'README.md': '# api\n' } });
  catalog = await startSyncCatalog(github);
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'svc',
    title: 'svc',
    // Only the README of the pull requests' heads is valid: the default branch's is not.
    schema: { properties: { tier: { type: 'number' }, readme: { type: 'string', enum: [README] } } },
  });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

function pullRequest(number: number, head: string, base = 'main'): Record<string, unknown> {
  const recorded = recordedPayload('pull_request', 'opened');
  const pull = recorded.pull_request as Record<string, unknown>;
  return {
    ...recorded,
    action: 'opened',
    number,
    pull_request: {
      ...pull,
      number,
      head: { ...(pull.head as object), sha: head },
      base: { ...(pull.base as object), ref: base },
    },
    repository: repositoryObject(api),
    organization: { login: ORG },
    installation: { id: INSTALLATION },
  };
}

async function opened(number: number, files: Record<string, string | null>, base = 'main') {
  const head = nextSha();
  api.commits = { ...api.commits, [head]: files };
  api.pullFiles = {
    ...api.pullFiles,
    [number]: Object.entries(files).map(([filename, text]) => ({
      filename,
      status: text === null ? 'removed' : 'modified',
    })),
  };
  expect((await deliverWebhook(catalog.url, 'pull_request', pullRequest(number, head, base))).status).toBe(200);
  await settled(catalog);
  return github.checkRuns.filter((check) => check.body.head_sha === head && check.body.name === CHECK);
}

test('entities Port would refuse, files that do not parse and mapping errors fail the check, naming each file', async () => {
  const runs = await opened(1, {
    'svc/service.yaml': 'kind: service\nname: api\ntitle: API\ntier: high\n',
    'broken/service.yaml': 'kind: service\nname: [unclosed\n',
    'bad-id/service.yaml': 'kind: service\nname: "not an identifier!"\ntier: 1\n',
    'docs/readme.json': '{"kind": "service", "name": "docs", "tier": "x"}',
    'gone/service.yaml': null,
    'README.md': README,
  });
  expect(runs).toHaveLength(1);
  const body = runs[0]!.body;
  expect(body).toMatchObject({ conclusion: 'failure', output: { title: 'Files: 3 problems' } });
  expect(body.output.annotations).toEqual([
    expect.objectContaining({
      path: 'bad-id/service.yaml',
      start_line: 1,
      message: expect.stringMatching(/identifier/),
    }),
    expect.objectContaining({
      path: 'broken/service.yaml',
      start_line: 3,
      message: expect.stringMatching(/^it is not YAML: Flow sequence/),
    }),
    expect.objectContaining({
      path: 'svc/service.yaml',
      title: 'svc/api',
      message: expect.stringMatching(/^Port refuses it: .*tier/),
    }),
  ]);
  // Validation only: nothing was written; the pattern without validationCheck (docs) and the removed file are not
  // checked.
  expect(await entity(catalog, 'svc', 'api')).toBeUndefined();
  expect(body.output.summary).not.toMatch(/docs|gone/);
});

test('valid files: success, with file:// values read at the head and files the query leaves out named', async () => {
  const runs = await opened(2, {
    'svc/service.yaml': 'kind: service\nname: api\ntitle: API\ntier: 2\n',
    'lib/service.yaml': 'kind: library\nname: lib\n',
    'README.md': README,
  });
  expect(runs.map((run) => run.body)).toEqual([
    expect.objectContaining({
      conclusion: 'success',
      output: expect.objectContaining({
        title: '1 entity valid',
        summary:
          "`lib/service.yaml`, `svc/service.yaml`: 1 entity as the mapping makes them; Port accepts them. The resources' queries leave out `lib/service.yaml`.",
      }),
    }),
  ]);
});

test('no check run when no validated pattern reads a changed file on the base branch', async () => {
  // Files only a pattern without validationCheck reads; a pattern of another repository; another base branch.
  expect(await opened(3, { 'docs/a.json': '{}', 'raw/notes.txt': 'text' })).toEqual([]);
  expect(await opened(4, { 'svc/service.yaml': 'kind: service\nname: api\ntier: 1\n' }, 'develop')).toEqual([]);
});
