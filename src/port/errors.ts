export interface PortApiErrorDetails {
  /** The client method that failed, e.g. "upsertEntity". */
  operation: string;
  method: string;
  /** The path and query string that was requested. */
  path: string;
  /** The HTTP status; absent when no answer arrived (network failure, timeout). */
  status?: number | undefined;
  /** The server's `error` code, e.g. "blueprint_schema_mismatch". */
  code?: string | undefined;
  /** The server's `message`, or what went wrong on the way there. */
  serverMessage?: string | undefined;
  traceId?: string | undefined;
  /** How many requests were sent (or tried) before giving up. */
  attempts: number;
  cause?: unknown;
}

/**
 * A failed call to the Port API, saying which call, what the server answered and which trace to look up:
 * `upsertEntity POST /v1/blueprints/service/entities?upsert=true failed: 422 blueprint_schema_mismatch: ... (trace x)`.
 */
export class PortApiError extends Error {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly serverMessage: string | undefined;
  readonly traceId: string | undefined;
  readonly attempts: number;

  constructor(details: PortApiErrorDetails) {
    super(describe(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PortApiError';
    this.operation = details.operation;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
    this.serverMessage = details.serverMessage;
    this.traceId = details.traceId;
    this.attempts = details.attempts;
  }

  /** True when no HTTP answer arrived: the connection failed or timed out. */
  get isNetworkError(): boolean {
    return this.status === undefined;
  }
}

function describe(details: PortApiErrorDetails): string {
  const { operation, method, path, status, code, serverMessage, traceId, attempts } = details;
  const after = attempts > 1 ? ` after ${attempts} attempts` : '';
  let what: string;
  if (status === undefined) {
    what = `network error: ${serverMessage ?? 'no answer'}`;
  } else {
    const head = code ? `${status} ${code}` : String(status);
    what = serverMessage ? `${head}: ${serverMessage}` : head;
  }
  const trace = traceId ? ` (trace ${traceId})` : '';
  return `${operation} ${method} ${path} failed${after}: ${what}${trace}`;
}
