import { mayHaveTakenEffect, wait } from '../../src/retry/index.ts';
import { type GithubAccess, type GithubClient, githubMessage, githubStatus } from '../github/index.ts';
import { isWorkflowAllowed } from './allowed-workflows.ts';
import type { Invocation } from './invocation.ts';

/** GitHub takes at most this many inputs in one workflow_dispatch. */
export const MAX_WORKFLOW_INPUTS = 25;

export interface DispatchedRun {
  ok: true;
  installationId: number;
  ownerId: number;
  repoId: number;
  workflowRunId: number;
  htmlUrl: string;
  ref: string;
}

export type DispatchOutcome = DispatchedRun | { ok: false; reason: string };

export interface DispatchSettings {
  allowedWorkflows: readonly string[];
  /** How long to look for the run when GitHub does not return it (older GitHub Enterprise Server). */
  findRunTimeoutMs: number;
  findRunIntervalMs: number;
}

/**
 * workflow_dispatch inputs are strings: other values go as JSON text, and null or absent ones are left out so the
 * workflow's own default applies. `ref` is where to run, not an input.
 */
export function toDispatchInputs(workflowInputs: Record<string, unknown>): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(workflowInputs)) {
    if (name === 'ref' || value === null || value === undefined) continue;
    inputs[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return inputs;
}

/** Dispatches the invocation's workflow and answers the GitHub run it started, or why it could not. */
export async function dispatchWorkflow(
  github: GithubAccess,
  invocation: Invocation,
  settings: DispatchSettings,
  claimed: (workflowRunId: number) => boolean,
): Promise<DispatchOutcome> {
  const { org, repo, workflow } = invocation;
  if (!isWorkflowAllowed(settings.allowedWorkflows, org, repo, workflow)) {
    return { ok: false, reason: `${org}/${repo}/${workflow} is not in WHARF_ALLOWED_WORKFLOWS` };
  }
  const installationId = await github.installationFor(org);
  if (installationId === undefined) {
    return { ok: false, reason: `the GitHub App is not installed on "${org}": install it on that account first` };
  }
  const octokit = await github.octokit(installationId);
  let repository: { id: number; owner: { id: number }; default_branch: string };
  try {
    repository = (await octokit.rest.repos.get({ owner: org, repo })).data;
  } catch (error) {
    if (githubStatus(error) === 404) {
      return {
        ok: false,
        reason: `the GitHub App cannot see ${org}/${repo}: add the repository to the App's installation on "${org}"`,
      };
    }
    throw error;
  }
  const ref =
    typeof invocation.workflowInputs.ref === 'string' ? invocation.workflowInputs.ref : repository.default_branch;
  const inputs = toDispatchInputs(invocation.workflowInputs);
  const count = Object.keys(inputs).length;
  if (count > MAX_WORKFLOW_INPUTS) {
    return {
      ok: false,
      reason: `workflowInputs has ${count} inputs; GitHub accepts at most ${MAX_WORKFLOW_INPUTS} for a workflow_dispatch`,
    };
  }

  const dispatchedAt = Date.now();
  const path = { owner: org, repo, workflow_id: workflow };
  // A dispatch is not safe to repeat (a second run would start): Octokit's retries, which would repeat it after a
  // 5xx, are off for it.
  const once = { request: { retries: 0 } };
  let details: { workflow_run_id?: number; html_url?: string } | undefined;
  try {
    const response = await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      ...path,
      ...once,
      ref,
      inputs,
      return_run_details: true,
    });
    details = response.status === 200 ? (response.data as typeof details) : undefined;
  } catch (error) {
    const message = githubMessage(error);
    // Older GitHub Enterprise Server refuses the parameter: dispatch without it and look for the run instead.
    if (githubStatus(error) === 422 && /return_run_details/.test(message)) {
      try {
        await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
          ...path,
          ...once,
          ref,
          inputs,
        });
      } catch (retryError) {
        return refused(workflow, org, repo, retryError);
      }
    } else {
      return refused(workflow, org, repo, error);
    }
  }

  let workflowRunId = details?.workflow_run_id;
  let htmlUrl = details?.html_url;
  if (workflowRunId === undefined) {
    const found = await findDispatchedRun(octokit, github, { ...path, ref, dispatchedAt }, settings, claimed);
    if (!found) {
      return {
        ok: false,
        reason: `dispatched ${workflow} on ${ref}, but GitHub did not show the run within ${Math.round(settings.findRunTimeoutMs / 1000)} s`,
      };
    }
    workflowRunId = found.id;
    htmlUrl = found.html_url;
  }
  return {
    ok: true,
    installationId,
    ownerId: repository.owner.id,
    repoId: repository.id,
    workflowRunId,
    htmlUrl: htmlUrl ?? `https://github.com/${org}/${repo}/actions/runs/${workflowRunId}`,
    ref,
  };
}

/**
 * A dispatch GitHub refused; throws `error` when GitHub failed instead (no answer, 5xx): the workflow may have been
 * dispatched all the same, and the caller says so rather than guess. A dispatch is never repeated.
 */
function refused(workflow: string, org: string, repo: string, error: unknown): DispatchOutcome {
  if (mayHaveTakenEffect({ status: githubStatus(error), cause: (error as Error | null)?.cause })) throw error;
  return { ok: false, reason: `GitHub refused to dispatch ${workflow} in ${org}/${repo}: ${githubMessage(error)}` };
}

/**
 * The run a dispatch without run details started: a workflow_dispatch run by the App on `ref`, created after the
 * dispatch, that no other dispatch claimed. Callers dispatch one at a time per workflow, so the match is unique.
 */
async function findDispatchedRun(
  octokit: GithubClient,
  github: GithubAccess,
  target: { owner: string; repo: string; workflow_id: string; ref: string; dispatchedAt: number },
  settings: DispatchSettings,
  claimed: (workflowRunId: number) => boolean,
): Promise<{ id: number; html_url: string } | undefined> {
  const bot = await github.botLogin();
  // A little slack for the difference between this machine's clock and GitHub's.
  const since = new Date(target.dispatchedAt - 5000).toISOString();
  const deadline = Date.now() + settings.findRunTimeoutMs;
  for (;;) {
    const { data } = await octokit.rest.actions.listWorkflowRuns({
      owner: target.owner,
      repo: target.repo,
      workflow_id: target.workflow_id,
      event: 'workflow_dispatch',
      branch: target.ref,
      created: `>=${since}`,
      per_page: 30,
    });
    const candidates = data.workflow_runs
      .filter((run) => (run.actor?.login ?? run.triggering_actor?.login) === bot && !claimed(run.id))
      .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
    if (candidates[0]) return { id: candidates[0].id, html_url: candidates[0].html_url };
    if (Date.now() >= deadline) return undefined;
    await wait(settings.findRunIntervalMs, github.stopSignal);
  }
}
