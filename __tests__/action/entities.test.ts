import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { connection, jsonOutput, runAction } from './run-action.ts';

let catalog: TestCatalog;
let base: Record<string, string>;

type Entity = {
  identifier: string;
  title?: string;
  blueprint: string;
  team?: string[];
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
};
type Audit = { action: string; identifier: string; context?: { runId?: string } };

beforeAll(async () => {
  catalog = await startTestCatalog();
  base = connection(catalog.url);
  for (const blueprint of [
    { identifier: 'team_bp', title: 'Team', schema: { properties: {} } },
    {
      identifier: 'service',
      title: 'Service',
      schema: {
        properties: {
          language: { type: 'string', enum: ['Go', 'Python', 'TypeScript'] },
          version: { type: 'string' },
          replicas: { type: 'number' },
          readme: { type: 'string', format: 'markdown' },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
      relations: { owner: { title: 'Owner', target: 'team_bp', required: false, many: false } },
    },
    {
      identifier: 'deployment',
      title: 'Deployment',
      schema: { properties: { env: { type: 'string' } } },
      relations: { service: { title: 'Service', target: 'service', required: true, many: false } },
    },
  ]) {
    const answer = await catalog.api('POST', '/v1/blueprints', blueprint);
    if (answer.status !== 201) throw new Error(JSON.stringify(answer.body));
  }
});
afterAll(async () => catalog.close());

const entityOf = async (blueprint: string, identifier: string) =>
  (await catalog.api<{ entity: Entity }>('GET', `/v1/blueprints/${blueprint}/entities/${identifier}`)).body.entity;
const auditOf = async (identifier: string) =>
  (await catalog.api<{ audits: Audit[] }>('GET', `/v1/audit-log?identifier=${encodeURIComponent(identifier)}`)).body
    .audits;

describe('UPSERT', () => {
  test('creates the entity with every field, outputs its identifier and entity, and summarises', async () => {
    const step = await runAction({
      ...base,
      operation: 'upsert',
      blueprint: 'service',
      identifier: 'billing',
      title: 'Billing',
      icon: 'Service',
      team: '["payments"]',
      properties: '{"language": "Go", "version": "1.0", "tags": ["a"]}',
      relations: '{"owner": "payments-team"}',
      createMissingRelatedEntities: 'TRUE',
    });
    expect(step.errors).toEqual([]);
    expect(step.exitCode).toBe(0);
    expect(step.outputs.identifier).toBe('billing');
    expect(jsonOutput(step, 'entity')).toMatchObject({ identifier: 'billing', blueprint: 'service', title: 'Billing' });
    expect(await entityOf('service', 'billing')).toMatchObject({
      title: 'Billing',
      team: ['payments'],
      properties: { language: 'Go', version: '1.0', tags: ['a'] },
      relations: { owner: 'payments-team' },
    });
    expect((await entityOf('team_bp', 'payments-team')).identifier).toBe('payments-team');
    expect(step.summary).toContain('### Port: UPSERT');
    expect(step.summary).toContain('`service/billing` created');
  });

  test("merges: only the fields given change; the vendor's multi-line JSON (a string broken over lines) is accepted", async () => {
    const step = await runAction({
      ...base,
      operation: 'UPSERT',
      blueprint: 'service',
      identifier: 'billing',
      // A string value broken over two lines is not JSON as written; the vendor joins trimmed lines first.
      properties: '{\n  "version": "1.1 and\n  more"\n}',
      team: 'platform',
    });
    expect(step.errors).toEqual([]);
    const entity = await entityOf('service', 'billing');
    expect(entity.properties).toEqual({ language: 'Go', version: '1.1 andmore', tags: ['a'] });
    expect(entity.title).toBe('Billing');
    expect(entity.team).toEqual(['platform']);
    expect(step.summary).toContain('updated');
  });

  test('without an identifier the API generates one, which is the output', async () => {
    const step = await runAction({ ...base, blueprint: 'service', properties: '{"language": "Python"}' });
    expect(step.errors).toEqual([]);
    expect(step.outputs.identifier).toMatch(/.+/);
    expect((await entityOf('service', step.outputs.identifier!)).properties).toEqual({ language: 'Python' });
  });

  test("a value the blueprint refuses fails the step with the API's message, naming the property", async () => {
    const step = await runAction({
      ...base,
      blueprint: 'service',
      identifier: 'bad-language',
      properties: '{"language": "Cobol"}',
    });
    expect(step.exitCode).toBe(1);
    expect(step.errors.join('\n')).toMatch(
      /upsertEntity POST \/v1\/blueprints\/service\/entities\?.* failed: 422 .*language/,
    );
    expect(step.outputs).toEqual({});
    expect(step.summary).toContain('Port: UPSERT failed');
  });
});

describe('GET', () => {
  test("outputs the entity in the vendor's shape", async () => {
    const step = await runAction({ ...base, operation: 'get', blueprint: 'service', identifier: 'billing' });
    expect(step.errors).toEqual([]);
    const entity = jsonOutput<Record<string, unknown>>(step, 'entity');
    expect(entity).toEqual({
      identifier: 'billing',
      title: 'Billing',
      blueprint: 'service',
      team: ['platform'],
      properties: { language: 'Go', version: '1.1 andmore', tags: ['a'] },
      relations: { owner: 'payments-team' },
    });
    expect(Object.keys(step.outputs)).toEqual(['entity']);
  });

  test('include: comma-separated, trimmed, sent as repeated include=', async () => {
    const step = await runAction({
      ...base,
      operation: 'GET',
      blueprint: 'service',
      identifier: 'billing',
      include: ' identifier , blueprint,properties.language ,',
    });
    expect(step.errors).toEqual([]);
    expect(jsonOutput(step, 'entity')).toEqual({
      identifier: 'billing',
      blueprint: 'service',
      properties: { language: 'Go' },
    });
  });

  test('a missing entity fails the step with 404 and the path', async () => {
    const step = await runAction({ ...base, operation: 'GET', blueprint: 'service', identifier: 'nope' });
    expect(step.exitCode).toBe(1);
    expect(step.errors.join('\n')).toMatch(
      /getEntity GET \/v1\/blueprints\/service\/entities\/nope failed: 404 not_found/,
    );
  });
});

describe('SEARCH', () => {
  test('outputs the entities the query finds', async () => {
    const step = await runAction({
      ...base,
      operation: 'Search',
      query: JSON.stringify({
        combinator: 'and',
        rules: [
          { property: '$blueprint', operator: '=', value: 'service' },
          { property: 'language', operator: '=', value: 'Go' },
        ],
      }),
    });
    expect(step.errors).toEqual([]);
    const entities = jsonOutput<Entity[]>(step, 'entities');
    expect(entities.map((entity) => entity.identifier)).toEqual(['billing']);
    expect(step.summary).toContain('Found 1 entity.');
  });

  test('include narrows every entity found', async () => {
    const step = await runAction({
      ...base,
      operation: 'SEARCH',
      query: '{"combinator": "and", "rules": [{"property": "$identifier", "operator": "=", "value": "billing"}]}',
      include: 'identifier',
    });
    expect(jsonOutput(step, 'entities')).toEqual([{ identifier: 'billing' }]);
  });
});

describe('BULK_UPSERT', () => {
  test('writes every entity through the bulk route; outputs identifiers and a result each', async () => {
    const entities = Array.from({ length: 45 }, (_, i) => ({
      identifier: `bulk-${i}`,
      blueprint: 'service',
      properties: { replicas: i },
    }));
    const step = await runAction({ ...base, operation: 'BULK_UPSERT', entities: JSON.stringify(entities) });
    expect(step.errors).toEqual([]);
    expect(jsonOutput(step, 'identifiers')).toEqual(entities.map((entity) => entity.identifier));
    const results = jsonOutput<Array<{ index: number; status: string }>>(step, 'results');
    expect(results).toHaveLength(45);
    expect(results.every((result, index) => result.index === index && result.status === 'created')).toBe(true);
    expect((await entityOf('service', 'bulk-44')).properties).toEqual({ replicas: 44 });
    expect(step.summary).toContain('45 entities: 45 created, 0 updated, 0 failed.');
  });

  test('tries every entity and fails at the end naming each failure; the others are written', async () => {
    const entities = [
      { identifier: 'ok-1', blueprint: 'service', properties: { language: 'Go' } },
      { identifier: 'bad-1', blueprint: 'service', properties: { language: 'Cobol' } },
      { identifier: 'ok-2', properties: { language: 'Python' } }, // the blueprint input fills it in
      { identifier: 'bad-2', blueprint: 'nope', properties: {} },
    ];
    const step = await runAction({
      ...base,
      operation: 'bulk_upsert',
      blueprint: 'service',
      entities: JSON.stringify(entities),
    });
    expect(step.exitCode).toBe(1);
    const error = step.errors.join('\n');
    expect(error).toContain('BULK_UPSERT: 2 of 4 entities failed:');
    expect(error).toMatch(/- \[1\] service\/bad-1: 422 \S+: .*language/);
    expect(error).toMatch(/- \[3\] nope\/bad-2: 404 not_found/);
    expect(jsonOutput(step, 'identifiers')).toEqual(['ok-1', 'ok-2']);
    const results = jsonOutput<Array<{ status: string; error?: { statusCode: number } }>>(step, 'results');
    expect(results.map((result) => result.status)).toEqual(['created', 'failed', 'created', 'failed']);
    expect(results[1]!.error!.statusCode).toBe(422);
    expect((await entityOf('service', 'ok-2')).properties).toEqual({ language: 'Python' });
    expect(step.summary).toContain('2 created, 0 updated, 2 failed');
  });

  test('entitiesFile: JSON and YAML files and globs, one entity or a list each, file:// values inlined', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'wharf-repo-'));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(workspace, path)), { recursive: true });
      writeFileSync(join(workspace, path), text);
    };
    write('services/a/port.yml', 'identifier: file-a\nblueprint: service\nproperties:\n  readme: file://README.md\n');
    write('services/a/README.md', '# Service A\n');
    write(
      'services/b/port.yaml',
      '- identifier: file-b1\n  properties:\n    readme: file://../../docs/b.md\n- identifier: file-b2\n',
    );
    write('docs/b.md', 'B docs');
    write('extra/c.json', JSON.stringify({ identifier: 'file-c', blueprint: 'service', properties: { version: '3' } }));
    try {
      const step = await runAction(
        {
          ...base,
          operation: 'BULK_UPSERT',
          blueprint: 'service',
          entities: '[{"identifier": "inline-first"}]',
          entitiesFile: 'services/**/port.y*ml\nextra/c.json',
        },
        { workspace },
      );
      expect(step.errors).toEqual([]);
      expect(jsonOutput(step, 'identifiers')).toEqual(['inline-first', 'file-a', 'file-b1', 'file-b2', 'file-c']);
      expect((await entityOf('service', 'file-a')).properties).toEqual({ readme: '# Service A\n' });
      expect((await entityOf('service', 'file-b1')).properties).toEqual({ readme: 'B docs' });
      expect(step.log).toContain('entitiesFile: 4 entities from 3 files');
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  test('entitiesFile problems are found before any call: each file named, with the position', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'wharf-repo-'));
    writeFileSync(join(workspace, 'bad.json'), '{\n  "identifier": "x",\n  "blueprint" "service"\n}');
    writeFileSync(join(workspace, 'bad.yml'), 'identifier: y\nproperties: [unclosed\n');
    writeFileSync(join(workspace, 'typo.yml'), 'identifier: z\nblueprint: service\npropeties: {}\n');
    writeFileSync(
      join(workspace, 'missing.yml'),
      'identifier: w\nblueprint: service\nproperties:\n  readme: file://nope.md\n',
    );
    writeFileSync(
      join(workspace, 'outside.yml'),
      'identifier: v\nblueprint: service\nproperties:\n  readme: file://../x\n',
    );
    try {
      const step = await runAction(
        {
          ...base,
          operation: 'BULK_UPSERT',
          entitiesFile: 'bad.json, bad.yml, typo.yml, missing.yml, outside.yml, none/*.yml, ../up.yml',
        },
        { workspace },
      );
      expect(step.exitCode).toBe(1);
      const error = step.errors.join('\n');
      expect(error).toContain(
        'Input "entitiesFile" "bad.json": is not valid JSON: expected ":" at line 3, column 15 (position 37)',
      );
      expect(error).toMatch(/Input "entitiesFile" "bad.yml": is not valid YAML: .* at line 3, column \d+/);
      expect(error).toContain(
        'Input "entitiesFile" "typo.yml": propeties: unknown key (expected identifier, blueprint, title, icon, team, properties, relations) at line 3, column 1',
      );
      expect(error).toContain(
        'Input "entitiesFile" "missing.yml": properties.readme: "file://nope.md" cannot be read: ENOENT',
      );
      expect(error).toContain(
        'Input "entitiesFile" "outside.yml": properties.readme: "file://../x" points outside the repository',
      );
      expect(error).toContain('Input "entitiesFile" "none/*.yml": matches no file');
      expect(error).toContain('Input "entitiesFile" "../up.yml": must be a path or glob inside the repository');
      expect(step.summary).toContain('not started');
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});

