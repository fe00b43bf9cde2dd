import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../../../helpers/catalog-server.ts';
import {
  compileResourceMapping,
  DEFAULT_PORT_APP_CONFIG,
  DEFAULT_SERVICE_BLUEPRINT,
  fileReferences,
  resolveEntityFiles,
  resolveFileReferences,
  type MappedEntity,
} from '../../../../app/sync/mapping/index.ts';
import { payloads, recorded } from './payloads.ts';

const mapping = compileResourceMapping(DEFAULT_PORT_APP_CONFIG.resources[0]!);

const codertocat = () => recorded('repository', 'repository', 'publicized', (repo) => repo.language === 'Ruby');
const octocoders = () => recorded('repository', 'repository', 'created');

async function mapOne(repository: object, files?: Record<string, string | null>): Promise<MappedEntity> {
  const [result] = await mapping.map([repository], files ? { includedFiles: [files] } : {});
  expect(result!.errors).toEqual([]);
  return result!.entities[0]!;
}

describe('the built-in default: repositories -> service', () => {
  test('asks the fetcher for README.md and the three places CODEOWNERS may be', () => {
    expect(mapping.kind).toBe('repository');
    expect(mapping.includedFiles).toEqual(['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS']);
    expect(mapping.fileReferencePaths).toEqual(['README.md']);
    expect(mapping.filesToFetch).toEqual(['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS', 'README.md']);
    expect(DEFAULT_PORT_APP_CONFIG).toMatchObject({ enableMergeEntity: true, entityDeletionThreshold: 0.9 });
  });

  test('maps a recorded repository payload', async () => {
    const entity = await mapOne(codertocat(), { '.github/CODEOWNERS': '* @Codertocat/maintainers\n' });
    expect(entity).toEqual({
      blueprint: 'service',
      identifier: 'Hello-World',
      title: 'Hello-World',
      properties: {
        url: 'https://github.com/Codertocat/Hello-World',
        description: null,
        language: 'Ruby',
        defaultBranch: 'master',
        visibility: 'public',
        topics: [],
        archived: false,
        readme: 'file://README.md',
        codeowners: '* @Codertocat/maintainers\n',
        lastPush: '2019-05-15T15:20:57Z',
      },
      relations: {},
    });
  });

  test('CODEOWNERS is read where GitHub reads it first; none gives null', async () => {
    const everywhere = { '.github/CODEOWNERS': 'a', CODEOWNERS: 'b', 'docs/CODEOWNERS': 'c' };
    expect((await mapOne(octocoders(), everywhere)).properties.codeowners).toBe('a');
    expect((await mapOne(octocoders(), { '.github/CODEOWNERS': null, CODEOWNERS: 'b' })).properties.codeowners).toBe(
      'b',
    );
    expect((await mapOne(octocoders(), { 'docs/CODEOWNERS': 'c' })).properties.codeowners).toBe('c');
    expect((await mapOne(octocoders())).properties.codeowners).toBeNull();
  });

  test('visibility without the visibility field, and the epoch seconds of push payloads', async () => {
    const push = payloads('push')[0]!.repository as Record<string, unknown>;
    expect(push.pushed_at).toBe(1557933657);
    const entity = await mapOne({ ...push, private: true });
    expect(entity.properties).toMatchObject({ visibility: 'private', lastPush: '2019-05-15T15:20:57Z' });
    const archived = await mapOne({ ...codertocat(), archived: true, topics: ['ruby', 'demo'] });
    expect(archived.properties).toMatchObject({ archived: true, topics: ['ruby', 'demo'] });
  });
});

