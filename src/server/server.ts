import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Catalog, openCatalog } from '../../catalog/index.ts';
import type { ServerConfig } from './config.ts';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  catalog: Catalog;
  close(): Promise<void>;
}

export interface StartOptions extends Omit<ServerConfig, 'logLevel'> {
  env?: NodeJS.ProcessEnv;
  credentials?: { clientId: string; clientSecret: string };
  /** Pino log level for request logs; off when absent. */
  logLevel?: string;
}

/** One HTTP server for the whole product: the embedded catalog under /v1 and /healthz. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const catalog = openCatalog({
    dataDir: options.dataDir,
    env: options.env,
    credentials: options.credentials,
    rateLimit: options.rateLimit,
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
    catalog.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    app,
    catalog,
    close: async () => {
      await app.close();
      catalog.close();
    },
  };
}
