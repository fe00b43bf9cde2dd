/**
 * The files a push changed. GitHub lists at most 20 commits in a push payload, so for a longer push the files of
 * the earlier commits are asked of the compare API (`GET /repos/{owner}/{repo}/compare/{before}...{after}`), which
 * lists up to 300 changed files. When even that cannot answer for every file (more files, a `before` GitHub no
 * longer has, a new branch), the answer says it is incomplete and the caller syncs everything the push could touch.
 */
import { githubMessage } from '../../github/index.ts';
import type { SyncContext } from '../sync-context.ts';

/** The most commits GitHub lists in a push payload. */
export const LISTED_COMMITS = 20;
/** The most files the compare API lists; a comparison that reaches it may have more. */
export const COMPARE_FILES_LIMIT = 300;

type CommitFiles = { added?: string[]; removed?: string[]; modified?: string[] };

export interface PushCommits {
  before?: string;
  after: string;
  /** How many commits the push has (the Events API's shape; webhooks may lack it). */
  size?: number;
  distinct_size?: number;
  commits?: CommitFiles[];
  head_commit?: CommitFiles | null;
  repository: { name: string; owner: { login: string } };
}

export interface PushChanges {
  paths: Set<string>;
  /** False when the push may have changed files beyond `paths`. */
  complete: boolean;
}

/** Every path the listed commits added, modified or removed. */
export function listedPaths(push: PushCommits): Set<string> {
  const paths = new Set<string>();
  for (const commit of [...(push.commits ?? []), ...(push.head_commit ? [push.head_commit] : [])]) {
    for (const path of [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])]) {
      paths.add(path);
    }
  }
  return paths;
}

/**
 * Whether the payload lists fewer commits than the push has: by its counts when it carries them, else when it
 * lists as many as GitHub ever lists.
 */
export function commitsTruncated(push: PushCommits): boolean {
  const listed = push.commits?.length ?? 0;
  const counts = [push.size, push.distinct_size].filter((count): count is number => typeof count === 'number');
  if (counts.length > 0) return Math.max(...counts) > listed;
  return listed >= LISTED_COMMITS;
}

const UNKNOWN_COMMIT = /^0+$/;

/** The files of a comparison (`GET /repos/{owner}/{repo}/compare/{basehead}`, its first page). */
export type CompareFiles = (
  owner: string,
  repo: string,
  basehead: string,
) => Promise<Array<{ filename: string; previous_filename?: string }>>;

/** The files the push changed: from its payload, and for a truncated one from the compare API. */
export async function pushChanges(ctx: SyncContext, installationId: number, push: PushCommits): Promise<PushChanges> {
  return pushChangesWith(
    push,
    async (owner, repo, basehead) => {
      const octokit = await ctx.github.octokit(installationId);
      // With a page size the commits are paged; the files come whole on the first page (up to 300).
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead, per_page: 1 });
      return (data.files ?? []).map((file) => ({
        filename: file.filename,
        ...(file.previous_filename && { previous_filename: file.previous_filename }),
      }));
    },
    (message) => ctx.warn(message),
  );
}

/** pushChanges with the comparison read by `compare` (a kind's paced REST reads) and problems told to `warn`. */
export async function pushChangesWith(
  push: PushCommits,
  compare: CompareFiles,
  warn: (message: string) => void,
): Promise<PushChanges> {
  const paths = listedPaths(push);
  if (!commitsTruncated(push)) return { paths, complete: true };
  const owner = push.repository.owner.login;
  const repo = push.repository.name;
  const where = `${owner}/${repo} ${push.before ?? '?'}...${push.after}`;
  if (!push.before || UNKNOWN_COMMIT.test(push.before)) {
    warn(`catalog sync: a push of more than ${LISTED_COMMITS} commits to ${where} has no base to compare`);
    return { paths, complete: false };
  }
  try {
    const files = await compare(owner, repo, `${push.before}...${push.after}`);
    for (const file of files) {
      paths.add(file.filename);
      if (file.previous_filename) paths.add(file.previous_filename);
    }
    if (files.length >= COMPARE_FILES_LIMIT) {
      warn(`catalog sync: ${where} changed ${COMPARE_FILES_LIMIT} files or more; everything it could touch is read`);
      return { paths, complete: false };
    }
    return { paths, complete: true };
  } catch (error) {
    warn(`catalog sync: comparing ${where} failed (${githubMessage(error)}); everything it could touch is read`);
    return { paths, complete: false };
  }
}
