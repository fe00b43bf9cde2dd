export { OutboxStore, OUTBOX_SCHEMA, type Delivery } from './outbox-store.ts';
export {
  OutboxWorker,
  type DeliveryHandler,
  type DeliveryOutcome,
  type DeliveryQueue,
  type DeliveryWorkerOptions,
} from './outbox-worker.ts';
