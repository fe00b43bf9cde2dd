import { createHmac } from 'node:crypto';
import type { ReceivedRequest } from './receiver.ts';

/**
 * Checks a received request's x-port-signature the way a receiver written from the vendor's documentation would,
 * independently of wharf's own signing code.
 */
export function hasValidPortSignature(request: ReceivedRequest, secret: string): boolean {
  const timestamp = String(request.headers['x-port-timestamp']);
  const expected = createHmac('sha256', secret).update(`${timestamp}.${request.rawBody}`).digest('base64');
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
  return fresh && request.headers['x-port-signature'] === `v1,${expected}`;
}
