import { join } from 'node:path';
import { SmeeClient } from 'smee-client';
import { githubAppEnv, probotFromEnv, SETUP_PATH, STORED_APP_FILE, WEBHOOKS_PATH } from '../app/index.ts';
import { APP_STATE_FILE } from '../app/state/index.ts';
import { CONSOLE_PATH } from '../catalog/index.ts';
import { configureJq } from '../src/jq/index.ts';
import { describeDatabaseUrl, githubAppStatus, readServerConfig } from './config.ts';
import { startServer } from './server.ts';

/** Orchestrators (Kubernetes, systemd, Docker) kill 10 s after SIGTERM; exit before that, on our own terms. */
const STOP_WITHIN_MS = 8_000;

/** `npm start`: the product, on the embedded catalog unless PORT_BASE_URL names a Port API, until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = readServerConfig(process.env);
  await configureJq(config.jq);
  const env = process.env;
  // APP_ID, PRIVATE_KEY and WEBHOOK_SECRET from the environment, else from the App registered at /setup.
  const githubApp = githubAppEnv(env, config.dataDir);
  const github = githubAppStatus(githubApp.env);
  const remoteCredentials =
    config.portBaseUrl && env.PORT_CLIENT_ID && env.PORT_CLIENT_SECRET
      ? { clientId: env.PORT_CLIENT_ID, clientSecret: env.PORT_CLIENT_SECRET }
      : undefined;
  const server = await startServer({
    ...config,
    env,
    credentials: remoteCredentials,
    probot: github.ok ? probotFromEnv(githubApp.env, config.logLevel) : undefined,
    app: {
      allowedWorkflows: config.allowedWorkflows,
      reconcileIntervalMs: config.reconcileIntervalMs,
      sync: { resyncIntervalMs: config.resyncIntervalMs },
      actions: config.actions,
    },
  });
  console.log(`wharf listening on ${server.url}`);
  if (server.catalog) {
    const { credentials } = server.catalog;
    console.log(`embedded catalog: ${server.url}/v1 (data in ${config.dataDir})`);
    console.log(`console: ${server.url}${CONSOLE_PATH} (sign in with the catalog's client id and secret)`);
    if (credentials.source === 'environment') {
      console.log('credentials: PORT_CLIENT_ID / PORT_CLIENT_SECRET from the environment');
    } else if (credentials.source === 'generated') {
      // Printed once, so a new user can try the API at once; later starts read it from the data directory and
      // keep it out of their logs.
      console.log(`credentials (generated, kept in ${config.dataDir}/credentials.json):`);
      console.log(`  PORT_CLIENT_ID=${credentials.clientId}`);
      console.log(`  PORT_CLIENT_SECRET=${credentials.clientSecret}`);
    } else {
      console.log(`credentials: PORT_CLIENT_ID=${credentials.clientId}, secret in ${config.dataDir}/credentials.json`);
    }
  } else {
    console.log(`reporting to the Port API at ${config.portBaseUrl}`);
  }
  console.log(
    config.databaseUrl
      ? `app state: PostgreSQL at ${describeDatabaseUrl(config.databaseUrl)}`
      : `app state: ${join(config.dataDir, APP_STATE_FILE)}`,
  );
  if (github.ok) {
    const stored = githubApp.fromStore.length > 0 ? ` (${githubApp.fromStore.join(', ')} from ${STORED_APP_FILE})` : '';
    console.log(
      `GitHub App: on${stored} (webhooks at ${server.url}${WEBHOOKS_PATH}, invocations at ${server.url}/api/port/invocations)`,
    );
    console.log(
      config.actions.enabled
        ? `actions processor: claiming the INTEGRATION_ACTION runs of installation "${config.actions.installationId}" (WHARF_INTEGRATION_ID)`
        : 'actions processor: off (WHARF_ACTIONS_PROCESSOR=off)',
    );
  } else {
    console.log(
      `GitHub App: off. Dispatching workflows for self-service actions, reporting their runs and syncing repositories ` +
        `need ${github.missing.join(', ')}: register the App at ${server.url}${SETUP_PATH}.`,
    );
  }
  // Local development: a smee.io channel (WEBHOOK_PROXY_URL) forwards GitHub's deliveries to this server, as in Probot.
  let smee: SmeeClient | undefined;
  if (env.WEBHOOK_PROXY_URL) {
    smee = new SmeeClient({
      source: env.WEBHOOK_PROXY_URL,
      target: `${server.url}${WEBHOOKS_PATH}`,
      logger: {
        info: (...args: unknown[]) => console.log('webhook proxy:', ...args),
        error: (...args: unknown[]) => console.error('webhook proxy:', ...args),
      },
    });
    const source = env.WEBHOOK_PROXY_URL;
    // The channel reconnects by itself; a proxy that cannot be reached now does not keep the server from running.
    smee.start().then(
      () => console.log(`webhook proxy: forwarding ${source} to ${server.url}${WEBHOOKS_PATH}`),
      (error: unknown) =>
        console.error(
          `webhook proxy: could not connect to ${source}: ${(error as { message?: string }).message ?? String(error)}`,
        ),
    );
  }

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: closing`);
    // Unfinished work is in the outbox and the App's store, which the next start takes up: never wait long for it.
    setTimeout(() => {
      console.error(
        `not closed within ${STOP_WITHIN_MS / 1000} s of ${signal}: exiting; unfinished work stays in the outbox`,
      );
      process.exit(1);
    }, STOP_WITHIN_MS).unref();
    await smee?.stop();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
