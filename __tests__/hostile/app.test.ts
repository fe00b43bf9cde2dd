/**
 * Hostile inputs to the GitHub App: oversized and forged webhook deliveries, malformed payloads, a GitHub that
 * hangs or answers without end, names that would reach other API routes, secrets in what the App writes, and a
 * SIGTERM while a GitHub call hangs.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Probot, ProbotOctokit } from 'probot';
import { LruMap } from '../../src/lru/index.ts';
import { payloadProblem } from '../../app/webhooks/payload-shape.ts';
import { portSignatureHeaders } from '../../src/signing/index.ts';
import { startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../helpers/catalog-server.ts';
import { startChildServer } from '../helpers/child-server.ts';
import { type FakeGithub, startFakeGithub } from '../helpers/fake-github.ts';
import { releaseGithub, WEBHOOK_SECRET, workflowRunPayload } from '../helpers/github-app.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { createOpenRunsAction, getRunLogs, startOpenRun, waitForRun } from '../helpers/runs.ts';
import { duringAttack } from './responsiveness.ts';

const SECRET_VALUE = 'tok-5ecret-value';
const INSTALLATION = 4242;
const MiB = 1024 * 1024;

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** Everything Probot and Octokit log, to show that no payload reaches a log from inside them either. */
const probotLines: string[] = [];
const record =
  (level: string) =>
  (...args: unknown[]): void => {
    probotLines.push(
      `${level} ${args.map((arg) => (arg instanceof Error ? `${arg.message}` : JSON.stringify(arg))).join(' ')}`,
    );
  };
const recordingLog = {
  level: 'trace',
  child: () => recordingLog,
  trace: record('trace'),
  debug: record('debug'),
  info: record('info'),
  warn: record('warn'),
  error: record('error'),
  fatal: record('fatal'),
};

let fake: FakeGithub;
let catalog: TestCatalog;
let receiver: Receiver;
const warnings: string[] = [];

beforeAll(async () => {
  // nock (loaded with the helpers) holds a client request until its body ends: these tests send bodies that do not.
  releaseGithub();
  fake = await startFakeGithub();
  fake.addInstallation('acme', INSTALLATION);
  for (const [id, name] of [
    [777, 'deployer'],
    [778, 'slow'],
    [779, 'big'],
  ] as const) {
    fake.addRepository({ id, name, owner: 'acme' });
  }
  const probot = new Probot({
    appId: 123,
    privateKey,
    secret: WEBHOOK_SECRET,
    baseUrl: fake.url,
    log: recordingLog as unknown as ConstructorParameters<typeof Probot>[0] extends infer O
      ? O extends { log?: infer L }
        ? L
        : never
      : never,
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
  catalog = await startTestCatalog({
    probot,
    secrets: { DEPLOY_TOKEN: SECRET_VALUE },
    warn: (message) => warnings.push(message),
    app: {
      githubTimeoutMs: 500,
      allowedWorkflows: ['ACME/*/.github/workflows/*.yml'],
      dispatch: { findRunTimeoutMs: 1000, findRunIntervalMs: 20 },
    },
  });
  receiver = await startReceiver();
  await createOpenRunsAction(catalog, receiver.url);
});
afterAll(async () => {
  await catalog.close();
  await receiver.close();
  await fake.close();
});

/** One raw request to the webhook endpoint, for bodies fetch will not send (declared but absent, endless). */
function rawWebhook(
  headers: Record<string, string>,
  write: (send: (chunk: Buffer) => boolean, answered: () => boolean) => Promise<void>,
): Promise<{ status: number; body: string; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const request = httpRequest(`${catalog.url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': 'sha256=00',
        ...headers,
      },
    });
    request.on('response', (response) => {
      answered = true;
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body, sentBytes });
      });
    });
    // The server closes the connection once it has answered: writes after that fail, which is the point.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    request.flushHeaders();
    const send = (chunk: Buffer): boolean => {
      if (answered || request.destroyed) return false;
      sentBytes += chunk.length;
      request.write(chunk);
      return true;
    };
    void write(send, () => answered);
  });
}

function signed(event: string, body: string, deliveryId = randomUUID()): Promise<Response> {
  return fetch(`${catalog.url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
    },
    body,
  });
}

describe('webhook bodies', () => {
  test('a declared Content-Length over 25 MB is refused with 413 at its first bytes', async () => {
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, () =>
      rawWebhook({ 'content-length': String(26 * MiB) }, async (send) => {
        send(Buffer.alloc(64 * 1024, 0x20));
      }),
    );
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).message).toBe(
      `the payload is larger than ${25 * MiB} bytes (GitHub's limit for a webhook delivery)`,
    );
    expect(result.sentBytes).toBe(64 * 1024);
    expect(slowestHealthzMs).toBeLessThan(1000);
  });

  test('a chunked body is refused with 413 as soon as it passes 25 MB, not read to its end', async () => {
    const chunk = Buffer.alloc(MiB, 0x20);
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, () =>
      rawWebhook({ 'transfer-encoding': 'chunked' }, async (send, answered) => {
        // At most 40 MiB: the server must answer before the sender runs out.
        for (let sent = 0; sent < 40 && !answered(); sent++) {
          if (!send(chunk)) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }),
    );
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).message).toContain(`larger than ${25 * MiB} bytes`);
    expect(result.sentBytes).toBeLessThan(40 * MiB);
    expect(slowestHealthzMs).toBeLessThan(1000);
  });

  test('a bad signature is refused with 400 and logged once, naming the event and delivery, without the payload', async () => {
    warnings.length = 0;
    probotLines.length = 0;
    const deliveryId = `forged-${randomUUID()}`;
    const payload = { ...workflowRunPayload('completed'), marker: 'PAYLOAD-MARKER-7b1' };
    const response = await fetch(`${catalog.url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'workflow_run',
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': `sha256=${createHmac('sha256', 'not-the-secret').update('x').digest('hex')}`,
      },
      body: JSON.stringify(payload),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe(
      "x-hub-signature-256 does not match the payload and the App's webhook secret",
    );
    expect(warnings).toEqual([
      `webhook "workflow_run" delivery "${deliveryId}": x-hub-signature-256 does not match the payload and WEBHOOK_SECRET; ignored`,
    ]);
    expect([...warnings, ...probotLines].join('\n')).not.toContain('PAYLOAD-MARKER-7b1');
    expect(probotLines.filter((line) => line.includes(deliveryId))).toEqual([]);
  });

  test('a forged header cannot write log lines of its own', async () => {
    warnings.length = 0;
    const response = await fetch(`${catalog.url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': `x${'y'.repeat(500)}`,
        'x-hub-signature-256': 'sha256=00',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.length).toBeLessThan(300);
    expect(warnings[0]).toContain('delivery "xyyy');
  });
});

