/**
 * The issue, pull-request and pull-request comment executors against GitHub faked at the HTTP level (nock), through a
 * real Probot Octokit: the requests they send (as the vendor's executors send them), the lines they log, their
 * outcome, every property they refuse, and GitHub's refusals as the run's error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import type { GithubClient } from '../../../app/github/index.ts';
import {
  ExecutionError,
  type ExecutionOutcome,
  type ExecutorContext,
} from '../../../app/actions/executors/executor.ts';
import { githubExecutors, type GithubExecutor } from '../../../app/actions/executors/github-executors.ts';
import { GITHUB_API, isolateGithub, releaseGithub } from '../../helpers/github-app.ts';

const OWNER = 'octo-org';
const REPO = 'hello-world';
const REPOSITORY = `${OWNER}/${REPO}`;
const WEB = `https://github.com/${REPOSITORY}`;

const Octokit = ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } });

function executor(type: string): GithubExecutor {
  const found = githubExecutors.find((candidate) => candidate.type === type);
  if (!found) throw new Error(`no executor ${type}`);
  return found;
}

interface Execution {
  outcome?: ExecutionOutcome;
  error?: Error;
  lines: Array<{ message: string; statusLabel?: string }>;
  repositoryAsked: boolean;
}

/** Runs the executor of `type` with `properties` in OWNER/REPO; records its log and what it answered or threw. */
async function execute(
  type: string,
  properties: Record<string, unknown>,
  options: { baseUrl?: string; repository?: ExecutorContext['repository'] } = {},
): Promise<Execution> {
  const execution: Execution = { lines: [], repositoryAsked: false };
  const octokit = new Octokit({ auth: { token: 'ghs_test' }, ...(options.baseUrl && { baseUrl: options.baseUrl }) });
  const context: ExecutorContext = {
    repository:
      options.repository ??
      (async () => {
        execution.repositoryAsked = true;
        return { owner: OWNER, repo: REPO, installationId: 4242, octokit: octokit as unknown as GithubClient };
      }),
    log: async (message, statusLabel) => {
      execution.lines.push(statusLabel === undefined ? { message } : { message, statusLabel });
    },
  };
  try {
    execution.outcome = await executor(type).execute(
      { runId: 'r_test', integrationActionType: type, properties },
      context,
    );
  } catch (error) {
    execution.error = error as Error;
  }
  return execution;
}

/** GitHub answering one call; `body()` is the JSON body the executor sent. */
function github(
  method: 'post' | 'patch' | 'put' | 'delete',
  path: string,
  status: number,
  answer?: unknown,
  base = GITHUB_API,
): { body: () => unknown } {
  let sent: unknown;
  const scope = nock(base);
  const interceptor =
    method === 'delete'
      ? scope.delete(path)
      : scope[method](path, (body: unknown) => {
          sent = body;
          return true;
        });
  if (typeof answer === 'string') interceptor.reply(status, answer, { 'content-type': 'text/html' });
  else interceptor.reply(status, answer as nock.Body);
  return { body: () => sent };
}

const issue = (number: number) => ({ id: 9000 + number, number, html_url: `${WEB}/issues/${number}` });
const pull = (number: number) => ({ id: 8000 + number, number, html_url: `${WEB}/pull/${number}` });

