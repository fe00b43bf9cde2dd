/**
 * The vendor's pull-request actions: `create_pull_request` (and `create_pr`, its earlier name), `update_pull_request`,
 * `close_pull_request`, `merge_pull_request`, `review_pull_request`. Properties as the vendor names them
 * (`prNumber`, `mergeMethod`, ...); the repository is the run's.
 */
import { ExecutionError } from './executor.ts';
import { githubExecutor, githubWebUrl, type PropertyReader } from './github-executor-kit.ts';

const PERMISSION = 'pull_requests: write';
const STATES = ['open', 'closed'] as const;
const MERGE_METHODS = ['merge', 'squash', 'rebase'] as const;
const REVIEW_EVENTS = ['APPROVE', 'REQUEST_CHANGES', 'COMMENT'] as const;

const CREATE_PULL = 'POST /repos/{owner}/{repo}/pulls';
const UPDATE_PULL = 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}';
const MERGE_PULL = 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge';
const REVIEW_PULL = 'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews';

interface PullAnswer {
  number: number;
  html_url: string;
}

function pullEnding(line: (pull: PullAnswer, repository: string) => string, done: string) {
  return (pull: PullAnswer, _input: unknown, repository: string) => ({
    line: `${line(pull, repository)}: ${pull.html_url}`,
    summary: `Pull request #${pull.number} ${done}: ${pull.html_url}`,
    link: pull.html_url,
  });
}

function createPullRequestAs(type: string) {
  return githubExecutor({
    type,
    route: CREATE_PULL,
    permission: PERMISSION,
    labels: { starting: 'Creating PR', done: 'PR created' },
    read: (properties: PropertyReader) => ({
      title: properties.requiredText('title'),
      head: properties.requiredText('head'),
      base: properties.requiredText('base'),
      body: properties.text('body'),
      draft: properties.flag('draft'),
    }),
    starting: ({ title, head, base }, repository) =>
      `Creating pull request '${title}' in ${repository} (${head} → ${base})`,
    failure: (_input, repository) => `Could not create pull request in ${repository}`,
    call: async ({ owner, repo, octokit, request }, { title, head, base, body, draft }) =>
      (
        await octokit.request(CREATE_PULL, {
          owner,
          repo,
          title,
          head,
          base,
          ...(body && { body }),
          ...(draft !== undefined && { draft }),
          request,
        })
      ).data,
    expects: ['number', 'html_url'],
    ending: pullEnding((pull, repository) => `Created PR #${pull.number} in ${repository}`, 'created'),
  });
}

/** `title`, `head`, `base` (required), `body` (left out when empty), `draft`. */
export const createPullRequest = createPullRequestAs('create_pull_request');
/** The same under the name the vendor's first version of it had. */
export const createPr = createPullRequestAs('create_pr');

/** `prNumber` (required) and at least one of `title`, `body`, `state` (open, closed), `base`. */
export const updatePullRequest = githubExecutor({
  type: 'update_pull_request',
  route: UPDATE_PULL,
  permission: PERMISSION,
  labels: { starting: 'Updating PR', done: 'PR updated' },
  read: (properties: PropertyReader) => {
    const prNumber = properties.requiredNumber('prNumber');
    const changes = properties.changes(
      {
        title: properties.text('title'),
        body: properties.text('body'),
        state: properties.choice('state', STATES),
        base: properties.text('base'),
      },
      'title, body, state, or base',
    );
    return { prNumber, changes };
  },
  starting: ({ prNumber }, repository) => `Updating pull request #${prNumber} in ${repository}`,
  failure: ({ prNumber }, repository) => `Could not update PR #${prNumber} in ${repository}`,
  call: async ({ owner, repo, octokit, request }, { prNumber, changes }) =>
    (await octokit.request(UPDATE_PULL, { owner, repo, pull_number: prNumber, ...changes, request })).data,
  expects: ['number', 'html_url'],
  ending: pullEnding((pull, repository) => `Updated PR #${pull.number} in ${repository}`, 'updated'),
});

