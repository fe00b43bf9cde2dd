import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Catalog, type DeliverySettings, openCatalog } from '../../catalog/index.ts';
import type { ServerConfig } from './config.ts';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  catalog: Catalog;
  close(): Promise<void>;
}

export interface StartOptions extends Omit<ServerConfig, 'logLevel' | 'secrets' | 'appUrl'> {
  env?: NodeJS.ProcessEnv;
  credentials?: { clientId: string; clientSecret: string };
  /** Pino log level for request logs; off when absent. */
  logLevel?: string;
  secrets?: Record<string, string>;
  /** The App's invocation endpoint when it runs elsewhere; by default this server's own. */
  appUrl?: string | undefined;
  delivery?: Partial<DeliverySettings>;
}

/** One HTTP server for the whole product: the embedded catalog under /v1 and /healthz. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  let url = '';
  const catalog = openCatalog({
    dataDir: options.dataDir,
    env: options.env,
    credentials: options.credentials,
    rateLimit: options.rateLimit,
    secrets: options.secrets,
    appUrl: () => options.appUrl ?? `${url}/api/port/invocations`,
    delivery: options.delivery,
  });
  const app = Fastify({
    logger: options.logLevel ? { level: options.logLevel } : false,
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
  });
  app.get('/healthz', async () => ({ ok: true }));
  await catalog.register(app);
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await catalog.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  url = `http://${host}:${port}`;
  catalog.startDeliveries();
  return {
    url,
    app,
    catalog,
    close: async () => {
      await app.close();
      await catalog.close();
    },
  };
}