beforeAll(() => {
  isolateGithub();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => {
  releaseGithub();
});

describe('the executors', () => {
  test('are the vendor’s issue, pull-request and pull-request comment actions, each once', () => {
    expect(githubExecutors.map((candidate) => candidate.type).sort()).toEqual([
      'close_issue',
      'close_pull_request',
      'create_issue',
      'create_pr',
      'create_pr_comment',
      'create_pull_request',
      'delete_pr_comment',
      'edit_issue',
      'edit_pr_comment',
      'merge_pull_request',
      'review_pull_request',
      'update_pull_request',
    ]);
  });

  test('call only routes GitHub’s REST API has (its OpenAPI description)', () => {
    const require = createRequire(import.meta.url);
    const api = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const { type, route } of githubExecutors) {
      const [method, path] = route.split(' ') as [string, string];
      expect({ type, route, described: Boolean(api.paths[path]?.[method.toLowerCase()]) }).toEqual({
        type,
        route,
        described: true,
      });
    }
  });

  test('keep runs in order per repository, as the vendor’s partition key, but delete_pr_comment', () => {
    const keys = Object.fromEntries(
      githubExecutors.map(({ type, partitionKey }) => [
        type,
        [
          partitionKey?.({ runId: 'r', integrationActionType: type, properties: { org: 'Octo-Org', repo: 'Hello' } }),
          partitionKey?.({ runId: 'r', integrationActionType: type, properties: { repo: 'octo-org/hello' } }),
          partitionKey?.({ runId: 'r', integrationActionType: type, properties: { title: 'no repository' } }),
        ],
      ]),
    );
    for (const [type, key] of Object.entries(keys)) {
      expect([type, key]).toEqual([
        type,
        type === 'delete_pr_comment'
          ? [undefined, undefined, undefined]
          : ['octo-org/hello', 'octo-org/hello', undefined],
      ]);
    }
  });
});

