import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenIfPresent } from '../../src/files/index.ts';

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export const CREDENTIALS_FILE = 'credentials.json';

/**
 * The one credential pair the embedded catalog accepts: PORT_CLIENT_ID/PORT_CLIENT_SECRET when both are set,
 * otherwise a pair generated on first start and kept in the data directory (readable by its owner only).
 */
export function loadCredentials(
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Credentials & { source: 'environment' | 'generated' | 'stored' } {
  const clientId = env.PORT_CLIENT_ID;
  const clientSecret = env.PORT_CLIENT_SECRET;
  if (clientId && clientSecret) return { clientId, clientSecret, source: 'environment' };
  if (clientId || clientSecret) {
    throw new Error('Set both PORT_CLIENT_ID and PORT_CLIENT_SECRET, or neither to use generated credentials');
  }
  const file = join(dataDir, CREDENTIALS_FILE);
  try {
    tightenIfPresent(file);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>;
    if (typeof stored.clientId === 'string' && typeof stored.clientSecret === 'string') {
      return { clientId: stored.clientId, clientSecret: stored.clientSecret, source: 'stored' };
    }
    throw new Error(`${file} does not hold clientId and clientSecret strings; fix or delete it`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = {
    clientId: `wharf_${randomBytes(12).toString('base64url')}`,
    clientSecret: randomBytes(32).toString('base64url'),
  };
  ensurePrivateDir(dataDir);
  writeFileSync(file, `${JSON.stringify(generated, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  return { ...generated, source: 'generated' };
}

/** Constant-time comparison; hashing first makes both sides the same length. */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
