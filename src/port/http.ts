import { AnswerTooLargeError, DEFAULT_MAX_ANSWER_BYTES, readBoundedText } from './answer-body.ts';
import type { TokenCache } from './auth.ts';
import type { ConcurrencyLimit } from './concurrency.ts';
import { PortApiError } from './errors.ts';
import type { PortLog, Redactor } from './log.ts';
import { failedBeforeSending, mayRetry, retryDelayMs, type RetryPolicy } from '../retry/index.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** One Port API call as the methods describe it; `send` does the rest (token, limit, timeout, retries, errors). */
export interface PortRequest {
  /** The client method, for messages: "upsertEntity". */
  operation: string;
  method: HttpMethod;
  /** Starts with /v1; identifiers in it already encoded (see `apiPath`). */
  path: string;
  /** Undefined values are left out; arrays are sent repeated (`include=a&include=b`). */
  query?: Record<string, QueryValue>;
  body?: unknown;
  /**
   * Safe to send again when the first try may have reached the server: reads, upserts, deletes, search, PATCH of a
   * run. A create is not: after a reset connection it may exist already.
   */
  idempotent: boolean;
  /** Sent without a bearer token (the token request itself). */
  anonymous?: boolean;
  /** Headers beyond the client's own (accept, content type, authorization, user agent). */
  headers?: Record<string, string>;
  /** Never logged, not even in debug (it holds the client secret). */
  secretBody?: boolean;
  /** The key a successful answer must have, e.g. "entity"; without it the call fails rather than return nothing. */
  expect?: string;
  /** The most of the answer read (default 1 MiB, DEFAULT_MAX_ANSWER_BYTES); a larger one fails the call. */
  maxAnswerBytes?: number;
}

export interface PortAnswer<T> {
  status: number;
  body: T;
  traceId: string | undefined;
  /** Requests sent for this call, 1 when the first one succeeded. */
  attempts: number;
}

export interface PortHttp {
  send<T = Record<string, unknown>>(request: PortRequest): Promise<PortAnswer<T>>;
}

/**
 * What the client reads of an answer: its status, a header, its body. fetch's Response is one. The body is read as
 * a stream, up to the call's limit, when there is one; `text()` serves answers that are in memory already.
 */
export interface PortFetchAnswer {
  status: number;
  headers: { get(name: string): string | null };
  body?: AsyncIterable<Uint8Array> | null;
  text(): Promise<string>;
}

/** The part of fetch the client calls; the global fetch is one. */
export type PortFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string | undefined; signal: AbortSignal },
) => Promise<PortFetchAnswer>;

export interface PortHttpSettings {
  baseUrl: string;
  timeoutMs: number;
  retry: RetryPolicy;
  limit: ConcurrencyLimit;
  tokens: TokenCache;
  log: PortLog;
  redactor: Redactor;
  fetch: PortFetch;
  userAgent: string;
  sleep: (ms: number) => Promise<void>;
}

/** A path with each interpolated value URL-encoded: apiPath`/v1/blueprints/${bp}/entities/${id}`. */
export function apiPath(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((path, text, i) => path + text + (i < values.length ? encodeURIComponent(values[i]!) : ''), '');
}

/** One attempt's outcome; an answer and no answer are each a CallFailure (src/retry) as they are. */
type Outcome =
  | { kind: 'answer'; status: number; headers: PortFetchAnswer['headers']; text: string }
  | { kind: 'too-large'; status: number; headers: PortFetchAnswer['headers']; reason: string }
  | { kind: 'no-answer'; status: undefined; cause: unknown; reason: string };

