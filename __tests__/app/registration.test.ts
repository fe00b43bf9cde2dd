/**
 * Registering the App with the manifest flow (/setup) against a local fake GitHub (as GitHub Enterprise Server at
 * GHE_HOST): the form and its manifest, the callback exchanging the code, the credentials stored 0600 and the App
 * turned on without a restart; later starts load them; variables win; failures store nothing. WEBHOOK_PROXY_URL is
 * tested with a local server-sent-events source standing in for smee.io.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kindDefinitions } from '../../app/sync/kinds/index.ts';
import { kindEventNames } from '../../app/sync/live/kind-events.ts';
import { type RunningServer, startServer } from '../../server/server.ts';
import { type ChildServer, startChildServer } from '../helpers/child-server.ts';
import { deliverWebhook, releaseGithub } from '../helpers/github-app.ts';
import { closeIfLeftOpen, listenOnLoopback } from '../helpers/open-resources.ts';

const { privateKey: PEM } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const APP = {
  id: 777,
  slug: 'wharf-acme',
  name: 'wharf (acme)',
  node_id: 'A_1',
  owner: { login: 'acme', id: 9 },
  html_url: 'https://github.example/apps/wharf-acme',
  pem: PEM,
  webhook_secret: 'whsec-from-github',
  client_id: 'Iv1.abc',
  client_secret: 'client-secret-from-github',
};

interface FakeGithub {
  url: string;
  host: string;
  /** code -> the answer to its conversion. */
  codes: Map<string, { status: number; body: unknown }>;
  conversions: string[];
  /** Server-sent-events clients of GET /smee (the webhook proxy's channel). */
  channel: Set<ServerResponse>;
  close(): Promise<void>;
}

async function startFakeGithub(): Promise<FakeGithub> {
  const codes = new Map<string, { status: number; body: unknown }>();
  const conversions: string[] = [];
  const channel = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const path = request.url!.split('?')[0]!;
    const conversion = /^\/api\/v3\/app-manifests\/([^/]+)\/conversions$/.exec(path);
    if (request.method === 'POST' && conversion) {
      const code = decodeURIComponent(conversion[1]!);
      conversions.push(code);
      const answer = codes.get(code) ?? { status: 404, body: { message: 'Not Found' } };
      codes.delete(code);
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      return;
    }
    if (request.method === 'GET' && path === '/smee') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(': ready\n\n');
      channel.add(response);
      response.on('close', () => channel.delete(response));
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
  });
  const listening = await listenOnLoopback(server);
  return { url: listening.url, host: new URL(listening.url).host, codes, conversions, channel, close: listening.close };
}

type Manifest = Record<string, unknown> & {
  default_events: string[];
  public: boolean;
  default_permissions: Record<string, string>;
};

const decodeHtml = (text: string): string =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The registration form of a /setup page: where it posts, its state and its manifest. */
function registrationForm(html: string): { action: string; state: string; manifest: Manifest } {
  const form = /<form method="post" action="([^"]+)">\s*<input type="hidden" name="manifest" value="([^"]+)">/.exec(
    html,
  );
  if (!form) throw new Error(`no registration form in:\n${html}`);
  const action = decodeHtml(form[1]!);
  return {
    action,
    state: new URL(action).searchParams.get('state')!,
    manifest: JSON.parse(decodeHtml(form[2]!)) as Manifest,
  };
}

let github: FakeGithub;
const dataDirs: string[] = [];
const newDataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-registration-'));
  dataDirs.push(dir);
  return dir;
};

beforeAll(async () => {
  // Importing the helper loads nock, which patches Node's network modules for the whole worker: this file talks to
  // real local servers, and the files after it in the worker need their own nock to be the one patching.
  releaseGithub();
  github = await startFakeGithub();
});
afterAll(async () => {
  await github.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

const baseEnv = (): NodeJS.ProcessEnv => ({ GHE_HOST: github.host, GHE_PROTOCOL: 'http' });

async function start(dataDir: string, env: NodeJS.ProcessEnv = baseEnv()): Promise<RunningServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, env, warn: () => {} });
  const forget = closeIfLeftOpen(() => server.close());
  const close = server.close;
  server.close = async () => {
    forget();
    await close();
  };
  return server;
}

