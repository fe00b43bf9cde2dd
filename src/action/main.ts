import { createPortClient, secretForms } from '../port/index.ts';
import { wait } from '../retry/index.ts';
import type { ActionCore } from './action-core.ts';
import { INPUT_DEFAULTS } from './action-inputs.ts';
import { loadEntitiesFiles } from './entities-file.ts';
import { InputError, readSettings } from './inputs.ts';
import { portLinks } from './links.ts';
import { createNodeHttpFetch } from './node-http-fetch.ts';
import { runOperation } from './operations/index.ts';
import type { OperationContext, SummarySection } from './report.ts';
import type { OperationSettings } from './settings.ts';
import { renderSummary } from './summary.ts';

/**
 * The step: inputs -> settings (every input checked, entitiesFile read, before any network call) -> the operation
 * through the Port client -> outputs and the job summary. Never throws: a failure fails the step with a message
 * that says what went wrong.
 */
export async function run(core: ActionCore, workspace: string): Promise<void> {
  // Masked first of all, whatever else is wrong with the inputs; in every form a log line could show it.
  for (const form of secretForms(core.getInput('clientSecret'))) core.setSecret(form);
  let operationName = core.getInput('operation').toUpperCase() || INPUT_DEFAULTS.operation;
  try {
    const settings = readSettings((name) => core.getInput(name), workspace);
    const { connection } = settings;
    operationName = settings.operation.operation;
    const operation = await withEntitiesFromFiles(core, settings.operation, settings.workspace);

    const client = createPortClient({
      baseUrl: connection.baseUrl,
      clientId: connection.clientId,
      clientSecret: connection.clientSecret,
      timeoutMs: connection.requestTimeoutMs,
      userAgent: 'wharf-action',
      fetch: createNodeHttpFetch(),
      // Only the client sees the token: masked as it arrives, before any line could hold it.
      onAccessToken: (token) => core.setSecret(token),
      logger: {
        // Request bodies are logged at debug level: only when the run has debug logging on.
        debug: (message) => {
          if (core.isDebug()) core.debug(message);
        },
        info: (message) => core.info(message),
        warning: (message) => core.warning(message),
      },
    });
    const context: OperationContext = {
      client,
      dryRun: settings.dryRun,
      links: portLinks(connection.baseUrl),
      log: { info: (message) => core.info(message), warning: (message) => core.warning(message) },
      sleep: wait,
      now: () => Date.now(),
    };
    const report = await runOperation(operation, context);

    for (const [name, value] of Object.entries(report.outputs)) core.setOutput(name, value);
    await writeSummary(core, report.summary);
    if (report.failure) core.setFailed(report.failure);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    core.setFailed(message);
    const heading =
      error instanceof InputError ? `Port: ${operationName} not started` : `Port: ${operationName} failed`;
    // The message is in the log already (setFailed), so the summary is not echoed there.
    await writeSummary(core, { heading, lines: ['```', message, '```'] }, { echo: false });
  }
}

/** BULK_UPSERT's entities from `entitiesFile`, after those of `entities`; read before any network call. */
async function withEntitiesFromFiles(
  core: ActionCore,
  operation: OperationSettings,
  workspace: string,
): Promise<OperationSettings> {
  if (operation.operation !== 'BULK_UPSERT' || operation.entitiesFile.length === 0) return operation;
  const loaded = await loadEntitiesFiles(operation.entitiesFile, workspace, operation.defaultBlueprint);
  core.info(`entitiesFile: ${loaded.entities.length} entities from ${loaded.files.length} files`);
  return { ...operation, entities: [...operation.entities, ...loaded.entities] };
}

/** The job summary, where the runner asks for one (GITHUB_STEP_SUMMARY); its lines also go to the log. */
async function writeSummary(core: ActionCore, section: SummarySection, { echo = true } = {}): Promise<void> {
  const markdown = renderSummary(section);
  if (echo) core.info(section.lines.join('\n'));
  if (!core.summary) return;
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    core.warning(`could not write the job summary: ${(error as Error).message}`);
  }
}
