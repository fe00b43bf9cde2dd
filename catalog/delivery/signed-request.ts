import { portSignatureHeaders } from '../../src/signing/index.ts';
import { readAtMost } from '../../src/port/index.ts';
import type { RetryConditions } from '../../src/retry/index.ts';

export interface SignedRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface SignedResponse {
  status: number;
  /** The answer's body, read up to MAX_ANSWER_BYTES. */
  text: string;
  /** The answer was longer than MAX_ANSWER_BYTES; the rest was not read. */
  truncated?: boolean;
}

/** The most of a receiver's answer that is read: enough for any message, and memory stays bounded per delivery. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** What wharf sets on every signed request; an action's own headers may not replace them. */
const CONTENT_HEADERS = { 'content-type': 'application/json' };

/**
 * Sends `body` as JSON, signed as the vendor signs its webhooks (a fresh timestamp on every attempt, so a retry
 * is never refused as stale). Throws on network errors and timeouts; any HTTP answer is returned.
 */
export async function sendSigned(request: SignedRequest, secret: string, timeoutMs: number): Promise<SignedResponse> {
  const method = (request.method ?? 'POST').toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const rawBody = hasBody ? JSON.stringify(request.body ?? {}) : '';
  const response = await fetch(request.url, {
    method,
    headers: signedHeaders(request.headers, portSignatureHeaders(secret, rawBody)),
    ...(hasBody && { body: rawBody }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  // The rest of a longer answer is never read (the delivery timeout bounds the time).
  if (!response.body) return { status: response.status, text: '', truncated: false };
  const { bytes, truncated } = await readAtMost(response.body, MAX_ANSWER_BYTES);
  return { status: response.status, text: bytes.toString('utf8'), truncated };
}

/**
 * The action's headers, then wharf's: header names are case-insensitive, so `Content-Type` or `X-Port-Signature`
 * from an action replaces nothing of the signature and sends no second, conflicting value.
 */
function signedHeaders(own: Record<string, string> | undefined, signature: Record<string, string>): Headers {
  const headers = new Headers({ 'user-agent': 'wharf-catalog' });
  for (const [name, value] of Object.entries(own ?? {})) headers.set(name, value);
  for (const [name, value] of Object.entries({ ...CONTENT_HEADERS, ...signature })) headers.set(name, value);
  return headers;
}

/**
 * When a signed delivery is tried again (src/retry decides which failures): it goes at least once, as Port's own
 * webhooks do, so its receiver takes a repeat; and the outbox comes back later, so a receiver's fault (500) is worth
 * another try as well as a "not now".
 */
export const SIGNED_DELIVERY_RETRY: RetryConditions = { idempotent: true, serverFaults: true };

export function describeAnswer(response: SignedResponse): string {
  const text = response.text.slice(0, 1000).trim().replace(/\s+/g, ' ');
  const cut = response.truncated ? ` (an answer over ${MAX_ANSWER_BYTES} bytes, 1 MiB, read only that far)` : '';
  return `answered ${response.status}${cut}${text ? `: ${text.length > 300 ? `${text.slice(0, 300)}...` : text}` : ''}`;
}

export function describeNetworkError(error: unknown): string {
  // Duck-typed rather than instanceof: fetch's errors may come from another realm (as under test runners).
  const failure = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (failure?.name === 'TimeoutError') return 'did not answer in time';
  const reason = failure?.cause?.code ?? failure?.cause?.message ?? failure?.message ?? String(error);
  return `could not be reached (${reason})`;
}
