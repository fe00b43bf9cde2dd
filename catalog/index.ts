import type { FastifyInstance } from 'fastify';
import type { DatabaseSync } from 'node:sqlite';
import { type Credentials, loadCredentials } from './auth/index.ts';
import { catalogRoutes, type RateLimitSettings } from './http/index.ts';
import { CatalogContext } from './operations/index.ts';
import { openDatabase } from './store/index.ts';

export { ApiError } from './errors.ts';
export type { Blueprint, Entity, EntityInput } from './model.ts';
export type { Credentials } from './auth/index.ts';
export { DATABASE_FILE } from './store/index.ts';

export interface CatalogOptions {
  dataDir: string;
  /** Fixed credentials; when absent, PORT_CLIENT_ID/PORT_CLIENT_SECRET or a generated pair kept in dataDir. */
  credentials?: Credentials;
  env?: NodeJS.ProcessEnv;
  rateLimit?: RateLimitSettings;
}

export interface Catalog {
  credentials: Credentials & { source: 'environment' | 'generated' | 'stored' | 'given' };
  db: DatabaseSync;
  /** Registers the `/v1` routes on a fastify server. */
  register(app: FastifyInstance): Promise<void>;
  close(): void;
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { limit: 20000, periodSeconds: 60 };

/** Opens the embedded catalog on its data directory; the caller mounts its routes and closes it. */
export function openCatalog(options: CatalogOptions): Catalog {
  const credentials = options.credentials
    ? { ...options.credentials, source: 'given' as const }
    : loadCredentials(options.dataDir, options.env ?? process.env);
  const db = openDatabase(options.dataDir);
  const ctx = new CatalogContext(db);
  return {
    credentials,
    db,
    register: async (app) => {
      await app.register(catalogRoutes, {
        ctx,
        credentials,
        rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
      });
    },
    close: () => db.close(),
  };
}
