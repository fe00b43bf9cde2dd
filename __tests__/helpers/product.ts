import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer } from './child-server.ts';

/** The one credential pair of the product's embedded catalog, as an operator would set it. */
export const PRODUCT_CREDENTIALS = { clientId: 'console-e2e-client', clientSecret: 'console-e2e-secret' };

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export interface Product {
  url: string;
  credentials: Credentials;
  /** A request to the catalog's API with a token; `body` is sent as JSON. Throws unless the answer is 2xx. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Stops the process and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * The product as `npm start` runs it (server/main.ts in its own process), on 127.0.0.1 and port 0, on a fresh
 * WHARF_DATA_DIR, with the embedded catalog's credentials known to the caller.
 */
export async function startProduct(credentials: Credentials = PRODUCT_CREDENTIALS): Promise<Product> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-e2e-'));
  const server = await startChildServer({
    WHARF_DATA_DIR: dataDir,
    PORT_CLIENT_ID: credentials.clientId,
    PORT_CLIENT_SECRET: credentials.clientSecret,
  }).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const token = await accessToken(server.url, credentials);
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // Setting up a page's data must not fail unnoticed: the page would then show what the test did not create.
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    url: server.url,
    credentials,
    api,
    stop: async () => {
      await server.stop('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function accessToken(url: string, credentials: Credentials): Promise<string> {
  const response = await fetch(`${url}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!response.ok) throw new Error(`no access token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}
