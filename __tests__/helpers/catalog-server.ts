import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type StartOptions, startServer } from '../../server/server.ts';
import { closeIfLeftOpen } from './open-resources.ts';

export { example } from './examples.ts';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestCatalog {
  url: string;
  server: RunningServer;
  dataDir: string;
  credentials: { clientId: string; clientSecret: string };
  token: string;
  /** An authenticated request; `body` is sent as JSON unless it is already a string. */
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  /** Closes the server; the data directory is removed unless `keepData` (to start again on it). */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export const TEST_CREDENTIALS = { clientId: 'test-client', clientSecret: 'test-secret-do-not-log' };

/** Starts the real server on 127.0.0.1, port 0, on a fresh data directory, and gets a token. */
export async function startTestCatalog(
  options: Partial<
    Pick<
      StartOptions,
      'rateLimit' | 'delivery' | 'secrets' | 'appUrl' | 'probot' | 'app' | 'portBaseUrl' | 'warn' | 'env'
    >
  > & { dataDir?: string } = {},
): Promise<TestCatalog> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'wharf-test-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    credentials: TEST_CREDENTIALS,
    rateLimit: options.rateLimit ?? { limit: 100000, periodSeconds: 60 },
    // Retries in milliseconds rather than seconds, so retry tests stay fast.
    delivery: { baseBackoffMs: 20, maxBackoffMs: 100, timeoutMs: 2000, ...options.delivery },
    secrets: options.secrets,
    appUrl: options.appUrl,
    probot: options.probot,
    portBaseUrl: options.portBaseUrl,
    ...(options.env && { env: options.env }),
    // The App's outbox retries in milliseconds too.
    app: { ...options.app, outbox: { baseBackoffMs: 20, maxBackoffMs: 100, ...options.app?.outbox } },
    warn: options.warn ?? (() => {}),
  });
  const close = async ({ keepData = false } = {}): Promise<void> => {
    await server.close();
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  };
  const forget = closeIfLeftOpen(close);
  // A server for the App alone (portBaseUrl) has no catalog to get a token from.
  let accessToken = '';
  if (server.catalog) {
    const tokenResponse = await fetch(`${server.url}/v1/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_CREDENTIALS),
    });
    accessToken = ((await tokenResponse.json()) as { accessToken: string }).accessToken;
  }
  const api = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${accessToken}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${server.url}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  };
  return {
    url: server.url,
    server,
    dataDir,
    credentials: TEST_CREDENTIALS,
    token: accessToken,
    api,
    close: async (closeOptions) => {
      forget();
      await close(closeOptions);
    },
  };
}
