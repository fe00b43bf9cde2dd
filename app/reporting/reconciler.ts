import type { GithubAccess } from '../github/index.ts';
import type { AppStore } from '../store/index.ts';
import type { WorkflowRunFacts } from './conclusion.ts';
import type { Reporter } from './reporter.ts';

/**
 * GitHub does not redeliver a webhook that failed, and some never arrive: the reconciler asks GitHub about every
 * linked run not yet reported and reports the ones that ended, so no status is lost.
 */
export class Reconciler {
  private readonly store: AppStore;
  private readonly github: GithubAccess;
  private readonly reporter: Reporter;
  private readonly warn: (message: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(store: AppStore, github: GithubAccess, reporter: Reporter, warn: (message: string) => void) {
    this.store = store;
    this.github = github;
    this.reporter = reporter;
    this.warn = warn;
  }

  /** Runs now and then every `intervalMs`. */
  start(intervalMs: number): void {
    void this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass; answers how many runs it reported. Passes never overlap. */
  reconcile(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    let reported = 0;
    for (const link of this.store.openLinks(1000)) {
      if (!link.reportStatus) {
        this.store.markReported(link.externalRunId);
        continue;
      }
      try {
        const octokit = await this.github.octokit(link.installationId);
        const { data } = await octokit.rest.actions.getWorkflowRun({
          owner: link.owner,
          repo: link.repo,
          run_id: link.workflowRunId,
        });
        if (data.status !== 'completed') continue;
        await this.reporter.reportCompletion(link, data as WorkflowRunFacts);
        reported++;
      } catch (error) {
        this.warn(
          `reconciler: could not check ${link.owner}/${link.repo} run ${link.workflowRunId}: ${(error as Error).message}`,
        );
      }
    }
    return reported;
  }
}
