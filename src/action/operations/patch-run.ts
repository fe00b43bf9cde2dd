import { code, linked } from '../markdown.ts';
import type { OperationContext, StepReport } from '../report.ts';
import type { PatchRunSettings } from '../settings.ts';

/**
 * PATCH_RUN: `logMessage` is posted as a log line first, then `status`, `statusLabel`, `link`, `summary` and
 * `externalRunId` go in one PATCH; outputs `runId` and `logMessage`. A dry run reads the run and reports what would
 * change, failing as the patch would when the run has already ended.
 */
export async function patchRunOperation(settings: PatchRunSettings, context: OperationContext): Promise<StepReport> {
  const { client, dryRun, links } = context;
  const { runId, logMessage, patch } = settings;
  const outputs = { runId, ...(logMessage !== undefined ? { logMessage } : {}) };
  const fields = Object.entries(patch).map(
    ([field, value]) => `${code(field)} = ${code(Array.isArray(value) ? value.join(', ') : String(value))}`,
  );
  const runLink = linked(runId, links.run(runId));

  if (dryRun) {
    const run = await client.getRun(runId);
    if (run.endedAt || run.status === 'SUCCESS' || run.status === 'FAILURE') {
      throw new Error(`PATCH_RUN: run ${runId} has already ended (${run.status}); the API would refuse any change`);
    }
    return {
      outputs,
      summary: {
        heading: 'Port: PATCH_RUN (dry run, nothing sent)',
        lines: [
          `Run ${runLink} is ${code(run.status)}.`,
          ...(logMessage !== undefined ? [`Would log: ${code(logMessage)}`] : []),
          ...(fields.length > 0 ? [`Would set ${fields.join(', ')}.`] : []),
        ],
      },
    };
  }

  if (logMessage !== undefined) await client.addRunLog(runId, { message: logMessage });
  const run = fields.length > 0 ? await client.patchRun(runId, patch) : undefined;
  return {
    outputs,
    summary: {
      heading: 'Port: PATCH_RUN',
      lines: [
        `Run ${runLink}${run ? ` is now ${code(run.status)}` : ''}.`,
        ...(logMessage !== undefined ? [`Logged: ${code(logMessage)}`] : []),
        ...(fields.length > 0 ? [`Set ${fields.join(', ')}.`] : []),
      ],
    },
  };
}
