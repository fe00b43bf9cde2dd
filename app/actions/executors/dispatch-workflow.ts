/**
 * `dispatch_workflow`, with the vendor's properties: `org` (the account; optional here while the App is installed
 * on one account only, or with `repo` as `owner/repo`), `repo`, `workflow` (a file of .github/workflows or a
 * workflow id), `workflowInputs` (an object; `ref` in it picks the branch, else the repository's default branch) and
 * `reportWorkflowStatus` (default true, the vendor's default).
 *
 * The dispatch is the signed invocation's (../../dispatch/dispatch-workflow.ts): WHARF_ALLOWED_WORKFLOWS,
 * `return_run_details`, and on GitHub Enterprise Server versions without it a dispatch and a look for the run, one
 * at a time per workflow (the partition key) so the run found is this dispatch's. With `reportWorkflowStatus` the
 * GitHub run is linked (`externalRunId = gh_<owner id>_<repository id>_<run id>`) and the run stays IN_PROGRESS until
 * its `workflow_run` completed report (or the reconciler) ends it; without, it ends SUCCESS once dispatched.
 */
import { type DispatchSettings, dispatchWorkflow } from '../../dispatch/dispatch-workflow.ts';
import { externalRunIdOf } from '../../dispatch/dispatcher.ts';
import { normalizeWorkflow, workflowProblem } from '../../dispatch/github-names.ts';
import { WorkflowDispatchTurns } from '../../dispatch/workflow-turns.ts';
import type { GithubAccess } from '../../github/index.ts';
import type { AppState } from '../../state/index.ts';
import { ExecutionError, type ActionExecutor, type ExecutionOutcome, type IntegrationRun } from './executor.ts';
import { PropertyReader } from './github-executor-kit.ts';

export const DISPATCH_WORKFLOW = 'dispatch_workflow';

export interface DispatchWorkflowDeps {
  github: () => GithubAccess | undefined;
  state: AppState;
  settings: DispatchSettings;
  /** Shared with the signed-invocation dispatcher: one workflow's dispatches take turns whichever way they came. */
  turns?: WorkflowDispatchTurns;
}

interface DispatchInput {
  workflow: string;
  workflowInputs: Record<string, unknown>;
  reportWorkflowStatus: boolean;
}

function readInput(properties: Readonly<Record<string, unknown>>): DispatchInput {
  const reader = new PropertyReader(properties);
  const workflow = normalizeWorkflow(reader.requiredText('workflow').trim());
  if (workflow !== '') {
    const problem = workflowProblem(workflow);
    if (problem) reader.problem(`workflow: ${problem}`);
  }
  const inputs = properties.workflowInputs ?? {};
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
    reader.problem(`workflowInputs must be an object of the workflow's inputs (got ${JSON.stringify(inputs)})`);
  }
  const reportWorkflowStatus = reader.flag('reportWorkflowStatus') ?? true;
  reader.check();
  return { workflow, workflowInputs: inputs as Record<string, unknown>, reportWorkflowStatus };
}

export function dispatchWorkflowExecutor(deps: DispatchWorkflowDeps): ActionExecutor {
  const turns = deps.turns ?? new WorkflowDispatchTurns();
  return {
    type: DISPATCH_WORKFLOW,

    partitionKey(run: IntegrationRun): string | undefined {
      const { org, repo, workflow } = run.properties;
      if (typeof repo !== 'string' || typeof workflow !== 'string') return undefined;
      const owner = typeof org === 'string' ? `${org}/` : '';
      return `${owner}${repo}/${normalizeWorkflow(workflow)}`.toLowerCase();
    },

    async execute(run, context): Promise<ExecutionOutcome> {
      const input = readInput(run.properties);
      const { owner, repo, installationId } = await context.repository();
      const github = deps.github()!;
      let outcome: Awaited<ReturnType<typeof dispatchWorkflow>>;
      try {
        outcome = await turns.inTurn(owner, repo, input.workflow, async () => {
          const dispatched = await dispatchWorkflow(
            github,
            { runId: run.runId, org: owner, repo, ...input },
            deps.settings,
            turns.isTaken,
          );
          if (dispatched.ok) turns.take(dispatched.workflowRunId);
          return dispatched;
        });
      } catch (error) {
        // GitHub failed (5xx, network, a timeout): the workflow may or may not have started; say so, not guess.
        throw new ExecutionError(
          `GitHub failed while dispatching ${input.workflow} in ${owner}/${repo}: ${(error as Error).message}; check that repository's Actions tab before running the action again`,
        );
      }
      if (!outcome.ok) throw new ExecutionError(outcome.reason);
      const summary = `Dispatched ${input.workflow} in ${owner}/${repo} on ${outcome.ref}: ${outcome.htmlUrl}`;
      if (!input.reportWorkflowStatus) return { status: 'SUCCESS', summary, link: outcome.htmlUrl };
      const externalRunId = externalRunIdOf(outcome.ownerId, outcome.repoId, outcome.workflowRunId);
      // Linked here before the outcome is reported: a workflow_run event arriving at once finds the link.
      await deps.state.link(
        {
          externalRunId,
          portRunId: run.runId,
          installationId: outcome.installationId || installationId,
          owner,
          repo,
          workflowRunId: outcome.workflowRunId,
          reportStatus: true,
          reported: false,
        },
        Date.now(),
      );
      return { status: 'IN_PROGRESS', summary, link: outcome.htmlUrl, externalRunId };
    },
  };
}
