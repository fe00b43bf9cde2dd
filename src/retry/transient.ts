/**
 * Which failures are worth another try, for every caller that talks HTTP: the Port client within one call, and the
 * outboxes that deliver again later. A caller says only whether its call is safe to repeat (and, for a delivery
 * that comes back minutes later, that a server's fault is worth another try too); the rule is here.
 */

/** How a call failed: the status of the answer, or, when none came, the error that said so. A PortApiError is one. */
export interface CallFailure {
  /** The HTTP status; undefined when no answer arrived (network failure, timeout). */
  readonly status: number | undefined;
  /** With no answer, what fetch threw: it tells whether the request left at all. */
  readonly cause?: unknown;
}

export interface RetryConditions {
  /**
   * Doing the call twice has the effect of doing it once (a read, an upsert, a PATCH that overwrites, a delete).
   * A call that is not is retried only after a failure that proves the server did nothing.
   */
  idempotent: boolean;
  /**
   * A 500, or any other 5xx, is worth another try too, not only a gateway's "not now" (502, 503, 504). An outbox
   * delivery comes back minutes later, when the fault may be mended; within one call, seconds apart, the same
   * request would meet the same fault.
   */
  serverFaults?: boolean | undefined;
}

/**
 * Answers that say "not now" rather than "no": the request came too slowly (408), over a rate limit (429), the
 * server behind a gateway is down or slow (502, 503, 504). Any other 4xx is the request's own fault.
 */
const NOT_NOW_STATUSES = new Set([408, 429, 502, 503, 504]);

/**
 * Whether a call that failed so may be tried again: no answer, or an answer that says "not now". A call not safe
 * to repeat only after a failure that proves the server did nothing: a 429 is refused before the server does
 * anything, a connection that failed before a byte was sent never reached it. A 5xx, a reset or a timeout may come
 * after the server acted (a proxy answers 503 when the server it waited for went away mid-request).
 */
export function mayRetry({ status, cause }: CallFailure, conditions: RetryConditions): boolean {
  if (status === undefined) return conditions.idempotent || failedBeforeSending(cause);
  const transient = NOT_NOW_STATUSES.has(status) || (conditions.serverFaults === true && status >= 500);
  return transient && (conditions.idempotent || status === 429);
}

/**
 * The call may have taken effect although it failed: no answer (unless nothing was sent), or a 5xx. A 4xx is a
 * refusal: nothing was done.
 */
export function mayHaveTakenEffect({ status, cause }: CallFailure): boolean {
  return status === undefined ? !failedBeforeSending(cause) : status >= 500;
}

/** Connection failures that happen before any byte of the request is sent, so the server never saw it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** True when fetch failed while connecting: any call may be retried, even one that is not idempotent. */
export function failedBeforeSending(error: unknown): boolean {
  const codes = errorCodes((error as { cause?: unknown } | null)?.cause);
  return codes.length > 0 && codes.every((code) => NOT_SENT_CODES.has(code));
}

/** The error codes of a fetch failure's cause; Node reports every address it tried in an AggregateError. */
function errorCodes(cause: unknown): string[] {
  const failure = cause as { code?: unknown; errors?: unknown } | null;
  if (Array.isArray(failure?.errors) && failure.errors.length > 0) return failure.errors.flatMap(errorCodes);
  return typeof failure?.code === 'string' ? [failure.code] : [];
}