async function get(url: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, html: await response.text() };
}

/** Waits until the child server has printed a line matching `pattern`. */
async function printed(child: ChildServer, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!pattern.test(child.output())) {
    if (Date.now() > deadline) throw new Error(`never printed ${String(pattern)}:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const storedFile = (dataDir: string): string => join(dataDir, 'github-app.json');

describe('the manifest', () => {
  test('app.yml asks for what dispatch, reporting and catalog sync need, in GitHub manifest fields', () => {
    const manifest = parse(readFileSync(new URL('../../app.yml', import.meta.url), 'utf8')) as Manifest;
    expect(manifest.default_permissions).toEqual({
      actions: 'write',
      metadata: 'read',
      contents: 'read',
      pull_requests: 'write',
      checks: 'write',
      issues: 'write',
      members: 'read',
      vulnerability_alerts: 'read',
      security_events: 'read',
      secret_scanning_alerts: 'read',
      deployments: 'read',
    });
    expect(manifest.public).toBe(false);
  });

  test("app.yml grants every kind's permissions and subscribes to every event a kind listens to", () => {
    const manifest = parse(readFileSync(new URL('../../app.yml', import.meta.url), 'utf8')) as Manifest;
    const levels = ['read', 'write'];
    for (const definition of kindDefinitions()) {
      for (const [permission, level] of Object.entries(definition.permissions)) {
        const granted = manifest.default_permissions[permission];
        expect({
          kind: definition.kind,
          permission,
          granted: levels.indexOf(granted ?? '') >= levels.indexOf(level),
        }).toEqual({
          kind: definition.kind,
          permission,
          granted: true,
        });
      }
    }
    const subscribed = new Set(manifest.default_events);
    expect(kindEventNames().filter((event) => !subscribed.has(event))).toEqual([]);
    expect(['pull_request', 'push', 'repository', 'workflow_run'].filter((event) => !subscribed.has(event))).toEqual(
      [],
    );
  });
});

describe('registering from /setup', () => {
  let dataDir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dataDir = newDataDir();
    server = await start(dataDir);
  });
  afterAll(async () => {
    await server.close();
  });

  test('GET /setup posts the manifest, with this server URLs, to the new App page of the account', async () => {
    const page = await get(`${server.url}/setup`);
    expect(page.status).toBe(200);
    const { action, state, manifest } = registrationForm(page.html);
    expect(action).toBe(`${github.url}/settings/apps/new?state=${state}`);
    expect(state.length).toBeGreaterThanOrEqual(32);
    expect(manifest).toMatchObject({
      name: 'wharf',
      url: server.url,
      public: false,
      hook_attributes: { url: `${server.url}/api/github/webhooks`, active: true },
      redirect_url: `${server.url}/setup/callback`,
      setup_url: `${server.url}/setup`,
      // The permissions app.yml asks for, as it asks for them (the test of app.yml above lists them).
      default_permissions: parse(readFileSync(new URL('../../app.yml', import.meta.url), 'utf8')).default_permissions,
    });
    expect(manifest.default_events).toEqual(
      expect.arrayContaining(['workflow_run', 'repository', 'push', 'pull_request']),
    );
    // Each page its own state.
    expect(registrationForm((await get(`${server.url}/setup`)).html).state).not.toBe(state);
  });

  test('an organization named in the form gets its own new App page; a name that is not one is refused', async () => {
    const page = await get(`${server.url}/setup?org=acme-platform`);
    const { action, state } = registrationForm(page.html);
    expect(action).toBe(`${github.url}/organizations/acme-platform/settings/apps/new?state=${state}`);
    const bad = await get(`${server.url}/setup?org=${encodeURIComponent('<script>')}`);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('is not an organization name');
    expect(bad.html).not.toContain('<script>');
  });

  test('a wrong or missing state answers a clear page, stores nothing and does not ask GitHub', async () => {
    github.codes.set('code-wrong-state', { status: 201, body: APP });
    const wrong = await get(`${server.url}/setup/callback?code=code-wrong-state&state=not-ours`);
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('The GitHub App was not registered');
    expect(wrong.html).toContain('not one this server handed out');
    const missing = await get(`${server.url}/setup/callback?code=code-wrong-state`);
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('carries no state');
    expect(github.conversions).not.toContain('code-wrong-state');
    expect(existsSync(storedFile(dataDir))).toBe(false);
  });

  test('an expired code, or GitHub failing, answers a page naming the problem and stores nothing', async () => {
    let { state } = registrationForm((await get(`${server.url}/setup`)).html);
    const expired = await get(`${server.url}/setup/callback?code=code-expired&state=${state}`);
    expect(expired.status).toBe(400);
    expect(expired.html).toContain('GitHub does not know this registration&#39;s code (404: Not Found)');
    expect(expired.html).toContain('Nothing was stored');

    ({ state } = registrationForm((await get(`${server.url}/setup`)).html));
    github.codes.set('code-500', { status: 500, body: { message: 'Server Error' } });
    const failed = await get(`${server.url}/setup/callback?code=code-500&state=${state}`);
    expect(failed.status).toBe(502);
    expect(failed.html).toContain('GitHub answered 500: Server Error');

    ({ state } = registrationForm((await get(`${server.url}/setup`)).html));
    github.codes.set('code-no-pem', { status: 201, body: { ...APP, pem: undefined } });
    const incomplete = await get(`${server.url}/setup/callback?code=code-no-pem&state=${state}`);
    expect(incomplete.status).toBe(502);
    expect(incomplete.html).toContain('lacks what the App needs (pem)');

    // A state works once.
    const again = await get(`${server.url}/setup/callback?code=code-500&state=${state}`);
    expect(again.html).toContain('not one this server handed out');
    expect(existsSync(storedFile(dataDir))).toBe(false);
    expect(server.wharfApp.githubOn).toBe(false);
  });

  test('the callback stores the App 0600 and turns it on without a restart; /setup then shows no form', async () => {
    const signed = { zen: 'Keep it logically awesome.', hook_id: 1 };
    // Off: the webhook path is not served.
    expect((await deliverWebhook(server.url, 'ping', signed, randomUUID(), APP.webhook_secret)).status).toBe(404);

    const { state } = registrationForm((await get(`${server.url}/setup`)).html);
    github.codes.set('code-good', { status: 201, body: APP });
    const done = await get(`${server.url}/setup/callback?code=code-good&state=${state}`);
    expect(done.status).toBe(200);
    expect(done.html).toContain('The GitHub App is registered');
    expect(done.html).toContain(`href="${github.url}/github-apps/wharf-acme/installations/new"`);
    for (const secret of [APP.webhook_secret, APP.client_secret, 'PRIVATE KEY'])
      expect(done.html).not.toContain(secret);

    const file = storedFile(dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      appId: 777,
      slug: 'wharf-acme',
      privateKey: PEM,
      webhookSecret: APP.webhook_secret,
      clientId: APP.client_id,
      clientSecret: APP.client_secret,
      gheHost: github.host,
      gheProtocol: 'http',
    });

    expect(server.wharfApp.githubOn).toBe(true);
    expect((await deliverWebhook(server.url, 'ping', signed, randomUUID(), APP.webhook_secret)).status).toBe(200);
    expect((await deliverWebhook(server.url, 'ping', signed, randomUUID(), 'not-the-secret')).status).toBe(400);

    const setup = await get(`${server.url}/setup`);
    expect(setup.status).toBe(200);
    expect(setup.html).toContain('already registered');
    expect(setup.html).not.toContain('name="manifest"');
    for (const secret of [APP.webhook_secret, APP.client_secret, 'PRIVATE KEY'])
      expect(setup.html).not.toContain(secret);

    // A second registration is refused while the App is on.
    const late = await get(`${server.url}/setup/callback?code=code-good&state=${state}`);
    expect(late.status).toBe(409);
  });
});

test('WHARF_PUBLIC_URL is the base of the manifest URLs, whatever the Host header', async () => {
  const server = await start(newDataDir(), { ...baseEnv(), WHARF_PUBLIC_URL: 'https://wharf.example.com/' });
  try {
    const { manifest } = registrationForm((await get(`${server.url}/setup`)).html);
    expect(manifest).toMatchObject({
      url: 'https://wharf.example.com',
      hook_attributes: { url: 'https://wharf.example.com/api/github/webhooks' },
      redirect_url: 'https://wharf.example.com/setup/callback',
      setup_url: 'https://wharf.example.com/setup',
    });
  } finally {
    await server.close();
  }
});

describe('npm start with a registered App', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = newDataDir();
    const server = await start(dataDir);
    const { state } = registrationForm((await get(`${server.url}/setup`)).html);
    github.codes.set('code-child', { status: 201, body: APP });
    expect((await get(`${server.url}/setup/callback?code=code-child&state=${state}`)).status).toBe(200);
    await server.close();
  });

  const childEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    WHARF_DATA_DIR: dataDir,
    GHE_HOST: github.host,
    GHE_PROTOCOL: 'http',
    APP_ID: '',
    PRIVATE_KEY: '',
    PRIVATE_KEY_PATH: '',
    WEBHOOK_SECRET: '',
    WEBHOOK_PROXY_URL: '',
    ...extra,
  });

  test('a restart on the same data directory loads the stored App; the proxy forwards deliveries', async () => {
    const child = await startChildServer(childEnv({ WEBHOOK_PROXY_URL: `${github.url}/smee` }));
    try {
      await printed(child, /GitHub App: on \(APP_ID, PRIVATE_KEY, WEBHOOK_SECRET from github-app.json\)/);
      await printed(child, /webhook proxy: forwarding/);
      const ping = { zen: 'Design for failure.', hook_id: 2 };
      expect((await deliverWebhook(child.url, 'ping', ping, randomUUID(), APP.webhook_secret)).status).toBe(200);
      expect((await get(`${child.url}/setup`)).html).toContain('already registered');

      // The webhook proxy: a delivery on the channel reaches the server, signature and all.
      expect(github.channel.size).toBe(1);
      const body = { zen: 'Proxied.', hook_id: 3 };
      const signature = `sha256=${createHmac('sha256', APP.webhook_secret).update(JSON.stringify(body)).digest('hex')}`;
      const message = {
        'x-github-event': 'ping',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signature,
        body,
        query: {},
      };
      for (const client of github.channel) client.write(`data: ${JSON.stringify(message)}\n\n`);
      await printed(child, /webhook proxy: POST \S+ - \d+/);
      expect(child.output()).toMatch(/webhook proxy: POST http:\/\/127\.0\.0\.1:\d+\/api\/github\/webhooks - 200/);
    } finally {
      const exit = await child.stop('SIGTERM');
      expect([exit, child.output()]).toEqual([0, expect.anything()]);
    }
    // Closed on shutdown: the channel has no client left.
    expect(github.channel.size).toBe(0);
  });

  test('variables win over the stored values', async () => {
    const child = await startChildServer(childEnv({ WEBHOOK_SECRET: 'secret-from-the-environment' }));
    try {
      await printed(child, /GitHub App: on \(APP_ID, PRIVATE_KEY from github-app.json\)/);
      const ping = { zen: 'Env wins.', hook_id: 4 };
      expect((await deliverWebhook(child.url, 'ping', ping, randomUUID(), 'secret-from-the-environment')).status).toBe(
        200,
      );
      expect((await deliverWebhook(child.url, 'ping', ping, randomUUID(), APP.webhook_secret)).status).toBe(400);
      expect((await get(`${child.url}/setup`)).html).toContain('the others from the environment');
    } finally {
      await child.stop('SIGTERM');
    }
  });
});