export function createPortHttp(settings: PortHttpSettings): PortHttp {
  const { log, retry: policy } = settings;
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');

  /** One request: no retry, no throw. Holds a concurrency slot only while it is on the wire. */
  async function attempt(
    call: string,
    method: HttpMethod,
    target: string,
    maxAnswerBytes: number,
    body?: string,
    token?: string,
    extraHeaders?: Record<string, string>,
  ) {
    const headers: Record<string, string> = {
      ...extraHeaders,
      accept: 'application/json',
      'user-agent': settings.userAgent,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    return settings.limit.run(async (): Promise<Outcome> => {
      const started = performance.now();
      const took = () => `${Math.round(performance.now() - started)} ms`;
      try {
        const response = await settings.fetch(baseUrl + target, {
          method,
          headers,
          body,
          // Covers reading the body too: a server that stalls mid-answer is cut off as well.
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
        let text: string;
        try {
          text = await readBoundedText(response, maxAnswerBytes);
        } catch (error) {
          if (!(error instanceof AnswerTooLargeError)) throw error;
          log.debug(`${call} -> ${response.status} in ${took()}: ${error.message}`);
          return { kind: 'too-large', status: response.status, headers: response.headers, reason: error.message };
        }
        log.debug(`${call} -> ${response.status} in ${took()}`);
        return { kind: 'answer', status: response.status, headers: response.headers, text };
      } catch (error) {
        const reason = describeNetworkError(error, settings.timeoutMs);
        log.debug(`${call} -> no answer in ${took()}: ${reason}`);
        return { kind: 'no-answer', status: undefined, cause: error, reason };
      }
    });
  }

  async function send<T>(request: PortRequest): Promise<PortAnswer<T>> {
    const target = withQuery(request.path, request.query);
    const call = `${request.operation} ${request.method} ${target}`;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const maxAnswerBytes = request.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    if (body !== undefined && !request.secretBody) log.debug(`${call} body: ${body}`);

    let attempts = 0;
    let retries = 0;
    let waitedMs = 0;
    let refreshedToken = false;
    for (;;) {
      const token = request.anonymous ? undefined : await settings.tokens.get();
      attempts++;
      const outcome = await attempt(call, request.method, target, maxAnswerBytes, body, token, request.headers);
      // Deterministic: the same call would get the same oversized answer again.
      if (outcome.kind === 'too-large') throw failure(request, target, outcome, attempts, outcome.reason);

      if (outcome.kind === 'answer' && outcome.status >= 200 && outcome.status < 300) {
        const parsed = parseSuccess(outcome.text, request.expect);
        if (typeof parsed === 'string') throw failure(request, target, outcome, attempts, parsed);
        return { status: outcome.status, body: parsed as T, traceId: traceIdOf(outcome.headers), attempts };
      }
      // A token refused before it should expire (revoked, or the server restarted): one new token, one more try.
      // The server did nothing with the refused request, so this is safe for every call.
      if (outcome.kind === 'answer' && outcome.status === 401 && token !== undefined && !refreshedToken) {
        refreshedToken = true;
        settings.tokens.invalidate(token);
        log.debug(`${call}: the access token was refused (401); getting a new one`);
        continue;
      }

      // Within one call a server's fault (500) is not retried: seconds later the same request meets the same fault.
      if (mayRetry(outcome, { idempotent: request.idempotent }) && retries < policy.maxRetries) {
        const answer = outcome.kind === 'answer' ? outcome : undefined;
        const delay = retryDelayMs(policy, retries + 1, answer, Date.now());
        // A wait past the budget is not begun: the call fails now rather than after waiting for nothing.
        if (waitedMs + delay <= policy.budgetMs) {
          retries++;
          waitedMs += delay;
          const what = outcome.kind === 'answer' ? `answered ${outcome.status}` : outcome.reason;
          log.warning(`${call}: ${what}; retry ${retries} of ${policy.maxRetries} in ${(delay / 1000).toFixed(1)} s`);
          await settings.sleep(delay);
          continue;
        }
      }
      throw failure(request, target, outcome, attempts);
    }
  }

  /** The error for a call that failed, or succeeded with an answer that cannot be used (`problem`). */
  function failure(
    request: PortRequest,
    target: string,
    outcome: Outcome,
    attempts: number,
    problem?: string,
  ): PortApiError {
    const { redact } = settings.redactor;
    const where = { operation: request.operation, method: request.method, path: redact(target), attempts };
    if (outcome.kind === 'no-answer') {
      const why =
        request.idempotent || failedBeforeSending(outcome.cause)
          ? outcome.reason
          : `${outcome.reason} (not resent: the request may have reached the server, and ${request.operation} is not safe to repeat)`;
      return new PortApiError({ ...where, serverMessage: redact(why), cause: outcome.cause });
    }
    const { code, message } =
      problem === undefined && outcome.kind === 'answer' ? errorEnvelope(outcome.text) : { message: problem };
    return new PortApiError({
      ...where,
      status: outcome.status,
      code: code === undefined ? undefined : redact(code),
      serverMessage: message === undefined ? undefined : redact(message),
      traceId: traceIdOf(outcome.headers),
    });
  }

  return { send };
}

function withQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (typeof value === 'object') for (const item of value) params.append(name, item);
    else params.append(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

const traceIdOf = (headers: PortFetchAnswer['headers']): string | undefined => headers.get('x-trace-id') ?? undefined;

/** The body of a successful answer, or what is wrong with it. */
function parseSuccess(text: string, expect: string | undefined): Record<string, unknown> | string {
  let body: unknown = {};
  try {
    if (text !== '') body = JSON.parse(text);
  } catch {
    return `the answer is not JSON: ${text.slice(0, 200)}`;
  }
  if (!body || typeof body !== 'object') return 'the answer is not a JSON object';
  if (expect !== undefined && !(expect in body)) return `the answer has no "${expect}"`;
  return body as Record<string, unknown>;
}

/** The contract's `{ok: false, error, message}`; for anything else (a proxy's HTML page), the start of the text. */
function errorEnvelope(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (body && typeof body === 'object') {
      return {
        code: typeof body.error === 'string' ? body.error : undefined,
        message: typeof body.message === 'string' ? body.message : undefined,
      };
    }
  } catch {
    // not JSON: fall through
  }
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return snippet ? { message: snippet } : {};
}

/** "timed out after 30000 ms", "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9", "other side closed". */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  // Duck-typed rather than instanceof: fetch's errors may come from another realm (a test VM, a bundled polyfill).
  type Failure = { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown };
  const failure = error as Failure | null;
  if (failure?.name === 'TimeoutError' || failure?.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  let cause = (failure?.cause ?? failure) as Failure | null;
  // Node reports every address it tried to connect to in an AggregateError.
  if (Array.isArray(cause?.errors) && cause.errors.length > 0) cause = cause.errors[0] as Failure;
  const message = typeof cause?.message === 'string' && cause.message !== '' ? cause.message : String(cause);
  const code = cause?.code;
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
