/**
 * The vendor's issue actions: `create_issue`, `edit_issue`, `close_issue`. Properties as the vendor names them
 * (`issueNumber`, `stateReason`, ...); the repository is the run's (`org` and `repo`, see ExecutorContext).
 */
import { githubExecutor, type PropertyReader } from './github-executor-kit.ts';

const PERMISSION = 'issues: write';
const CLOSE_REASONS = ['completed', 'not_planned'] as const;
const STATES = ['open', 'closed'] as const;

const CREATE_ISSUE = 'POST /repos/{owner}/{repo}/issues';
const UPDATE_ISSUE = 'PATCH /repos/{owner}/{repo}/issues/{issue_number}';

interface IssueAnswer {
  number: number;
  html_url: string;
}

function issueEnding(verb: string, done: string) {
  return (issue: IssueAnswer, _input: unknown, repository: string) => ({
    line: `${verb} issue #${issue.number} in ${repository}: ${issue.html_url}`,
    summary: `Issue #${issue.number} ${done}: ${issue.html_url}`,
    link: issue.html_url,
  });
}

/** `title` (required), `body`, `labels`, `assignees`: empty ones are left out, as the vendor does. */
export const createIssue = githubExecutor({
  type: 'create_issue',
  route: CREATE_ISSUE,
  permission: PERMISSION,
  labels: { starting: 'Creating issue', done: 'Issue created' },
  read: (properties: PropertyReader) => ({
    title: properties.requiredText('title'),
    body: properties.text('body'),
    labels: properties.list('labels'),
    assignees: properties.list('assignees'),
  }),
  starting: ({ title }, repository) => `Creating issue '${title}' in ${repository}`,
  failure: (_input, repository) => `Could not create issue in ${repository}`,
  call: async ({ owner, repo, octokit, request }, { title, body, labels, assignees }) =>
    (
      await octokit.request(CREATE_ISSUE, {
        owner,
        repo,
        title,
        ...(body && { body }),
        ...(labels?.length && { labels }),
        ...(assignees?.length && { assignees }),
        request,
      })
    ).data,
  expects: ['number', 'html_url'],
  ending: issueEnding('Created', 'created'),
});

/**
 * `issueNumber` (required) and at least one of `title`, `body`, `state` (open, closed), `labels`, `assignees`; given
 * ones are sent even when empty (an empty list clears them). Closing sends `stateReason` (completed, the default, or
 * not_planned) as `state_reason`.
 */
export const editIssue = githubExecutor({
  type: 'edit_issue',
  route: UPDATE_ISSUE,
  permission: PERMISSION,
  labels: { starting: 'Editing issue', done: 'Issue updated' },
  read: (properties: PropertyReader) => {
    const issueNumber = properties.requiredNumber('issueNumber');
    const state = properties.choice('state', STATES);
    const changes = properties.changes(
      {
        title: properties.text('title'),
        body: properties.text('body'),
        state,
        ...(state === 'closed' && { state_reason: properties.choice('stateReason', CLOSE_REASONS, 'completed') }),
        labels: properties.list('labels'),
        assignees: properties.list('assignees'),
      },
      'title, body, state, labels, or assignees',
    );
    return { issueNumber, changes };
  },
  starting: ({ issueNumber }, repository) => `Editing issue #${issueNumber} in ${repository}`,
  failure: ({ issueNumber }, repository) => `Could not edit issue #${issueNumber} in ${repository}`,
  call: async ({ owner, repo, octokit, request }, { issueNumber, changes }) =>
    (await octokit.request(UPDATE_ISSUE, { owner, repo, issue_number: issueNumber, ...changes, request })).data,
  expects: ['number', 'html_url'],
  ending: issueEnding('Edited', 'updated'),
});

/** `issueNumber` (required), `stateReason` (completed, the default, or not_planned). */
export const closeIssue = githubExecutor({
  type: 'close_issue',
  route: UPDATE_ISSUE,
  permission: PERMISSION,
  labels: { starting: 'Closing issue', done: 'Issue closed' },
  read: (properties: PropertyReader) => ({
    issueNumber: properties.requiredNumber('issueNumber'),
    stateReason: properties.choice('stateReason', CLOSE_REASONS, 'completed'),
  }),
  starting: ({ issueNumber, stateReason }, repository) =>
    `Closing issue #${issueNumber} in ${repository} as ${stateReason}`,
  failure: ({ issueNumber }, repository) => `Could not close issue #${issueNumber} in ${repository}`,
  call: async ({ owner, repo, octokit, request }, { issueNumber, stateReason }) =>
    (
      await octokit.request(UPDATE_ISSUE, {
        owner,
        repo,
        issue_number: issueNumber,
        state: 'closed',
        state_reason: stateReason,
        request,
      })
    ).data,
  expects: ['number', 'html_url'],
  ending: issueEnding('Closed', 'closed'),
});

export const issueExecutors = [createIssue, editIssue, closeIssue];
