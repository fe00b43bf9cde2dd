import { LruMap } from '../../src/lru/index.ts';

/** Far more runs than can be dispatched within one polling window (findRunTimeoutMs) at GitHub's pace. */
const CLAIMED_RUNS_KEPT = 10_000;

/**
 * Where GitHub does not answer a dispatch with its run (Enterprise Server without `return_run_details`), the run is
 * found by polling: it is the newest one no other dispatch took. That holds only if dispatches of one workflow take
 * turns and every taken run is remembered, across both ways a dispatch comes in (signed invocations and
 * integration-action runs), so the App keeps one of these for both.
 */
export class WorkflowDispatchTurns {
  private readonly turns = new Map<string, Promise<unknown>>();
  private readonly taken = new LruMap<number, true>(CLAIMED_RUNS_KEPT);

  /** Runs `work` once every earlier dispatch of the same workflow has settled. */
  async inTurn<T>(owner: string, repo: string, workflow: string, work: () => Promise<T>): Promise<T> {
    const key = `${owner}/${repo}/${workflow}`.toLowerCase();
    const previous = this.turns.get(key) ?? Promise.resolve();
    const turn = previous.then(work);
    const settled = turn.catch(() => undefined);
    this.turns.set(key, settled);
    try {
      return await turn;
    } finally {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    }
  }

  /** True when a dispatch already took this workflow run (found by polling, it is not a new one's). */
  isTaken = (workflowRunId: number): boolean => this.taken.has(workflowRunId);

  take(workflowRunId: number): void {
    this.taken.set(workflowRunId, true);
  }
}