describe('file:// values', () => {
  test('stay as markers that fileReferences lists and resolveFileReferences fills in', async () => {
    const entity = await mapOne(codertocat());
    expect(fileReferences(entity)).toEqual([{ field: 'properties.readme', path: 'README.md' }]);

    const resolved = resolveFileReferences(entity, new Map([['README.md', '# Hello-World\n']]));
    expect(resolved.properties.readme).toBe('# Hello-World\n');
    expect(fileReferences(resolved)).toEqual([]);
    // The entity itself is left as it was.
    expect(entity.properties.readme).toBe('file://README.md');

    // A repository without the file: null, as the vendor gives.
    expect(resolveFileReferences(entity, new Map([['README.md', null]])).properties.readme).toBeNull();
  });

  test('a path the caller did not fetch is a bug, not a silent null', async () => {
    const entity = await mapOne(codertocat());
    expect(() => resolveFileReferences(entity, new Map())).toThrow(
      'properties.readme: no content given for file://README.md (fetch the paths fileReferences lists)',
    );
  });

  test("a file:// string jq took from GitHub's object (a description) is data: kept, never a failed page", async () => {
    const hostile = await mapOne({ ...codertocat(), description: 'file://etc/passwd' });
    expect(hostile.properties.description).toBe('file://etc/passwd');
    const [resolved] = resolveEntityFiles([hostile], { 'README.md': '# Hello-World\n' }, ['README.md']);
    expect(resolved!.properties).toMatchObject({ readme: '# Hello-World\n', description: 'file://etc/passwd' });
    // A mapping without file:// values has no markers at all.
    const [kept] = resolveEntityFiles([hostile], {}, []);
    expect(kept!.properties.description).toBe('file://etc/passwd');
  });

  test('in title, team and relations too, with ./ and / in front of the path; jq may build a marker', () => {
    const entity: MappedEntity = {
      blueprint: 'service',
      identifier: 'svc',
      title: 'file://./TITLE',
      team: 'file:///TEAM',
      properties: { spec: 'file://docs/openapi.yaml', text: 'no file here', count: 3 },
      relations: { domain: 'file://DOMAIN', many: ['file://A'] },
    };
    expect(fileReferences(entity)).toEqual([
      { field: 'title', path: 'TITLE' },
      { field: 'team', path: 'TEAM' },
      { field: 'properties.spec', path: 'docs/openapi.yaml' },
      { field: 'relations.domain', path: 'DOMAIN' },
    ]);
    const contents = new Map([
      ['TITLE', 'Service'],
      ['TEAM', 'platform'],
      ['docs/openapi.yaml', 'openapi: 3.1.0'],
      ['DOMAIN', 'payments'],
    ]);
    expect(resolveFileReferences(entity, contents)).toEqual({
      ...entity,
      title: 'Service',
      team: 'platform',
      properties: { spec: 'openapi: 3.1.0', text: 'no file here', count: 3 },
      relations: { domain: 'payments', many: ['file://A'] },
    });
  });
});

describe('the default blueprint and entities in the embedded catalog', () => {
  let catalog: TestCatalog;
  beforeAll(async () => {
    catalog = await startTestCatalog();
  });
  afterAll(async () => {
    await catalog.close();
  });

  test('DEFAULT_SERVICE_BLUEPRINT is created, and the mapped repositories are written to it', async () => {
    const created = await catalog.api('POST', '/v1/blueprints', DEFAULT_SERVICE_BLUEPRINT);
    expect(created.status).toBe(201);

    const push = payloads('push')[0]!.repository as Record<string, unknown>;
    const results = await mapping.map([codertocat(), { ...push, name: 'pushed' }], {
      includedFiles: [{ CODEOWNERS: '* @Codertocat' }, {}],
    });
    const entities = results.flatMap((result) => result.entities);
    const contents = new Map([['README.md', '# Hello World\n']]);
    const bodies = entities.map((entity) => resolveFileReferences(entity, contents));
    const written = await catalog.api('POST', '/v1/blueprints/service/entities/bulk?upsert=true&merge=true', {
      entities: bodies,
    });
    expect(written.body).toMatchObject({ ok: true, errors: [] });
    expect(written.status).toBe(200);

    const stored = await catalog.api<{ entity: { properties: Record<string, unknown> } }>(
      'GET',
      '/v1/blueprints/service/entities/Hello-World',
    );
    expect(stored.body.entity.properties).toMatchObject({
      readme: '# Hello World\n',
      codeowners: '* @Codertocat',
      visibility: 'public',
      lastPush: '2019-05-15T15:20:57Z',
    });
  });
});
