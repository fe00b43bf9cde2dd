/**
 * The executors of the vendor's issue, pull-request and pull-request comment actions, for the processor's registry.
 * Each makes one GitHub REST call (its `route`).
 */
import type { GithubExecutor } from './github-executor-kit.ts';
import { issueExecutors } from './issue-executors.ts';
import { prCommentExecutors } from './pr-comment-executors.ts';
import { pullRequestExecutors } from './pull-request-executors.ts';

export type { GithubExecutor } from './github-executor-kit.ts';

export const githubExecutors: readonly GithubExecutor[] = [
  ...issueExecutors,
  ...pullRequestExecutors,
  ...prCommentExecutors,
];
