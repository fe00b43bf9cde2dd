import type { FastifyInstance } from 'fastify';
import type { DatabaseSync } from 'node:sqlite';
import { type Credentials, loadCredentials } from './auth/index.ts';
import { OutboxWorker } from '../src/outbox/index.ts';
import { DEFAULT_FAILED_ATTEMPTS, FailedAttempts } from '../src/throttle/index.ts';
import { consoleRoutes } from './console/index.ts';
import { changelogHandler } from './delivery/index.ts';
import { catalogRoutes, type RateLimitSettings } from './http/index.ts';
import { invocationHandler } from './invocation/index.ts';
import { CatalogContext } from './operations/index.ts';
import { openCatalogDatabase } from './store/index.ts';

export { ApiError } from './errors.ts';
export type { Blueprint, Entity, EntityInput, Action, Run, RunLog } from './model.ts';
export type { Credentials } from './auth/index.ts';
export { DATABASE_FILE } from './store/index.ts';
export { CONSOLE_PATH } from './console/index.ts';

/** How the outbox delivers invocations and changelog events. */
export interface DeliverySettings {
  concurrency: number;
  timeoutMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  invocationMaxAttempts: number;
  changelogMaxAttempts: number;
  /** A run not invoked this long after it started (the process was down) is ended FAILURE instead. */
  maxInvocationAgeMs: number;
}

export const DEFAULT_DELIVERY: DeliverySettings = {
  concurrency: 32,
  timeoutMs: 10_000,
  baseBackoffMs: 500,
  maxBackoffMs: 60_000,
  invocationMaxAttempts: 6,
  changelogMaxAttempts: 12,
  maxInvocationAgeMs: 60 * 60 * 1000,
};

export interface CatalogOptions {
  dataDir: string;
  /** Fixed credentials; when absent, PORT_CLIENT_ID/PORT_CLIENT_SECRET or a generated pair kept in dataDir. */
  credentials?: Credentials | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  rateLimit?: RateLimitSettings | undefined;
  /** Values of `{{ .secrets.NAME }}` in action templates. */
  secrets?: Record<string, string> | undefined;
  /** Where GITHUB invocations are sent (the App's /api/port/invocations); read when a run is invoked. */
  appUrl?: (() => string) | undefined;
  delivery?: Partial<DeliverySettings> | undefined;
  warn?: ((message: string) => void) | undefined;
}

export interface Catalog {
  credentials: Credentials & { source: 'environment' | 'generated' | 'stored' | 'given' };
  db: DatabaseSync;
  /** Registers the `/v1` routes and the web console (`/console`) on a fastify server. */
  register(app: FastifyInstance): Promise<void>;
  /** Starts delivering the outbox (pending deliveries of an earlier process first). */
  startDeliveries(): void;
  /** Deliveries not yet delivered nor given up. */
  pendingDeliveries(): number;
  /** When the oldest of those was enqueued (epoch ms); undefined when there is none. */
  oldestPendingDeliveryAt(): number | undefined;
  close(): Promise<void>;
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { limit: 20000, periodSeconds: 60 };

/** Opens the embedded catalog on its data directory; the caller mounts its routes and closes it. */
export function openCatalog(options: CatalogOptions): Catalog {
  const credentials = options.credentials
    ? { ...options.credentials, source: 'given' as const }
    : loadCredentials(options.dataDir, options.env ?? process.env);
  const db = openCatalogDatabase(options.dataDir);
  const ctx = new CatalogContext(db);
  const delivery = { ...DEFAULT_DELIVERY, ...options.delivery };
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const worker = new OutboxWorker(
    ctx.deliveries,
    {
      invocation: invocationHandler(ctx, {
        secret: credentials.clientSecret,
        secrets: options.secrets ?? {},
        appUrl: options.appUrl ?? (() => 'http://localhost:3000/api/port/invocations'),
        timeoutMs: delivery.timeoutMs,
        maxAttempts: delivery.invocationMaxAttempts,
      }),
      changelog: changelogHandler({
        secret: credentials.clientSecret,
        timeoutMs: delivery.timeoutMs,
        maxAttempts: delivery.changelogMaxAttempts,
        warn,
      }),
    },
    {
      ...delivery,
      maxAgeMs: { invocation: delivery.maxInvocationAgeMs },
      onError: (error) => warn(`delivery failed unexpectedly: ${String(error)}`),
    },
  );
  ctx.onDeliveriesEnqueued = () => worker.kick();
  return {
    credentials,
    db,
    register: async (app) => {
      // One count of wrong credentials per address for the token route and the console's sign-in.
      const failedAttempts = new FailedAttempts(DEFAULT_FAILED_ATTEMPTS);
      await app.register(catalogRoutes, {
        ctx,
        credentials,
        rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
        warn,
        failedAttempts,
      });
      // The web console (/console): its own cookies, forms and HTML errors, beside the /v1 API's context.
      await app.register(consoleRoutes, { ctx, credentials, warn, failedAttempts });
    },
    startDeliveries: () => worker.start(),
    pendingDeliveries: () => worker.pending(),
    oldestPendingDeliveryAt: () => worker.oldestPendingAt(),
    close: async () => {
      await worker.stop();
      db.close();
    },
  };
}
