/**
 * What syncs that read GitHub with REST alone would send, for comparison with wharf's resync: requests against the
 * same fake GitHub, with the same latency, a fixed number at a time. Only the GitHub reads: nothing is mapped or
 * written to Port.
 */
import { inParallel } from './stats.ts';

const HEADERS = { authorization: 'token ghs_rest', accept: 'application/vnd.github+json' };

async function get(url: string): Promise<{ body: unknown; next: string | null }> {
  const response = await fetch(url, { headers: HEADERS });
  const body: unknown = await response.json();
  if (response.status >= 300) throw new Error(`GET ${url} answered ${response.status}: ${JSON.stringify(body)}`);
  const next = /<([^>]+)>\s*;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1] ?? null;
  return { body, next };
}

/** Every item of a REST list (`url` with `per_page=100`), following its Link header. */
async function all(url: string): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let next: string | null = url; next;) {
    const page = await get(next);
    items.push(...(page.body as unknown[]));
    next = page.next;
  }
  return items;
}

/** The organization's repositories, 100 a page (the fake GitHub's list has no Link header: a short page ends it). */
async function repositoryNames(githubUrl: string, owner: string): Promise<string[]> {
  const names: string[] = [];
  for (let number = 1; ; number++) {
    const { body } = await get(`${githubUrl}/orgs/${owner}/repos?per_page=100&page=${number}`);
    const batch = body as Array<{ name: string }>;
    names.push(...batch.map((repository) => repository.name));
    if (batch.length < 100) return names;
  }
}

/** The repository part alone: list the repositories, then README and CODEOWNERS of each. */
export async function restRepositoryFiles(githubUrl: string, owner: string, concurrency: number): Promise<void> {
  const names = await repositoryNames(githubUrl, owner);
  await inParallel(names.length, concurrency, async (index) => {
    const name = names[index]!;
    await (await fetch(`${githubUrl}/repos/${owner}/${name}/readme`, { headers: HEADERS })).text();
    await (await fetch(`${githubUrl}/repos/${owner}/${name}/contents/.github/CODEOWNERS`, { headers: HEADERS })).text();
  });
}

export interface RestSyncCount {
  /** Objects read, by kind. */
  objects: Record<string, number>;
}

/**
 * The same sync as the benchmark's configuration with REST alone: list the repositories (100 a page), each
 * repository's open pull requests and open issues
 * (GitHub's issue list holds pull requests too: they are dropped), the teams and each team's members, and the
 * organization's open Dependabot alerts (cursor pages of 100). The README and CODEOWNERS the repository mapping
 * reads are two requests more per repository (restRepositoryFiles measures them).
 */
export async function restSync(githubUrl: string, owner: string, concurrency: number): Promise<RestSyncCount> {
  const objects: Record<string, number> = {
    repository: 0,
    'pull-request': 0,
    issue: 0,
    team: 0,
    'dependabot-alert': 0,
  };
  const names = await repositoryNames(githubUrl, owner);
  objects.repository = names.length;
  await inParallel(names.length, concurrency, async (index) => {
    const name = names[index]!;
    const pulls = await all(`${githubUrl}/repos/${owner}/${name}/pulls?state=open&per_page=100`);
    const issues = await all(`${githubUrl}/repos/${owner}/${name}/issues?state=open&per_page=100`);
    objects['pull-request']! += pulls.length;
    objects.issue! += issues.filter((issue) => !(issue as { pull_request?: unknown }).pull_request).length;
  });
  const teams = (await all(`${githubUrl}/orgs/${owner}/teams?per_page=100`)) as Array<{ slug: string }>;
  objects.team = teams.length;
  await inParallel(teams.length, concurrency, async (index) => {
    await all(`${githubUrl}/orgs/${owner}/teams/${teams[index]!.slug}/members?per_page=100`);
  });
  objects['dependabot-alert'] = (
    await all(`${githubUrl}/orgs/${owner}/dependabot/alerts?state=open&per_page=100`)
  ).length;
  return { objects };
}
