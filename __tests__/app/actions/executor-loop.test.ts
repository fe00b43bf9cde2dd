/**
 * The whole loop of the issue, pull-request and pull-request comment executors (issue 13): a run of an
 * INTEGRATION_ACTION action in the embedded catalog, its templates rendered by the catalog, claimed and acknowledged
 * by the App's actions processor, executed against the local fake GitHub, and ended in the catalog with its link,
 * summary and log lines. The fake keeps one repository's issues, pull requests, reviews and conversation comments as
 * GitHub would, so each test checks both what GitHub received and what changed there.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type RestAnswer, startFakeGithub } from '../../helpers/fake-github.ts';
import { releaseGithub } from '../../helpers/github-app.ts';
import { getRunLogs, type RunBody, type RunLogBody, waitForRun } from '../../helpers/runs.ts';
import {
  createIntegrationAction,
  INTEGRATION_ID,
  runAction,
  startActionsCatalog,
  unthrottledTestProbot,
} from './actions-helpers.ts';

const OWNER = 'acme';
const REPO = 'tracker';
const REPOSITORY = `${OWNER}/${REPO}`;

// ---- A small GitHub of one repository: issues, pull requests (issues too, sharing their numbers), reviews, comments.

interface Issue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  assignees: string[];
  /** A pull request's issue side. */
  pull: boolean;
}

interface Pull {
  number: number;
  head: string;
  base: string;
  draft: boolean;
  merged: boolean;
  merge_commit_sha: string | null;
  merge_method?: string;
  commit_title?: string;
  commit_message?: string;
}

interface Review {
  id: number;
  pull_number: number;
  state: string;
  body: string;
}

interface Comment {
  id: number;
  issue_number: number;
  body: string;
}

/** The fields of a write's JSON body the fake reads. */
interface Sent {
  title?: string;
  body?: string;
  labels?: string[];
  assignees?: string[];
  state?: 'open' | 'closed';
  state_reason?: string;
  head?: string;
  base?: string;
  draft?: boolean;
  merge_method?: string;
  commit_title?: string;
  commit_message?: string;
  event?: string;
}

/** A write GitHub received: its route's path, and the JSON body sent. */
interface Received {
  method: string;
  path: string;
  body: unknown;
}

const BRANCHES = new Set(['main', 'release', 'feature/login', 'feature/search', 'fix/typo']);
const REVIEW_STATES: Record<string, string> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};
const NOT_FOUND: RestAnswer = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
};

class Tracker {
  readonly issues = new Map<number, Issue>();
  readonly pulls = new Map<number, Pull>();
  readonly reviews: Review[] = [];
  readonly comments = new Map<number, Comment>();
  readonly received: Received[] = [];
  /** The most requests to one route in GitHub's hands at once (a request arrives, then waits the fake's latency). */
  readonly inFlight = new Map<string, { answered: number; most: number }>();
  readonly github: FakeGithub;
  #nextNumber = 1;
  #nextId = 5_000;

