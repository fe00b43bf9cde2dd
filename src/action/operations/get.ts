import { linked } from '../markdown.ts';
import type { OperationContext, StepReport } from '../report.ts';
import type { GetSettings } from '../settings.ts';
import { entityOutput } from './entity-output.ts';

/** GET: one entity, as the `entity` output (the vendor's shape); `include` narrows what the API answers. */
export async function getOperation(settings: GetSettings, { client, links }: OperationContext): Promise<StepReport> {
  const { blueprint, identifier, include } = settings;
  const entity = await client.getEntity(blueprint, identifier, { include });
  return {
    outputs: { entity: entityOutput(entity) },
    summary: {
      heading: 'Port: GET',
      lines: [`Read ${linked(`${blueprint}/${identifier}`, links.entity(blueprint, identifier))}.`],
    },
  };
}
