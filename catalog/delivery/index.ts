export { changelogHandler } from './changelog.ts';
export { sendSigned, SIGNED_DELIVERY_RETRY, describeAnswer, describeNetworkError } from './signed-request.ts';
