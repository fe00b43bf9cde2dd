import { z } from 'zod';
import { ApiError, invalidRequest, notFound, parseOrInvalid } from '../errors.ts';
import type { StoredIntegration } from '../store/index.ts';
import { entityIdentifierProblem } from '../validation/index.ts';
import type { Actor, CatalogContext } from './context.ts';

/**
 * The Ocean integrations registered with the catalog (`/v1/integration/...`), in the shapes of the vendor's API as
 * Ocean's client sends and reads them (port_ocean/clients/port/mixins/integrations.py and client.py). Keys of a
 * body that are not listed here are ignored, as the contract has servers do, so a newer Ocean that sends more still
 * starts; the listed ones are checked and a wrong one is named.
 */

const text = (max: number) => z.string().max(max, `at most ${max} characters`);

const settingsFields = {
  installationAppType: text(200).optional(),
  version: text(100).optional(),
  title: text(1000).nullable().optional(),
  // The events Ocean wants of its blueprints (empty for the polling listener); kept and answered as sent.
  changelogDestination: z.record(z.string(), z.unknown()).nullable().optional(),
  // The port app config: its resources and their mappings, read back by Ocean at every resync.
  config: z.record(z.string(), z.unknown()).optional(),
};

const createSchema = z.object({ installationId: z.string(), ...settingsFields });
const patchSchema = z.object(settingsFields);

const instant = z.string().max(64).nullable().optional();

/** ResyncStateUpdater's state: before a resync (running) and after it (completed or failed). */
const resyncStateSchema = z.object({
  status: text(64),
  lastResyncStart: instant,
  lastResyncEnd: instant,
  nextResync: instant,
  intervalInMinuets: z.number().nullable().optional(),
});

/** Log records as Ocean's HTTPMemoryHandler sends them; each kept as sent (the body limit bounds their size). */
const logsSchema = z.object({ logs: z.array(z.record(z.string(), z.unknown())).max(10_000) });

const examplesSchema = z.object({ examples: z.array(z.unknown()).max(1000) });

/** The integration as the vendor answers it; `logIngestUrl` is where Ocean is to send its logs. */
export function integrationView(integration: StoredIntegration, logIngestUrl: string): Record<string, unknown> {
  return {
    installationId: integration.identifier,
    ...integration.data,
    resyncState: integration.resyncState,
    logAttributes: { ingestUrl: logIngestUrl },
    createdAt: integration.createdAt,
    createdBy: integration.createdBy,
    updatedAt: integration.updatedAt,
    updatedBy: integration.updatedBy,
  };
}

export function requireIntegration(ctx: CatalogContext, identifier: string): StoredIntegration {
  const integration = ctx.integrations.get(identifier);
  if (!integration) throw notFound(`integration "${identifier}" not found`);
  return integration;
}

/** Drops the keys a body left out, so that a patch changes only what it names. */
function given(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** POST /v1/integration: 409 when the identifier is taken. */
export function createIntegration(ctx: CatalogContext, body: unknown, actor: Actor): StoredIntegration {
  const { installationId, ...fields } = parseOrInvalid(createSchema, body ?? {}, 'body');
  const problem = entityIdentifierProblem(installationId);
  if (problem) throw invalidRequest(`body.installationId: ${problem}`);
  return ctx.write(() => {
    if (ctx.integrations.get(installationId)) {
      throw new ApiError(409, 'identifier_taken', `integration "${installationId}" already exists; patch it instead`);
    }
    const now = ctx.now();
    const integration: StoredIntegration = {
      identifier: installationId,
      data: { config: {}, ...given(fields) },
      resyncState: null,
      createdAt: now,
      createdBy: actor.clientId,
      updatedAt: now,
      updatedBy: actor.clientId,
    };
    ctx.integrations.save(integration);
    return integration;
  });
}

/** PATCH /v1/integration/{id}: each key sent replaces the one kept. */
export function patchIntegration(ctx: CatalogContext, identifier: string, body: unknown, actor: Actor) {
  const fields = parseOrInvalid(patchSchema, body ?? {}, 'body');
  return ctx.write(() => {
    const integration = requireIntegration(ctx, identifier);
    integration.data = { ...integration.data, ...given(fields) };
    integration.updatedAt = ctx.now();
    integration.updatedBy = actor.clientId;
    ctx.integrations.save(integration);
    return integration;
  });
}

/**
 * PATCH /v1/integration/{id}/resync-state. The state's `updatedAt` and the integration's are the same instant:
 * Ocean's polling listener resyncs when the integration's `updatedAt` differs from the last state it reported, so a
 * report of its own must not look like a change.
 */
export function updateResyncState(ctx: CatalogContext, identifier: string, body: unknown, actor: Actor) {
  const state = parseOrInvalid(resyncStateSchema, body ?? {}, 'body');
  return ctx.write(() => {
    const integration = requireIntegration(ctx, identifier);
    const now = ctx.now();
    integration.resyncState = { ...integration.resyncState, ...given(state), updatedAt: now };
    integration.updatedAt = now;
    integration.updatedBy = actor.clientId;
    ctx.integrations.save(integration);
    return integration;
  });
}

export function deleteIntegration(ctx: CatalogContext, identifier: string): void {
  ctx.write(() => {
    requireIntegration(ctx, identifier);
    ctx.integrations.delete(identifier);
  });
}

/** POST /v1/integration/{id}/logs (the integration's logAttributes.ingestUrl). Returns how many were kept. */
export function ingestLogs(ctx: CatalogContext, identifier: string, body: unknown): number {
  const { logs } = parseOrInvalid(logsSchema, body ?? {}, 'body');
  return ctx.write(() => {
    requireIntegration(ctx, identifier);
    ctx.integrations.addLogs(identifier, logs, ctx.now());
    return logs.length;
  });
}

/** POST /v1/integration/{id}/kinds/{kind}/examples: the kind's raw examples, replacing the last ones. */
export function ingestKindExamples(ctx: CatalogContext, identifier: string, kind: string, body: unknown): void {
  const { examples } = parseOrInvalid(examplesSchema, body ?? {}, 'body');
  ctx.write(() => {
    requireIntegration(ctx, identifier);
    ctx.integrations.saveExamples(identifier, kind, examples, ctx.now());
  });
}
