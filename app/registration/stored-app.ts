/**
 * The App's credentials as the manifest flow gave them, kept in `WHARF_DATA_DIR/github-app.json` (mode 0600), and
 * Probot's variables made of them: APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET set in the
 * environment win, each on its own.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProbot, type Probot } from 'probot';
import { z } from 'zod';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenIfPresent } from '../../src/files/index.ts';
import { githubFetch } from '../github/github-fetch.ts';

export const STORED_APP_FILE = 'github-app.json';

const storedAppSchema = z.object({
  appId: z.number().int().positive(),
  slug: z.string().min(1),
  name: z.string().optional(),
  owner: z.string().optional(),
  htmlUrl: z.string().optional(),
  privateKey: z.string().min(1),
  webhookSecret: z.string().min(1),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  /** The GitHub Enterprise Server it was registered on (GHE_HOST, GHE_PROTOCOL); absent for github.com. */
  gheHost: z.string().optional(),
  gheProtocol: z.string().optional(),
  registeredAt: z.string().optional(),
});

export type StoredApp = z.infer<typeof storedAppSchema>;

export function storedAppPath(dataDir: string): string {
  return join(dataDir, STORED_APP_FILE);
}

/** The stored App, or undefined when none was registered; a file that is not one is an error naming it. */
export function readStoredApp(dataDir: string): StoredApp | undefined {
  const file = storedAppPath(dataDir);
  let text: string;
  try {
    tightenIfPresent(file);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: ReturnType<typeof storedAppSchema.safeParse>;
  try {
    parsed = storedAppSchema.safeParse(JSON.parse(text));
  } catch {
    throw new Error(`${file} is not JSON; fix it, or delete it and register the App again at /setup`);
  }
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new Error(`${file} is not a stored GitHub App (${problems.join('; ')}); fix or delete it`);
  }
  return parsed.data;
}

/** Writes the App whole or not at all (a temporary file renamed over), readable by its owner only. */
export function storeApp(dataDir: string, app: StoredApp): void {
  ensurePrivateDir(dataDir);
  const file = storedAppPath(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(app, null, 2)}\n`, { mode: PRIVATE_FILE_MODE, flag: 'w' });
  renameSync(temporary, file);
  tightenIfPresent(file);
}

export interface GithubAppEnv {
  /** The environment with the stored App's values where the environment has none of its own. */
  env: NodeJS.ProcessEnv;
  stored: StoredApp | undefined;
  /** Which of APP_ID, PRIVATE_KEY, WEBHOOK_SECRET came from github-app.json. */
  fromStore: string[];
}

/** Probot's variables from the environment, completed from github-app.json when the App was registered at /setup. */
export function githubAppEnv(env: NodeJS.ProcessEnv, dataDir: string): GithubAppEnv {
  const stored = readStoredApp(dataDir);
  if (!stored) return { env, stored, fromStore: [] };
  const merged: NodeJS.ProcessEnv = { ...env };
  const fromStore: string[] = [];
  if (!env.APP_ID) {
    merged.APP_ID = String(stored.appId);
    fromStore.push('APP_ID');
  }
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) {
    merged.PRIVATE_KEY = stored.privateKey;
    fromStore.push('PRIVATE_KEY');
  }
  if (!env.WEBHOOK_SECRET) {
    merged.WEBHOOK_SECRET = stored.webhookSecret;
    fromStore.push('WEBHOOK_SECRET');
  }
  // An App registered on GitHub Enterprise Server lives there: its id and key mean nothing to github.com.
  if (!env.GHE_HOST && stored.gheHost && fromStore.includes('APP_ID')) {
    merged.GHE_HOST = stored.gheHost;
    merged.GHE_PROTOCOL = stored.gheProtocol;
  }
  return { env: merged, stored, fromStore };
}

/**
 * The App's Probot from Probot's variables. githubFetch bounds the installation token exchange too, which Octokit's
 * auth makes outside the App's clients.
 */
export function probotFromEnv(env: NodeJS.ProcessEnv, logLevel = 'warn'): Probot {
  return createProbot({ env, overrides: { logLevel: logLevel as 'warn', request: { fetch: githubFetch() } } });
}
