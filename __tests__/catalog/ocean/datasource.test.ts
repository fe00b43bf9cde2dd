import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { migrations } from '../../../catalog/store/migrations.ts';
import { migrate } from '../../../src/sqlite/index.ts';
import { DATABASE_FILE } from '../../../catalog/store/index.ts';
import { startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../../helpers/catalog-server.ts';
import { OceanClient } from './ocean-client.ts';

let catalog: TestCatalog;
let github: OceanClient;
let otherGithub: OceanClient;
let jira: OceanClient;

const identifiersOf = (entities: { identifier: string }[]) => entities.map((e) => e.identifier).sort();

beforeAll(async () => {
  catalog = await startTestCatalog();
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'repo',
    title: 'Repository',
    schema: { properties: { lang: { type: 'string' } } },
  });
  github = new OceanClient(catalog.url, TEST_CREDENTIALS, { type: 'github', version: '1.2.3', identifier: 'gh-main' });
  otherGithub = new OceanClient(catalog.url, TEST_CREDENTIALS, {
    type: 'github',
    version: '1.2.3',
    identifier: 'gh-other',
  });
  jira = new OceanClient(catalog.url, TEST_CREDENTIALS, { type: 'jira', version: '0.9.0', identifier: 'gh-main' });
});
afterAll(async () => catalog.close());

