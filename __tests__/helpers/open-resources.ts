import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What tests open that outlives a test: servers and child processes. A test that fails (or a beforeAll that throws)
 * before reaching its own close would leave them open, and one open server keeps `npm test` from ever exiting. So
 * every helper that opens one registers it here, and the test environment (environment.ts) closes whatever is still
 * open once a test file's tests and hooks are done, whether they passed or not.
 */

/** The global (the test file's) where the still-open resources are kept, shared with the test environment. */
export const OPEN_RESOURCES = '__wharfOpenResources';

export type Close = () => Promise<unknown>;

function openResources(): Set<Close> {
  const scope = globalThis as typeof globalThis & { [OPEN_RESOURCES]?: Set<Close> };
  return (scope[OPEN_RESOURCES] ??= new Set());
}

/**
 * Remembers how to close a resource the caller just opened, until the caller closes it itself. Returns the function
 * to call when it does (before closing, so that a close in progress is not started a second time).
 */
export function closeIfLeftOpen(close: Close): () => void {
  openResources().add(close);
  return () => void openResources().delete(close);
}

/**
 * Starts `server` on 127.0.0.1, port 0, closed at the latest when the test file is done. Its close ends the open
 * connections too (a request the server never answers would otherwise hold it open).
 */
export async function listenOnLoopback(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const closeServer = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const forget = closeIfLeftOpen(closeServer);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      forget();
      await closeServer();
    },
  };
}
