/**
 * GitHub's naming rules for what an invocation names, checked before any GitHub call: the names go into API paths,
 * where `..`, `/` or percent-encoding would reach another route than the one meant (`repo: ".."` turns
 * `/repos/acme/../actions/...` into `/repos/actions/...`).
 */

const WORKFLOWS_FOLDER = '.github/workflows/';

/** A user or organization login: letters, digits, `-` (and `_` of enterprise managed users), at most 39. */
const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;
/** A repository name: letters, digits, `.`, `-`, `_`, at most 100, and neither `.` nor `..`. */
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
/** A workflow: its file name in .github/workflows, or its numeric id. */
const WORKFLOW = /^(?:[A-Za-z0-9_.-]{1,255}\.ya?ml|\d{1,20})$/;

/** The workflow's file name as the API takes it: `.github/workflows/deploy.yml` is `deploy.yml`. */
export function normalizeWorkflow(workflow: string): string {
  return workflow.startsWith(WORKFLOWS_FOLDER) ? workflow.slice(WORKFLOWS_FOLDER.length) : workflow;
}

/** Why `org` is not a GitHub account name; undefined when it is. */
export function accountProblem(org: string): string | undefined {
  return ACCOUNT.test(org)
    ? undefined
    : `${JSON.stringify(org)} is not a GitHub account name (letters, digits and "-", at most 39 characters)`;
}

/** Why `repo` is not a repository name; undefined when it is. */
export function repositoryProblem(repo: string): string | undefined {
  return REPOSITORY.test(repo) && repo !== '.' && repo !== '..'
    ? undefined
    : `${JSON.stringify(repo)} is not a GitHub repository name (letters, digits, ".", "-" and "_", at most 100 characters, not "." or "..")`;
}

/** Why `workflow` (normalized) is not a workflow file name or id; undefined when it is. */
export function workflowProblem(workflow: string): string | undefined {
  return WORKFLOW.test(workflow)
    ? undefined
    : `${JSON.stringify(workflow)} is not a workflow file of .github/workflows (e.g. deploy.yml: letters, digits, ".", "-" and "_", ending .yml or .yaml) or a workflow id`;
}