  constructor(github: FakeGithub) {
    this.github = github;
    const served = (
      method: string,
      template: string,
      handler: (params: Record<string, string>, body: Sent) => RestAnswer,
    ) =>
      github.route(method, template, ({ path, params, body }) => {
        this.received.push({ method, path, body });
        this.#answering(method, template);
        if (`${params.owner}/${params.repo}`.toLowerCase() !== REPOSITORY) return NOT_FOUND;
        return handler(params, (body ?? {}) as Sent);
      });
    served('POST', '/repos/{owner}/{repo}/issues', (_params, body) => {
      if (typeof body.title !== 'string' || body.title === '')
        return validationFailed('Issue', 'title', 'missing_field');
      const issue = this.openIssue(body.title, { body: body.body, labels: body.labels, assignees: body.assignees });
      return { status: 201, body: this.issueAnswer(issue) };
    });
    served('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', (params, body) => {
      const issue = this.issues.get(Number(params.issue_number));
      if (!issue) return NOT_FOUND;
      for (const field of ['title', 'body', 'labels', 'assignees'] as const) {
        if (body[field] !== undefined) (issue as unknown as Record<string, unknown>)[field] = body[field];
      }
      if (body.state !== undefined) {
        issue.state = body.state;
        issue.state_reason = body.state === 'closed' ? (body.state_reason ?? 'completed') : 'reopened';
      }
      return { status: 200, body: this.issueAnswer(issue) };
    });
    served('POST', '/repos/{owner}/{repo}/pulls', (_params, body) => {
      const { title, head, base } = body;
      if (!title) return validationFailed('PullRequest', 'title', 'missing_field');
      if (!head || !BRANCHES.has(head)) return validationFailed('PullRequest', 'head', 'invalid');
      if (!base || !BRANCHES.has(base)) return validationFailed('PullRequest', 'base', 'invalid');
      const open = [...this.pulls.values()].find(
        (pull) => pull.head === head && pull.base === base && this.issues.get(pull.number)!.state === 'open',
      );
      if (open) {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for ${OWNER}:${head}.`,
              },
            ],
            documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
          },
        };
      }
      const pull = this.openPull(title, head, { base, body: body.body, draft: body.draft });
      return { status: 201, body: this.pullAnswer(pull) };
    });
    served('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', (params, body) => {
      const pull = this.pulls.get(Number(params.pull_number));
      if (!pull) return NOT_FOUND;
      const issue = this.issues.get(pull.number)!;
      if (body.base !== undefined) {
        if (!BRANCHES.has(body.base)) return validationFailed('PullRequest', 'base', 'invalid');
        pull.base = body.base;
      }
      if (body.title !== undefined) issue.title = body.title;
      if (body.body !== undefined) issue.body = body.body;
      if (body.state !== undefined) issue.state = body.state;
      return { status: 200, body: this.pullAnswer(pull) };
    });
    served('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', (params, body) => {
      const pull = this.pulls.get(Number(params.pull_number));
      if (!pull) return NOT_FOUND;
      if (pull.merged || this.issues.get(pull.number)!.state === 'closed') {
        return {
          status: 405,
          body: {
            message: 'Pull Request is not mergeable',
            documentation_url: 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request',
          },
        };
      }
      pull.merged = true;
      pull.merge_commit_sha = sha(`merge ${pull.number}`);
      pull.merge_method = body.merge_method ?? 'merge';
      pull.commit_title = body.commit_title;
      pull.commit_message = body.commit_message;
      this.issues.get(pull.number)!.state = 'closed';
      return {
        status: 200,
        body: { sha: pull.merge_commit_sha, merged: true, message: 'Pull Request successfully merged' },
      };
    });
    served('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', (params, body) => {
      const pull = this.pulls.get(Number(params.pull_number));
      if (!pull) return NOT_FOUND;
      const review: Review = {
        id: this.#nextId++,
        pull_number: pull.number,
        state: REVIEW_STATES[body.event ?? ''] ?? 'PENDING',
        body: body.body ?? '',
      };
      this.reviews.push(review);
      return {
        status: 200,
        body: {
          id: review.id,
          node_id: `PRR_${review.id}`,
          user: { login: 'wharf[bot]', type: 'Bot' },
          body: review.body,
          state: review.state,
          commit_id: sha(pull.head),
          html_url: `${this.web}/pull/${pull.number}#pullrequestreview-${review.id}`,
          pull_request_url: `${this.api}/pulls/${pull.number}`,
          submitted_at: new Date().toISOString(),
        },
      };
    });
    served('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (params, body) => {
      const issue = this.issues.get(Number(params.issue_number));
      if (!issue) return NOT_FOUND;
      if (!body.body) return validationFailed('IssueComment', 'body', 'missing_field');
      const comment = this.addComment(issue.number, body.body);
      return { status: 201, body: this.commentAnswer(comment) };
    });
    served('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (params, body) => {
      const comment = this.comments.get(Number(params.comment_id));
      if (!comment) return NOT_FOUND;
      if (!body.body) return validationFailed('IssueComment', 'body', 'missing_field');
      comment.body = body.body;
      return { status: 200, body: this.commentAnswer(comment) };
    });
    served('DELETE', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (params) => {
      if (!this.comments.delete(Number(params.comment_id))) return NOT_FOUND;
      return { status: 204 };
    });
  }

  /** The repository's pages, on the fake's host (where the App's links to GitHub's pages point). */
  get web(): string {
    return `${this.github.url}/${REPOSITORY}`;
  }

  get api(): string {
    return `${this.github.url}/repos/${REPOSITORY}`;
  }

  openIssue(
    title: string,
    fields: { body?: string | undefined; labels?: string[] | undefined; assignees?: string[] | undefined } = {},
  ): Issue {
    const issue: Issue = {
      number: this.#nextNumber++,
      title,
      body: fields.body ?? null,
      state: 'open',
      state_reason: null,
      labels: fields.labels ?? [],
      assignees: fields.assignees ?? [],
      pull: false,
    };
    this.issues.set(issue.number, issue);
    return issue;
  }

  openPull(
    title: string,
    head: string,
    fields: { base?: string; body?: string | undefined; draft?: boolean | undefined } = {},
  ): Pull {
    const issue = this.openIssue(title, { body: fields.body });
    issue.pull = true;
    const pull: Pull = {
      number: issue.number,
      head,
      base: fields.base ?? 'main',
      draft: fields.draft ?? false,
      merged: false,
      merge_commit_sha: null,
    };
    this.pulls.set(pull.number, pull);
    return pull;
  }

  addComment(issueNumber: number, body: string): Comment {
    const comment: Comment = { id: this.#nextId++, issue_number: issueNumber, body };
    this.comments.set(comment.id, comment);
    return comment;
  }

  issue(number: number): Issue {
    return this.issues.get(number)!;
  }

  /** The writes GitHub received since `from` (an index of `received`). */
  since(from: number): Received[] {
    return this.received.slice(from);
  }

  /** Notes how many requests to this route GitHub holds as it answers one: arrived (fake.requests) but not answered. */
  #answering(method: string, template: string): void {
    const route = `${method} ${template}`;
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    const arrived = this.github.requests.filter(
      (request) => request.method === method && pattern.test(request.path),
    ).length;
    const counts = this.inFlight.get(route) ?? { answered: 0, most: 0 };
    counts.most = Math.max(counts.most, arrived - counts.answered);
    counts.answered++;
    this.inFlight.set(route, counts);
  }

  private issueAnswer(issue: Issue): Record<string, unknown> {
    const kind = issue.pull ? 'pull' : 'issues';
    return {
      id: 900_000 + issue.number,
      node_id: `I_${issue.number}`,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: issue.state_reason,
      locked: false,
      labels: issue.labels.map((name, index) => ({ id: 100 + index, name, color: 'ededed', default: false })),
      assignees: issue.assignees.map((login, index) => ({ login, id: 200 + index, type: 'User' })),
      user: { login: 'wharf[bot]', type: 'Bot' },
      url: `${this.api}/issues/${issue.number}`,
      html_url: `${this.web}/${kind}/${issue.number}`,
      ...(issue.pull && { pull_request: { url: `${this.api}/pulls/${issue.number}` } }),
    };
  }

  private pullAnswer(pull: Pull): Record<string, unknown> {
    const issue = this.issue(pull.number);
    return {
      id: 800_000 + pull.number,
      node_id: `PR_${pull.number}`,
      number: pull.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      draft: pull.draft,
      merged: pull.merged,
      merge_commit_sha: pull.merge_commit_sha,
      head: { ref: pull.head, sha: sha(pull.head), label: `${OWNER}:${pull.head}` },
      base: { ref: pull.base, sha: sha(pull.base), label: `${OWNER}:${pull.base}` },
      user: { login: 'wharf[bot]', type: 'Bot' },
      url: `${this.api}/pulls/${pull.number}`,
      html_url: `${this.web}/pull/${pull.number}`,
    };
  }

  private commentAnswer(comment: Comment): Record<string, unknown> {
    const kind = this.issue(comment.issue_number).pull ? 'pull' : 'issues';
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      body: comment.body,
      user: { login: 'wharf[bot]', type: 'Bot' },
      url: `${this.api}/issues/comments/${comment.id}`,
      html_url: `${this.web}/${kind}/${comment.issue_number}#issuecomment-${comment.id}`,
      issue_url: `${this.api}/issues/${comment.issue_number}`,
    };
  }
}

