import { PortApiError } from '../../port/index.ts';
import { linked } from '../markdown.ts';
import type { OperationContext, StepReport } from '../report.ts';
import type { DeleteSettings } from '../settings.ts';

/** DELETE: the entity (`delete_dependents`, `run_id`); output `ok`. A dry run only checks that it exists. */
export async function deleteOperation(settings: DeleteSettings, context: OperationContext): Promise<StepReport> {
  const { client, dryRun, links } = context;
  const { blueprint, identifier, deleteDependents, runId } = settings;
  const name = linked(`${blueprint}/${identifier}`, links.entity(blueprint, identifier));
  if (dryRun) {
    await client.getEntity(blueprint, identifier); // a missing one fails as the delete would: 404
    const dependents = deleteDependents ? ', with the entities that depend on it' : '';
    return {
      outputs: { ok: true },
      summary: {
        heading: 'Port: DELETE (dry run, nothing deleted)',
        lines: [`${name} would be deleted${dependents}.`],
      },
    };
  }
  try {
    await client.deleteEntity(blueprint, identifier, { deleteDependents, runId });
  } catch (error) {
    if (error instanceof PortApiError && error.code === 'has_dependents' && !deleteDependents) {
      error.message += ' (set delete_dependents: true to delete them too)';
    }
    throw error;
  }
  return {
    outputs: { ok: true },
    summary: {
      heading: 'Port: DELETE',
      lines: [`${name} deleted${deleteDependents ? ', with the entities that depended on it' : ''}.`],
    },
  };
}