describe('issues', () => {
  test('create_issue posts the title, body, labels and assignees, logs before and after, links the issue', async () => {
    const call = github('post', `/repos/${REPOSITORY}/issues`, 201, issue(12));
    const run = await execute('create_issue', {
      org: OWNER,
      repo: REPO,
      title: 'Broken build',
      body: 'It fails on main',
      labels: ['bug', 'ci'],
      assignees: ['octocat'],
    });
    expect(run.error).toBeUndefined();
    expect(call.body()).toEqual({
      title: 'Broken build',
      body: 'It fails on main',
      labels: ['bug', 'ci'],
      assignees: ['octocat'],
    });
    expect(run.lines).toEqual([
      { message: `Creating issue 'Broken build' in ${REPOSITORY}`, statusLabel: 'Creating issue' },
      { message: `Created issue #12 in ${REPOSITORY}: ${WEB}/issues/12` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Issue #12 created: ${WEB}/issues/12`,
      statusLabel: 'Issue created',
      link: `${WEB}/issues/12`,
    });
  });

  test('create_issue leaves out an empty body and empty lists', async () => {
    const call = github('post', `/repos/${REPOSITORY}/issues`, 201, issue(13));
    const run = await execute('create_issue', { title: 'Only a title', body: '', labels: [], assignees: null });
    expect(run.outcome?.status).toBe('SUCCESS');
    expect(call.body()).toEqual({ title: 'Only a title' });
  });

  test('edit_issue sends the fields given, an empty list too (it clears them)', async () => {
    const call = github('patch', `/repos/${REPOSITORY}/issues/7`, 200, issue(7));
    const run = await execute('edit_issue', { issueNumber: '7', title: 'Renamed', labels: [], state: 'open' });
    expect(call.body()).toEqual({ title: 'Renamed', labels: [], state: 'open' });
    expect(run.lines).toEqual([
      { message: `Editing issue #7 in ${REPOSITORY}`, statusLabel: 'Editing issue' },
      { message: `Edited issue #7 in ${REPOSITORY}: ${WEB}/issues/7` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Issue #7 updated: ${WEB}/issues/7`,
      statusLabel: 'Issue updated',
      link: `${WEB}/issues/7`,
    });
  });

  test('edit_issue closing an issue sends its state reason, completed unless given', async () => {
    const completed = github('patch', `/repos/${REPOSITORY}/issues/7`, 200, issue(7));
    await execute('edit_issue', { issueNumber: 7, state: 'closed' });
    expect(completed.body()).toEqual({ state: 'closed', state_reason: 'completed' });
    const notPlanned = github('patch', `/repos/${REPOSITORY}/issues/7`, 200, issue(7));
    await execute('edit_issue', { issueNumber: 7, state: 'closed', stateReason: 'not_planned', assignees: ['a'] });
    expect(notPlanned.body()).toEqual({ state: 'closed', state_reason: 'not_planned', assignees: ['a'] });
  });

  test('close_issue closes as completed by default, or with the state reason given', async () => {
    const completed = github('patch', `/repos/${REPOSITORY}/issues/5`, 200, issue(5));
    const run = await execute('close_issue', { issueNumber: 5 });
    expect(completed.body()).toEqual({ state: 'closed', state_reason: 'completed' });
    expect(run.lines).toEqual([
      { message: `Closing issue #5 in ${REPOSITORY} as completed`, statusLabel: 'Closing issue' },
      { message: `Closed issue #5 in ${REPOSITORY}: ${WEB}/issues/5` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Issue #5 closed: ${WEB}/issues/5`,
      statusLabel: 'Issue closed',
      link: `${WEB}/issues/5`,
    });

    const notPlanned = github('patch', `/repos/${REPOSITORY}/issues/5`, 200, issue(5));
    const second = await execute('close_issue', { issueNumber: 5, stateReason: 'not_planned' });
    expect(notPlanned.body()).toEqual({ state: 'closed', state_reason: 'not_planned' });
    expect(second.lines[0]?.message).toBe(`Closing issue #5 in ${REPOSITORY} as not_planned`);
  });
});

describe('pull requests', () => {
  test.each(['create_pull_request', 'create_pr'])('%s posts title, head, base, body and draft', async (type) => {
    const call = github('post', `/repos/${REPOSITORY}/pulls`, 201, pull(31));
    const run = await execute(type, {
      title: 'Add feature',
      head: 'feature',
      base: 'main',
      body: 'Closes #5',
      draft: 'true',
    });
    expect(call.body()).toEqual({
      title: 'Add feature',
      head: 'feature',
      base: 'main',
      body: 'Closes #5',
      draft: true,
    });
    expect(run.lines).toEqual([
      { message: `Creating pull request 'Add feature' in ${REPOSITORY} (feature → main)`, statusLabel: 'Creating PR' },
      { message: `Created PR #31 in ${REPOSITORY}: ${WEB}/pull/31` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Pull request #31 created: ${WEB}/pull/31`,
      statusLabel: 'PR created',
      link: `${WEB}/pull/31`,
    });
  });

  test('create_pull_request sends draft: false when given, and no empty body', async () => {
    const call = github('post', `/repos/${REPOSITORY}/pulls`, 201, pull(32));
    await execute('create_pull_request', { title: 'T', head: 'h', base: 'b', body: '', draft: false });
    expect(call.body()).toEqual({ title: 'T', head: 'h', base: 'b', draft: false });
  });

  test('update_pull_request sends only the fields given', async () => {
    const call = github('patch', `/repos/${REPOSITORY}/pulls/31`, 200, pull(31));
    const run = await execute('update_pull_request', { prNumber: 31, base: 'release', body: '' });
    expect(call.body()).toEqual({ base: 'release', body: '' });
    expect(run.lines).toEqual([
      { message: `Updating pull request #31 in ${REPOSITORY}`, statusLabel: 'Updating PR' },
      { message: `Updated PR #31 in ${REPOSITORY}: ${WEB}/pull/31` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Pull request #31 updated: ${WEB}/pull/31`,
      statusLabel: 'PR updated',
      link: `${WEB}/pull/31`,
    });
  });

  test('close_pull_request sets its state to closed', async () => {
    const call = github('patch', `/repos/${REPOSITORY}/pulls/31`, 200, pull(31));
    const run = await execute('close_pull_request', { prNumber: 31 });
    expect(call.body()).toEqual({ state: 'closed' });
    expect(run.lines).toEqual([
      { message: `Closing pull request #31 in ${REPOSITORY}`, statusLabel: 'Closing PR' },
      { message: `Closed pull request #31 in ${REPOSITORY}: ${WEB}/pull/31` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Pull request #31 closed: ${WEB}/pull/31`,
      statusLabel: 'PR closed',
      link: `${WEB}/pull/31`,
    });
  });

  test('merge_pull_request merges by the method given, with the commit title and message, and links the PR', async () => {
    const call = github('put', `/repos/${REPOSITORY}/pulls/31/merge`, 200, {
      sha: 'abc123',
      merged: true,
      message: 'Pull Request successfully merged',
    });
    const run = await execute('merge_pull_request', {
      prNumber: 31,
      mergeMethod: 'squash',
      commitTitle: 'Add feature (#31)',
      commitMessage: 'Squashed',
    });
    expect(call.body()).toEqual({
      merge_method: 'squash',
      commit_title: 'Add feature (#31)',
      commit_message: 'Squashed',
    });
    expect(run.lines).toEqual([
      { message: `Merging pull request #31 in ${REPOSITORY} (squash)`, statusLabel: 'Merging PR' },
      { message: `Merged pull request #31 in ${REPOSITORY} (abc123): ${WEB}/pull/31` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Pull request #31 merged: ${WEB}/pull/31`,
      statusLabel: 'PR merged',
      link: `${WEB}/pull/31`,
    });
  });

  test('merge_pull_request merges by default, and links a GitHub Enterprise Server PR on its own host', async () => {
    const ghes = 'https://ghe.example.com';
    const call = github('put', `/api/v3/repos/${REPOSITORY}/pulls/4/merge`, 200, { sha: 'd', merged: true }, ghes);
    const run = await execute('merge_pull_request', { prNumber: 4 }, { baseUrl: `${ghes}/api/v3` });
    expect(call.body()).toEqual({ merge_method: 'merge' });
    expect(run.outcome?.link).toBe(`${ghes}/${REPOSITORY}/pull/4`);
  });

  test('merge_pull_request fails when GitHub answers that it did not merge', async () => {
    github('put', `/repos/${REPOSITORY}/pulls/31/merge`, 200, { merged: false, message: 'Base branch was modified' });
    const run = await execute('merge_pull_request', { prNumber: 31 });
    expect(run.error).toBeInstanceOf(ExecutionError);
    expect(run.error?.message).toBe(`Could not merge pull request #31 in ${REPOSITORY}: Base branch was modified`);
    expect(run.lines).toHaveLength(1);
  });

  test('review_pull_request submits the event and body, and links the review', async () => {
    const url = `${WEB}/pull/31#pullrequestreview-80`;
    const call = github('post', `/repos/${REPOSITORY}/pulls/31/reviews`, 200, { id: 80, html_url: url });
    const run = await execute('review_pull_request', { prNumber: 31, event: 'REQUEST_CHANGES', body: 'Add tests' });
    expect(call.body()).toEqual({ event: 'REQUEST_CHANGES', body: 'Add tests' });
    expect(run.lines).toEqual([
      {
        message: `Submitting REQUEST_CHANGES review on pull request #31 in ${REPOSITORY}`,
        statusLabel: 'Submitting review',
      },
      { message: `Submitted REQUEST_CHANGES review on pull request #31 in ${REPOSITORY}: ${url}` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Review (REQUEST_CHANGES) submitted on pull request #31: ${url}`,
      statusLabel: 'Review submitted',
      link: url,
    });
  });

  test('review_pull_request approves without a body', async () => {
    const url = `${WEB}/pull/31#pullrequestreview-81`;
    const call = github('post', `/repos/${REPOSITORY}/pulls/31/reviews`, 200, { id: 81, html_url: url });
    const run = await execute('review_pull_request', { prNumber: 31, event: 'APPROVE' });
    expect(call.body()).toEqual({ event: 'APPROVE' });
    expect(run.outcome?.summary).toBe(`Review (APPROVE) submitted on pull request #31: ${url}`);
  });
});

describe('pull request comments', () => {
  test('create_pr_comment posts the body on the pull request’s conversation', async () => {
    const url = `${WEB}/pull/31#issuecomment-501`;
    const call = github('post', `/repos/${REPOSITORY}/issues/31/comments`, 201, { id: 501, html_url: url });
    const run = await execute('create_pr_comment', { prNumber: 31, body: 'Deployed to staging' });
    expect(call.body()).toEqual({ body: 'Deployed to staging' });
    expect(run.lines).toEqual([
      { message: `Creating comment on pull request #31 in ${REPOSITORY}`, statusLabel: 'Creating comment' },
      { message: `Created comment 501 on pull request #31 in ${REPOSITORY}: ${url}` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Comment created on pull request #31: ${url}`,
      statusLabel: 'Comment created',
      link: url,
    });
  });

  test('edit_pr_comment replaces the comment’s body', async () => {
    const url = `${WEB}/pull/31#issuecomment-501`;
    const call = github('patch', `/repos/${REPOSITORY}/issues/comments/501`, 200, { id: 501, html_url: url });
    const run = await execute('edit_pr_comment', { commentId: '501', body: 'Deployed to production' });
    expect(call.body()).toEqual({ body: 'Deployed to production' });
    expect(run.lines).toEqual([
      { message: `Editing comment 501 in ${REPOSITORY}`, statusLabel: 'Editing comment' },
      { message: `Edited comment 501 in ${REPOSITORY}: ${url}` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Comment updated: ${url}`,
      statusLabel: 'Comment updated',
      link: url,
    });
  });

  test('delete_pr_comment deletes it; the outcome has no link', async () => {
    github('delete', `/repos/${REPOSITORY}/issues/comments/501`, 204);
    const run = await execute('delete_pr_comment', { commentId: 501 });
    expect(run.lines).toEqual([
      { message: `Deleting comment 501 in ${REPOSITORY}`, statusLabel: 'Deleting comment' },
      { message: `Deleted comment 501 in ${REPOSITORY}` },
    ]);
    expect(run.outcome).toEqual({
      status: 'SUCCESS',
      summary: `Comment 501 deleted from ${REPOSITORY}`,
      statusLabel: 'Comment deleted',
    });
  });
});

describe('properties refused before anything is done, each named', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['create_issue', {}, 'title is required'],
    ['create_issue', { title: '   ' }, 'title is required'],
    ['create_issue', { title: 42 }, 'title must be a string (got 42)'],
    [
      'create_issue',
      { title: 'T', labels: 'bug', assignees: [1] },
      'labels must be a list of strings (got "bug"); assignees must be a list of strings (got [1])',
    ],
    ['create_issue', { title: 'T', body: { text: 'b' } }, 'body must be a string (got {"text":"b"})'],
    ['edit_issue', { title: 'T' }, 'issueNumber is required'],
    [
      'edit_issue',
      { issueNumber: 3 },
      'At least one field to update is required (title, body, state, labels, or assignees)',
    ],
    ['edit_issue', { issueNumber: 3, state: 'merged' }, 'state must be one of: closed, open (got "merged")'],
    [
      'edit_issue',
      { issueNumber: 3, state: 'closed', stateReason: 'duplicate' },
      'stateReason must be one of: completed, not_planned (got "duplicate")',
    ],
    ['close_issue', {}, 'issueNumber is required'],
    ['close_issue', { issueNumber: 'abc' }, 'issueNumber must be a positive whole number (got "abc")'],
    ['close_issue', { issueNumber: 0 }, 'issueNumber must be a positive whole number (got 0)'],
    ['close_issue', { issueNumber: 2.5 }, 'issueNumber must be a positive whole number (got 2.5)'],
    [
      'close_issue',
      { issueNumber: 2, stateReason: 'reopened' },
      'stateReason must be one of: completed, not_planned (got "reopened")',
    ],
    ['create_pull_request', {}, 'title is required; head is required; base is required'],
    ['create_pr', { title: 'T', head: 'h' }, 'base is required'],
    [
      'create_pull_request',
      { title: 'T', head: 'h', base: 'b', draft: 'yes' },
      'draft must be true or false (got "yes")',
    ],
    [
      'update_pull_request',
      {},
      'prNumber is required; At least one field to update is required (title, body, state, or base)',
    ],
    ['update_pull_request', { prNumber: 1, state: 'merged' }, 'state must be one of: closed, open (got "merged")'],
    ['close_pull_request', { prNumber: -1 }, 'prNumber must be a positive whole number (got -1)'],
    ['merge_pull_request', {}, 'prNumber is required'],
    [
      'merge_pull_request',
      { prNumber: 1, mergeMethod: 'fast-forward' },
      'mergeMethod must be one of: merge, rebase, squash (got "fast-forward")',
    ],
    ['merge_pull_request', { prNumber: 1, commitTitle: ['x'] }, 'commitTitle must be a string (got ["x"])'],
    ['review_pull_request', {}, 'prNumber is required; event is required'],
    [
      'review_pull_request',
      { prNumber: 1, event: 'LGTM' },
      'event must be one of: APPROVE, COMMENT, REQUEST_CHANGES (got "LGTM")',
    ],
    [
      'review_pull_request',
      { prNumber: 1, event: 'REQUEST_CHANGES' },
      'body is required when event is REQUEST_CHANGES',
    ],
    ['review_pull_request', { prNumber: 1, event: 'COMMENT', body: ' ' }, 'body is required when event is COMMENT'],
    ['create_pr_comment', {}, 'prNumber is required; body is required'],
    ['create_pr_comment', { prNumber: 1, body: '' }, 'body is required'],
    ['edit_pr_comment', { body: 'b' }, 'commentId is required'],
    ['edit_pr_comment', { commentId: 'c-1', body: 'b' }, 'commentId must be a positive whole number (got "c-1")'],
    ['delete_pr_comment', {}, 'commentId is required'],
  ])('%s %j: %s', async (type, properties, message) => {
    const run = await execute(type, properties);
    expect(run.error).toBeInstanceOf(ExecutionError);
    expect(run.error?.message).toBe(message);
    expect(run.repositoryAsked).toBe(false);
    expect(run.lines).toEqual([]);
  });
});

describe('GitHub’s refusals, as the run’s error naming the repository', () => {
  test('a 422 gives GitHub’s message and each of its errors’ messages', async () => {
    github('post', `/repos/${REPOSITORY}/pulls`, 422, {
      message: 'Validation Failed',
      errors: [
        { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${OWNER}:feature.` },
      ],
      documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
    });
    const run = await execute('create_pull_request', { title: 'T', head: 'feature', base: 'main' });
    expect(run.error).toBeInstanceOf(ExecutionError);
    expect(run.error?.message).toBe(
      `Could not create pull request in ${REPOSITORY}: Validation Failed: A pull request already exists for ${OWNER}:feature.`,
    );
    expect(run.lines).toEqual([
      { message: `Creating pull request 'T' in ${REPOSITORY} (feature → main)`, statusLabel: 'Creating PR' },
    ]);
    expect(run.outcome).toBeUndefined();
  });

  test('a 422 whose errors have no message names their resource, field and code', async () => {
    github('post', `/repos/${REPOSITORY}/issues`, 422, {
      message: 'Validation Failed',
      errors: [{ resource: 'Issue', field: 'assignees', code: 'invalid', value: 'ghost' }, 'Label does not exist'],
    });
    const run = await execute('create_issue', { title: 'T', assignees: ['ghost'] });
    expect(run.error?.message).toBe(
      `Could not create issue in ${REPOSITORY}: Validation Failed: Issue assignees invalid; Label does not exist`,
    );
  });

  test('a 404', async () => {
    github('patch', `/repos/${REPOSITORY}/issues/404`, 404, { message: 'Not Found', documentation_url: 'x' });
    const run = await execute('close_issue', { issueNumber: 404 });
    expect(run.error).toBeInstanceOf(ExecutionError);
    expect(run.error?.message).toBe(`Could not close issue #404 in ${REPOSITORY}: Not Found`);
  });

  test('a 403 for a permission the installation lacks names the permission', async () => {
    github('post', `/repos/${REPOSITORY}/pulls/31/reviews`, 403, { message: 'Resource not accessible by integration' });
    const run = await execute('review_pull_request', { prNumber: 31, event: 'APPROVE' });
    expect(run.error?.message).toBe(
      `Could not submit review on pull request #31 in ${REPOSITORY}: Resource not accessible by integration ` +
        `(the App's installation needs the permission pull_requests: write)`,
    );
  });

  test('another 403 as GitHub says it', async () => {
    github('delete', `/repos/${REPOSITORY}/issues/comments/7`, 403, {
      message: 'Must have admin rights to Repository.',
    });
    const run = await execute('delete_pr_comment', { commentId: 7 });
    expect(run.error?.message).toBe(
      `Could not delete comment 7 in ${REPOSITORY}: Must have admin rights to Repository.`,
    );
  });

  test('a 405 refusing a merge', async () => {
    github('put', `/repos/${REPOSITORY}/pulls/9/merge`, 405, { message: 'Pull Request is not mergeable' });
    const run = await execute('merge_pull_request', { prNumber: 9, mergeMethod: 'rebase' });
    expect(run.error?.message).toBe(`Could not merge pull request #9 in ${REPOSITORY}: Pull Request is not mergeable`);
  });

  test('an answer that is not GitHub’s JSON (a proxy’s page) gives its text', async () => {
    github('patch', `/repos/${REPOSITORY}/issues/comments/7`, 502, 'Bad gateway');
    const run = await execute('edit_pr_comment', { commentId: 7, body: 'b' });
    expect(run.error?.message).toBe(`Could not edit comment 7 in ${REPOSITORY}: Bad gateway`);
  });

  test('an answer without what the executor reports is an error, not a success', async () => {
    github('post', `/repos/${REPOSITORY}/issues/3/comments`, 201, {});
    const run = await execute('create_pr_comment', { prNumber: 3, body: 'b' });
    expect(run.error).toBeInstanceOf(ExecutionError);
    expect(run.error?.message).toBe(
      `Could not create comment on pull request #3 in ${REPOSITORY}: GitHub's answer is incomplete (no id, html_url)`,
    );
  });

  test('the run’s repository refused (none named, no installation) is the run’s error as it is', async () => {
    const refused = new ExecutionError('repo is required');
    const run = await execute(
      'close_pull_request',
      { prNumber: 1 },
      { repository: async () => Promise.reject(refused) },
    );
    expect(run.error).toBe(refused);
    expect(run.lines).toEqual([]);
  });
});

describe('retries of a client that retries (as the App’s does)', () => {
  const Retrying = ProbotOctokit.defaults({ retry: { retryAfterBaseValue: 1 }, throttle: { enabled: false } });
  const repository = async () => ({
    owner: OWNER,
    repo: REPO,
    installationId: 4242,
    octokit: new Retrying({ auth: { token: 'ghs_test' } }) as unknown as GithubClient,
  });

  test('a create GitHub answered 5xx is not sent again: it may have been done', async () => {
    github('post', `/repos/${REPOSITORY}/issues`, 502, { message: 'Server Error' });
    const run = await execute('create_issue', { title: 'Once' }, { repository });
    expect(run.error?.message).toBe(`Could not create issue in ${REPOSITORY}: Server Error`);
    // afterEach checks no interceptor is left, and nock refuses a second request (none set up).
  });

  test('an edit, which is safe to repeat, is tried again after a 5xx', async () => {
    github('patch', `/repos/${REPOSITORY}/issues/4`, 502, { message: 'Server Error' });
    github('patch', `/repos/${REPOSITORY}/issues/4`, 200, issue(4));
    const run = await execute('edit_issue', { issueNumber: 4, title: 'Again' }, { repository });
    expect(run.outcome).toMatchObject({ status: 'SUCCESS' });
  });
});