function validationFailed(resource: string, field: string, code: string): RestAnswer {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource, field, code }],
      documentation_url: 'https://docs.github.com/rest',
    },
  };
}

function sha(text: string): string {
  return Buffer.from(text).toString('hex').padEnd(40, '0').slice(0, 40);
}

// ---- The catalog and the App over it.

let github: FakeGithub;
let catalog: TestCatalog;
let tracker: Tracker;
const warnings: string[] = [];

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(OWNER, 71);
  github.addRepository({ id: 8701, name: REPO, owner: OWNER });
  tracker = new Tracker(github);
  // Octokit's throttling off: it would keep these writes 1 to 3 s apart, and never let two be at GitHub at once.
  catalog = await startActionsCatalog(github, {
    warn: (message) => warnings.push(message),
    probot: unthrottledTestProbot(github.url),
  });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

let actions = 0;

/** An INTEGRATION_ACTION action of `type` in acme/tracker, with `properties` and `inputs` its runs may give. */
async function action(
  type: string,
  properties: Record<string, unknown>,
  inputs: Record<string, Record<string, unknown>> = {},
): Promise<string> {
  const identifier = `${type.replaceAll('_', '-')}-${++actions}`;
  await createIntegrationAction(
    catalog,
    identifier,
    type,
    { org: OWNER, repo: REPO, ...properties },
    INTEGRATION_ID,
    inputs,
  );
  return identifier;
}

interface Ended {
  runId: string;
  run: RunBody;
  logs: RunLogBody[];
  messages: string[];
  /** The writes GitHub received during the run. */
  received: Received[];
}

