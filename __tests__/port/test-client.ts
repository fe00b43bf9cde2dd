import { createPortClient, type PortClient, type PortClientOptions } from '../../src/port/index.ts';
import { TEST_CREDENTIALS } from '../helpers/catalog-server.ts';

export interface TestClient {
  client: PortClient;
  /** Every line logged, at any level, prefixed with the level. */
  lines: string[];
  /** Every wait the client asked for between retries; nothing actually waits. */
  sleeps: number[];
}

/** A client with the test catalog's credentials, a capturing logger, and retries that do not wait. */
export function testClient(baseUrl: string, options: Partial<PortClientOptions> = {}): TestClient {
  const lines: string[] = [];
  const sleeps: number[] = [];
  const client = createPortClient({
    baseUrl,
    ...TEST_CREDENTIALS,
    timeoutMs: 2000,
    maxRetries: 3,
    logger: {
      debug: (message) => lines.push(`debug: ${message}`),
      info: (message) => lines.push(`info: ${message}`),
      warning: (message) => lines.push(`warning: ${message}`),
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { client, lines, sleeps };
}

/** Runs `call` and returns what it threw (failing when it did not throw). */
export async function failureOf(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, and it succeeded');
}