/** `prNumber` (required). */
export const closePullRequest = githubExecutor({
  type: 'close_pull_request',
  route: UPDATE_PULL,
  permission: PERMISSION,
  labels: { starting: 'Closing PR', done: 'PR closed' },
  read: (properties: PropertyReader) => ({ prNumber: properties.requiredNumber('prNumber') }),
  starting: ({ prNumber }, repository) => `Closing pull request #${prNumber} in ${repository}`,
  failure: ({ prNumber }, repository) => `Could not close pull request #${prNumber} in ${repository}`,
  call: async ({ owner, repo, octokit, request }, { prNumber }) =>
    (await octokit.request(UPDATE_PULL, { owner, repo, pull_number: prNumber, state: 'closed', request })).data,
  expects: ['number', 'html_url'],
  ending: pullEnding((pull, repository) => `Closed pull request #${pull.number} in ${repository}`, 'closed'),
});

/**
 * `prNumber` (required), `mergeMethod` (merge, the default, squash or rebase), `commitTitle`, `commitMessage` (left
 * out when empty). GitHub's answer has no URL: the link is the pull request's page.
 */
export const mergePullRequest = githubExecutor({
  type: 'merge_pull_request',
  route: MERGE_PULL,
  permission: 'contents: write',
  labels: { starting: 'Merging PR', done: 'PR merged' },
  read: (properties: PropertyReader) => ({
    prNumber: properties.requiredNumber('prNumber'),
    mergeMethod: properties.choice('mergeMethod', MERGE_METHODS, 'merge'),
    commitTitle: properties.text('commitTitle'),
    commitMessage: properties.text('commitMessage'),
  }),
  starting: ({ prNumber, mergeMethod }, repository) =>
    `Merging pull request #${prNumber} in ${repository} (${mergeMethod})`,
  failure: ({ prNumber }, repository) => `Could not merge pull request #${prNumber} in ${repository}`,
  call: async ({ owner, repo, octokit, request }, { prNumber, mergeMethod, commitTitle, commitMessage }) =>
    (
      await octokit.request(MERGE_PULL, {
        owner,
        repo,
        pull_number: prNumber,
        merge_method: mergeMethod,
        ...(commitTitle && { commit_title: commitTitle }),
        ...(commitMessage && { commit_message: commitMessage }),
        request,
      })
    ).data,
  expects: ['merged'],
  ending: (result, { prNumber }, repository, octokit) => {
    const url = `${githubWebUrl(octokit)}/${repository}/pull/${prNumber}`;
    if (!result.merged) {
      // GitHub answers 200 with merged: false when it did not merge (it usually refuses with 405 instead).
      throw new ExecutionError(`Could not merge pull request #${prNumber} in ${repository}: ${result.message}`);
    }
    return {
      line: `Merged pull request #${prNumber} in ${repository} (${result.sha}): ${url}`,
      summary: `Pull request #${prNumber} merged: ${url}`,
      link: url,
    };
  },
});

/**
 * `prNumber`, `event` (APPROVE, REQUEST_CHANGES, COMMENT) (required), `body` (required by GitHub for REQUEST_CHANGES
 * and COMMENT).
 */
export const reviewPullRequest = githubExecutor({
  type: 'review_pull_request',
  route: REVIEW_PULL,
  permission: PERMISSION,
  labels: { starting: 'Submitting review', done: 'Review submitted' },
  read: (properties: PropertyReader) => {
    const prNumber = properties.requiredNumber('prNumber');
    const event = properties.requiredChoice('event', REVIEW_EVENTS);
    const body = properties.text('body');
    if (event !== 'APPROVE' && !body?.trim()) properties.problem(`body is required when event is ${event}`);
    return { prNumber, event, body };
  },
  starting: ({ prNumber, event }, repository) =>
    `Submitting ${event} review on pull request #${prNumber} in ${repository}`,
  failure: ({ prNumber }, repository) => `Could not submit review on pull request #${prNumber} in ${repository}`,
  call: async ({ owner, repo, octokit, request }, { prNumber, event, body }) =>
    (
      await octokit.request(REVIEW_PULL, {
        owner,
        repo,
        pull_number: prNumber,
        event,
        ...(body && { body }),
        request,
      })
    ).data,
  expects: ['id', 'html_url'],
  ending: (review, { prNumber, event }, repository) => ({
    line: `Submitted ${event} review on pull request #${prNumber} in ${repository}: ${review.html_url}`,
    summary: `Review (${event}) submitted on pull request #${prNumber}: ${review.html_url}`,
    link: review.html_url,
  }),
});

export const pullRequestExecutors = [
  createPullRequest,
  createPr,
  updatePullRequest,
  closePullRequest,
  mergePullRequest,
  reviewPullRequest,
];
