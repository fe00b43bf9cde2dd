import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The vendor's webhook signature: `x-port-signature: v1,<base64 HMAC-SHA256 of "<timestamp>.<raw body>">`, keyed
 * with the Port client secret, beside `x-port-timestamp` (epoch seconds).
 */
export function signPortPayload(secret: string, timestampSeconds: number, rawBody: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('base64');
  return `v1,${digest}`;
}

export const SIGNATURE_HEADER = 'x-port-signature';
export const TIMESTAMP_HEADER = 'x-port-timestamp';

/** The two headers that sign `rawBody` now. */
export function portSignatureHeaders(secret: string, rawBody: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signPortPayload(secret, timestamp, rawBody),
  };
}

export type SignatureProblem = 'missing' | 'malformed-timestamp' | 'malformed-signature' | 'stale' | 'mismatch';

export type SignatureCheck = { ok: true; signature: string } | { ok: false; problem: SignatureProblem };

/** Signatures one header may carry: the current one and a few more while a secret is rotated. */
export const MAX_SIGNATURES = 4;

/** `v1,` and the 44 base64 characters of a SHA-256 digest, nothing else. */
const SIGNATURE = /^v1,[A-Za-z0-9+/]{43}=$/;

/**
 * The signatures of a header: `v1,<base64>` values separated by single spaces (several during a secret rotation).
 * Anything else (another scheme, a value of the wrong length, stray text around it) makes the header malformed,
 * so no decoration of a good signature passes for a different request.
 */
export function parseSignatureHeader(header: string): string[] | undefined {
  const candidates = header.split(' ');
  if (candidates.length > MAX_SIGNATURES || !candidates.every((candidate) => SIGNATURE.test(candidate))) {
    return undefined;
  }
  return candidates;
}

/**
 * Checks a signed request against the raw bytes it arrived with. When it holds, answers the canonical signature
 * (the one this secret makes for this request): replay protection keys on it, never on the header as sent.
 */
export function verifyPortSignature(options: {
  secret: string;
  rawBody: string | Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  toleranceSeconds?: number;
  now?: number;
}): SignatureCheck {
  const { timestamp, signature } = options;
  if (!timestamp || !signature) return { ok: false, problem: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, problem: 'malformed-timestamp' };
  const candidates = parseSignatureHeader(signature);
  if (!candidates) return { ok: false, problem: 'malformed-signature' };
  const tolerance = options.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) return { ok: false, problem: 'stale' };
  const canonical = signPortPayload(options.secret, Number(timestamp), options.rawBody.toString());
  const expected = Buffer.from(canonical);
  // Every candidate has the expected length (the pattern fixes it), so timingSafeEqual never throws.
  const matches = candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate), expected));
  return matches ? { ok: true, signature: canonical } : { ok: false, problem: 'mismatch' };
}
