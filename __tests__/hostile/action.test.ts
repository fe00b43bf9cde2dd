import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPortUrl, connection, runAction } from '../action/run-action.ts';
import { PortApiError } from '../../src/port/index.ts';
import { startHostileServer, type HostileServer } from '../port/hostile-port.ts';
import { failureOf, testClient } from '../port/test-client.ts';

let hostile: HostileServer;
/** Valid credentials and a baseUrl where nothing listens: a step that reached the network would say so. */
let nowhere: Record<string, string>;
let workspace: string;
/** Outside the workspace: what a symbolic link in the repository must not lead to. */
let outside: string;

beforeAll(async () => {
  hostile = await startHostileServer((method, path) => {
    if (path === '/v1/auth/access_token') return { kind: 'token' };
    if (path === '/v1/blueprints/announced') return { kind: 'announced', bytes: 1024 ** 3 };
    if (path === '/v1/actions/stalled/runs') return { kind: 'stalled' };
    if (method === 'POST' && path === '/v1/entities/search') return { kind: 'sized', bytes: 1.5 * 1024 * 1024 };
    return { kind: 'endless' };
  });
  nowhere = connection(await closedPortUrl());
  workspace = mkdtempSync(join(tmpdir(), 'wharf-hostile-repo-'));
  outside = mkdtempSync(join(tmpdir(), 'wharf-hostile-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'not for the catalog');
  writeFileSync(join(outside, 'entities.yml'), 'identifier: stolen\nblueprint: service\n');
});
afterAll(async () => {
  await hostile.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** A fresh folder in the workspace with these files; the step's entitiesFile paths are relative to the workspace. */
function repoFolder(name: string, files: Record<string, string>): string {
  const folder = join(workspace, name);
  mkdirSync(folder);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  return folder;
}

/** Runs a step with these inputs; it must fail on its inputs, before any network call. Returns its error. */
async function inputFailure(inputs: Record<string, string>): Promise<string> {
  const step = await runAction({ ...nowhere, ...inputs }, { workspace });
  expect(step.exitCode).toBe(1);
  expect(step.log).not.toMatch(/getAccessToken|network error/);
  expect(step.summary).toContain('not started');
  return step.errors.join('\n');
}

/** A BULK_UPSERT of these entitiesFile patterns, which must fail on its inputs. */
const entitiesFileFailure = (entitiesFile: string) => inputFailure({ operation: 'BULK_UPSERT', entitiesFile });

describe('answers are read up to a limit', () => {
  test('an endless answer fails the call, naming the operation, the path and the limit (1 MiB)', async () => {
    const { client } = testClient(hostile.url);
    const error = (await failureOf(client.getBlueprint('endless'))) as PortApiError;
    expect(error).toBeInstanceOf(PortApiError);
    expect(error.message).toBe(
      'getBlueprint GET /v1/blueprints/endless failed: 200: the answer is larger than 1 MiB, the limit for this call',
    );
    // The same answer would come again: no retry.
    expect(error.attempts).toBe(1);
  });

  test('an answer announcing more than the limit is refused without waiting for its body', async () => {
    const { client } = testClient(hostile.url, { timeoutMs: 60_000 });
    const error = await failureOf(client.getBlueprint('announced'));
    expect(error.message).toBe(
      'getBlueprint GET /v1/blueprints/announced failed: 200: the answer is larger than 1 MiB, the limit for this call',
    );
  });

  test('search answers may be larger (64 MiB): 1.5 MiB is read, an endless one fails naming its limit', async () => {
    const { client } = testClient(hostile.url, { timeoutMs: 60_000 });
    const entities = await client.searchEntities({ combinator: 'and', rules: [] });
    expect(entities.length).toBeGreaterThan(5000);
    const error = await failureOf(client.searchBlueprintEntities('endless'));
    expect(error.message).toBe(
      'searchBlueprintEntities POST /v1/blueprints/endless/entities/search failed: 200: the answer is larger than 64 MiB, the limit for this call',
    );
  });

  /** The errors of a GET step against `baseUrl`, which must fail. */
  async function failedGet(baseUrl: string, blueprint: string): Promise<string[]> {
    const step = await runAction({ ...connection(baseUrl), operation: 'GET', blueprint, identifier: 'x' });
    expect(step.exitCode).toBe(1);
    return step.errors;
  }

  test('the Action: an endless token answer and an endless entity fail the step naming call, path and limit', async () => {
    const endlessToken = await startHostileServer(() => ({ kind: 'endless' }));
    try {
      expect(await failedGet(endlessToken.url, 's')).toEqual([
        'getAccessToken POST /v1/auth/access_token failed: 200: the answer is larger than 1 MiB, the limit for this call',
      ]);
    } finally {
      await endlessToken.close();
    }
    expect(await failedGet(hostile.url, 'endless')).toEqual([
      'getEntity GET /v1/blueprints/endless/entities/x failed: 200: the answer is larger than 2 MiB, the limit for this call',
    ]);
  });

  test('the Action: an answer that stops midway is cut off by requestTimeout, and says so', async () => {
    const step = await runAction({
      ...connection(hostile.url),
      operation: 'CREATE_RUN',
      action: 'stalled',
      requestTimeout: '0.2',
    });
    expect(step.exitCode).toBe(1);
    expect(step.errors).toEqual([
      'createRun POST /v1/actions/stalled/runs failed: network error: timed out after 200 ms (not resent: the request may have reached the server, and createRun is not safe to repeat)',
    ]);
  });
});

describe('the client secret is masked in every form a log can show it', () => {
  test('JSON-escaped, and line by line: masked by the runner and redacted from a server message quoting it', async () => {
    const echo = await startHostileServer(() => ({ kind: 'echo' }));
    const secret = 'pa"ss\\word\twith\nsecond-line';
    const escaped = JSON.stringify(secret).slice(1, -1);
    try {
      const step = await runAction(
        { ...connection(echo.url), clientSecret: secret, blueprint: 'service', identifier: 'a' },
        { debug: true },
      );
      expect(step.exitCode).toBe(1);
      expect(step.masks).toEqual(expect.arrayContaining([secret, escaped, 'second-line']));
      // The server quoted the request body: the secret in it is JSON-escaped, and redacted as such.
      expect(step.errors.join('\n')).toContain('getAccessToken POST /v1/auth/access_token failed: 401 unauthorized');
      expect(step.errors.join('\n')).toContain('"clientSecret":"***"');
      const log = `${step.log}\n${step.summary}`;
      for (const form of [secret, escaped, 'pa"ss\\word', 'second-line']) expect(log).not.toContain(form);
    } finally {
      await echo.close();
    }
  });
});

describe('entitiesFile stays inside the repository', () => {
  test('a file:// value through a symbolic link to a file outside is refused, naming the file and the input', async () => {
    const folder = repoFolder('link-value', {
      'e.yml': 'identifier: leaky\nblueprint: service\nproperties:\n  readme: file://leak.txt\n',
    });
    symlinkSync(join(outside, 'secret.txt'), join(folder, 'leak.txt'));
    expect(await entitiesFileFailure('link-value/e.yml')).toBe(
      'Input "entitiesFile" "link-value/e.yml": properties.readme: "file://leak.txt" leads outside the repository through a symbolic link at line 4, column 11',
    );
  });

  test('an entities file, a glob match or a folder that is a symbolic link leading outside is refused by name', async () => {
    const folder = repoFolder('link-file', { 'own.yml': 'identifier: own\nblueprint: service\n' });
    symlinkSync(join(outside, 'entities.yml'), join(folder, 'linked.yml'));
    symlinkSync(outside, join(folder, 'elsewhere'));
    expect(await entitiesFileFailure('link-file/linked.yml')).toBe(
      'Input "entitiesFile" "link-file/linked.yml": leads outside the repository through a symbolic link',
    );
    expect(await entitiesFileFailure('link-file/*.yml')).toBe(
      'Input "entitiesFile" "link-file/linked.yml": leads outside the repository through a symbolic link',
    );
    expect(await entitiesFileFailure('link-file/elsewhere/*.yml')).toBe(
      'Input "entitiesFile" "link-file/elsewhere/entities.yml": leads outside the repository through a symbolic link',
    );
  });
});

describe('entitiesFile is bounded', () => {
  test('YAML whose aliases expand too far (billion laughs) names the file and the input', async () => {
    let yaml = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    for (let level = 1; level < names.length; level++) {
      yaml += `${names[level]}: &${names[level]} [${Array(9)
        .fill(`*${names[level - 1]}`)
        .join(', ')}]\n`;
    }
    repoFolder('bomb', { 'bomb.yml': yaml });
    expect(await entitiesFileFailure('bomb/bomb.yml')).toBe(
      'Input "entitiesFile" "bomb/bomb.yml": is not accepted as YAML: its aliases expand too far (over the limit of 100 alias expansions)',
    );
  });

  test('a file over 10 MiB, and a file:// value over 1 MiB, are refused without being read', async () => {
    const folder = repoFolder('big', {
      'e.yml': 'identifier: big\nblueprint: service\nproperties:\n  readme: file://huge.md\n',
      'huge.json': '',
      'huge.md': '',
    });
    // Sparse: the sizes are what a reader would have to hold, at no cost to the test.
    truncateSync(join(folder, 'huge.json'), 10 * 1024 * 1024 + 1);
    truncateSync(join(folder, 'huge.md'), 1024 * 1024 + 1);
    expect(await entitiesFileFailure('big/huge.json, big/e.yml')).toBe(
      [
        '2 inputs are wrong:',
        '- Input "entitiesFile" "big/huge.json": is larger than 10 MiB, the limit for an entities file',
        '- Input "entitiesFile" "big/e.yml": properties.readme: "file://huge.md" is larger than 1 MiB, the limit for a file:// value (an entity holding more cannot be sent) at line 4, column 11',
      ].join('\n'),
    );
  });
});

describe('JSON that would overflow the stack or lose data is refused where it is written', () => {
  test('properties nested 20 000 deep name the input and the path', async () => {
    const deep = `{"config": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    expect(await inputFailure({ blueprint: 'service', properties: deep })).toBe(
      'Input "properties" config[0][0][0][0][0]...[0][0] (64 levels): JSON is nested more than 64 levels deep here (the limit is 64)',
    );
  });

  test('an entities file with a number beyond a double names the file and the path', async () => {
    repoFolder('numbers', { 'n.json': '{"identifier": "n", "blueprint": "service", "properties": {"size": 1e400}}' });
    expect(await entitiesFileFailure('numbers/n.json')).toMatch(
      /^Input "entitiesFile" "numbers\/n.json": properties.size: is a number too large to store/,
    );
  });
});

describe('every input problem is reported at once', () => {
  test.each([
    [
      'dryRun with CREATE_RUN',
      { operation: 'CREATE_RUN', action: 'a', dryRun: 'true', properties: '{' },
      [
        'Input "properties" is not valid JSON: expected "}" at line 1, column 2 (position 1)',
        'Input "dryRun" is not supported for CREATE_RUN: the API cannot check a run without starting it',
      ],
    ],
    [
      'an entity without a blueprint',
      { operation: 'BULK_UPSERT', entities: '[{"identifier": "a"}]', team: '[' },
      [
        'Input "team" is not valid JSON: expected "]" at line 1, column 2 (position 1)',
        'Input "entities" [0] has no "blueprint" (give it one, or the "blueprint" input)',
      ],
    ],
  ])('%s is reported along with the other problems', async (_case, inputs, problems) => {
    expect(await inputFailure(inputs)).toBe(['2 inputs are wrong:', ...problems.map((line) => `- ${line}`)].join('\n'));
  });
});
