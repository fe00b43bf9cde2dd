import { validateHeaderName, validateHeaderValue } from 'node:http';
import { renderTemplates, TemplateError } from '../../src/jq/index.ts';
import { createRedactor } from '../../src/port/index.ts';
import { mayRetry } from '../../src/retry/index.ts';
import { describeAnswer, describeNetworkError, SIGNED_DELIVERY_RETRY, sendSigned } from '../delivery/index.ts';
import type { DeliveryHandler, DeliveryOutcome } from '../../src/outbox/index.ts';
import { ApiError } from '../errors.ts';
import type {
  GithubInvocation,
  IntegrationActionInvocation,
  UpsertEntityInvocation,
  WebhookInvocation,
} from '../model.ts';
import {
  type CatalogContext,
  endRun,
  isEnded,
  logToRun,
  makeClaimable,
  parseEntityInput,
  writeEntity,
} from '../operations/index.ts';
import { describeValue, isPlainObject } from '../validation/index.ts';
import type { StoredRun } from '../store/index.ts';

export interface InvocationSettings {
  /** The Port client secret: signs what is sent. */
  secret: string;
  /** Values of `.secrets` in templates. */
  secrets: Record<string, string>;
  /** Where GITHUB invocations go: the App's /api/port/invocations. */
  appUrl: () => string;
  timeoutMs: number;
  maxAttempts: number;
}

const SUPPORTED = 'WEBHOOK, GITHUB, UPSERT_ENTITY and INTEGRATION_ACTION';

/**
 * Invokes runs from the outbox: renders the action's templates and calls its backend. Every line it writes to a
 * run passes through a redactor of the secrets: a template can put a secret into a URL, a header or a jq error
 * ("Cannot parse 's3cr3t' as JSON"), and a receiver can quote it back.
 */
export function invocationHandler(ctx: CatalogContext, settings: InvocationSettings): DeliveryHandler {
  const { redact } = createRedactor(Object.values(settings.secrets));
  const safeCtx: RunWriter = {
    ctx,
    end: (runId, status, message) => endRun(ctx, runId, status, redact(message)),
    log: (runId, message) => logToRun(ctx, runId, redact(message)),
  };
  return {
    maxAttempts: settings.maxAttempts,
    attempt: async (delivery) => {
      const outcome = await invokeRun(safeCtx, (delivery.payload as { runId: string }).runId, settings);
      return outcome.result === 'delivered' ? outcome : { ...outcome, error: redact(outcome.error) };
    },
    giveUp(delivery, reason) {
      safeCtx.end((delivery.payload as { runId: string }).runId, 'FAILURE', `Invocation failed: ${reason}`);
    },
  };
}

/** The catalog, and the two ways an invocation writes to its run, both redacted. */
interface RunWriter {
  ctx: CatalogContext;
  end(runId: string, status: 'SUCCESS' | 'FAILURE', message: string): void;
  log(runId: string, message: string): void;
}

async function invokeRun(run: RunWriter, runId: string, settings: InvocationSettings): Promise<DeliveryOutcome> {
  const { ctx } = run;
  const stored = ctx.runs.get(runId);
  // Ended already (by its backend, or by hand): there is nothing left to invoke.
  if (!stored || isEnded(stored.run)) return { result: 'delivered' };

  // An integration action's payload is handed to whoever claims it: its templates see no secrets.
  const integration = stored.invocation.invocationMethod.type === 'INTEGRATION_ACTION';
  let method: Record<string, unknown>;
  try {
    method = await renderTemplates(
      stored.invocation.invocationMethod as unknown as Record<string, unknown>,
      templateContext(stored, integration ? {} : settings.secrets),
      'invocationMethod',
    );
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    run.end(runId, 'FAILURE', `Invocation failed: could not render ${error.message}`);
    return { result: 'delivered' };
  }

  switch (method.type) {
    case 'WEBHOOK':
      return invokeWebhook(run, runId, method as unknown as WebhookInvocation, settings);
    case 'GITHUB':
      return invokeGithub(run, stored, method as unknown as GithubInvocation, settings);
    case 'UPSERT_ENTITY':
      upsertEntity(run, stored, method as unknown as UpsertEntityInvocation);
      return { result: 'delivered' };
    case 'INTEGRATION_ACTION':
      awaitIntegration(run, runId, method as unknown as IntegrationActionInvocation);
      return { result: 'delivered' };
    default:
      run.end(
        runId,
        'FAILURE',
        `Invocation method ${String(method.type)} is not supported by the embedded catalog (supported: ${SUPPORTED})`,
      );
      return { result: 'delivered' };
  }
}

/** What `{{ }}` templates see, as the vendor documents it. */
function templateContext(stored: StoredRun, secrets: Record<string, string>): Record<string, unknown> {
  const { run, invocation } = stored;
  return {
    inputs: run.properties,
    trigger: invocation.trigger,
    entity: invocation.entity ?? {},
    action: { identifier: run.action.identifier, blueprint: run.blueprint?.identifier ?? null },
    run: { id: run.id },
    secrets,
  };
}

