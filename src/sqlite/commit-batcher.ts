import type { Outcome } from './database.ts';

type Queued = { work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/**
 * Runs the works queued in one turn of the event loop together, through `commitTogether` (one transaction with a
 * savepoint each, as `inOneTransaction` does): under a burst, one commit serves many callers. Each work's promise
 * settles once its batch committed, with the work's result or error; all reject when the batch cannot commit.
 */
export class CommitBatcher {
  private readonly commitTogether: (works: ReadonlyArray<() => unknown>) => Outcome<unknown>[];
  private queued: Queued[] = [];

  constructor(commitTogether: (works: ReadonlyArray<() => unknown>) => Outcome<unknown>[]) {
    this.commitTogether = commitTogether;
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.flush());
      this.queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Commits what is queued now (the database is about to close, or the turn ended). */
  flush(): void {
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0) return;
    let outcomes: Outcome<unknown>[];
    try {
      outcomes = this.commitTogether(batch.map((item) => item.work));
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const item = batch[index]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
