import { type DispatchWorkflowDeps, dispatchWorkflowExecutor } from './executors/dispatch-workflow.ts';
import type { ActionExecutor } from './executors/executor.ts';
import { githubExecutors } from './executors/github-executors.ts';

/**
 * The installation id of wharf's integration in Port when WHARF_INTEGRATION_ID is not set: what an action's
 * `invocationMethod: {type: INTEGRATION_ACTION, installationId}` names for this wharf to execute its runs.
 */
export const DEFAULT_INTEGRATION_ID = 'wharf';

/** Every executor wharf has: `dispatch_workflow`, then the issue, pull-request and comment actions. */
export function builtInExecutors(deps: DispatchWorkflowDeps): ActionExecutor[] {
  return [dispatchWorkflowExecutor(deps), ...githubExecutors];
}
