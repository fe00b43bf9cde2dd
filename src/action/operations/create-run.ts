import type { Run } from '../../port/index.ts';
import { code, linked } from '../markdown.ts';
import type { OperationContext, StepReport } from '../report.ts';
import type { CreateRunSettings } from '../settings.ts';

/** Polling for the end of a run: quick at first (short runs), then every 5 s. */
const POLL_DELAYS_MS = [250, 500, 1000, 2000, 4000, 5000];

/**
 * CREATE_RUN: starts a run of the self-service action (`properties`, and `identifier` as the entity); output
 * `runId`. With `wait`, polls the run until it ends or `waitTimeout` passes; output `status`; a run that ends
 * FAILURE fails the step unless `failOnRunFailure` is false.
 */
export async function createRunOperation(settings: CreateRunSettings, context: OperationContext): Promise<StepReport> {
  const { client, links } = context;
  const run = await client.createRun(settings.action, { properties: settings.properties, entity: settings.entity });
  const runLink = linked(run.id, links.run(run.id));
  const about = settings.entity ? ` for ${code(settings.entity)}` : '';
  const started = `Started run ${runLink} of action ${code(settings.action)}${about}.`;
  if (!settings.wait) {
    return { outputs: { runId: run.id }, summary: { heading: 'Port: CREATE_RUN', lines: [started] } };
  }

  context.log.info(`Waiting for run ${run.id} to end (at most ${settings.waitTimeoutMs / 1000} s)`);
  const last = await waitForEnd(run, settings.waitTimeoutMs, context);
  const outputs = { runId: run.id, status: last.status };
  const details = [last.statusLabel, last.summary].filter(Boolean).join(': ');
  const ended = `Run ${runLink} ended ${code(last.status)}${details ? ` (${details})` : ''}.`;
  if (!hasEnded(last)) {
    return {
      outputs,
      summary: {
        heading: 'Port: CREATE_RUN',
        lines: [started, `It was still ${code(last.status)} when waiting stopped.`],
      },
      failure: `CREATE_RUN: run ${run.id} is still ${last.status} after ${settings.waitTimeoutMs / 1000} s (waitTimeout)`,
    };
  }
  const failed = last.status === 'FAILURE';
  return {
    outputs,
    summary: { heading: 'Port: CREATE_RUN', lines: [started, ended] },
    failure:
      failed && settings.failOnRunFailure
        ? `CREATE_RUN: run ${run.id} ended FAILURE${details ? `: ${details}` : ''} (set failOnRunFailure: false to let the step pass)`
        : undefined,
  };
}

const hasEnded = (run: Run): boolean => run.status === 'SUCCESS' || run.status === 'FAILURE' || Boolean(run.endedAt);

async function waitForEnd(run: Run, timeoutMs: number, context: OperationContext): Promise<Run> {
  const deadline = context.now() + timeoutMs;
  let last = run;
  for (let poll = 0; !hasEnded(last); poll++) {
    const left = deadline - context.now();
    if (left <= 0) break;
    await context.sleep(Math.min(POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)]!, left));
    last = await context.client.getRun(run.id);
  }
  return last;
}
