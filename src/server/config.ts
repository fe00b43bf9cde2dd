import { resolve } from 'node:path';
import { z } from 'zod';

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
}

const SECRET_PREFIX = 'WHARF_SECRET_';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  WHARF_DATA_DIR: z.string().min(1).default('.data'),
  WHARF_RATE_LIMIT: z.coerce.number().int().min(1).default(20000),
  WHARF_RATE_LIMIT_PERIOD: z.coerce.number().int().min(1).default(60),
  WHARF_APP_URL: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('warn'),
});

export function readServerConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  const values = parsed.data;
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
  };
}