async function invokeWebhook(
  run: RunWriter,
  runId: string,
  method: WebhookInvocation,
  settings: InvocationSettings,
): Promise<DeliveryOutcome> {
  const stored = run.ctx.runs.get(runId)!;
  const body = method.body !== undefined ? method.body : defaultWebhookBody(stored);
  const target = `${method.method ?? 'POST'} ${method.url}`;
  const badHeader = headerProblem(method.headers);
  if (badHeader) {
    // A rendered header that HTTP cannot carry fails the same way at every attempt: end the run, do not retry.
    run.end(runId, 'FAILURE', `Invocation failed: invocationMethod.headers.${badHeader}`);
    return { result: 'delivered' };
  }
  try {
    const response = await sendSigned(
      { url: method.url, method: method.method, headers: method.headers, body },
      settings.secret,
      settings.timeoutMs,
    );
    const ok = response.status >= 200 && response.status < 300;
    if (ok && method.synchronized) {
      run.end(runId, 'SUCCESS', `Webhook ${target} ${describeAnswer(response)}`);
    } else if (ok) {
      run.log(runId, `Invoked webhook ${target} (${response.status})`);
    } else if (mayRetry({ status: response.status }, SIGNED_DELIVERY_RETRY)) {
      return { result: 'retry', error: `webhook ${target} ${describeAnswer(response)}` };
    } else {
      run.end(runId, 'FAILURE', `Invocation failed: webhook ${target} ${describeAnswer(response)}`);
    }
    return { result: 'delivered' };
  } catch (error) {
    return { result: 'retry', error: `webhook ${target} ${describeNetworkError(error)}` };
  }
}

/** The first rendered header HTTP cannot carry (a newline from a template, say), as `<name>: <why>`. */
function headerProblem(headers: Record<string, unknown> | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, String(value));
    } catch (error) {
      return `${name}: ${(error as Error).message}`;
    }
  }
  return undefined;
}

/** The vendor's default webhook body, sent when the action defines none. */
function defaultWebhookBody(stored: StoredRun): unknown {
  const { run, invocation } = stored;
  return {
    action: run.action.identifier,
    resourceType: 'run',
    status: 'TRIGGERED',
    trigger: invocation.trigger,
    context: { entity: run.entity?.identifier ?? null, blueprint: run.blueprint?.identifier ?? null, runId: run.id },
    payload: { entity: invocation.entity, action: { identifier: run.action.identifier }, properties: run.properties },
  };
}

/** Hands the run to the GitHub App with the invocation contract of docs/design.md; the App reports from there. */
async function invokeGithub(
  run: RunWriter,
  stored: StoredRun,
  method: GithubInvocation,
  settings: InvocationSettings,
): Promise<DeliveryOutcome> {
  const url = settings.appUrl();
  const body = {
    runId: stored.run.id,
    org: method.org,
    repo: method.repo,
    workflow: method.workflow,
    workflowInputs: method.workflowInputs ?? {},
    reportWorkflowStatus: method.reportWorkflowStatus ?? true,
  };
  try {
    const response = await sendSigned({ url, body }, settings.secret, settings.timeoutMs);
    if (response.status >= 200 && response.status < 300) {
      run.log(stored.run.id, `Sent to the GitHub App at ${url} for ${method.org}/${method.repo} ${method.workflow}`);
      return { result: 'delivered' };
    }
    const error = `the GitHub App at ${url} ${describeAnswer(response)}`;
    if (mayRetry({ status: response.status }, SIGNED_DELIVERY_RETRY)) return { result: 'retry', error };
    run.end(stored.run.id, 'FAILURE', `Invocation failed: ${error}`);
    return { result: 'delivered' };
  } catch (error) {
    return { result: 'retry', error: `the GitHub App at ${url} ${describeNetworkError(error)}` };
  }
}

/**
 * Invokes nothing: the run keeps its rendered payload and waits, IN_PROGRESS, for its installation to claim it.
 * A template that rendered to something the payload cannot hold ends it instead.
 */
function awaitIntegration(run: RunWriter, runId: string, method: IntegrationActionInvocation): void {
  const properties = method.integrationActionExecutionProperties ?? {};
  const problem =
    typeof method.installationId !== 'string' || method.installationId === ''
      ? `invocationMethod.installationId rendered to ${describeValue(method.installationId)}, not an id`
      : typeof method.integrationActionType !== 'string' || method.integrationActionType === ''
        ? `invocationMethod.integrationActionType rendered to ${describeValue(method.integrationActionType)}`
        : !isPlainObject(properties)
          ? `invocationMethod.integrationActionExecutionProperties rendered to ${describeValue(properties)}, not an object`
          : undefined;
  if (problem) {
    run.end(runId, 'FAILURE', `Invocation failed: ${problem}`);
    return;
  }
  makeClaimable(run.ctx, runId, {
    type: 'INTEGRATION_ACTION',
    installationId: method.installationId,
    integrationActionType: method.integrationActionType,
    integrationActionExecutionProperties: properties,
  });
}

function upsertEntity(run: RunWriter, stored: StoredRun, method: UpsertEntityInvocation): void {
  const { ctx } = run;
  const runId = stored.run.id;
  try {
    const input = parseEntityInput(method.mapping, 'invocationMethod.mapping');
    const { entity, created } = ctx.write(() =>
      writeEntity(
        ctx,
        method.blueprintIdentifier,
        input,
        { mode: 'merge', createMissingRelated: false },
        {
          clientId: stored.run.createdBy,
          runId,
        },
      ),
    );
    run.end(
      runId,
      'SUCCESS',
      `${created ? 'Created' : 'Updated'} entity "${entity.identifier}" of blueprint "${method.blueprintIdentifier}"`,
    );
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    run.end(runId, 'FAILURE', `Could not upsert the entity: ${error.message}`);
  }
}
