/** The files a pull request changes, for the checks that look at them. */
import type { SyncContext } from '../sync-context.ts';

export interface PullFile {
  filename: string;
  status: string;
}

/** Every file `number` changes, as GitHub lists them (at most 3,000), 100 a page. */
export async function pullRequestFiles(
  ctx: SyncContext,
  installationId: number,
  owner: string,
  repo: string,
  number: number,
): Promise<PullFile[]> {
  const octokit = await ctx.github.octokit(installationId);
  return octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 100 });
}