/** Runs `identifier` with `inputs` through the catalog, and answers the run once it ended. */
async function runToEnd(identifier: string, inputs: Record<string, unknown> = {}): Promise<Ended> {
  const from = tracker.received.length;
  const runId = await runAction(catalog, identifier, inputs);
  const run = await waitForRun(catalog, runId);
  const logs = await getRunLogs(catalog, runId);
  return { runId, run, logs, messages: logs.map((log) => log.message), received: tracker.since(from) };
}

/** What a run that ended SUCCESS shows: its summary (also its last log line), status label and link. */
function expectSuccess(ended: Ended, summary: string, statusLabel: string, link?: string): void {
  expect(ended.run).toMatchObject({ status: 'SUCCESS', summary, statusLabel, link: link === undefined ? [] : [link] });
  expect(ended.logs.at(-1)).toMatchObject({ message: summary, terminationStatus: 'SUCCESS' });
}

describe('issues', () => {
  test('create_issue: the rendered title, body and labels reach GitHub; the run links the new issue', async () => {
    const identifier = await action(
      'create_issue',
      {
        title: '{{ .inputs.title }}',
        body: 'Reported from Port run {{ .run.id }}',
        labels: '{{ .inputs.labels }}',
        assignees: '{{ .inputs.assignees }}',
      },
      {
        title: { type: 'string' },
        labels: { type: 'array', items: { type: 'string' } },
        assignees: { type: 'array', items: { type: 'string' } },
      },
    );
    const ended = await runToEnd(identifier, { title: 'Login fails on Safari', labels: ['bug', 'ui'], assignees: [] });

    // The empty list of assignees is left out, as the vendor does.
    expect(ended.received).toEqual([
      {
        method: 'POST',
        path: `/repos/${REPOSITORY}/issues`,
        body: { title: 'Login fails on Safari', body: `Reported from Port run ${ended.runId}`, labels: ['bug', 'ui'] },
      },
    ]);
    const issue = [...tracker.issues.values()].find((candidate) => candidate.title === 'Login fails on Safari')!;
    expect(issue).toMatchObject({ state: 'open', labels: ['bug', 'ui'], assignees: [] });
    const url = `${tracker.web}/issues/${issue.number}`;
    expectSuccess(ended, `Issue #${issue.number} created: ${url}`, 'Issue created', url);
    expect(ended.messages).toEqual([
      `Creating issue 'Login fails on Safari' in ${REPOSITORY}`,
      `Created issue #${issue.number} in ${REPOSITORY}: ${url}`,
      `Issue #${issue.number} created: ${url}`,
    ]);
    expect(ended.logs[0]!.statusLabel).toBe('Creating issue');
  });

  test('edit_issue: the fields given change, an empty list clears the labels, closing sends the state reason', async () => {
    const issue = tracker.openIssue('Flaky build', { labels: ['ci', 'triage'] });
    const identifier = await action(
      'edit_issue',
      {
        issueNumber: '{{ .inputs.issue }}',
        title: '{{ .inputs.title }}',
        state: 'closed',
        stateReason: '{{ .inputs.reason }}',
        labels: [],
      },
      { issue: { type: 'number' }, title: { type: 'string' }, reason: { type: 'string' } },
    );
    const ended = await runToEnd(identifier, {
      issue: issue.number,
      title: 'Flaky build (dup)',
      reason: 'not_planned',
    });

    expect(ended.received).toEqual([
      {
        method: 'PATCH',
        path: `/repos/${REPOSITORY}/issues/${issue.number}`,
        body: { title: 'Flaky build (dup)', state: 'closed', state_reason: 'not_planned', labels: [] },
      },
    ]);
    expect(tracker.issue(issue.number)).toMatchObject({
      title: 'Flaky build (dup)',
      state: 'closed',
      state_reason: 'not_planned',
      labels: [],
    });
    const url = `${tracker.web}/issues/${issue.number}`;
    expectSuccess(ended, `Issue #${issue.number} updated: ${url}`, 'Issue updated', url);
    expect(ended.messages).toEqual([
      `Editing issue #${issue.number} in ${REPOSITORY}`,
      `Edited issue #${issue.number} in ${REPOSITORY}: ${url}`,
      `Issue #${issue.number} updated: ${url}`,
    ]);
  });

  test('close_issue: closed as completed when no state reason is given', async () => {
    const issue = tracker.openIssue('Add dark mode');
    const identifier = await action(
      'close_issue',
      { issueNumber: '{{ .inputs.issue }}', stateReason: '{{ .inputs.reason }}' },
      { issue: { type: 'string' }, reason: { type: 'string' } },
    );
    // A number as a string of digits, and a template that renders null: the default reason.
    const ended = await runToEnd(identifier, { issue: String(issue.number) });

    expect(ended.received).toEqual([
      {
        method: 'PATCH',
        path: `/repos/${REPOSITORY}/issues/${issue.number}`,
        body: { state: 'closed', state_reason: 'completed' },
      },
    ]);
    expect(tracker.issue(issue.number)).toMatchObject({ state: 'closed', state_reason: 'completed' });
    const url = `${tracker.web}/issues/${issue.number}`;
    expectSuccess(ended, `Issue #${issue.number} closed: ${url}`, 'Issue closed', url);
    expect(ended.messages).toEqual([
      `Closing issue #${issue.number} in ${REPOSITORY} as completed`,
      `Closed issue #${issue.number} in ${REPOSITORY}: ${url}`,
      `Issue #${issue.number} closed: ${url}`,
    ]);
  });
});

