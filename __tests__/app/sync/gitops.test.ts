import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { TEST_CREDENTIALS, type TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub } from '../../helpers/github-app.ts';
import {
  entity,
  identifiers,
  INSTALLATION,
  OWNER,
  pushEvent,
  recordedPayload,
  repositoryObject,
  settled,
  startSyncCatalog,
} from './sync-helpers.ts';

let github: FakeGithub;
let catalog: TestCatalog;
let billing: FakeRepository;
let sha = 1;
const nextSha = () => `a${(sha++).toString(16).padStart(39, '0')}`;

const ENVIRONMENTS = `# Environments of billing
- identifier: billing-prod
  blueprint: environment
  title: Billing production
  properties:
    region: eu-west-1
    replicas: 3
    runbook: file://docs/prod.md
- identifier: billing-staging
  blueprint: environment
  properties:
    region: eu-west-1
    replicas: 1
`;

async function deliver(event: string, payload: unknown): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

/** Commits `files` (text, or null to delete) to billing's default branch and delivers the push. */
async function push(files: Record<string, string | null>) {
  const after = nextSha();
  const change: { added: string[]; modified: string[]; removed: string[] } = { added: [], modified: [], removed: [] };
  for (const [path, text] of Object.entries(files)) {
    if (text === null) change.removed.push(path);
    else if (billing.files?.[path] === undefined) change.added.push(path);
    else change.modified.push(path);
    github.setFile(OWNER, 'billing', path, text);
  }
  await deliver('push', pushEvent(billing, after, change));
  return github.checkRuns.find((run) => run.body.head_sha === after);
}

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(OWNER, INSTALLATION);
  catalog = await startSyncCatalog(github);
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'environment',
    title: 'Environment',
    schema: {
      properties: {
        region: { type: 'string' },
        replicas: { type: 'number' },
        runbook: { type: 'string', format: 'markdown' },
        owner: { type: 'string' },
      },
    },
  });
  billing = github.addRepository({
    id: 77,
    name: 'billing',
    owner: OWNER,
    language: 'Go',
    files: { 'README.md': '# billing\n', 'docs/prod.md': '# Prod runbook\n' },
  });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

describe('port.yml on the default branch', () => {
  test('added: its entities are written, file:// values relative to the file, and a check run says so', async () => {
    const run = await push({ 'port.yml': ENVIRONMENTS });
    expect(await entity(catalog, 'environment', 'billing-prod')).toMatchObject({
      title: 'Billing production',
      properties: { region: 'eu-west-1', replicas: 3, runbook: '# Prod runbook\n' },
    });
    expect(await entity(catalog, 'environment', 'billing-staging')).toBeDefined();
    expect(run!.body).toMatchObject({
      name: 'wharf: GitOps',
      conclusion: 'success',
      output: { title: '2 entities written' },
    });
  });

  test('a file deeper in the tree with file:// going up a folder', async () => {
    await push({
      'deploy/eu/port.yml':
        'identifier: billing-eu\nblueprint: environment\nproperties:\n  runbook: file://../../docs/prod.md\n',
    });
    expect((await entity(catalog, 'environment', 'billing-eu'))!.properties.runbook).toBe('# Prod runbook\n');
  });

  test('changed: entities it no longer holds are deleted, only those, and the rest are updated', async () => {
    await catalog.api('POST', '/v1/blueprints/environment/entities', { identifier: 'by-hand', properties: {} });
    const prodOnly = ENVIRONMENTS.slice(0, ENVIRONMENTS.indexOf('- identifier: billing-staging')).replace(
      'replicas: 3',
      'replicas: 5',
    );
    await push({ 'port.yml': prodOnly });
    expect(await entity(catalog, 'environment', 'billing-staging')).toBeUndefined();
    expect((await entity(catalog, 'environment', 'billing-prod'))!.properties.replicas).toBe(5);
    // Another file's entity and an entity nobody's file holds are left alone.
    expect(await entity(catalog, 'environment', 'billing-eu')).toBeDefined();
    expect(await entity(catalog, 'environment', 'by-hand')).toBeDefined();
  });

  test('an entity the mapping also writes survives the file letting go of it', async () => {
    // The service of the repository, enriched from a port.yml as teams do: two sources for one entity.
    await deliver('repository', {
      ...recordedPayload('repository', 'edited'),
      repository: repositoryObject(billing),
      installation: { id: INSTALLATION },
    });
    await push({
      'service/port.yml': 'identifier: billing\nblueprint: service\nproperties:\n  description: from port.yml\n',
    });
    expect((await entity(catalog, 'service', 'billing'))!.properties.description).toBe('from port.yml');
    await push({ 'service/port.yml': null });
    expect(await entity(catalog, 'service', 'billing')).toBeDefined();
  });

  test('broken: a failed check run points at the line, and the file’s entities stay as they were', async () => {
    const run = await push({
      'port.yml': '- identifier: billing-prod\n  blueprint: environment\n  propertes:\n    region: x\n',
    });
    expect(run!.body.conclusion).toBe('failure');
    expect(run!.body.output.summary).toMatch(
      /`port.yml` line 3, column 3: `\[0\]\.propertes`: unknown key \(expected identifier/,
    );
    expect(run!.body.output.annotations).toEqual([
      expect.objectContaining({ path: 'port.yml', start_line: 3, annotation_level: 'failure' }),
    ]);
    expect((await entity(catalog, 'environment', 'billing-prod'))!.properties.replicas).toBe(5);

    const missing = await push({
      'port.yml': 'identifier: billing-prod\nblueprint: environment\nproperties:\n  runbook: file://nowhere.md\n',
    });
    expect(missing!.body.output.summary).toMatch(
      /line 4, column 12: `properties\.runbook`: "file:\/\/nowhere\.md" is not in the repository/,
    );
    expect(await entity(catalog, 'environment', 'billing-prod')).toBeDefined();
  });

  test('removed: every entity it held is deleted', async () => {
    await push({ 'port.yml': ENVIRONMENTS });
    expect(await entity(catalog, 'environment', 'billing-staging')).toBeDefined();
    await push({ 'port.yml': null });
    expect(await entity(catalog, 'environment', 'billing-prod')).toBeUndefined();
    expect(await entity(catalog, 'environment', 'billing-staging')).toBeUndefined();
    expect(await entity(catalog, 'environment', 'billing-eu')).toBeDefined();
  });

  test('a push to another branch changes nothing', async () => {
    const after = nextSha();
    github.setFile(OWNER, 'billing', 'port.yml', ENVIRONMENTS);
    await deliver('push', { ...pushEvent(billing, after, { added: ['port.yml'] }), ref: 'refs/heads/feature' });
    expect(await entity(catalog, 'environment', 'billing-prod')).toBeUndefined();
    github.setFile(OWNER, 'billing', 'port.yml', null);
  });

  test('a resync reads the port.yml at the root of each repository', async () => {
    github.setFile(OWNER, 'billing', 'port.yml', ENVIRONMENTS);
    const response = await fetch(`${catalog.url}/api/resync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}` },
      body: JSON.stringify({ owner: OWNER }),
    });
    expect(response.status).toBe(202);
    await settled(catalog);
    expect(await identifiers(catalog, 'environment')).toEqual(
      expect.arrayContaining(['billing-prod', 'billing-staging', 'billing-eu']),
    );
  });
});

