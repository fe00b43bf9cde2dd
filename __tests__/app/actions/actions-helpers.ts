/**
 * The actions processor's tests: wharf (embedded catalog, real Probot, the processor claiming runs over the catalog's
 * HTTP routes) against the local fake GitHub, with a `dispatch_workflow` route that records every dispatch.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Probot, ProbotOctokit } from 'probot';
import type { ActionsSettings } from '../../../app/wharf-app.ts';
import { startTestCatalog, type TestCatalog } from '../../helpers/catalog-server.ts';
import type { FakeGithub } from '../../helpers/fake-github.ts';
import { createTestProbot, WEBHOOK_SECRET } from '../../helpers/github-app.ts';

export const INTEGRATION_ID = 'wharf-test';
export const DISPATCHES = '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';

/** Polls quickly: the tests wait milliseconds, not the seconds a deployed processor waits when idle. */
export const FAST_ACTIONS: Partial<ActionsSettings> = {
  installationId: INTEGRATION_ID,
  pacing: { idleMs: 10, maxIdleMs: 50, errorMs: 20, maxErrorMs: 100 },
  stopWithinMs: 200,
};

export interface Dispatch {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
  workflowRunId: number;
}

let nextWorkflowRun = 70_000;

/**
 * Serves workflow dispatches on the fake (with `return_run_details`, as github.com does): each is recorded and
 * answered with a new run id; `refuse` answers a refusal instead for the workflows it names.
 */
export function serveDispatches(
  github: FakeGithub,
  dispatches: Dispatch[],
  refuse: Record<string, { status: number; body: unknown }> = {},
): void {
  github.route('POST', DISPATCHES, ({ params, body }) => {
    const refusal = refuse[params.workflow_id!];
    if (refusal) return refusal;
    const { ref, inputs } = body as { ref: string; inputs: Record<string, string> };
    const workflowRunId = nextWorkflowRun++;
    dispatches.push({
      owner: params.owner!,
      repo: params.repo!,
      workflow: params.workflow_id!,
      ref,
      inputs,
      workflowRunId,
    });
    return {
      status: 200,
      body: {
        workflow_run_id: workflowRunId,
        run_url: `${github.url}/repos/${params.owner}/${params.repo}/actions/runs/${workflowRunId}`,
        html_url: `https://github.com/${params.owner}/${params.repo}/actions/runs/${workflowRunId}`,
      },
    };
  });
}

export async function startActionsCatalog(
  github: FakeGithub,
  options: {
    dataDir?: string;
    actions?: Partial<ActionsSettings>;
    allowedWorkflows?: string[];
    portBaseUrl?: string;
    warn?: (message: string) => void;
    /** The App's Probot; createTestProbot's unless given (unthrottledTestProbot for many writes). */
    probot?: Probot;
  } = {},
): Promise<TestCatalog> {
  return startTestCatalog({
    probot: options.probot ?? createTestProbot({ baseUrl: github.url }),
    ...(options.dataDir && { dataDir: options.dataDir }),
    ...(options.portBaseUrl && { portBaseUrl: options.portBaseUrl }),
    ...(options.warn && { warn: options.warn }),
    app: {
      allowedWorkflows: options.allowedWorkflows ?? [],
      dispatch: { findRunTimeoutMs: 2000, findRunIntervalMs: 20 },
      sync: { resyncIntervalMs: 0 },
      actions: { ...FAST_ACTIONS, ...options.actions },
    },
  });
}

/**
 * An INTEGRATION_ACTION action of `type` whose execution properties are `properties` (templates allowed);
 * `userInputs`: the inputs its runs may give (`{ prNumber: { type: 'number' } }`), a string `version` unless given.
 */
export async function createIntegrationAction(
  catalog: TestCatalog,
  identifier: string,
  type: string,
  properties: Record<string, unknown>,
  installationId = INTEGRATION_ID,
  userInputs: Record<string, Record<string, unknown>> = { version: { type: 'string' } },
): Promise<void> {
  const response = await catalog.api('POST', '/v1/actions', {
    identifier,
    title: identifier,
    trigger: {
      type: 'self-service',
      operation: 'CREATE',
      userInputs: { properties: userInputs },
    },
    invocationMethod: {
      type: 'INTEGRATION_ACTION',
      installationId,
      integrationProvider: 'GITHUB',
      integrationActionType: type,
      integrationActionExecutionProperties: properties,
    },
  });
  if (response.status !== 201) throw new Error(`could not create ${identifier}: ${JSON.stringify(response.body)}`);
}

/** Starts a run of the action; answers its id. */
export async function runAction(
  catalog: TestCatalog,
  action: string,
  inputs: Record<string, unknown> = {},
): Promise<string> {
  const response = await catalog.api<{ run: { id: string } }>('POST', `/v1/actions/${action}/runs`, {
    properties: inputs,
  });
  if (response.status !== 202) throw new Error(`could not run ${action}: ${JSON.stringify(response.body)}`);
  return response.body.run.id;
}

/**
 * A Probot on the fake GitHub at `baseUrl` whose installation clients really have Octokit's throttling off.
 * createTestProbot's clients keep it: Probot replaces the `throttle` its Octokit defaults to with its own options, which
 * do not say `enabled: false`, so they keep each installation's writes 1 s apart (3 s for those that notify: issues,
 * pull requests, reviews, comments). For a test file of many writes, or one that needs two writes at GitHub at once.
 */
export function unthrottledTestProbot(baseUrl: string): Probot {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return new Probot({
    appId: 123,
    privateKey,
    secret: WEBHOOK_SECRET,
    logLevel: 'fatal',
    baseUrl,
    // A function, unlike an object, sees the options Probot adds, and has the last word on them.
    Octokit: ProbotOctokit.defaults((options: { throttle?: object }) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...options.throttle, enabled: false },
    })),
  });
}
