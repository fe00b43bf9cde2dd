/** Integration actions (issue 13): the App as Port's actions processor, and the executors of the vendor's actions. */
export {
  ActionsProcessor,
  DEFAULT_PROCESSOR_SETTINGS,
  type PendingRunsSource,
  type ProcessorEvents,
  type ProcessorSettings,
  type ProcessorStatus,
} from './processor/processor.ts';
export { ExecutorRegistry } from './processor/registry.ts';
export { RepositoryResolver, namedRepository } from './processor/repositories.ts';
export { DEFAULT_PACING, nextPollDelay, type PollPacing } from './processor/backoff.ts';
export { integrationRunOf } from './processor/claimed-run.ts';
export { builtInExecutors, DEFAULT_INTEGRATION_ID } from './built-in.ts';
export { DISPATCH_WORKFLOW, dispatchWorkflowExecutor } from './executors/dispatch-workflow.ts';
export {
  ExecutionError,
  type ActionExecutor,
  type ExecutionOutcome,
  type ExecutorContext,
  type IntegrationRun,
  type RunRepository,
} from './executors/executor.ts';
