import type { AppMetrics } from '../metrics.ts';
import type { ProcessorEvents } from './processor/processor.ts';

/** The actions processor's counters in /metrics, by what they count. */
const COUNTERS = {
  claimed: ['wharf_action_runs_claimed_total', 'Integration-action runs claimed from Port by the actions processor'],
  skipped: [
    'wharf_action_runs_skipped_total',
    'Claimed runs another processor acknowledged first (409 on acknowledgement)',
  ],
  SUCCESS: ['wharf_action_runs_succeeded_total', 'Integration-action runs executed and ended SUCCESS'],
  FAILURE: [
    'wharf_action_runs_failed_total',
    'Integration-action runs ended FAILURE (GitHub refused, bad properties, unknown type, stopped mid-way)',
  ],
  IN_PROGRESS: [
    'wharf_action_runs_started_total',
    'Integration-action runs executed and left IN_PROGRESS for their workflow to report (reportWorkflowStatus)',
  ],
  pollFailed: [
    'wharf_action_poll_errors_total',
    'Polls of Port for pending runs that failed (Port unreachable or erring)',
  ],
} as const;

/**
 * The processor's events as metrics: a counter each (claimed, skipped, executed by outcome, poll errors) and the
 * time from a run's creation in Port to its executor's outcome.
 */
export function processorMetricEvents(
  metrics: AppMetrics,
  other: Pick<ProcessorEvents, 'enqueued' | 'warn'>,
): ProcessorEvents {
  const count = Object.fromEntries(
    Object.entries(COUNTERS).map(([event, [name, help]]) => [event, metrics.counter(name, help)]),
  ) as Record<keyof typeof COUNTERS, () => void>;
  const latency = metrics.histogram(
    'wharf_action_run_latency_seconds',
    "From an integration-action run's creation in Port to its executor's outcome (e.g. the workflow dispatched)",
  );
  return {
    claimed: (runs) => {
      for (let i = 0; i < runs; i++) count.claimed();
    },
    skipped: count.skipped,
    executed: (status, createdAt) => {
      count[status]();
      if (createdAt !== undefined) latency(Date.now() - createdAt);
    },
    pollFailed: count.pollFailed,
    ...other,
  };
}
