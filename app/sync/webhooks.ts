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
    await sync()?.onRepository(context.payload as unknown as Parameters<CatalogSync['onRepository']>[0]);
  });
  app.on('installation.created', async (context) => {
    await sync()?.onInstallationCreated(
      context.payload as unknown as Parameters<CatalogSync['onInstallationCreated']>[0],
    );
  });
  app.on('installation.deleted', async (context) => {
    await sync()?.onInstallationDeleted(
      context.payload as unknown as Parameters<CatalogSync['onInstallationDeleted']>[0],
    );
  });
  app.on('installation_repositories', async (context) => {
    await sync()?.onInstallationRepositories(
      context.payload as unknown as Parameters<CatalogSync['onInstallationRepositories']>[0],
    );
  });
  app.on('push', async (context) => {
    await sync()?.onPush(context.payload as unknown as Parameters<CatalogSync['onPush']>[0]);
  });
  // The events of the other kinds (issues, release, create, delete, team, ...), push included: a push also
  // changes file and folder objects.
  for (const event of kindEventNames()) {
    app.on(event as 'issues', async (context) => {
      await sync()?.onKindEvent(event, context.payload as unknown as Parameters<CatalogSync['onKindEvent']>[1]);
    });
  }
  app.on('pull_request', async (context) => {
    await sync()?.onPullRequest(context.payload as unknown as Parameters<CatalogSync['onPullRequest']>[0]);
  });
}