describe('pull requests that change GitOps files', () => {
  function pullRequest(number: number, head: string): Record<string, unknown> {
    const recorded = recordedPayload('pull_request', 'opened');
    const pull = recorded.pull_request as Record<string, unknown>;
    return {
      ...recorded,
      action: 'opened',
      number,
      pull_request: { ...pull, number, head: { ...(pull.head as object), sha: head } },
      repository: repositoryObject(billing),
      installation: { id: INSTALLATION },
    };
  }

  test('a check run names each entity Port would refuse, at the line of the property', async () => {
    const head = nextSha();
    billing.commits = {
      ...billing.commits,
      [head]: {
        'port.yml': `- identifier: billing-prod
  blueprint: environment
  properties:
    region: eu-west-1
    replicas: three
- identifier: billing-dr
  blueprint: nonexistent
- identifier: billing-ok
  blueprint: environment
  properties:
    owner: file://OWNERS
`,
        OWNERS: 'payments\n',
      },
    };
    billing.pullFiles = {
      12: [
        { filename: 'port.yml', status: 'modified' },
        { filename: 'README.md', status: 'modified' },
      ],
    };
    await deliver('pull_request', pullRequest(12, head));
    const run = github.checkRuns.find((check) => check.body.head_sha === head);
    expect(run!.body).toMatchObject({
      name: 'wharf: GitOps',
      conclusion: 'failure',
      output: { title: 'GitOps files: 2 problems' },
    });
    expect(run!.body.output.annotations).toEqual([
      expect.objectContaining({ path: 'port.yml', start_line: 5, title: 'properties.replicas' }),
      expect.objectContaining({ path: 'port.yml', start_line: 6, title: '[1]' }),
    ]);
    expect(run!.body.output.summary).toMatch(/Port refuses environment\/billing-prod: .*replicas/);
    expect(run!.body.output.summary).toMatch(/Port refuses nonexistent\/billing-dr/);
    // Validation only: nothing was written.
    expect(await entity(catalog, 'environment', 'billing-ok')).toBeUndefined();
  });

  test('valid files: a successful check run; a pull request that touches none gets none', async () => {
    const head = nextSha();
    billing.commits = { ...billing.commits, [head]: { 'port.yml': ENVIRONMENTS } };
    billing.pullFiles = { 13: [{ filename: 'port.yml', status: 'added' }] };
    await deliver('pull_request', pullRequest(13, head));
    expect(github.checkRuns.find((check) => check.body.head_sha === head)!.body).toMatchObject({
      conclusion: 'success',
      output: { title: '2 entities validated' },
    });

    const other = nextSha();
    billing.pullFiles = { 14: [{ filename: 'src/main.go', status: 'modified' }] };
    await deliver('pull_request', pullRequest(14, other));
    expect(github.checkRuns.find((check) => check.body.head_sha === other)).toBeUndefined();
  });
});
