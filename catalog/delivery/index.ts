export { DeliveryWorker, type DeliveryHandler, type DeliveryOutcome, type DeliveryWorkerOptions } from './worker.ts';
export { changelogHandler } from './changelog.ts';
export { sendSigned, isRetryableStatus, describeAnswer, describeNetworkError } from './signed-request.ts';
