import { createTokenCache, requestAccessToken } from './auth.ts';
import { blueprintMethods, type BlueprintMethods } from './blueprints.ts';
import { bulkMethods, type BulkMethods } from './bulk.ts';
import { createConcurrencyLimit } from './concurrency.ts';
import { entityMethods, type EntityMethods } from './entities.ts';
import { createPortHttp, type PortFetch } from './http.ts';
import { createPortLog, createRedactor, type PortLogger } from './log.ts';
import { runMethods, type RunMethods } from './runs.ts';
import { DEFAULT_RETRY_POLICY, wait } from '../retry/index.ts';

export interface PortClientOptions {
  /** e.g. https://api.getport.io, https://api.us.port.io, or the embedded catalog's http://localhost:3000 */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per request, reading the answer included. Default 30 000. */
  timeoutMs?: number;
  /** Retries after the first attempt of a call that is safe to repeat. Default 4. */
  maxRetries?: number;
  /** Requests on the wire at once, over all calls of this client. Default 8. */
  concurrency?: number;
  /** Debug: every request (method, path, status, duration) and request bodies. Warning: each retry. */
  logger?: PortLogger;
  fetch?: PortFetch;
  userAgent?: string;
  /** How to wait between retries; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Told each new access token as it arrives, before any use: the Action masks it in the runner's log
   * (core.setSecret), since only the client ever sees it.
   */
  onAccessToken?: (token: string) => void;
}

/** The one Port API client: every call the Action and the App make to Port goes through it. */
export interface PortClient extends EntityMethods, BulkMethods, BlueprintMethods, RunMethods {}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_CONCURRENCY = 8;

export function createPortClient(options: PortClientOptions): PortClient {
  const { clientId, clientSecret } = options;
  if (!/^https?:\/\//.test(options.baseUrl)) {
    throw new TypeError(`baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
  }
  if (!clientId || !clientSecret) throw new TypeError('clientId and clientSecret are both required');
  const { timeoutMs = DEFAULT_TIMEOUT_MS, maxRetries = DEFAULT_RETRY_POLICY.maxRetries } = options;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be above 0, got ${timeoutMs}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`maxRetries must be a whole number >= 0, got ${maxRetries}`);
  }

  const redactor = createRedactor([clientSecret]);
  const tokens = createTokenCache(async () => {
    const token = await requestAccessToken(http, { clientId, clientSecret });
    redactor.add(token.accessToken);
    options.onAccessToken?.(token.accessToken);
    return token;
  });
  const http = createPortHttp({
    baseUrl: options.baseUrl,
    timeoutMs,
    retry: { ...DEFAULT_RETRY_POLICY, maxRetries },
    limit: createConcurrencyLimit(options.concurrency ?? DEFAULT_CONCURRENCY),
    tokens,
    log: createPortLog(options.logger, redactor),
    redactor,
    fetch: options.fetch ?? globalThis.fetch,
    userAgent: options.userAgent ?? 'wharf',
    sleep: options.sleep ?? wait,
  });

  const entities = entityMethods(http);
  return {
    ...entities,
    ...bulkMethods(http, entities),
    ...blueprintMethods(http),
    ...runMethods(http),
  };
}
