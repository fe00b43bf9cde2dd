import { accountProblem, repositoryProblem } from '../../dispatch/github-names.ts';
import type { GithubAccess } from '../../github/index.ts';
import { ExecutionError, type RunRepository } from '../executors/executor.ts';

/** How long the list of the App's installations is kept before GitHub is asked again. */
const INSTALLATIONS_FOR_MS = 60_000;

/**
 * Which repository a run names, over the App's installations: `org` and `repo`, or `repo` as `owner/repo`; `repo`
 * alone when the App is installed on one account only. A run that names an account without the App, or that could
 * mean several accounts, gets an ExecutionError that says so.
 */
export class RepositoryResolver {
  private readonly github: () => GithubAccess | undefined;
  private installations: { at: number; list: Promise<Array<{ id: number; account: string }>> } | undefined;

  constructor(github: () => GithubAccess | undefined) {
    this.github = github;
  }

  async resolve(properties: Readonly<Record<string, unknown>>): Promise<RunRepository> {
    const github = this.github();
    if (!github) {
      throw new ExecutionError(
        'the GitHub App is not configured on this wharf: set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET',
      );
    }
    const { owner: named, repo } = namedRepository(properties);
    let owner = named;
    let installationId: number | undefined;
    if (owner === undefined) {
      const installations = await this.listInstallations(github);
      if (installations.length === 0) {
        throw new ExecutionError(`the GitHub App is not installed on any account, so ${repo} cannot be found`);
      }
      if (installations.length > 1) {
        const accounts = installations.map((installation) => installation.account).sort();
        throw new ExecutionError(
          `repo "${repo}" is ambiguous: the GitHub App is installed on ${accounts.join(', ')}; set org (or repo as owner/repo) to pick one`,
        );
      }
      owner = installations[0]!.account;
      installationId = installations[0]!.id;
    } else {
      installationId = await github.installationFor(owner);
      if (installationId === undefined) {
        throw new ExecutionError(`the GitHub App is not installed on "${owner}": install it on that account first`);
      }
    }
    return { owner, repo, installationId, octokit: await github.octokit(installationId) };
  }

  private async listInstallations(github: GithubAccess): Promise<Array<{ id: number; account: string }>> {
    const cached = this.installations;
    if (cached && Date.now() - cached.at < INSTALLATIONS_FOR_MS) return cached.list;
    const list = github.listInstallations();
    this.installations = { at: Date.now(), list };
    // A failure is not kept: the next run asks again.
    list.catch(() => {
      if (this.installations?.list === list) this.installations = undefined;
    });
    return list;
  }
}

/** The owner (when the run names one) and repository of a run's properties, checked against GitHub's naming rules. */
export function namedRepository(properties: Readonly<Record<string, unknown>>): { owner?: string; repo: string } {
  const org = properties.org ?? undefined;
  const repoValue = properties.repo ?? undefined;
  if (typeof repoValue !== 'string' || repoValue.trim() === '') {
    throw new ExecutionError(
      repoValue === undefined ? 'repo is required' : `repo must be a string (got ${JSON.stringify(repoValue)})`,
    );
  }
  if (org !== undefined && typeof org !== 'string') {
    throw new ExecutionError(`org must be a string (got ${JSON.stringify(org)})`);
  }
  const slash = repoValue.indexOf('/');
  let owner = org === undefined || org.trim() === '' ? undefined : org.trim();
  let repo = repoValue.trim();
  if (slash >= 0) {
    const [prefix, name = ''] = [repo.slice(0, slash), repo.slice(slash + 1)];
    if (owner !== undefined && prefix.toLowerCase() !== owner.toLowerCase()) {
      throw new ExecutionError(`repo "${repo}" names the owner "${prefix}", but org is "${owner}"`);
    }
    owner = prefix;
    repo = name;
  }
  const problem = (owner === undefined ? undefined : accountProblem(owner)) ?? repositoryProblem(repo);
  if (problem)
    throw new ExecutionError(owner !== undefined && accountProblem(owner) ? `org: ${problem}` : `repo: ${problem}`);
  return owner === undefined ? { repo } : { owner, repo };
}