describe('dryRun', () => {
  test('UPSERT: validated by the API, nothing written, the changes reported', async () => {
    const before = await auditOf('billing');
    const step = await runAction({
      ...base,
      operation: 'UPSERT',
      dryRun: 'true',
      blueprint: 'service',
      identifier: 'billing',
      properties: '{"version": "2.0", "language": "Go"}',
    });
    expect(step.errors).toEqual([]);
    expect(await auditOf('billing')).toEqual(before);
    expect((await entityOf('service', 'billing')).properties).toMatchObject({ version: '1.1 andmore' });
    expect(step.summary).toContain('dry run, nothing written');
    expect(step.summary).toContain('would be updated');
    expect(step.summary).toContain('| `properties.version` | 1.1 andmore | 2.0 |');
    expect(step.summary).not.toContain('properties.language');
  });

  test('UPSERT: a value the blueprint refuses fails, though nothing would be written', async () => {
    const step = await runAction({
      ...base,
      dryRun: 'True',
      blueprint: 'service',
      identifier: 'dry-bad',
      properties: '{"language": "Cobol"}',
    });
    expect(step.exitCode).toBe(1);
    expect(step.errors.join('\n')).toMatch(/validation_only=true.* failed: 422/);
    expect(await auditOf('dry-bad')).toEqual([]);
  });

  test('BULK_UPSERT: each entity would be created, updated or left unchanged; nothing written', async () => {
    const entities = [
      { identifier: 'billing', blueprint: 'service', properties: { language: 'Go' } },
      { identifier: 'billing', blueprint: 'service', properties: { language: 'Python' } },
      { identifier: 'dry-new', blueprint: 'service', properties: { language: 'Go' } },
    ];
    const step = await runAction({
      ...base,
      operation: 'BULK_UPSERT',
      dryRun: 'true',
      entities: JSON.stringify(entities),
    });
    expect(step.errors).toEqual([]);
    const results = jsonOutput<Array<{ status: string; changes: unknown[] }>>(step, 'results');
    expect(results.map((result) => result.status)).toEqual(['unchanged', 'updated', 'created']);
    expect(results[1]!.changes).toEqual([{ field: 'properties.language', before: 'Go', after: 'Python' }]);
    expect(await auditOf('dry-new')).toEqual([]);
    expect(step.summary).toContain('1 would be created, 1 would be updated, 1 unchanged, 0 failed');
  });

  test('DELETE: checks the entity exists and deletes nothing', async () => {
    const step = await runAction({
      ...base,
      operation: 'DELETE',
      dryRun: 'true',
      blueprint: 'service',
      identifier: 'ok-1',
    });
    expect(step.errors).toEqual([]);
    expect(step.outputs.ok).toBe('true');
    expect((await entityOf('service', 'ok-1')).identifier).toBe('ok-1');
    expect(step.summary).toContain('would be deleted');
  });
});

describe('DELETE', () => {
  test('deletes the entity; output ok', async () => {
    const step = await runAction({ ...base, operation: 'DELETE', blueprint: 'service', identifier: 'ok-1' });
    expect(step.errors).toEqual([]);
    expect(step.outputs.ok).toBe('true');
    expect((await catalog.api('GET', '/v1/blueprints/service/entities/ok-1')).status).toBe(404);
  });

  test('an entity others require: refused without delete_dependents, deleted with them when it is true', async () => {
    await catalog.api('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'core' });
    await catalog.api('POST', '/v1/blueprints/deployment/entities?upsert=true', {
      identifier: 'core-prod',
      relations: { service: 'core' },
    });
    const refused = await runAction({ ...base, operation: 'DELETE', blueprint: 'service', identifier: 'core' });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors.join('\n')).toMatch(
      /403 has_dependents: .*\(set delete_dependents: true to delete them too\)/,
    );

    const step = await runAction({
      ...base,
      operation: 'DELETE',
      blueprint: 'service',
      identifier: 'core',
      delete_dependents: 'TRUE',
    });
    expect(step.errors).toEqual([]);
    expect((await catalog.api('GET', '/v1/blueprints/deployment/entities/core-prod')).status).toBe(404);
  });
});
