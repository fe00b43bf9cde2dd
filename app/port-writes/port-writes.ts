import type { Delivery, DeliveryHandler, DeliveryOutcome } from '../../src/outbox/index.ts';
import { PortApiError, type PortClient, type RunLogInput, type RunPatch } from '../../src/port/index.ts';
import { mayRetry, type RetryConditions } from '../../src/retry/index.ts';
import type { SqlExecutor } from '../../src/sql/index.ts';
import type { OutboxQueue } from '../state/index.ts';

/** One write to a Port run. A delivery holds a run's writes in order; a log line is written once. */
export type PortWrite = { op: 'log'; body: RunLogInput } | { op: 'patch'; body: RunPatch };

interface PortWritesPayload {
  runId: string;
  writes: PortWrite[];
  /** When the GitHub event these writes report was received (epoch ms), for the report latency metric. */
  receivedAt?: number;
}

export const PORT_WRITES = 'port-writes';

/**
 * Every write is tried again after a failure that may have reached Port. A PATCH overwrites. A log line that ends
 * the run is refused once it is in (run_exhausted, taken as done below). Another log line may then show twice: the
 * outbox delivers at least once, and a line twice is less harm than a run's later writes, its end among them, never
 * written. A server's fault (500) is worth another try too: the outbox comes back later, when it may be mended.
 */
const PORT_WRITE_RETRY: RetryConditions = { idempotent: true, serverFaults: true };

/**
 * Puts writes to a Port run in the App's outbox: they reach Port even if it is down now or the App restarts, in
 * order for each run (one ordering key per run), whichever replica delivers them. Pass the transaction of the change
 * that causes them as `on`. With `hold` the row is leased to this replica: its caller delivers it itself
 * (OutboxWorker.deliverNow) once the transaction committed (app/reporting/report-pipeline.ts).
 */
export function enqueuePortWrites(
  outbox: OutboxQueue,
  runId: string,
  writes: PortWrite[],
  options: { now?: number; hold?: boolean; receivedAt?: number | undefined; on?: SqlExecutor } = {},
): Promise<Delivery> {
  const payload: PortWritesPayload = { runId, writes };
  if (options.receivedAt !== undefined) payload.receivedAt = options.receivedAt;
  return outbox.enqueue(
    { kind: PORT_WRITES, orderingKey: `run:${runId}`, payload, hold: options.hold ?? false },
    options.now ?? Date.now(),
    options.on,
  );
}

export interface PortWritesEvents {
  /**
   * A run's writes were all done (or the run had ended, so none was left to do); `receivedAt`: when the event they
   * report was received, when known.
   */
  written?(runId: string, writes: PortWrite[], receivedAt: number | undefined): void;
  givenUp?(runId: string, reason: string): void;
}

export function portWritesHandler(
  port: PortClient,
  outbox: OutboxQueue,
  options: { maxAttempts: number; events?: PortWritesEvents; warn: (message: string) => void },
): DeliveryHandler {
  return {
    maxAttempts: options.maxAttempts,
    async attempt(delivery: Delivery): Promise<DeliveryOutcome> {
      const payload = delivery.payload as PortWritesPayload;
      const { runId, writes } = payload;
      for (let index = 0; index < writes.length; index++) {
        const write = writes[index]!;
        try {
          if (write.op === 'log') await port.addRunLog(runId, write.body);
          else await port.patchRun(runId, write.body);
        } catch (error) {
          if (!(error instanceof PortApiError)) throw error;
          // The run ended (its backend or a person had the last word): what is left has nowhere to go.
          if (error.code === 'run_exhausted') break;
          return mayRetry(error, PORT_WRITE_RETRY)
            ? { result: 'retry', error: error.message }
            : { result: 'failed', error: error.message };
        }
        // A PATCH overwrites, so doing it again is harmless; a log line is not: a retry must start after it.
        if (write.op === 'log' && index < writes.length - 1) {
          await outbox.updatePayload(delivery.id, { ...payload, writes: writes.slice(index + 1) }, Date.now());
        }
      }
      options.events?.written?.(runId, writes, payload.receivedAt);
      return { result: 'delivered' };
    },
    giveUp(delivery, reason) {
      const { runId } = delivery.payload as PortWritesPayload;
      options.warn(`could not write to Port run ${runId}: ${reason}`);
      options.events?.givenUp?.(runId, reason);
    },
  };
}
