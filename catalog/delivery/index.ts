export { changelogHandler } from './changelog.ts';
export { sendSigned, isRetryableStatus, describeAnswer, describeNetworkError } from './signed-request.ts';
