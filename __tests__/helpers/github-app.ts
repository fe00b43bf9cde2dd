import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { closeIfLeftOpen } from './open-resources.ts';

// Importing nock starts intercepting for the whole process, and jest runs the next test files in the same worker:
// a file that only signs deliveries must not leave a nock of its own in front of theirs. isolateGithub turns it on.
nock.restore();

export const WEBHOOK_SECRET = 'test-webhook-secret';
export const GITHUB_API = 'https://api.github.com';
export const INSTALLATION_ID = 4242;

// One key for the whole run: generating RSA keys is slow, and any key works against nock.
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/**
 * Real Probot with test credentials; Octokit's own retries and throttling off, so nock sees each call once.
 * `baseUrl`: a local fake GitHub (fake-github.ts) instead of api.github.com. `octokitRetries`: Octokit's retries on,
 * as in production, waiting milliseconds instead of seconds.
 */
export function createTestProbot(options: { baseUrl?: string; octokitRetries?: boolean } = {}): Probot {
  const retry = options.octokitRetries ? { enabled: true, retryAfterBaseValue: 1 } : { enabled: false };
  return new Probot({
    appId: 123,
    privateKey,
    secret: WEBHOOK_SECRET,
    logLevel: 'fatal',
    ...(options.baseUrl && { baseUrl: options.baseUrl }),
    Octokit: ProbotOctokit.defaults({ retry, throttle: { enabled: false } }),
  });
}

let forgetRelease: (() => void) | undefined;

/**
 * GitHub is reachable only through nock; the servers under test on 127.0.0.1 are real. Released by releaseGithub, or
 * at the latest when the test file is done.
 */
export function isolateGithub(): void {
  forgetRelease ??= closeIfLeftOpen(async () => releaseGithub());
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
}

/**
 * Undoes nock's interception. It patches Node's own modules for the whole process, and jest runs other test files
 * in the same worker after this one: they must get the real network stack back.
 */
export function releaseGithub(): void {
  forgetRelease?.();
  forgetRelease = undefined;
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
}

/** The installation token exchange every installation call starts with (any number of times). */
export function mockInstallationToken(): nock.Scope {
  return nock(GITHUB_API)
    .persist()
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: 'ghs_test_installation_token', expires_at: new Date(Date.now() + 3600_000).toISOString() });
}

/** Sends a webhook delivery to the server as GitHub does: JSON body, event and delivery headers, HMAC signature. */
export async function deliverWebhook(
  url: string,
  event: string,
  payload: unknown,
  deliveryId: string = randomUUID(),
  secret = WEBHOOK_SECRET,
): Promise<Response> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': signature,
    },
    body,
  });
}

type Example = { name: string; examples: Record<string, unknown>[] };
const require = createRequire(import.meta.url);
const examples = JSON.parse(
  readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
) as Example[];

export interface WorkflowRunPayload {
  action: string;
  workflow_run: Record<string, unknown> & { id: number; conclusion: string | null; status: string };
  repository: Record<string, unknown> & { id: number; name: string; owner: { id: number; login: string } };
  installation: { id: number };
}

/**
 * A recorded `workflow_run` payload from @octokit/webhooks-examples for `action`, with the `installation` field the
 * recordings lack and the given overrides of the run.
 */
export function workflowRunPayload(
  action: 'requested' | 'in_progress' | 'completed',
  run: Record<string, unknown> = {},
): WorkflowRunPayload {
  const recorded = examples
    .find((example) => example.name === 'workflow_run')!
    .examples.find(
      (example) =>
        example.action === (action === 'completed' ? 'completed' : 'requested') &&
        (example.workflow_run as { status: string }).status === (action === 'completed' ? 'completed' : 'queued'),
    )!;
  const payload = structuredClone(recorded) as unknown as WorkflowRunPayload;
  payload.action = action;
  payload.installation = { id: INSTALLATION_ID };
  Object.assign(payload.workflow_run, run);
  return payload;
}