describe('pull requests', () => {
  test('create_pull_request: a draft from the rendered head onto base, without the empty body', async () => {
    const identifier = await action(
      'create_pull_request',
      {
        title: 'Search: {{ .inputs.summary }}',
        head: '{{ .inputs.branch }}',
        base: 'main',
        body: '',
        draft: '{{ .inputs.draft }}',
      },
      { summary: { type: 'string' }, branch: { type: 'string' }, draft: { type: 'boolean' } },
    );
    const ended = await runToEnd(identifier, { summary: 'fuzzy matching', branch: 'feature/search', draft: true });

    expect(ended.received).toEqual([
      {
        method: 'POST',
        path: `/repos/${REPOSITORY}/pulls`,
        body: { title: 'Search: fuzzy matching', head: 'feature/search', base: 'main', draft: true },
      },
    ]);
    const pull = [...tracker.pulls.values()].find((candidate) => candidate.head === 'feature/search')!;
    expect(pull).toMatchObject({ base: 'main', draft: true, merged: false });
    expect(tracker.issue(pull.number)).toMatchObject({ title: 'Search: fuzzy matching', state: 'open', pull: true });
    const url = `${tracker.web}/pull/${pull.number}`;
    expectSuccess(ended, `Pull request #${pull.number} created: ${url}`, 'PR created', url);
    expect(ended.messages).toEqual([
      `Creating pull request 'Search: fuzzy matching' in ${REPOSITORY} (feature/search → main)`,
      `Created PR #${pull.number} in ${REPOSITORY}: ${url}`,
      `Pull request #${pull.number} created: ${url}`,
    ]);
  });

  test('create_pr (its earlier name), with repo as owner/repo: the pull request takes the next issue number', async () => {
    const before = tracker.openIssue('An issue first');
    // No org: JSON leaves the undefined out.
    const identifier = await action('create_pr', {
      org: undefined,
      repo: REPOSITORY,
      title: 'Fix a typo',
      head: 'fix/typo',
      base: 'main',
      body: 'Opened by Port run {{ .run.id }}',
    });
    const ended = await runToEnd(identifier);

    const number = before.number + 1;
    expect(ended.received).toEqual([
      {
        method: 'POST',
        path: `/repos/${REPOSITORY}/pulls`,
        body: { title: 'Fix a typo', head: 'fix/typo', base: 'main', body: `Opened by Port run ${ended.runId}` },
      },
    ]);
    expect(tracker.pulls.get(number)).toMatchObject({ head: 'fix/typo', base: 'main', draft: false });
    const url = `${tracker.web}/pull/${number}`;
    expectSuccess(ended, `Pull request #${number} created: ${url}`, 'PR created', url);
    expect(ended.messages[1]).toBe(`Created PR #${number} in ${REPOSITORY}: ${url}`);
  });

  test('update_pull_request: only the fields given are sent and changed', async () => {
    const pull = tracker.openPull('Login page', 'feature/login', { body: 'First try' });
    const identifier = await action(
      'update_pull_request',
      { prNumber: '{{ .inputs.pr }}', title: '{{ .inputs.title }}', base: 'release' },
      { pr: { type: 'number' }, title: { type: 'string' } },
    );
    const ended = await runToEnd(identifier, { pr: pull.number, title: 'Login page, with SSO' });

    expect(ended.received).toEqual([
      {
        method: 'PATCH',
        path: `/repos/${REPOSITORY}/pulls/${pull.number}`,
        body: { title: 'Login page, with SSO', base: 'release' },
      },
    ]);
    expect(tracker.pulls.get(pull.number)).toMatchObject({ base: 'release', merged: false });
    expect(tracker.issue(pull.number)).toMatchObject({
      title: 'Login page, with SSO',
      body: 'First try',
      state: 'open',
    });
    const url = `${tracker.web}/pull/${pull.number}`;
    expectSuccess(ended, `Pull request #${pull.number} updated: ${url}`, 'PR updated', url);
    expect(ended.messages).toEqual([
      `Updating pull request #${pull.number} in ${REPOSITORY}`,
      `Updated PR #${pull.number} in ${REPOSITORY}: ${url}`,
      `Pull request #${pull.number} updated: ${url}`,
    ]);
  });

  test('close_pull_request: closed, not merged', async () => {
    const pull = tracker.openPull('Abandoned idea', 'feature/login');
    const identifier = await action('close_pull_request', { prNumber: '{{ .inputs.pr }}' }, { pr: { type: 'number' } });
    const ended = await runToEnd(identifier, { pr: pull.number });

    expect(ended.received).toEqual([
      { method: 'PATCH', path: `/repos/${REPOSITORY}/pulls/${pull.number}`, body: { state: 'closed' } },
    ]);
    expect(tracker.issue(pull.number).state).toBe('closed');
    expect(tracker.pulls.get(pull.number)!.merged).toBe(false);
    const url = `${tracker.web}/pull/${pull.number}`;
    expectSuccess(ended, `Pull request #${pull.number} closed: ${url}`, 'PR closed', url);
    expect(ended.messages).toEqual([
      `Closing pull request #${pull.number} in ${REPOSITORY}`,
      `Closed pull request #${pull.number} in ${REPOSITORY}: ${url}`,
      `Pull request #${pull.number} closed: ${url}`,
    ]);
  });

  test('merge_pull_request: merged by the method given, with the rendered commit title; the run links the PR', async () => {
    const pull = tracker.openPull('Speed up search', 'feature/search', { base: 'release' });
    const identifier = await action(
      'merge_pull_request',
      {
        prNumber: '{{ .inputs.pr }}',
        mergeMethod: '{{ .inputs.method }}',
        commitTitle: 'Speed up search (#{{ .inputs.pr }})',
        commitMessage: '',
      },
      { pr: { type: 'number' }, method: { type: 'string', enum: ['merge', 'squash', 'rebase'] } },
    );
    const ended = await runToEnd(identifier, { pr: pull.number, method: 'squash' });

    expect(ended.received).toEqual([
      {
        method: 'PUT',
        path: `/repos/${REPOSITORY}/pulls/${pull.number}/merge`,
        body: { merge_method: 'squash', commit_title: `Speed up search (#${pull.number})` },
      },
    ]);
    const merged = tracker.pulls.get(pull.number)!;
    expect(merged).toMatchObject({
      merged: true,
      merge_method: 'squash',
      commit_title: `Speed up search (#${pull.number})`,
    });
    expect(merged.commit_message).toBeUndefined();
    expect(tracker.issue(pull.number).state).toBe('closed');
    // GitHub's answer has no URL: the link is the pull request's page on GitHub's host (here, the fake's).
    const url = `${github.url}/${REPOSITORY}/pull/${pull.number}`;
    expectSuccess(ended, `Pull request #${pull.number} merged: ${url}`, 'PR merged', url);
    expect(ended.messages).toEqual([
      `Merging pull request #${pull.number} in ${REPOSITORY} (squash)`,
      `Merged pull request #${pull.number} in ${REPOSITORY} (${merged.merge_commit_sha}): ${url}`,
      `Pull request #${pull.number} merged: ${url}`,
    ]);
  });

  test('review_pull_request: the event and body reach GitHub; the run links the review', async () => {
    const pull = tracker.openPull('Add retries', 'feature/login');
    const identifier = await action(
      'review_pull_request',
      { prNumber: '{{ .inputs.pr }}', event: '{{ .inputs.verdict }}', body: '{{ .inputs.notes }}' },
      { pr: { type: 'number' }, verdict: { type: 'string' }, notes: { type: 'string' } },
    );
    const ended = await runToEnd(identifier, { pr: pull.number, verdict: 'REQUEST_CHANGES', notes: 'Cap the retries' });

    expect(ended.received).toEqual([
      {
        method: 'POST',
        path: `/repos/${REPOSITORY}/pulls/${pull.number}/reviews`,
        body: { event: 'REQUEST_CHANGES', body: 'Cap the retries' },
      },
    ]);
    const review = tracker.reviews.find((candidate) => candidate.pull_number === pull.number)!;
    expect(review).toMatchObject({ state: 'CHANGES_REQUESTED', body: 'Cap the retries' });
    const url = `${tracker.web}/pull/${pull.number}#pullrequestreview-${review.id}`;
    expectSuccess(
      ended,
      `Review (REQUEST_CHANGES) submitted on pull request #${pull.number}: ${url}`,
      'Review submitted',
      url,
    );
    expect(ended.messages).toEqual([
      `Submitting REQUEST_CHANGES review on pull request #${pull.number} in ${REPOSITORY}`,
      `Submitted REQUEST_CHANGES review on pull request #${pull.number} in ${REPOSITORY}: ${url}`,
      `Review (REQUEST_CHANGES) submitted on pull request #${pull.number}: ${url}`,
    ]);
  });
});

