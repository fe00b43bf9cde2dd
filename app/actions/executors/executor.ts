/**
 * What an integration-action executor is: the GitHub work of one `integrationActionType` (the vendor's names:
 * `dispatch_workflow`, `create_issue`, ...) for one claimed Port run. The processor (../processor) claims and
 * acknowledges runs, finds the executor, gives it its context, and reports what it answers; an executor only does
 * its GitHub work and says how it went.
 */
import type { GithubClient } from '../../github/index.ts';

/** A claimed run of an INTEGRATION_ACTION action, as an executor sees it. */
export interface IntegrationRun {
  /** Port's run identifier (`r_...`). */
  runId: string;
  /** `dispatch_workflow`, `create_issue`, ... */
  integrationActionType: string;
  /** `integrationActionExecutionProperties`, its templates rendered by Port. */
  properties: Readonly<Record<string, unknown>>;
}

/** The repository a run names (`org` and `repo`, or `repo` as `owner/repo`), with a client of its installation. */
export interface RunRepository {
  owner: string;
  repo: string;
  installationId: number;
  octokit: GithubClient;
}

export interface ExecutorContext {
  /**
   * The run's repository and a GitHub client for it. Throws an ExecutionError that says what is wrong when the run
   * names none, names one no installation of the App covers, or could mean several (then `org` must pick one).
   */
  repository(): Promise<RunRepository>;
  /** Adds a line to the run's log in Port (and, with `statusLabel`, sets its status label). */
  log(message: string, statusLabel?: string): Promise<void>;
  signal?: AbortSignal;
}

export type ExecutionOutcome =
  /** The run is over: Port's run gets this status, the summary as its last log line, the label and link. */
  | { status: 'SUCCESS' | 'FAILURE'; summary: string; statusLabel?: string; link?: string }
  /**
   * The run goes on elsewhere (a dispatched workflow whose end `reportWorkflowStatus` reports): Port's run stays
   * IN_PROGRESS with the link and external run id.
   */
  | { status: 'IN_PROGRESS'; summary: string; statusLabel?: string; link?: string; externalRunId?: string };

export interface ActionExecutor {
  /** The `integrationActionType` it executes. */
  readonly type: string;
  /**
   * Does the work. A failure the user must see (bad properties, GitHub's refusal) is thrown as an ExecutionError
   * with the message to put in the run's log; the run then ends FAILURE. Anything else thrown is a fault of wharf's
   * and ends the run FAILURE too, with its message.
   */
  execute(run: IntegrationRun, context: ExecutorContext): Promise<ExecutionOutcome>;
  /**
   * Runs with the same key are executed one at a time, in the order claimed (the vendor's partition key); none:
   * in parallel with every other run.
   */
  partitionKey?(run: IntegrationRun): string | undefined;
}

/** A failure to report to the run as it is: it names the property, the repository or GitHub's message. */
export class ExecutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionError';
  }
}
