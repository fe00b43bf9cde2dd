import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Probot } from 'probot';
import { INVOCATIONS_PATH, setupRoute, WEBHOOKS_PATH, WharfApp, type WharfAppOptions } from '../app/index.ts';
import { type AppState, openAppState } from '../app/state/index.ts';
import { type Catalog, type DeliverySettings, openCatalog } from '../catalog/index.ts';
import { errorAnswer, noRoute } from '../catalog/http/index.ts';
import { createPortClient } from '../src/port/index.ts';
import { githubAppStatus, type ServerConfig } from './config.ts';
import { inProcessFetch } from './in-process-fetch.ts';
import { GithubProbe, statusRoutes } from './status/index.ts';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  /** The embedded catalog; undefined when reporting to a Port API at portBaseUrl. */
  catalog: Catalog | undefined;
  wharfApp: WharfApp;
  close(): Promise<void>;
}

export interface StartOptions {
  port: number;
  host: string;
  dataDir: string;
  rateLimit?: ServerConfig['rateLimit'];
  env?: NodeJS.ProcessEnv;
  credentials?: { clientId: string; clientSecret: string } | undefined;
  /** Pino log level for request logs; off when absent. */
  logLevel?: string;
  secrets?: Record<string, string> | undefined;
  /** The App's invocation endpoint when it runs elsewhere; by default this server's own. */
  appUrl?: string | undefined;
  delivery?: Partial<DeliverySettings>;
  /** A Port API to report to; when absent the embedded catalog is served and used. */
  portBaseUrl?: string | undefined;
  /** DATABASE_URL: the App's state in that PostgreSQL database (shared by replicas); absent: dataDir/app.sqlite. */
  databaseUrl?: string | undefined;
  /** How long a replica's lease on outbox rows lasts (WHARF_OUTBOX_LEASE_SECONDS); DEFAULT_LEASE_MS when absent. */
  outboxLeaseMs?: number | undefined;
  /** The GitHub App (Probot with its credentials); without it, the App's GitHub features are off. */
  probot?: Probot | undefined;
  app?: Partial<Omit<WharfAppOptions, 'state' | 'port' | 'dataDir' | 'portSecret' | 'probot' | 'log'>>;
  warn?: (message: string) => void;
}

/** The base URL of the App's calls to the embedded catalog in this process (server/in-process-fetch.ts). */
const IN_PROCESS_CATALOG = 'http://embedded-catalog.in-process';

/**
 * One HTTP server for the whole product: the embedded catalog under /v1 (unless a Port API is given), the GitHub
 * App's webhooks and invocations, /healthz and /metrics.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  let url = '';
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const catalog = options.portBaseUrl
    ? undefined
    : openCatalog({
        dataDir: options.dataDir,
        env: options.env,
        credentials: options.credentials,
        rateLimit: options.rateLimit,
        secrets: options.secrets,
        appUrl: () => options.appUrl ?? `${url}${INVOCATIONS_PATH}`,
        delivery: options.delivery,
        warn,
      });
  const portCredentials = catalog?.credentials ?? options.credentials;
  if (!portCredentials) {
    throw new Error('PORT_BASE_URL is set: set PORT_CLIENT_ID and PORT_CLIENT_SECRET for that Port API too');
  }
  const portClient = createPortClient({
    baseUrl: options.portBaseUrl ?? IN_PROCESS_CATALOG,
    clientId: portCredentials.clientId,
    clientSecret: portCredentials.clientSecret,
    // The outbox retries durably; the client only smooths over brief failures.
    maxRetries: 2,
    concurrency: 64,
    // The embedded catalog is answered in memory, by its own routes (the server below, once it exists).
    ...(catalog && { fetch: inProcessFetch(() => app, IN_PROCESS_CATALOG) }),
  });
  let state: AppState;
  try {
    state = await openAppState({
      databaseUrl: options.databaseUrl,
      dataDir: options.dataDir,
      leaseMs: options.outboxLeaseMs,
    });
  } catch (error) {
    await catalog?.close();
    throw error;
  }
  const wharfApp = new WharfApp({
    allowedWorkflows: [],
    secrets: Object.values(options.secrets ?? {}),
    ...options.app,
    state,
    port: portClient,
    dataDir: options.dataDir,
    portSecret: portCredentials.clientSecret,
    probot: options.probot,
    log: { warn },
  });
  if (catalog) {
    wharfApp.metrics.gauge(
      'wharf_catalog_outbox_depth',
      'Invocations and changelog events waiting to be delivered',
      () => catalog.pendingDeliveries(),
    );
  }
  // Set later when the App is registered from /setup while running.
  let webhooks = await wharfApp.webhookMiddleware();

  const app = Fastify({
    logger: options.logLevel ? { level: options.logLevel } : false,
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    // Probot verifies webhook signatures over the raw stream, so its path bypasses fastify's body parsing.
    serverFactory: (handler) =>
      createServer((request, response) => {
        if (webhooks && request.url?.split('?')[0] === WEBHOOKS_PATH) void webhooks(request, response);
        else handler(request, response);
      }),
  });
  app.get('/healthz', async () => ({ ok: true }));
  // Paths nobody serves answer 404 in the API's envelope; the catalog answers its own /v1 paths (a token first).
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = errorAnswer(noRoute(request.method, request.url));
    return reply.status(status).send(body);
  });
  // `/` (the status page), `/readyz`, `/metrics` and the documents the page links to.
  statusRoutes(app, {
    url: () => url,
    catalog,
    portBaseUrl: options.portBaseUrl,
    wharfApp,
    appMissing: () => {
      const status = githubAppStatus(options.env ?? process.env);
      return status.ok ? [] : status.missing;
    },
    github: new GithubProbe(() => wharfApp.githubAccess),
  });
  await wharfApp.register(app);
  await app.register(setupRoute, {
    env: options.env ?? process.env,
    dataDir: options.dataDir,
    githubOn: () => wharfApp.githubOn,
    turnOn: async (probot) => {
      webhooks = await wharfApp.attachGithub(probot);
    },
    warn,
  });
  await catalog?.register(app);
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await catalog?.close();
    await wharfApp.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  url = `http://${host}:${port}`;
  catalog?.startDeliveries();
  await wharfApp.start();
  return {
    url,
    app,
    catalog,
    wharfApp,
    close: async () => {
      await app.close();
      await wharfApp.close();
      await catalog?.close();
    },
  };
}
