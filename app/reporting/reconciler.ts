import type { GithubAccess } from '../github/index.ts';
import type { AppState } from '../state/index.ts';
import type { WorkflowRunFacts } from './conclusion.ts';
import type { Reporter } from './reporter.ts';

/** The work lease a pass runs under: one replica reconciles at a time. */
export const RECONCILER_LEASE = 'reconciler';

/** Links looked at per pass, oldest first. */
const PASS_SIZE = 1000;

export interface ReconcilerParts {
  state: AppState;
  /** The App's GitHub access; a pass is skipped while there is none. */
  github: () => GithubAccess | undefined;
  reporter: Reporter;
  warn: (message: string) => void;
}

/**
 * GitHub does not redeliver a webhook that failed, and some never arrive: the reconciler asks GitHub about every
 * linked run not yet reported and reports the ones that ended, so no status is lost.
 *
 * Every replica runs the timer; a pass runs under the work lease `reconciler`, taken for one interval and kept (not
 * given back) when the pass ends, so that in each interval one replica asks GitHub, and when it dies another takes
 * over at the next interval. Two passes reporting the same run could do no harm (the report is claimed), but would
 * spend GitHub's rate limit twice.
 */
export class Reconciler {
  private readonly parts: ReconcilerParts;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(parts: ReconcilerParts, intervalMs: number) {
    this.parts = parts;
    this.intervalMs = intervalMs;
  }

  /** Runs now and then every interval. */
  start(): void {
    if (this.timer) return;
    void this.reconcile({ lease: true });
    this.timer = setInterval(() => void this.reconcile({ lease: true }), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * One pass; answers how many runs it reported. Passes never overlap in a process; with `lease`, a pass runs only
   * when this replica holds the reconciler's lease (the timer's passes), otherwise it runs regardless (on demand).
   */
  reconcile(options: { lease?: boolean } = {}): Promise<number> {
    this.running ??= this.pass(options.lease ?? false)
      .catch((error: unknown) => {
        this.parts.warn(`reconciler: ${(error as Error).message}`);
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async pass(leased: boolean): Promise<number> {
    const { state, reporter, warn } = this.parts;
    const github = this.parts.github();
    if (!github) return 0;
    // Slightly less than an interval: the next pass of the replica holding it finds it free or its own.
    const leaseMs = Math.max(1000, this.intervalMs - 1000);
    if (leased && !(await state.leases.acquire(RECONCILER_LEASE, leaseMs, Date.now()))) return 0;
    let reported = 0;
    for (const link of await state.openLinks(PASS_SIZE)) {
      if (leased && !(await state.leases.renew(RECONCILER_LEASE, leaseMs, Date.now()))) break;
      if (!link.reportStatus) {
        await state.markReported(link.externalRunId);
        continue;
      }
      try {
        const octokit = await github.octokit(link.installationId);
        const { data } = await octokit.rest.actions.getWorkflowRun({
          owner: link.owner,
          repo: link.repo,
          run_id: link.workflowRunId,
        });
        if (data.status !== 'completed') continue;
        await reporter.reportCompletion(link, data as WorkflowRunFacts);
        reported++;
      } catch (error) {
        warn(
          `reconciler: could not check ${link.owner}/${link.repo} run ${link.workflowRunId}: ${(error as Error).message}`,
        );
      }
    }
    return reported;
  }
}
