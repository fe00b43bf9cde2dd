import type { Delivery } from '../../src/outbox/index.ts';
import type { SqlTransaction } from '../../src/sql/index.ts';
import { enqueuePortWrites, type PortWrite } from '../port-writes/index.ts';
import type { AppState } from '../state/index.ts';

/**
 * How news of a GitHub workflow run becomes writes on its Port run: once, whichever replica GitHub delivers it to
 * and however often it arrives, and never lost once answered. Four steps, each for a reason:
 *
 * 1. Claim. The report is claimed in the App's database: the link marked reported (a completion) or a once-key per
 *    delivery (progress). A claim is a unique key or a conditional update in one statement, so of any number of
 *    deliveries of one event, on any replicas, one wins; the others write nothing and are answered at once.
 * 2. Enqueue, in the claim's transaction. The writes go into the outbox in the transaction that claims them: a claim
 *    never commits without its writes (a process that dies after the commit loses nothing: the outbox has them),
 *    and writes never exist for a claim that rolled back.
 * 3. Deliver now. The row is enqueued held: leased to this replica, so no outbox pass (of this replica or another)
 *    takes it while this one sends it to Port right after the commit, without waiting for a pass. Should this
 *    replica die first, the lease runs out and another replica's pass delivers it. A row whose Port run has an
 *    earlier write still pending goes to the passes instead, which keep the order per run.
 * 4. Wait, up to answerWithinMs. The webhook delivery is answered once the writes are in Port, so an answer means
 *    "reported"; but GitHub gives up on a delivery not answered within 10 s, so after answerWithinMs the answer
 *    goes out anyway and the outbox finishes the writes (with backoff, should Port be failing).
 */
export class ReportPipeline {
  private readonly state: AppState;
  private readonly deliverer: { deliverNow(delivery: Delivery): Promise<void> };
  private readonly answerWithinMs: number;

  constructor(
    state: AppState,
    deliverer: { deliverNow(delivery: Delivery): Promise<void> },
    options: { answerWithinMs: number },
  ) {
    this.state = state;
    this.deliverer = deliverer;
    this.answerWithinMs = options.answerWithinMs;
  }

  /**
   * Claims with `claim` (in the transaction it is given, at `now`), and when it wins, writes `writes` to the Port
   * run `portRunId`; settles once they are in Port or answerWithinMs passed. Answers whether the claim was won
   * (false: another delivery of the same news made, or makes, the writes).
   */
  async report(
    portRunId: string,
    writes: PortWrite[],
    claim: (tx: SqlTransaction, now: number) => Promise<boolean>,
    receivedAt?: number,
  ): Promise<boolean> {
    const now = Date.now();
    const delivery = await this.state.transaction(async (tx) =>
      (await claim(tx, now))
        ? enqueuePortWrites(this.state.outbox, portRunId, writes, { now, hold: true, receivedAt, on: tx })
        : undefined,
    );
    if (!delivery) return false;
    // A plain timer, cleared when the writes are in: an aborted timers/promises sleep would build an AbortError
    // (with its stack) for every report, a measurable share of the report path's CPU.
    let answerBy: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.deliverer.deliverNow(delivery),
        new Promise<void>((resolve) => {
          answerBy = setTimeout(resolve, this.answerWithinMs);
        }),
      ]);
    } finally {
      clearTimeout(answerBy);
    }
    return true;
  }
}