describe('pull request comments', () => {
  test('create_pr_comment: a conversation comment with the rendered body; the run links it', async () => {
    const pull = tracker.openPull('Docs', 'fix/typo');
    const identifier = await action(
      'create_pr_comment',
      { prNumber: '{{ .inputs.pr }}', body: 'Deployed to {{ .inputs.env }} by run {{ .run.id }}' },
      { pr: { type: 'number' }, env: { type: 'string' } },
    );
    const ended = await runToEnd(identifier, { pr: pull.number, env: 'staging' });

    const body = `Deployed to staging by run ${ended.runId}`;
    expect(ended.received).toEqual([
      { method: 'POST', path: `/repos/${REPOSITORY}/issues/${pull.number}/comments`, body: { body } },
    ]);
    const comment = [...tracker.comments.values()].find((candidate) => candidate.issue_number === pull.number)!;
    expect(comment.body).toBe(body);
    const url = `${tracker.web}/pull/${pull.number}#issuecomment-${comment.id}`;
    expectSuccess(ended, `Comment created on pull request #${pull.number}: ${url}`, 'Comment created', url);
    expect(ended.messages).toEqual([
      `Creating comment on pull request #${pull.number} in ${REPOSITORY}`,
      `Created comment ${comment.id} on pull request #${pull.number} in ${REPOSITORY}: ${url}`,
      `Comment created on pull request #${pull.number}: ${url}`,
    ]);
  });

  test("edit_pr_comment: the comment's body is replaced", async () => {
    const pull = tracker.openPull('Cache', 'feature/search');
    const comment = tracker.addComment(pull.number, 'Deploying...');
    const identifier = await action(
      'edit_pr_comment',
      { commentId: '{{ .inputs.comment }}', body: 'Deployed {{ .inputs.version }}' },
      { comment: { type: 'number' }, version: { type: 'string' } },
    );
    const ended = await runToEnd(identifier, { comment: comment.id, version: 'v2.4.0' });

    expect(ended.received).toEqual([
      {
        method: 'PATCH',
        path: `/repos/${REPOSITORY}/issues/comments/${comment.id}`,
        body: { body: 'Deployed v2.4.0' },
      },
    ]);
    expect(tracker.comments.get(comment.id)!.body).toBe('Deployed v2.4.0');
    const url = `${tracker.web}/pull/${pull.number}#issuecomment-${comment.id}`;
    expectSuccess(ended, `Comment updated: ${url}`, 'Comment updated', url);
    expect(ended.messages).toEqual([
      `Editing comment ${comment.id} in ${REPOSITORY}`,
      `Edited comment ${comment.id} in ${REPOSITORY}: ${url}`,
      `Comment updated: ${url}`,
    ]);
  });

  test('delete_pr_comment: the comment is gone; the run has no link', async () => {
    const pull = tracker.openPull('Cleanup', 'fix/typo');
    const comment = tracker.addComment(pull.number, 'Preview at https://preview.example.com');
    const kept = tracker.addComment(pull.number, 'LGTM');
    const identifier = await action(
      'delete_pr_comment',
      { commentId: '{{ .inputs.comment }}' },
      { comment: { type: 'number' } },
    );
    const ended = await runToEnd(identifier, { comment: comment.id });

    expect(ended.received).toEqual([
      { method: 'DELETE', path: `/repos/${REPOSITORY}/issues/comments/${comment.id}`, body: undefined },
    ]);
    expect(tracker.comments.has(comment.id)).toBe(false);
    expect(tracker.comments.get(kept.id)!.body).toBe('LGTM');
    expectSuccess(ended, `Comment ${comment.id} deleted from ${REPOSITORY}`, 'Comment deleted');
    expect(ended.messages).toEqual([
      `Deleting comment ${comment.id} in ${REPOSITORY}`,
      `Deleted comment ${comment.id} in ${REPOSITORY}`,
      `Comment ${comment.id} deleted from ${REPOSITORY}`,
    ]);
  });
});

