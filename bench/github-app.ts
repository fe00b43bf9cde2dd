import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';

const WEBHOOK_SECRET = 'bench-webhook-secret';

/**
 * The environment that turns the GitHub App on in a wharf under benchmark, against a local fake GitHub at
 * `githubUrl`: a fresh key, this webhook secret, and no scheduled resync.
 */
export function githubAppEnv(githubUrl: string): Record<string, string> {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    APP_ID: '1',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET,
    GHE_HOST: new URL(githubUrl).host,
    GHE_PROTOCOL: 'http',
    WHARF_RESYNC_INTERVAL_SECONDS: '0',
  };
}

/** A webhook delivery of `event` as GitHub sends it to the App: JSON body, event and delivery headers, signature. */
export function signedDelivery(event: string, payload: unknown): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
    },
  };
}
