/**
 * A self-service action as written for the vendor: identifier, title, `trigger` (self-service, operation,
 * userInputs, blueprintIdentifier) and `invocationMethod`. Problems throw invalidRequest naming the field.
 */
import { z } from 'zod';
import { templateSlots } from '../../src/jq/index.ts';
import { invalidRequest, parseOrInvalid } from '../errors.ts';
import type { Action } from '../model.ts';
import { describeValue } from './describe.ts';
import { parseUserInputs } from './user-inputs.ts';

export type ActionDefinition = Omit<Action, 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy'>;

const IDENTIFIER = /^[A-Za-z0-9@_=-]+$/;
const HAS_TEMPLATE = /\{\{[\s\S]*?\}\}/;

const webhookSchema = z.looseObject({
  type: z.literal('WEBHOOK'),
  url: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  synchronized: z.boolean().optional(),
  agent: z.boolean().optional(),
});

const githubSchema = z.looseObject({
  type: z.literal('GITHUB'),
  org: z.string().min(1),
  repo: z.string().min(1),
  workflow: z.string().min(1),
  workflowInputs: z.record(z.string(), z.unknown()).optional(),
  reportWorkflowStatus: z.boolean().optional(),
});

const upsertEntitySchema = z.looseObject({
  type: z.literal('UPSERT_ENTITY'),
  blueprintIdentifier: z.string().min(1),
  mapping: z.record(z.string(), z.unknown()),
});

const integrationActionSchema = z.looseObject({
  type: z.literal('INTEGRATION_ACTION'),
  installationId: z.string({ error: 'required: the id of the integration installation that runs it' }).min(1),
  integrationProvider: z.literal('GITHUB', { error: 'required: must be GITHUB' }),
  integrationActionType: z.string({ error: 'required: what the integration does, e.g. dispatch_workflow' }).min(1),
  integrationActionExecutionProperties: z.record(z.string(), z.unknown(), { error: 'must be an object' }).optional(),
});

// Stored as written; running one says it is not supported here.
const otherSchema = z.looseObject({ type: z.enum(['GITLAB', 'KAFKA', 'AZURE_DEVOPS']) });

const actionSchema = z.looseObject({
  identifier: z.string().regex(IDENTIFIER, 'letters, digits and @_=- only').max(100),
  title: z.string().min(1).max(100),
  icon: z.string().optional(),
  description: z.string().optional(),
  trigger: z.looseObject({
    type: z.literal('self-service'),
    operation: z.enum(['CREATE', 'DAY-2', 'DELETE']),
    userInputs: z.unknown().optional(),
    blueprintIdentifier: z.string().min(1).optional(),
  }),
  invocationMethod: z.discriminatedUnion('type', [
    webhookSchema,
    githubSchema,
    upsertEntitySchema,
    integrationActionSchema,
    otherSchema,
  ]),
});

export function parseActionDefinition(
  body: unknown,
  options: { blueprintExists: (identifier: string) => boolean },
): ActionDefinition {
  const action = parseOrInvalid(actionSchema, body, '');
  const { trigger, invocationMethod } = action;
  const userInputs = parseUserInputs('trigger.userInputs', trigger.userInputs);
  if (trigger.operation !== 'CREATE' && trigger.blueprintIdentifier === undefined) {
    throw invalidRequest(
      `trigger.blueprintIdentifier: a ${trigger.operation} action runs on an entity of a blueprint; name it`,
    );
  }
  if (trigger.blueprintIdentifier !== undefined && !options.blueprintExists(trigger.blueprintIdentifier)) {
    throw invalidRequest(`trigger.blueprintIdentifier: blueprint "${trigger.blueprintIdentifier}" does not exist`);
  }
  if (invocationMethod.type === 'WEBHOOK') {
    const { url } = invocationMethod as z.infer<typeof webhookSchema>;
    if (!HAS_TEMPLATE.test(url) && !isHttpUrl(url)) {
      throw invalidRequest(
        `invocationMethod.url: must be an http(s) URL or a {{ template }} (got ${describeValue(url)})`,
      );
    }
  }
  if (invocationMethod.type === 'UPSERT_ENTITY') {
    const { blueprintIdentifier } = invocationMethod as z.infer<typeof upsertEntitySchema>;
    if (!HAS_TEMPLATE.test(blueprintIdentifier) && !options.blueprintExists(blueprintIdentifier)) {
      throw invalidRequest(`invocationMethod.blueprintIdentifier: blueprint "${blueprintIdentifier}" does not exist`);
    }
  }
  if (invocationMethod.type === 'INTEGRATION_ACTION') refuseSecrets(invocationMethod);
  return { ...action, trigger: { ...trigger, userInputs } } as ActionDefinition;
}

/**
 * The payload of an integration action is handed to whoever claims the run and shown with it, so, as the vendor
 * does, its templates may not read `.secrets`.
 */
function refuseSecrets(method: Record<string, unknown>): void {
  for (const slot of templateSlots(method, 'invocationMethod')) {
    if (/\.secrets\b/.test(slot.expression)) {
      throw invalidRequest(
        `${slot.path}: INTEGRATION_ACTION templates may not read .secrets (the payload is not secret)`,
      );
    }
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
