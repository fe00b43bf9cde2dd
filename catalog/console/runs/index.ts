export { RUN_STATUSES, isRunStatus, runStatusClass, runStatusLabel } from './run-status.ts';
export {
  hasFilter,
  parseRunListRequest,
  RUNS_PAGE_SIZE,
  runListHref,
  statusProblem,
  type RunListRequest,
} from './run-list-request.ts';
export { findRunPage, type RunPage, type RunPageResult } from './run-list.ts';
export { parseLogId } from './log-cursor.ts';
export {
  RUN_STREAM_SETTINGS,
  RunStreams,
  serverSentEvent,
  type RunStreamSettings,
  type RunStreamSource,
} from './run-event-stream.ts';
