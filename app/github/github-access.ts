import type { Probot, ProbotOctokit } from 'probot';

export type GithubClient = InstanceType<typeof ProbotOctokit>;

const INSTALLATION_TTL_MS = 5 * 60 * 1000;

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

/** The App's ways into GitHub: as itself, and as each installation. */
export class GithubAccess {
  private readonly probot: Probot;
  private readonly installations = new Map<string, { id: number | undefined; until: number }>();
  private slug: string | undefined;

  constructor(probot: Probot) {
    this.probot = probot;
  }

  /** The installation on an organization or user account, or undefined when the App is not installed there. */
  async installationFor(owner: string): Promise<number | undefined> {
    const key = owner.toLowerCase();
    const cached = this.installations.get(key);
    if (cached && cached.until > Date.now()) return cached.id;
    const app = await this.probot.auth();
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
    return (await this.probot.auth(installationId)) as GithubClient;
  }

  /** The login GitHub shows for runs the App starts: `<slug>[bot]`. */
  async botLogin(): Promise<string> {
    if (!this.slug) {
      const app = await this.probot.auth();
      this.slug = (await app.rest.apps.getAuthenticated()).data?.slug ?? 'app';
    }
    return `${this.slug}[bot]`;
  }
}
