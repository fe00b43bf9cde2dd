import type { DeliveryHandler } from '../../src/outbox/index.ts';
import { isTransient, type Reporter, type WorkflowRunEvent } from './reporter.ts';

/** Handles workflow_run events that waited in the outbox because Port could not be asked when they arrived. */
export function workflowRunEventsHandler(
  reporter: Reporter,
  maxAttempts: number,
  givenUp: () => void,
): DeliveryHandler {
  return {
    maxAttempts,
    async attempt(delivery) {
      try {
        // The row was enqueued as the event arrived: its creation is when the event was received.
        await reporter.process(delivery.payload as WorkflowRunEvent, delivery.createdAt);
        return { result: 'delivered' };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return isTransient(error) ? { result: 'retry', error: message } : { result: 'failed', error: message };
      }
    },
    giveUp: givenUp,
  };
}
