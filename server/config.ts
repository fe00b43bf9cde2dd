import { resolve } from 'node:path';
import { z } from 'zod';
import { parseAllowedWorkflows } from '../app/index.ts';
import { type JqLimits, jqLimitsFromEnv } from '../src/jq/index.ts';

/** Everything `npm start` reads from the environment, checked once at start. */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  rateLimit: { limit: number; periodSeconds: number };
  logLevel: string;
  /** WHARF_SECRET_<NAME> variables, as `{{ .secrets.NAME }}` in action templates. */
  secrets: Record<string, string>;
  appUrl: string | undefined;
  /** PORT_BASE_URL: a Port API to report to instead of the embedded catalog. */
  portBaseUrl: string | undefined;
  /** DATABASE_URL: the PostgreSQL database of the App's state, shared by replicas; unset: WHARF_DATA_DIR/app.sqlite. */
  databaseUrl: string | undefined;
  /** WHARF_OUTBOX_LEASE_SECONDS: how long a replica's lease on the outbox rows it delivers lasts. */
  outboxLeaseMs: number;
  allowedWorkflows: string[];
  reconcileIntervalMs: number;
  /** Full resync of every installation this often; 0: only on install, config change and on demand. */
  resyncIntervalMs: number;
  /** How far one evaluation of a user's jq may go: WHARF_JQ_TIMEOUT_MS, WHARF_JQ_MEMORY_MB, WHARF_JQ_WORKERS. */
  jq: JqLimits;
  /** The actions processor: WHARF_INTEGRATION_ID and WHARF_ACTIONS_* (app/actions). */
  actions: {
    enabled: boolean;
    installationId: string;
    batchSize: number;
    visibilityTimeoutMs: number;
    pacing: { maxIdleMs: number };
  };
}

const SECRET_PREFIX = 'WHARF_SECRET_';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  WHARF_DATA_DIR: z.string().min(1).default('.data'),
  WHARF_RATE_LIMIT: z.coerce.number().int().min(1).default(20000),
  WHARF_RATE_LIMIT_PERIOD: z.coerce.number().int().min(1).default(60),
  WHARF_APP_URL: z.url({ protocol: /^https?$/ }).optional(),
  PORT_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  WHARF_ALLOWED_WORKFLOWS: z.string().optional(),
  WHARF_OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  WHARF_RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(10).default(300),
  WHARF_RESYNC_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .refine((value) => value === 0 || value >= 60, 'must be 0 (no schedule) or at least 60')
    .default(6 * 60 * 60),
  WHARF_INTEGRATION_ID: z.string().trim().min(1).max(200).default('wharf'),
  WHARF_ACTIONS_PROCESSOR: z.enum(['on', 'off']).default('on'),
  WHARF_ACTIONS_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  WHARF_ACTIONS_VISIBILITY_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(43_200).default(90),
  WHARF_ACTIONS_MAX_IDLE_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('warn'),
});

/** Probot's own variables: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET. */
export function githubAppStatus(env: NodeJS.ProcessEnv): { ok: true } | { ok: false; missing: string[] } {
  const missing = [
    env.APP_ID ? undefined : 'APP_ID',
    env.PRIVATE_KEY || env.PRIVATE_KEY_PATH ? undefined : 'PRIVATE_KEY (or PRIVATE_KEY_PATH)',
    env.WEBHOOK_SECRET ? undefined : 'WEBHOOK_SECRET',
  ].filter((name): name is string => name !== undefined);
  return missing.length === 0 ? { ok: true } : { ok: false, missing };
}

/**
 * DATABASE_URL, checked without its value ever being shown: it holds the database's password. Undefined when unset
 * (or empty).
 */
function databaseUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.DATABASE_URL?.trim();
  if (!value) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || !url.hostname) {
    const scheme = url ? ` (its scheme is ${url.protocol.slice(0, -1)})` : ' (it is not a URL)';
    throw new Error(
      `Invalid environment: DATABASE_URL: must be a PostgreSQL URL, postgres://user:password@host:5432/database ` +
        `or postgresql://...${scheme}; unset it to keep the App's state in WHARF_DATA_DIR/app.sqlite`,
    );
  }
  return value;
}

/** Where DATABASE_URL points, without its user and password: `host:port/database`. */
export function describeDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.host}${url.pathname === '/' ? '' : decodeURIComponent(url.pathname)}`;
}

export function readServerConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  const values = parsed.data;
  const databaseUrl = databaseUrlOf(env);
  if (databaseUrl && !values.PORT_BASE_URL) {
    throw new Error(
      'Invalid environment: DATABASE_URL is set without PORT_BASE_URL. With DATABASE_URL the App keeps its state in ' +
        'PostgreSQL so that several wharf replicas share it, but the embedded catalog (served when PORT_BASE_URL is ' +
        "not set) keeps its data in one process's WHARF_DATA_DIR and cannot be replicated. Set PORT_BASE_URL to " +
        "Port's API, or to one wharf process that serves the catalog (started without DATABASE_URL); or unset " +
        'DATABASE_URL to run one process with the embedded catalog.',
    );
  }
  let jq: JqLimits;
  try {
    jq = jqLimitsFromEnv(env);
  } catch (error) {
    throw new Error(`Invalid environment: ${(error as Error).message}`, { cause: error });
  }
  return {
    port: values.PORT,
    host: values.HOST,
    dataDir: resolve(values.WHARF_DATA_DIR),
    rateLimit: { limit: values.WHARF_RATE_LIMIT, periodSeconds: values.WHARF_RATE_LIMIT_PERIOD },
    logLevel: values.LOG_LEVEL,
    secrets: Object.fromEntries(
      Object.entries(env)
        .filter(([name, value]) => name.startsWith(SECRET_PREFIX) && value !== undefined)
        .map(([name, value]) => [name.slice(SECRET_PREFIX.length), value as string]),
    ),
    appUrl: values.WHARF_APP_URL,
    portBaseUrl: values.PORT_BASE_URL,
    databaseUrl,
    outboxLeaseMs: values.WHARF_OUTBOX_LEASE_SECONDS * 1000,
    allowedWorkflows: parseAllowedWorkflows(values.WHARF_ALLOWED_WORKFLOWS),
    reconcileIntervalMs: values.WHARF_RECONCILE_INTERVAL_SECONDS * 1000,
    resyncIntervalMs: values.WHARF_RESYNC_INTERVAL_SECONDS * 1000,
    jq,
    actions: {
      enabled: values.WHARF_ACTIONS_PROCESSOR === 'on',
      installationId: values.WHARF_INTEGRATION_ID,
      batchSize: values.WHARF_ACTIONS_BATCH_SIZE,
      visibilityTimeoutMs: values.WHARF_ACTIONS_VISIBILITY_TIMEOUT_SECONDS * 1000,
      pacing: { maxIdleMs: values.WHARF_ACTIONS_MAX_IDLE_SECONDS * 1000 },
    },
  };
}
