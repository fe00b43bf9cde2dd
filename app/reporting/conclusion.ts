/** A GitHub workflow run as the reporter needs it (webhook payload and REST answer share these fields). */
export interface WorkflowRunFacts {
  id: number;
  name?: string | null;
  display_title?: string | null;
  run_number: number;
  run_attempt?: number;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  head_branch?: string | null;
}

const SUCCESSFUL = new Set(['success', 'skipped', 'neutral']);

/** success, skipped and neutral end the Port run SUCCESS; anything else (failure, cancelled, timed_out...) FAILURE. */
export function statusForConclusion(conclusion: string | null): 'SUCCESS' | 'FAILURE' {
  return conclusion !== null && SUCCESSFUL.has(conclusion) ? 'SUCCESS' : 'FAILURE';
}

/** The log line that reports a completed run: its conclusion and, when it failed, which jobs failed. */
export function completionLogMessage(run: WorkflowRunFacts, failedJobs: readonly string[]): string {
  const title = `GitHub workflow run ${run.name ?? ''} #${run.run_number}`.replace(/ +#/, ' #');
  const attempt = run.run_attempt && run.run_attempt > 1 ? ` (attempt ${run.run_attempt})` : '';
  const jobs = failedJobs.length > 0 ? `; failed jobs: ${failedJobs.join(', ')}` : '';
  return `${title}${attempt} completed: ${run.conclusion ?? 'unknown'}${jobs}`;
}

export function completionSummary(run: WorkflowRunFacts): string {
  return `${run.name || 'Workflow'} #${run.run_number} ${run.conclusion ?? 'completed'}: ${run.html_url}`;
}

/** A Port run id carried in a run-name (`run-name: Deploy ${{ inputs.port_run_id }}`), for runs started elsewhere. */
export function portRunIdInTitle(title: string | null | undefined): string | undefined {
  return title ? /\b(r_[A-Za-z0-9]{8,})\b/.exec(title)?.[1] : undefined;
}
