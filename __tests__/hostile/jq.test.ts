/**
 * jq programs written by users (action templates, port-app-config.yml mappings) that never end or eat memory:
 * each is stopped by its limit with an error naming it, and the server keeps answering meanwhile.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { compileResourceMapping, parsePortAppConfig } from '../../app/sync/mapping/index.ts';
import { configureJq } from '../../src/jq/index.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type FakeGithub, startFakeGithub } from '../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub } from '../helpers/github-app.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { getRun, getRunLogs, startRun, waitForRun } from '../helpers/runs.ts';
import {
  entity,
  INSTALLATION,
  pushEvent,
  repositoryEvent,
  settled,
  startSyncCatalog,
} from '../app/sync/sync-helpers.ts';
import { duringAttack } from './responsiveness.ts';

const SECRET = 'hunter2-but-longer';

beforeAll(async () => {
  // Short limits keep the suite quick; the limits are what is under test, not their defaults.
  await configureJq({ timeoutMs: 700, memoryMb: 128 });
});

describe('an action template that never ends or eats memory', () => {
  let catalog: TestCatalog;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    catalog = await startTestCatalog({ secrets: { token: SECRET } });
  });
  afterAll(async () => {
    await catalog.close();
    await receiver.close();
  });

  async function actionWithBody(identifier: string, body: Record<string, unknown>): Promise<void> {
    const response = await catalog.api('POST', '/v1/actions', {
      identifier,
      title: identifier,
      trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
      invocationMethod: { type: 'WEBHOOK', url: receiver.url, body },
    });
    expect(response.status).toBe(201);
  }

  test('last(repeat(1)): the run ends FAILURE naming the template and the time limit; /healthz answers', async () => {
    await actionWithBody('spin', { ok: '{{ .run.id }}', x: '{{ last(repeat(1)) }}' });
    const { status, run } = await startRun(catalog, 'spin', { properties: {} });
    expect(status).toBe(202);
    const { result: ended, slowestHealthzMs } = await duringAttack(catalog.url, () => waitForRun(catalog, run.id));
    expect(slowestHealthzMs).toBeLessThan(1000);
    expect(ended.status).toBe('FAILURE');
    const logs = await getRunLogs(catalog, run.id);
    expect(logs.at(-1)!.message).toBe(
      'Invocation failed: could not render invocationMethod.body.x: {{ last(repeat(1)) }}: ' +
        'jq ran longer than 700 ms and was stopped (limit: WHARF_JQ_TIMEOUT_MS)',
    );
    expect(receiver.requests).toHaveLength(0);
  });

  test('[range(1e9)]: the run ends FAILURE naming the memory limit; /healthz answers', async () => {
    await actionWithBody('hog', { x: '{{ [range(1e9)] }}' });
    const { run } = await startRun(catalog, 'hog', { properties: {} });
    const { result: ended, slowestHealthzMs } = await duringAttack(catalog.url, () => waitForRun(catalog, run.id));
    expect(slowestHealthzMs).toBeLessThan(1000);
    expect(ended.status).toBe('FAILURE');
    const logs = await getRunLogs(catalog, run.id);
    expect(logs.at(-1)!.message).toMatch(
      /^Invocation failed: could not render invocationMethod\.body\.x: \{\{ \[range\(1e9\)\] \}\}: jq (needed more than 128 MiB of memory and was stopped \(limit: WHARF_JQ_MEMORY_MB\)|ran longer than 700 ms)/,
    );
  });

  test('an ordinary run right after an overrun renders as usual (the worker was replaced)', async () => {
    await actionWithBody('fine', { who: '{{ .run.id }}' });
    const { run } = await startRun(catalog, 'fine', { properties: {} });
    await receiver.waitFor(1);
    expect(receiver.requests[0]!.body).toEqual({ who: run.id });
  });

  test('a secret in a jq error never reaches the run log', async () => {
    await actionWithBody('leak', { token: '{{ .secrets.token | tonumber }}' });
    const { run } = await startRun(catalog, 'leak', { properties: {} });
    const ended = await waitForRun(catalog, run.id);
    expect(ended.status).toBe('FAILURE');
    const text = JSON.stringify(await getRunLogs(catalog, run.id));
    expect(text).toContain('invocationMethod.body.token');
    expect(text).toContain('***');
    expect(text).not.toContain(SECRET);
  });

  test('a header a template fills with a newline ends the run at once, naming the header', async () => {
    receiver.requests.length = 0;
    const created = await catalog.api('POST', '/v1/actions', {
      identifier: 'smuggle',
      title: 'smuggle',
      trigger: {
        type: 'self-service',
        operation: 'CREATE',
        userInputs: { properties: { version: { type: 'string' } } },
      },
      invocationMethod: { type: 'WEBHOOK', url: receiver.url, headers: { 'x-version': '{{ .inputs.version }}' } },
    });
    expect(created.status).toBe(201);
    const { run } = await startRun(catalog, 'smuggle', { properties: { version: '1.0\r\nx-injected: yes' } });
    expect((await waitForRun(catalog, run.id)).status).toBe('FAILURE');
    const logs = await getRunLogs(catalog, run.id);
    expect(logs.at(-1)!.message).toMatch(
      /^Invocation failed: invocationMethod\.headers\.x-version: Invalid character in header content/,
    );
    expect(logs.filter((log) => log.terminationStatus)).toHaveLength(1);
    expect(receiver.requests).toHaveLength(0);
  });

  test('a program that overran runs apart: ordinary runs pass it, and past a backlog it is not run', async () => {
    receiver.requests.length = 0;
    // 'spin' overran above, so its program is in quarantine: one low-priority worker, a short queue.
    const spins = await Promise.all(
      Array.from({ length: 8 }, async () => (await startRun(catalog, 'spin', { properties: {} })).run.id),
    );
    const { run: fine } = await startRun(catalog, 'fine', { properties: {} });
    const [invoked] = await receiver.waitFor(1);
    const ended = await Promise.all(spins.map((id) => waitForRun(catalog, id)));
    expect(ended.every((run) => run.status === 'FAILURE')).toBe(true);
    // The ordinary run went out before most spins had even ended: it did not queue behind them.
    expect((invoked!.body as { who: string }).who).toBe(fine.id);
    expect(ended.filter((run) => Date.parse(run.endedAt!) > invoked!.at).length).toBeGreaterThanOrEqual(2);
    const reasons = await Promise.all(spins.map(async (id) => (await getRunLogs(catalog, id)).at(-1)!.message));
    expect(
      reasons.filter((reason) => /jq was not run: this program overran a limit in the last 10 minutes/.test(reason))
        .length,
    ).toBeGreaterThanOrEqual(1);
    expect(reasons.every((reason) => /WHARF_JQ_TIMEOUT_MS|jq was not run/.test(reason))).toBe(true);
  });

  test('after a restart the overrun run is not invoked again: it ended once', async () => {
    const { run } = await startRun(catalog, 'spin', { properties: {} });
    await waitForRun(catalog, run.id);
    const dataDir = catalog.dataDir;
    await catalog.close({ keepData: true });
    catalog = await startTestCatalog({ dataDir, secrets: { token: SECRET } });
    // Give a redelivery every chance to happen before looking.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await getRun(catalog, run.id)).status).toBe('FAILURE');
    const endings = (await getRunLogs(catalog, run.id)).filter((log) => log.terminationStatus);
    expect(endings).toHaveLength(1);
  });
});

describe('a port-app-config.yml expression that never ends', () => {
  const ORG = 'hostile-org';
  const CONFIG = '.github/port-app-config.yml';
  const GOOD = [
    'resources:',
    '  - kind: repository',
    '    port:',
    '      entity:',
    '        mappings:',
    '          identifier: .name',
    '          title: .description',
    `          blueprint: '"service"'`,
    '',
  ].join('\n');
  let github: FakeGithub;
  let catalog: TestCatalog;

  beforeAll(async () => {
    github = await startFakeGithub();
    github.addInstallation(ORG, INSTALLATION);
    catalog = await startSyncCatalog(github);
    const blueprint = await catalog.api('POST', '/v1/blueprints', {
      identifier: 'service',
      title: 'Service',
      schema: { properties: {} },
    });
    expect(blueprint.status).toBe(201);
  });
  afterAll(async () => {
    await catalog.close();
    await github.close();
    releaseGithub();
  });

  test('pushed to any repository: a failed check run names its line, column and the limit; the last good one stays', async () => {
    const repo = github.addRepository({
      id: 70,
      name: 'victim',
      owner: ORG,
      description: 'first',
      files: { [CONFIG]: GOOD },
    });
    expect((await deliverWebhook(catalog.url, 'repository', repositoryEvent('created', repo))).status).toBe(200);
    await settled(catalog);
    expect((await entity(catalog, 'service', 'victim'))!.title).toBe('first');

    repo.files![CONFIG] = GOOD.replace('title: .description', "title: 'last(repeat(1))'");
    const sha = 'b'.repeat(40);
    const { slowestHealthzMs } = await duringAttack(catalog.url, async () => {
      expect((await deliverWebhook(catalog.url, 'push', pushEvent(repo, sha, { modified: [CONFIG] }))).status).toBe(
        200,
      );
      await settled(catalog);
    });
    expect(slowestHealthzMs).toBeLessThan(1000);
    const check = github.checkRuns.find((run) => run.body.head_sha === sha);
    expect(check!.body.conclusion).toBe('failure');
    expect(check!.body.output.summary).toMatch(
      /line 7, column 18: `resources\[0\]\.port\.entity\.mappings\.title`: jq ran longer than 700 ms and was stopped \(limit: WHARF_JQ_TIMEOUT_MS\) when run over null/,
    );

    // Later events for that repository are served, with the last good configuration.
    repo.description = 'second';
    const { slowestHealthzMs: later } = await duringAttack(catalog.url, async () => {
      expect((await deliverWebhook(catalog.url, 'repository', repositoryEvent('edited', repo))).status).toBe(200);
      await settled(catalog);
    });
    expect(later).toBeLessThan(1000);
    expect((await entity(catalog, 'service', 'victim'))!.title).toBe('second');
  });
});

describe('a mapping that overruns only over real objects', () => {
  test('every item of the batch fails, naming the field, the expression and the limit', async () => {
    const config = await parsePortAppConfig(
      [
        'resources:',
        '  - kind: repository',
        '    port:',
        '      entity:',
        '        mappings:',
        '          identifier: .name',
        `          blueprint: '"service"'`,
        '          properties:',
        '            fine: .full_name',
        '            spin: if .name == null then null else last(repeat(1)) end',
        '',
      ].join('\n'),
      'hostile-org/.github-private:.github/port-app-config.yml',
    );
    const mapping = compileResourceMapping(config.resources[0]!);
    const results = await mapping.map([
      { name: 'a', full_name: 'o/a' },
      { name: 'b', full_name: 'o/b' },
    ]);
    expect(results.map((result) => result.status)).toEqual(['failed', 'failed']);
    expect(results[0]!.errors[0]!.message).toBe(
      'o/a: properties.spin: "if .name == null then null else last(repeat(1)) end": ' +
        'jq ran longer than 700 ms and was stopped (limit: WHARF_JQ_TIMEOUT_MS)',
    );
  });
});

describe('a port-app-config.yml of thousands of expressions', () => {
  const resource = (identifier: string) =>
    [
      '  - kind: repository',
      '    port:',
      '      entity:',
      '        mappings:',
      `          identifier: '${identifier}'`,
      `          blueprint: '"service"'`,
      '',
    ].join('\n');
  const file = (middle: string) =>
    `resources:\n${resource('.name').repeat(1500)}${resource(middle)}${resource('.name').repeat(1500)}`;

  test('is checked in a few jq runs, and the one expression that does not compile is named at its line', async () => {
    expect((await parsePortAppConfig(file('.name'), 'big.yml')).resources).toHaveLength(3001);
    await expect(parsePortAppConfig(file('.name |'), 'big.yml')).rejects.toThrow(
      /^big\.yml line 9006, column 23: resources\[1500\]\.port\.entity\.mappings\.identifier: jq does not compile: syntax error/,
    );
  });

  test('the one expression that never ends is named at its line', async () => {
    await expect(parsePortAppConfig(file('last(repeat(1))'), 'big.yml')).rejects.toThrow(
      /^big\.yml line 9006, column 23: resources\[1500\]\.port\.entity\.mappings\.identifier: jq ran longer than 700 ms/,
    );
  });

  test('an expression nested too deeply for jq to compile is a problem, not a crash', async () => {
    const deep = `${'('.repeat(20_000)}.name${')'.repeat(20_000)}`;
    await expect(parsePortAppConfig(`resources:\n${resource(deep)}`, 'deep.yml')).rejects.toThrow(
      /resources\[0\]\.port\.entity\.mappings\.identifier: jq does not compile: memory exhausted/,
    );
  });
});