describe('every write records its datasource', () => {
  test("Ocean's searches of its own entities find what it wrote, per integration and feature", async () => {
    expect((await github.upsertEntity({ identifier: 'a', blueprint: 'repo', properties: {} })).status).toBe(201);
    const bulk = await github.upsertEntitiesBulk('repo', [{ identifier: 'b', blueprint: 'repo' }], undefined, 'gitops');
    expect(bulk.status).toBe(200);
    expect((await otherGithub.upsertEntity({ identifier: 'c', blueprint: 'repo' })).status).toBe(201);
    expect((await jira.upsertEntity({ identifier: 'd', blueprint: 'repo' })).status).toBe(201);
    expect((await catalog.api('POST', '/v1/blueprints/repo/entities', { identifier: 'e' })).status).toBe(201);

    const exporter = await github.searchEntities('exporter');
    expect(exporter.status).toBe(200);
    expect(exporter.body.entities).toEqual([{ identifier: 'a', blueprint: 'repo' }]);
    expect(identifiersOf((await github.searchEntities('gitops')).body.entities)).toEqual(['b']);
    expect(identifiersOf((await otherGithub.searchEntities('exporter')).body.entities)).toEqual(['c']);
    expect(identifiersOf((await jira.searchEntities('exporter')).body.entities)).toEqual(['d']);
  });

  test("Ocean's own query with its rules nested in (search_batch_entities) is answered", async () => {
    const response = await github.searchEntities('exporter', {
      combinator: 'and',
      rules: [
        {
          combinator: 'or',
          rules: [
            {
              combinator: 'and',
              rules: [
                { property: '$identifier', operator: '=', value: 'a' },
                { property: '$blueprint', operator: '=', value: 'repo' },
              ],
            },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(identifiersOf(response.body.entities)).toEqual(['a']);
  });

  test('$datasource takes the operators of any text meta property; a write by any other client has none', async () => {
    const search = async (rule: Record<string, unknown>) => {
      const response = await catalog.api<{ entities: { identifier: string }[] }>('POST', '/v1/entities/search', {
        combinator: 'and',
        rules: [rule],
      });
      expect(response.status).toBe(200);
      return identifiersOf(response.body.entities);
    };
    expect(
      await search({ property: '$datasource', operator: '=', value: 'port-ocean/github/1.2.3/gh-main/exporter' }),
    ).toEqual(['a']);
    expect(await search({ property: '$datasource', operator: 'beginsWith', value: 'port-ocean/github/' })).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(await search({ property: '$datasource', operator: 'endsWith', value: '/gh-main/exporter' })).toEqual([
      'a',
      'd',
    ]);
    expect(await search({ property: '$datasource', operator: 'isEmpty' })).toEqual(['e']);
    expect(await search({ property: '$datasource', operator: 'doesNotContains', value: 'github' })).toEqual(['d', 'e']);
  });

  test('the last writer owns an entity: another integration or client taking it over takes it out of the first', async () => {
    await otherGithub.upsertEntity({ identifier: 'taken', blueprint: 'repo' });
    expect(identifiersOf((await otherGithub.searchEntities('exporter')).body.entities)).toContain('taken');
    await github.upsertEntity({ identifier: 'taken', blueprint: 'repo' });
    expect(identifiersOf((await otherGithub.searchEntities('exporter')).body.entities)).not.toContain('taken');
    expect(identifiersOf((await github.searchEntities('exporter')).body.entities)).toContain('taken');
    await catalog.api('PATCH', '/v1/blueprints/repo/entities/taken', { title: 'by hand' });
    expect(identifiersOf((await github.searchEntities('exporter')).body.entities)).not.toContain('taken');
  });

  test('a User-Agent that only resembles Ocean’s, or is too long, records none', async () => {
    const write = async (identifier: string, userAgent: string) => {
      const response = await catalog.api(
        'POST',
        '/v1/blueprints/repo/entities',
        { identifier },
        {
          'user-agent': userAgent,
        },
      );
      expect(response.status).toBe(201);
    };
    await write('ua-1', 'Port-Ocean/github/1/gh-main/exporter');
    await write('ua-2', 'mozilla port-ocean/github/1/gh-main/exporter');
    await write('ua-3', `port-ocean/github/1/${'x'.repeat(600)}/exporter`);
    const response = await catalog.api<{ entities: { identifier: string }[] }>('POST', '/v1/entities/search', {
      combinator: 'and',
      rules: [
        { property: '$identifier', operator: 'beginsWith', value: 'ua-' },
        { property: '$datasource', operator: 'isEmpty' },
      ],
    });
    expect(identifiersOf(response.body.entities)).toEqual(['ua-1', 'ua-2', 'ua-3']);
  });

  test('the entity JSON is the contract’s, without the datasource', async () => {
    const response = await github.send<{ entity: Record<string, unknown> }>('GET', '/blueprints/repo/entities/a');
    expect(Object.keys(response.body.entity).sort()).toEqual([
      'blueprint',
      'createdAt',
      'createdBy',
      'identifier',
      'properties',
      'relations',
      'team',
      'title',
      'updatedAt',
      'updatedBy',
    ]);
  });
});

describe('a catalog written before datasources existed', () => {
  /** The catalog in `dataDir` rewritten as the release before datasources kept it: schema 3, the same rows. */
  function rewriteAtSchema3(dataDir: string): void {
    const file = join(dataDir, DATABASE_FILE);
    const current = new DatabaseSync(file);
    const blueprints = current.prepare('SELECT * FROM blueprints').all();
    const entities = current
      .prepare(
        `SELECT blueprint, identifier, title, icon, team, json(properties) AS properties, relations, created_at,
          created_by, updated_at, updated_by FROM entities`,
      )
      .all();
    current.close();
    rmSync(file);
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    const older = new DatabaseSync(file);
    migrate(older, migrations.slice(0, 3));
    const insert = (table: string, rows: Record<string, unknown>[], jsonb: string[] = []) => {
      for (const row of rows) {
        const columns = Object.keys(row);
        const values = columns.map((column) => (jsonb.includes(column) ? 'jsonb(?)' : '?'));
        older
          .prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})`)
          .run(...(Object.values(row) as SQLInputValue[]));
      }
    };
    insert('blueprints', blueprints);
    insert('entities', entities, ['properties']);
    older.close();
  }

  test('opens with its entities kept and no datasource on them; new writes record theirs', async () => {
    const previous = await startTestCatalog();
    await previous.api('POST', '/v1/blueprints', { identifier: 'svc', title: 'Service', schema: { properties: {} } });
    await previous.api('POST', '/v1/blueprints/svc/entities', { identifier: 'old', properties: {} });
    await previous.close({ keepData: true });
    rewriteAtSchema3(previous.dataDir);

    const reopened = await startTestCatalog({ dataDir: previous.dataDir });
    try {
      const ocean = new OceanClient(reopened.url, TEST_CREDENTIALS, { type: 'k8s', version: '1', identifier: 'k' });
      expect((await ocean.upsertEntity({ identifier: 'new', blueprint: 'svc' })).status).toBe(201);
      const old = await reopened.api<{ entity: { identifier: string } }>('GET', '/v1/blueprints/svc/entities/old');
      expect(old.body.entity.identifier).toBe('old');
      expect(identifiersOf((await ocean.searchEntities('exporter')).body.entities)).toEqual(['new']);
      const none = await reopened.api<{ entities: { identifier: string }[] }>('POST', '/v1/entities/search', {
        combinator: 'and',
        rules: [{ property: '$datasource', operator: 'isEmpty' }],
      });
      expect(identifiersOf(none.body.entities)).toEqual(['old']);
    } finally {
      await reopened.close();
    }
  });
});