describe('runs that fail', () => {
  test("GitHub's refusal to merge ends the run FAILURE with GitHub's message; nothing changes", async () => {
    const pull = tracker.openPull('Already closed', 'feature/login');
    tracker.issue(pull.number).state = 'closed';
    const identifier = await action('merge_pull_request', { prNumber: '{{ .inputs.pr }}' }, { pr: { type: 'number' } });
    const ended = await runToEnd(identifier, { pr: pull.number });

    expect(ended.received).toEqual([
      { method: 'PUT', path: `/repos/${REPOSITORY}/pulls/${pull.number}/merge`, body: { merge_method: 'merge' } },
    ]);
    expect(tracker.pulls.get(pull.number)!.merged).toBe(false);
    const summary = `merge_pull_request failed: Could not merge pull request #${pull.number} in ${REPOSITORY}: Pull Request is not mergeable`;
    expect(ended.run).toMatchObject({ status: 'FAILURE', summary, link: [] });
    expect(ended.messages).toEqual([`Merging pull request #${pull.number} in ${REPOSITORY} (merge)`, summary]);
    expect(ended.logs.at(-1)!.terminationStatus).toBe('FAILURE');
  });

  test("GitHub's 422 with errors: the run's log has its message and each error's", async () => {
    tracker.openPull('Login, again', 'feature/login', { base: 'main' });
    const identifier = await action('create_pull_request', { title: 'Login', head: 'feature/login', base: 'main' });
    const pullsBefore = tracker.pulls.size;
    const ended = await runToEnd(identifier);

    expect(ended.received).toHaveLength(1);
    expect(tracker.pulls.size).toBe(pullsBefore);
    const summary = `create_pull_request failed: Could not create pull request in ${REPOSITORY}: Validation Failed: A pull request already exists for ${OWNER}:feature/login.`;
    expect(ended.run).toMatchObject({ status: 'FAILURE', summary });
    expect(ended.messages.at(-1)).toBe(summary);
  });

  test('a property missing ends the run FAILURE naming it, before any call to GitHub', async () => {
    const pull = tracker.openPull('Needs a number', 'fix/typo');
    const identifier = await action(
      'merge_pull_request',
      { prNumber: '{{ .inputs.pr }}', mergeMethod: 'squash' },
      { pr: { type: 'number' } },
    );
    const requests = github.requests.length;
    // No input pr: the template renders null.
    const ended = await runToEnd(identifier);

    expect(ended.run).toMatchObject({ status: 'FAILURE', summary: 'merge_pull_request failed: prNumber is required' });
    expect(ended.messages).toEqual(['merge_pull_request failed: prNumber is required']);
    expect(ended.received).toEqual([]);
    expect(github.requests.slice(requests).filter((request) => request.path.startsWith('/repos/'))).toEqual([]);
    expect(tracker.pulls.get(pull.number)!.merged).toBe(false);
  });
});

