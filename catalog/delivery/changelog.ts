import type { Delivery, DeliveryHandler, DeliveryOutcome } from '../../src/outbox/index.ts';
import { mayRetry } from '../../src/retry/index.ts';
import { describeAnswer, describeNetworkError, SIGNED_DELIVERY_RETRY, sendSigned } from './signed-request.ts';

export interface ChangelogPayload {
  url: string;
  event: unknown;
}

/** Changelog events to a blueprint's changelogDestination: retried on network errors and 5xx, then given up. */
export function changelogHandler(options: {
  secret: string;
  timeoutMs: number;
  maxAttempts: number;
  warn: (message: string) => void;
}): DeliveryHandler {
  return {
    maxAttempts: options.maxAttempts,
    async attempt(delivery: Delivery): Promise<DeliveryOutcome> {
      const { url, event } = delivery.payload as ChangelogPayload;
      try {
        const response = await sendSigned({ url, body: event }, options.secret, options.timeoutMs);
        if (response.status >= 200 && response.status < 300) return { result: 'delivered' };
        const error = `changelog destination ${url} ${describeAnswer(response)}`;
        return mayRetry({ status: response.status }, SIGNED_DELIVERY_RETRY)
          ? { result: 'retry', error }
          : { result: 'failed', error };
      } catch (error) {
        return { result: 'retry', error: `changelog destination ${url} ${describeNetworkError(error)}` };
      }
    },
    giveUp(delivery, reason) {
      options.warn(`changelog event ${delivery.id} (${delivery.orderingKey}) not delivered: ${reason}`);
    },
  };
}