describe('malformed signed payloads', () => {
  test('a body that is not JSON gets 400 saying where, with no internal error text', async () => {
    const response = await signed('push', '{"ref": "refs/heads/main",');
    expect(response.status).toBe(400);
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(/^the payload is not JSON: .* at line 1, column \d+ \(position \d+\)$/);
    expect(message).not.toMatch(/SyntaxError|at .*\.(js|ts)/);
  });

  test('a workflow_run without repository gets 400 naming the field', async () => {
    const { repository: _repository, ...payload } = workflowRunPayload('completed');
    const response = await signed('workflow_run', JSON.stringify(payload));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe(
      'the workflow_run payload does not have what the App needs: repository: Invalid input: expected object, received undefined',
    );
  });

  test('a push whose commits are not a list gets 400 naming the field', async () => {
    const response = await signed(
      'push',
      JSON.stringify({
        ref: 'refs/heads/main',
        after: 'abc',
        commits: 'all',
        repository: { id: 1, name: 'x', owner: { login: 'acme' } },
      }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /^the push payload does not have what the App needs: commits: /,
    );
  });

  test("every payload GitHub documents for the App's events passes the check", () => {
    const require = createRequire(import.meta.url);
    const examples = JSON.parse(
      readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
    ) as Array<{ name: string; examples: unknown[] }>;
    const events = ['workflow_run', 'repository', 'installation', 'installation_repositories', 'push', 'pull_request'];
    let checked = 0;
    for (const { name, examples: payloads } of examples.filter((example) => events.includes(example.name))) {
      for (const payload of payloads) {
        expect(payloadProblem(name, payload)).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

async function invoke(body: Record<string, unknown>): Promise<Response> {
  const raw = JSON.stringify(body);
  return fetch(`${catalog.url}/api/port/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...portSignatureHeaders(TEST_CREDENTIALS.clientSecret, raw) },
    body: raw,
  });
}

async function lastLog(runId: string): Promise<string> {
  await waitForRun(catalog, runId);
  return (await getRunLogs(catalog, runId)).at(-1)!.message;
}

describe('GitHub answers', () => {
  test('a GitHub call that hangs times out: the run ends FAILURE saying which call, and the server keeps answering', async () => {
    fake.fault({ match: (r) => r.path === '/repos/acme/slow', times: 1, answer: { hang: true } });
    const runId = await startOpenRun(catalog);
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, async () => {
      await invoke({ runId, org: 'acme', repo: 'slow', workflow: 'deploy.yml' });
      return lastLog(runId);
    });
    expect(result).toBe(
      'Dispatch failed: GitHub failed while dispatching deploy.yml in acme/slow: GitHub did not answer GET /repos/acme/slow within 0.5 s',
    );
    expect(slowestHealthzMs).toBeLessThan(1000);
  });

  test('an answer over 1 MiB is not read: the run ends FAILURE naming the call and the limit', async () => {
    fake.fault({
      match: (r) => r.path === '/repos/acme/big',
      times: 1,
      answer: { status: 200, body: { id: 779, padding: 'x'.repeat(2 * MiB) } },
    });
    const runId = await startOpenRun(catalog);
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, async () => {
      await invoke({ runId, org: 'acme', repo: 'big', workflow: 'deploy.yml' });
      return lastLog(runId);
    });
    expect(result).toBe(
      `Dispatch failed: GitHub failed while dispatching deploy.yml in acme/big: GitHub's answer to GET /repos/acme/big is larger than ${MiB} bytes; it was not read`,
    );
    expect(slowestHealthzMs).toBeLessThan(1000);
  });
});

describe('names in an invocation', () => {
  test.each([
    ['repo', { repo: '..' }, 'repo: ".." is not a GitHub repository name'],
    ['repo', { repo: 'deployer/../other' }, 'repo: "deployer/../other" is not a GitHub repository name'],
    ['repo', { repo: '%2e%2e' }, 'repo: "%2e%2e" is not a GitHub repository name'],
    ['org', { org: 'acme/..' }, 'org: "acme/.." is not a GitHub account name'],
    ['org', { org: '-acme' }, 'org: "-acme" is not a GitHub account name'],
    ['workflow', { workflow: '../../dispatches' }, 'workflow: "../../dispatches" is not a workflow file'],
    ['workflow', { workflow: './deploy.yml' }, 'workflow: "./deploy.yml" is not a workflow file'],
    ['workflow', { workflow: 'deploy%2Eyml' }, 'workflow: "deploy%2Eyml" is not a workflow file'],
  ])('a bad %s (%j) is refused naming the field, before any GitHub call', async (_field, overrides, problem) => {
    const runId = await startOpenRun(catalog);
    const before = fake.requests.length;
    const response = await invoke({ runId, org: 'acme', repo: 'deployer', workflow: 'deploy.yml', ...overrides });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toContain(`invalid invocation: ${problem}`);
    expect(await lastLog(runId)).toContain(`Dispatch failed: invalid invocation: ${problem}`);
    expect(fake.requests.slice(before)).toEqual([]);
  });

  test('WHARF_ALLOWED_WORKFLOWS compares normalized names: path or file name, owner in any case', async () => {
    fake.fault({
      match: (r) => r.method === 'POST' && r.path === '/repos/acme/deployer/actions/workflows/deploy.yml/dispatches',
      times: 1,
      answer: {
        status: 200,
        body: { workflow_run_id: 31, html_url: 'https://github.com/acme/deployer/actions/runs/31' },
      },
    });
    const runId = await startOpenRun(catalog);
    expect(
      (await invoke({ runId, org: 'acme', repo: 'deployer', workflow: '.github/workflows/deploy.yml' })).status,
    ).toBe(202);
    await catalog.server.wharfApp.settle();
    expect((await getRunLogs(catalog, runId)).map((log) => log.message)).toContain(
      'dispatched deployer deploy.yml on main',
    );
    const refused = await startOpenRun(catalog);
    await invoke({ runId: refused, org: 'acme', repo: 'deployer', workflow: 'deploy.yaml' });
    expect(await lastLog(refused)).toBe('Dispatch failed: acme/deployer/deploy.yaml is not in WHARF_ALLOWED_WORKFLOWS');
  });
});

test("the catalog's secrets never appear in the run log or the App's log", async () => {
  warnings.length = 0;
  fake.fault({
    match: (r) => r.method === 'POST' && r.path === '/repos/acme/deployer/actions/workflows/deploy.yml/dispatches',
    times: 1,
    answer: { status: 422, body: { message: `No ref found for: ${SECRET_VALUE}` } },
  });
  const runId = await startOpenRun(catalog);
  await invoke({ runId, org: 'acme', repo: 'deployer', workflow: 'deploy.yml', workflowInputs: { ref: SECRET_VALUE } });
  expect(await lastLog(runId)).toBe(
    'Dispatch failed: GitHub refused to dispatch deploy.yml in acme/deployer: No ref found for: ***',
  );
  expect(warnings.join('\n')).not.toContain(SECRET_VALUE);
  expect(warnings.join('\n')).toContain('No ref found for: ***');
});

test('what the App remembers of handled items is capped: the least recently used goes first', () => {
  const remembered = new LruMap<number, true>(3);
  for (let id = 1; id <= 100; id++) {
    remembered.set(id, true);
    if (id === 50) remembered.get(48);
  }
  expect(remembered.size).toBe(3);
  expect([...remembered.keys()]).toEqual([98, 99, 100]);
  const touched = new LruMap<string, number>(2).set('a', 1).set('b', 2);
  touched.get('a');
  touched.set('c', 3);
  expect([...touched.keys()]).toEqual(['a', 'c']);
});

test('SIGTERM while a GitHub call hangs ends the process within 10 s; the dispatch is taken up on restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-sigterm-'));
  const github = await startFakeGithub();
  github.addInstallation('acme', INSTALLATION);
  github.addRepository({ id: 777, name: 'deployer', owner: 'acme' });
  github.fault({ match: (r) => r.path === '/repos/acme/deployer', times: 1, answer: { hang: true } });
  const env = {
    WHARF_DATA_DIR: dataDir,
    PORT_CLIENT_ID: 'sigterm-client',
    PORT_CLIENT_SECRET: 'sigterm-secret-value',
    APP_ID: '123',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET,
    GHE_HOST: github.url.replace('http://', ''),
    GHE_PROTOCOL: 'http',
    WHARF_RESYNC_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'silent',
  };
  const api = async (url: string, method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    type Answer = { accessToken: string; run: { id: string }; runLogs: Array<{ message: string }> };
    return { status: response.status, body: (await response.json()) as Answer };
  };
  const tokenOf = async (url: string) =>
    (
      await api(url, 'POST', '/v1/auth/access_token', {
        clientId: env.PORT_CLIENT_ID,
        clientSecret: env.PORT_CLIENT_SECRET,
      })
    ).body.accessToken;
  try {
    const first = await startChildServer(env);
    const token = await tokenOf(first.url);
    expect(
      (
        await api(
          first.url,
          'POST',
          '/v1/actions',
          {
            identifier: 'deploy',
            title: 'Deploy',
            trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
            invocationMethod: { type: 'GITHUB', org: 'acme', repo: 'deployer', workflow: 'deploy.yml' },
          },
          token,
        )
      ).status,
    ).toBe(201);
    const runId = (await api(first.url, 'POST', '/v1/actions/deploy/runs', { properties: {} }, token)).body.run
      .id as string;
    // Bounded wait for the App to be stuck in the call that hangs.
    for (let poll = 0; poll < 200 && !github.requests.some((r) => r.path === '/repos/acme/deployer'); poll++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(github.requests.some((r) => r.path === '/repos/acme/deployer')).toBe(true);
    const signalled = performance.now();
    const exit = await first.stop('SIGTERM');
    expect(performance.now() - signalled).toBeLessThan(10_000);
    expect(exit).toBe(0);

    const second = await startChildServer(env);
    try {
      const secondToken = await tokenOf(second.url);
      let logs: Array<{ message: string }> = [];
      for (let poll = 0; poll < 200; poll++) {
        logs = (await api(second.url, 'GET', `/v1/actions/runs/${runId}/logs`, undefined, secondToken)).body.runLogs;
        if (logs.some((log) => log.message.startsWith('Dispatch failed'))) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(logs.map((log) => log.message)).toContain(
        "Dispatch failed: wharf stopped while dispatching deploy.yml in acme/deployer; check that repository's Actions tab for the run",
      );
    } finally {
      await second.stop('SIGTERM');
    }
  } finally {
    await github.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