describe('runs on one repository', () => {
  test('two runs of one action on one repository execute one after the other, in order (the partition key)', async () => {
    const pull = tracker.openPull('Release 3.0', 'release');
    const identifier = await action(
      'create_pr_comment',
      { prNumber: '{{ .inputs.pr }}', body: '{{ .inputs.text }}' },
      { pr: { type: 'number' }, text: { type: 'string' } },
    );
    // GitHub takes its time to answer: the second run is claimed while the first one's call is under way.
    github.latencyMs = 250;
    try {
      const first = await runAction(catalog, identifier, { pr: pull.number, text: 'first' });
      const second = await runAction(catalog, identifier, { pr: pull.number, text: 'second' });
      const runs = [await waitForRun(catalog, first), await waitForRun(catalog, second)];
      expect(runs.map((run) => run.status)).toEqual(['SUCCESS', 'SUCCESS']);
    } finally {
      github.latencyMs = 0;
    }
    const comments = [...tracker.comments.values()].filter((comment) => comment.issue_number === pull.number);
    expect(comments.map((comment) => comment.body)).toEqual(['first', 'second']);
    expect(tracker.inFlight.get('POST /repos/{owner}/{repo}/issues/{issue_number}/comments')!.most).toBe(1);
  });

  test('delete_pr_comment, which the vendor does not keep in order, runs alongside another on the same repository', async () => {
    const pull = tracker.openPull('Noise', 'feature/search');
    const comments = [tracker.addComment(pull.number, 'bot: building'), tracker.addComment(pull.number, 'bot: built')];
    const identifier = await action(
      'delete_pr_comment',
      { commentId: '{{ .inputs.comment }}' },
      { comment: { type: 'number' } },
    );
    github.latencyMs = 250;
    try {
      const runIds = [];
      for (const comment of comments) runIds.push(await runAction(catalog, identifier, { comment: comment.id }));
      for (const runId of runIds) expect((await waitForRun(catalog, runId)).status).toBe('SUCCESS');
    } finally {
      github.latencyMs = 0;
    }
    expect(comments.map((comment) => tracker.comments.has(comment.id))).toEqual([false, false]);
    // Both deletes were in GitHub's hands at once: the ordering above is the partition key's, not the fake's.
    expect(tracker.inFlight.get('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}')!.most).toBe(2);
    expect(warnings).toEqual([]);
  });
});
