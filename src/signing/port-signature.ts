import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The vendor's webhook signature: `x-port-signature: v1,<base64 HMAC-SHA256 of "<timestamp>.<raw body>">`, keyed
 * with the Port client secret, beside `x-port-timestamp` (epoch seconds).
 */
export function signPortPayload(secret: string, timestampSeconds: number, rawBody: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('base64');
  return `v1,${digest}`;
}

/** The two headers that sign `rawBody` now. */
export function portSignatureHeaders(secret: string, rawBody: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'x-port-timestamp': String(timestamp),
    'x-port-signature': signPortPayload(secret, timestamp, rawBody),
  };
}

export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'mismatch';

/**
 * Checks a signed request against the raw bytes it arrived with. A header may hold several space-separated
 * signatures (as during a secret rotation); one match is enough.
 */
export function verifyPortSignature(options: {
  secret: string;
  rawBody: string | Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  toleranceSeconds?: number;
  now?: number;
}): SignatureProblem | undefined {
  const { timestamp, signature } = options;
  if (!timestamp || !signature) return 'missing';
  if (!/^\d+$/.test(timestamp)) return 'malformed';
  const tolerance = options.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) return 'stale';
  const expected = Buffer.from(signPortPayload(options.secret, Number(timestamp), options.rawBody.toString()));
  const matches = signature
    .split(/\s+/)
    .filter((candidate) => candidate.startsWith('v1,'))
    .some((candidate) => {
      const given = Buffer.from(candidate);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  return matches ? undefined : 'mismatch';
}
