import { portSignatureHeaders } from '../../src/signing/index.ts';

export interface SignedRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface SignedResponse {
  status: number;
  text: string;
}

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
    headers: {
      'content-type': 'application/json',
      'user-agent': 'wharf-catalog',
      ...request.headers,
      ...portSignatureHeaders(secret, rawBody),
    },
    ...(hasBody && { body: rawBody }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, text };
}

/** Answers worth another try: the receiver may succeed later. Other 4xx are the request's own fault. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export function describeAnswer(response: SignedResponse): string {
  const text = response.text.trim().replace(/\s+/g, ' ');
  return `answered ${response.status}${text ? `: ${text.length > 300 ? `${text.slice(0, 300)}...` : text}` : ''}`;
}

export function describeNetworkError(error: unknown): string {
  // Duck-typed rather than instanceof: fetch's errors may come from another realm (as under test runners).
  const failure = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (failure?.name === 'TimeoutError') return 'did not answer in time';
  const reason = failure?.cause?.code ?? failure?.cause?.message ?? failure?.message ?? String(error);
  return `could not be reached (${reason})`;
}
