import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { TEST_CREDENTIALS, type TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub } from '../../helpers/github-app.ts';
import {
  entity,
  identifiers,
  INSTALLATION,
  pushEvent,
  repositoryEvent,
  settled,
  startSyncCatalog,
} from './sync-helpers.ts';

const CONFIG = '.github/port-app-config.yml';
const ORG = 'custom-org';

/** The custom mapping: a selector, includedFiles, a relation, and topics as entities of their own (itemsToParse). */
const CUSTOM = `
createMissingRelatedEntities: true
enableMergeEntity: false
resources:
  - kind: repository
    selector:
      query: .archived == false and (.name | startswith(".") | not)
      includedFiles:
        - OWNER
    port:
      entity:
        mappings:
          identifier: .name
          title: .name | ascii_upcase
          blueprint: '"microservice"'
          properties:
            language: .language
            readme: file://README.md
            owner: (.__includedFiles["OWNER"] // "nobody") | rtrimstr("\\n")
          relations:
            team: '[.topics[] | select(startswith("team-")) | ltrimstr("team-")] | first'
  - kind: repository
    selector:
      query: .name | startswith(".") | not
    port:
      itemsToParse: .topics
      entity:
        mappings:
          identifier: .item
          title: .item
          blueprint: '"topic"'
          properties:
            repository: .name
`;

let github: FakeGithub;
let catalog: TestCatalog;
const warnings: string[] = [];
let configRepo: FakeRepository;
let sha = 1;
const nextSha = () => (sha++).toString(16).padStart(40, '0');

async function deliver(event: string, payload: unknown): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

async function resyncOrg(): Promise<void> {
  const response = await fetch(`${catalog.url}/api/resync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}` },
    body: JSON.stringify({ owner: ORG }),
  });
  expect(response.status).toBe(202);
  await settled(catalog);
}

/** Pushes a new config to the organization's .github-private and answers the check run on that commit. */
async function pushConfig(text: string) {
  const after = nextSha();
  configRepo.files![CONFIG] = text;
  await deliver('push', pushEvent(configRepo, after, { modified: [CONFIG] }));
  return github.checkRuns.find((run) => run.body.head_sha === after);
}

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  catalog = await startSyncCatalog(github, {}, { warn: (message) => warnings.push(message) });
  await catalog.api('POST', '/v1/blueprints', { identifier: 'team', title: 'Team', schema: { properties: {} } });
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'microservice',
    title: 'Microservice',
    schema: {
      properties: {
        language: { type: 'string' },
        readme: { type: 'string', format: 'markdown' },
        owner: { type: 'string' },
      },
    },
    relations: { team: { title: 'Team', target: 'team', many: false, required: false } },
  });
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'topic',
    title: 'Topic',
    schema: { properties: { repository: { type: 'string' } } },
  });
  configRepo = github.addRepository({ id: 1, name: '.github-private', owner: ORG, files: { [CONFIG]: CUSTOM } });
  github.addRepository({
    id: 2,
    name: 'api',
    owner: ORG,
    language: 'Go',
    topics: ['team-core', 'http'],
    files: { 'README.md': '# api\n', OWNER: 'alice\n' },
  });
  github.addRepository({ id: 3, name: 'web', owner: ORG, language: 'TypeScript', topics: ['team-front'], files: {} });
  github.addRepository({ id: 4, name: 'old', owner: ORG, archived: true, topics: ['legacy'], files: {} });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

describe('a custom mapping in the organization’s .github-private', () => {
  test('selector, includedFiles, file://, relations and itemsToParse, end to end by a resync', async () => {
    await resyncOrg();
    expect(await identifiers(catalog, 'microservice')).toEqual(['api', 'web']);
    expect(await entity(catalog, 'microservice', 'api')).toMatchObject({
      title: 'API',
      properties: { language: 'Go', readme: '# api\n', owner: 'alice' },
      relations: { team: 'core' },
    });
    expect(await entity(catalog, 'microservice', 'web')).toMatchObject({
      properties: { owner: 'nobody' },
      relations: { team: 'front' },
    });
    // The relation's targets did not exist: createMissingRelatedEntities made them.
    expect(await identifiers(catalog, 'team')).toEqual(['core', 'front']);
    expect(await identifiers(catalog, 'topic')).toEqual(['http', 'legacy', 'team-core', 'team-front']);
    expect((await entity(catalog, 'topic', 'legacy'))!.properties.repository).toBe('old');
    // The custom mapping writes no service: the built-in default is not in force, its blueprint not created.
    expect((await catalog.api('GET', '/v1/blueprints/service')).status).toBe(404);
  });

  test('live events use it too: an archived repository leaves the selector and its entity goes', async () => {
    const web = github.repository(ORG, 'web');
    web.archived = true;
    await deliver('repository', repositoryEvent('archived', web));
    expect(await entity(catalog, 'microservice', 'web')).toBeUndefined();
    // Its topics still map (that resource selects archived repositories too).
    expect(await entity(catalog, 'topic', 'team-front')).toBeDefined();
    web.archived = false;
    await deliver('repository', repositoryEvent('unarchived', web));
    expect(await entity(catalog, 'microservice', 'web')).toBeDefined();
  });
});

