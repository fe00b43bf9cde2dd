import type { Probot, ProbotOctokit } from 'probot';
import { LruMap } from '../../src/lru/index.ts';
import { githubFetch } from './github-fetch.ts';

export type GithubClient = InstanceType<typeof ProbotOctokit>;

const INSTALLATION_TTL_MS = 5 * 60 * 1000;
/** Accounts whose installation is remembered; invocations may name any account, so the memory of them is capped. */
const INSTALLATIONS_KEPT = 1000;

/** The status of a GitHub API error, however it was thrown. */
export function githubStatus(error: unknown): number | undefined {
  return (error as { status?: number } | null)?.status;
}

/** GitHub's own message for a failed call, without the documentation link it appends. */
export function githubMessage(error: unknown): string {
  const response = (error as { response?: { data?: { message?: string } } } | null)?.response;
  const message = response?.data?.message ?? (error as Error | null)?.message ?? String(error);
  return message.replace(/ - https:\/\/docs\.github\.com\S*$/, '');
}

/**
 * The App's ways into GitHub: as itself, and as each installation. Every client it hands out calls GitHub through
 * githubFetch (a time limit per call, answers read up to a limit) and gives up at once when the App stops.
 */
export class GithubAccess {
  private readonly probot: Probot;
  private readonly installations = new LruMap<string, { id: number | undefined; until: number }>(INSTALLATIONS_KEPT);
  private readonly stopping = new AbortController();
  private readonly fetch: typeof fetch;
  private slug: string | undefined;

  constructor(probot: Probot, options: { timeoutMs?: number | undefined } = {}) {
    this.probot = probot;
    this.fetch = githubFetch({ timeoutMs: options.timeoutMs, stop: this.stopping.signal });
  }

  /** Abandons every GitHub call under way and to come (shutdown): they fail saying wharf is stopping. */
  stop(): void {
    this.stopping.abort();
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Aborted when the App stops: a wait between GitHub calls ends with it. */
  get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  private bounded<T extends { hook: GithubClient['hook'] }>(octokit: T): T {
    octokit.hook.wrap('request', (request, options) => {
      // In place: the hooks inside this one (auth, retries) were bound to this very options object.
      options.request = { ...options.request, fetch: this.fetch };
      return request(options);
    });
    return octokit;
  }

  private async app(): Promise<GithubClient> {
    return this.bounded((await this.probot.auth()) as GithubClient);
  }

  /** The installation on an organization or user account, or undefined when the App is not installed there. */
  async installationFor(owner: string): Promise<number | undefined> {
    const key = owner.toLowerCase();
    const cached = this.installations.get(key);
    if (cached && cached.until > Date.now()) return cached.id;
    const app = await this.app();
    let id: number | undefined;
    for (const lookup of [
      () => app.rest.apps.getOrgInstallation({ org: owner }),
      () => app.rest.apps.getUserInstallation({ username: owner }),
    ]) {
      try {
        id = (await lookup()).data.id;
        break;
      } catch (error) {
        if (githubStatus(error) !== 404) throw error;
      }
    }
    this.installations.set(key, { id, until: Date.now() + INSTALLATION_TTL_MS });
    return id;
  }

  async octokit(installationId: number): Promise<GithubClient> {
    return this.bounded((await this.probot.auth(installationId)) as GithubClient);
  }

  /**
   * An installation client for catalog sync's GraphQL reads, without Probot's throttling and retry plugins: the
   * throttling plugin spaces every GraphQL call 1 s apart as if it were a write (a resync of 1,000 repositories
   * would wait 10 s for nothing) and Probot's settings for it do not retry secondary rate limits. The caller paces
   * itself and honours every rate limit (app/sync/github/rate-limits.ts).
   */
  async readOctokit(installationId: number): Promise<GithubClient> {
    const app = await this.app();
    type Factory = (options: { octokit: object; octokitOptions: Record<string, unknown> }) => unknown;
    const factory: Factory = ({ octokit, octokitOptions, ...otherOptions }) => {
      const Octokit = octokit.constructor as new (options: Record<string, unknown>) => unknown;
      return new Octokit({
        ...octokitOptions,
        throttle: { enabled: false },
        retry: { enabled: false },
        auth: { ...(octokitOptions.auth as object), otherOptions, installationId },
      });
    };
    return this.bounded((await app.auth({ type: 'installation', installationId, factory })) as GithubClient);
  }

  /** Every installation of the App: its id and the login of the account it is on. */
  async listInstallations(): Promise<Array<{ id: number; account: string }>> {
    const app = await this.app();
    const all = await app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
    return all.map((installation) => {
      const account = installation.account as { login?: string; slug?: string } | null;
      return { id: installation.id, account: account?.login ?? account?.slug ?? '' };
    });
  }

  /**
   * `GET /app` with the App's JWT: GitHub accepts the App id and private key (readiness, the status page). Never
   * cached: each call asks GitHub.
   */
  async identity(): Promise<{ slug: string; name: string; htmlUrl: string }> {
    const app = await this.app();
    const { data } = await app.rest.apps.getAuthenticated();
    return { slug: data?.slug ?? '', name: data?.name ?? '', htmlUrl: data?.html_url ?? '' };
  }

  /** The login GitHub shows for runs the App starts: `<slug>[bot]`. */
  async botLogin(): Promise<string> {
    if (!this.slug) {
      const app = await this.app();
      this.slug = (await app.rest.apps.getAuthenticated()).data?.slug ?? 'app';
    }
    return `${this.slug}[bot]`;
  }
}
