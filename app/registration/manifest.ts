/** The GitHub App manifest (`app.yml` at the repository root) and the GitHub hosts the manifest flow talks to. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { WEBHOOKS_PATH } from '../wharf-app.ts';

export const MANIFEST_FILE = new URL('../../app.yml', import.meta.url);
export const SETUP_PATH = '/setup';
export const CALLBACK_PATH = '/setup/callback';

export interface AppManifest {
  name: string;
  url: string;
  description?: string;
  public: boolean;
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
  setup_url: string;
  default_permissions: Record<string, string>;
  default_events: string[];
  [field: string]: unknown;
}

/** Where GitHub is: github.com, or GitHub Enterprise Server at GHE_HOST (GHE_PROTOCOL, https by default). */
export interface GithubHosts {
  /** The web UI: `https://github.com`, `https://<GHE_HOST>`. */
  web: string;
  /** The REST API: `https://api.github.com`, `https://<GHE_HOST>/api/v3`. */
  api: string;
  /** Where an App's public page lives: `/apps/<slug>` on github.com, `/github-apps/<slug>` on GHES. */
  appsPath: string;
}

export function githubHosts(env: NodeJS.ProcessEnv): GithubHosts {
  if (!env.GHE_HOST) return { web: 'https://github.com', api: 'https://api.github.com', appsPath: '/apps' };
  const web = `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}`;
  return { web, api: `${web}/api/v3`, appsPath: '/github-apps' };
}

/** The page where a person installs the App `slug` on their accounts. */
export function installUrl(hosts: GithubHosts, slug: string): string {
  return `${hosts.web}${hosts.appsPath}/${encodeURIComponent(slug)}/installations/new`;
}

/**
 * `app.yml` with the URLs of this server (`baseUrl`, no trailing slash): the webhook (or WEBHOOK_PROXY_URL, the
 * smee.io channel that forwards to a laptop, as Probot does), the redirect back after registration, and the page
 * GitHub sends a person to after an installation.
 */
export function appManifest(baseUrl: string, env: NodeJS.ProcessEnv): AppManifest {
  const file = parse(readFileSync(MANIFEST_FILE, 'utf8')) as Partial<AppManifest>;
  return {
    ...file,
    name: file.name ?? 'wharf',
    url: file.url ?? baseUrl,
    public: file.public ?? false,
    default_permissions: file.default_permissions ?? {},
    default_events: file.default_events ?? [],
    hook_attributes: { url: env.WEBHOOK_PROXY_URL || `${baseUrl}${WEBHOOKS_PATH}`, active: true },
    redirect_url: `${baseUrl}${CALLBACK_PATH}`,
    setup_url: `${baseUrl}${SETUP_PATH}`,
  };
}

/** Where the form is posted: the personal account's new App page, or the organization's. */
export function newAppUrl(hosts: GithubHosts, organization: string | undefined, state: string): string {
  const account = organization ? `/organizations/${encodeURIComponent(organization)}` : '';
  return `${hosts.web}${account}/settings/apps/new?state=${encodeURIComponent(state)}`;
}