describe('a configuration that does not parse', () => {
  const broken: Array<[string, string, RegExp]> = [
    [
      'YAML syntax',
      'resources:\n  - kind: repository\n    port: [unclosed\n',
      /line \d+, column \d+: YAML syntax error/,
    ],
    [
      'an unknown key',
      CUSTOM.replace('enableMergeEntity: false', 'enableMergeEntities: false'),
      /line 3, column 1: `enableMergeEntities`: unknown key/,
    ],
    [
      'a jq expression that does not compile',
      CUSTOM.replace('identifier: .name\n', 'identifier: .name |\n'),
      /line 13, column \d+: `resources\[0\]\.port\.entity\.mappings\.identifier`: jq does not compile/,
    ],
    [
      'a missing identifier',
      CUSTOM.replace('          identifier: .item\n', ''),
      /`resources\[1\]\.port\.entity\.mappings\.identifier`: required/,
    ],
    [
      'an unknown kind',
      'resources:\n  - kind: repo\n    port: {entity: {mappings: {identifier: .name, blueprint: "\\"x\\""}}}\n',
      /line 2, column 11: `resources\[0\]\.kind`: unknown kind "repo"/,
    ],
    [
      'a threshold out of range',
      `entityDeletionThreshold: 2\n${CUSTOM}`,
      /line 1, column 26: `entityDeletionThreshold`: expected a number from 0 to 1, got 2/,
    ],
  ];

  test.each(broken)(
    '%s: a failed check run on the commit names the file, line and field',
    async (_name, text, problem) => {
      warnings.length = 0;
      const run = await pushConfig(text);
      expect(run).toBeDefined();
      expect(run!.body.name).toBe('wharf: port-app-config.yml');
      expect(run!.body.conclusion).toBe('failure');
      expect(run!.body.output.title).toMatch(
        /^\.github\/port-app-config\.yml: \d+ problems?; its last version that parsed stays in force$/,
      );
      expect(run!.body.output.summary).toMatch(problem);
      expect(run!.body.output.annotations![0]).toMatchObject({ path: CONFIG, annotation_level: 'failure' });
      expect(warnings.join('\n')).toMatch(
        /custom-org\/\.github-private:\.github\/port-app-config\.yml does not parse, the last good one .* stays in force/,
      );
    },
  );

  test('the last good configuration stays in force, for live events and resyncs alike', async () => {
    await pushConfig('resources: [');
    const api = github.repository(ORG, 'api');
    api.language = 'Rust';
    await deliver('repository', repositoryEvent('edited', api));
    expect((await entity(catalog, 'microservice', 'api'))!.properties.language).toBe('Rust');
    await resyncOrg();
    expect(await identifiers(catalog, 'microservice')).toEqual(['api', 'web']);
    expect((await catalog.api('GET', '/v1/blueprints/service')).status).toBe(404);
  });

  test('fixing it: a successful check run, and a full resync with the new configuration', async () => {
    const run = await pushConfig(CUSTOM.replace('.name | ascii_upcase', `'"svc " + .name'`));
    expect(run!.body).toMatchObject({
      conclusion: 'success',
      output: { title: '.github/port-app-config.yml is valid' },
    });
    expect((await entity(catalog, 'microservice', 'api'))!.title).toBe('svc api');
    expect((await catalog.server.wharfApp.sync!.store.latestResync(INSTALLATION))!.reason).toBe(
      'custom-org/.github-private:.github/port-app-config.yml changed',
    );
  });
});

describe('a repository’s own configuration', () => {
  test('is in force for that repository only, and falls back to the organization’s when it does not parse', async () => {
    const own = `
resources:
  - kind: repository
    port:
      entity:
        mappings:
          identifier: '"own-" + .name'
          blueprint: '"topic"'
          properties:
            repository: .full_name
`;
    const solo = github.addRepository({ id: 5, name: 'solo', owner: ORG, topics: [], files: { [CONFIG]: own } });
    await deliver('repository', repositoryEvent('created', solo));
    expect(await entity(catalog, 'topic', 'own-solo')).toMatchObject({ properties: { repository: 'custom-org/solo' } });
    expect(await entity(catalog, 'microservice', 'solo')).toBeUndefined();

    // A broken file of its own with no good version before it: the organization's configuration applies.
    const fresh = github.addRepository({
      id: 6,
      name: 'fresh',
      owner: ORG,
      topics: [],
      files: { [CONFIG]: 'resources: 3' },
    });
    await deliver('repository', repositoryEvent('created', fresh));
    expect(await entity(catalog, 'microservice', 'fresh')).toBeDefined();

    // The repository's file breaks later: its last good version stays in force, and the push gets a check run.
    const after = nextSha();
    solo.files![CONFIG] = 'resources:\n  - kind: repository\n    port: {}\n';
    await deliver('push', pushEvent(solo, after, { modified: [CONFIG] }));
    const run = github.checkRuns.find((check) => check.body.head_sha === after);
    expect(run!.body.conclusion).toBe('failure');
    expect(run!.body.output.summary).toMatch(/line 3, column 11: `resources\[0\]\.port\.entity`: required/);
    solo.description = 'still mapped the old way';
    await deliver('repository', repositoryEvent('edited', solo));
    expect(await entity(catalog, 'topic', 'own-solo')).toBeDefined();
    expect(await entity(catalog, 'microservice', 'solo')).toBeUndefined();
  });
});
