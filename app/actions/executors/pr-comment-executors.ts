/**
 * The vendor's pull-request comment actions: `create_pr_comment`, `edit_pr_comment`, `delete_pr_comment`. Like the
 * vendor's they are conversation comments, which GitHub serves through its issue comments API (a pull request is an
 * issue); `commentId` is such a comment's id.
 */
import { ExecutionError } from './executor.ts';
import { githubExecutor, type PropertyReader } from './github-executor-kit.ts';

/** GitHub accepts either for a pull request's conversation comments. */
const PERMISSION = 'pull_requests: write (or issues: write)';

const CREATE_COMMENT = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
const UPDATE_COMMENT = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}';
const DELETE_COMMENT = 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}';

/** `prNumber`, `body` (required). */
export const createPrComment = githubExecutor({
  type: 'create_pr_comment',
  route: CREATE_COMMENT,
  permission: PERMISSION,
  labels: { starting: 'Creating comment', done: 'Comment created' },
  read: (properties: PropertyReader) => ({
    prNumber: properties.requiredNumber('prNumber'),
    body: properties.requiredText('body'),
  }),
  starting: ({ prNumber }, repository) => `Creating comment on pull request #${prNumber} in ${repository}`,
  failure: ({ prNumber }, repository) => `Could not create comment on pull request #${prNumber} in ${repository}`,
  call: async ({ owner, repo, octokit, request }, { prNumber, body }) =>
    (await octokit.request(CREATE_COMMENT, { owner, repo, issue_number: prNumber, body, request })).data,
  expects: ['id', 'html_url'],
  ending: (comment, { prNumber }, repository) => ({
    line: `Created comment ${comment.id} on pull request #${prNumber} in ${repository}: ${comment.html_url}`,
    summary: `Comment created on pull request #${prNumber}: ${comment.html_url}`,
    link: comment.html_url,
  }),
});

/** `commentId`, `body` (required). */
export const editPrComment = githubExecutor({
  type: 'edit_pr_comment',
  route: UPDATE_COMMENT,
  permission: PERMISSION,
  labels: { starting: 'Editing comment', done: 'Comment updated' },
  read: (properties: PropertyReader) => ({
    commentId: properties.requiredNumber('commentId'),
    body: properties.requiredText('body'),
  }),
  starting: ({ commentId }, repository) => `Editing comment ${commentId} in ${repository}`,
  failure: ({ commentId }, repository) => `Could not edit comment ${commentId} in ${repository}`,
  call: async ({ owner, repo, octokit, request }, { commentId, body }) =>
    (await octokit.request(UPDATE_COMMENT, { owner, repo, comment_id: commentId, body, request })).data,
  expects: ['id', 'html_url'],
  ending: (comment, _input, repository) => ({
    line: `Edited comment ${comment.id} in ${repository}: ${comment.html_url}`,
    summary: `Comment updated: ${comment.html_url}`,
    link: comment.html_url,
  }),
});

/**
 * `commentId` (required). A deleted comment has no page: the outcome has no link. Not kept in order per repository,
 * as the vendor's.
 */
export const deletePrComment = githubExecutor({
  type: 'delete_pr_comment',
  route: DELETE_COMMENT,
  permission: PERMISSION,
  labels: { starting: 'Deleting comment', done: 'Comment deleted' },
  partitioned: false,
  read: (properties: PropertyReader) => ({ commentId: properties.requiredNumber('commentId') }),
  starting: ({ commentId }, repository) => `Deleting comment ${commentId} in ${repository}`,
  failure: ({ commentId }, repository) => `Could not delete comment ${commentId} in ${repository}`,
  call: async ({ owner, repo, octokit, request }, { commentId }) =>
    (await octokit.request(DELETE_COMMENT, { owner, repo, comment_id: commentId, request })).status as number,
  ending: (status, { commentId }, repository) => {
    if (status !== 204) {
      throw new ExecutionError(`Could not delete comment ${commentId} in ${repository}: GitHub answered ${status}`);
    }
    return {
      line: `Deleted comment ${commentId} in ${repository}`,
      summary: `Comment ${commentId} deleted from ${repository}`,
    };
  },
});

export const prCommentExecutors = [createPrComment, editPrComment, deletePrComment];
