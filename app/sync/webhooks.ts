/** The Probot handlers of catalog sync: each hands its payload to CatalogSync and returns. */
import type { WebhookApp } from '../webhooks/webhook-endpoint.ts';
import type { CatalogSync } from './catalog-sync.ts';
import { kindEventNames } from './live/kind-events.ts';

/**
 * Registers the handlers on the App's Probot app. `sync` answers undefined while catalog sync is off; the events
 * then do nothing here. workflow_run is not among them: the App's one handler of it calls reporting and sync.
 */
export function registerSyncWebhooks(app: WebhookApp, sync: () => CatalogSync | undefined): void {
  app.on('repository', async (context) => {
    await sync()?.onRepository(context.payload);
  });
  app.on('installation.created', async (context) => {
    await sync()?.onInstallationCreated(context.payload);
  });
  app.on('installation.deleted', async (context) => {
    await sync()?.onInstallationDeleted(context.payload);
  });
  app.on('installation_repositories', async (context) => {
    await sync()?.onInstallationRepositories(context.payload);
  });
  app.on('push', async (context) => {
    await sync()?.onPush(context.payload);
  });
  // The events of the other kinds (issues, release, create, delete, team, ...), push included: a push also
  // changes file and folder objects.
  for (const event of kindEventNames()) {
    app.on(event, async (context) => {
      await sync()?.onKindEvent(event, context.payload);
    });
  }
  app.on('pull_request', async (context) => {
    await sync()?.onPullRequest(context.payload);
  });
}
