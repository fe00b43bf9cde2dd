import { linked } from '../markdown.ts';
import type { OperationContext, StepReport } from '../report.ts';
import type { SearchSettings } from '../settings.ts';

/** How many found entities the job summary lists. */
const LISTED = 50;

/** SEARCH: POST /v1/entities/search with the query as written; the `entities` output holds what the API answered. */
export async function searchOperation(
  settings: SearchSettings,
  { client, links }: OperationContext,
): Promise<StepReport> {
  const entities = await client.searchEntities(settings.query, { include: settings.include });
  const listed = entities
    .slice(0, LISTED)
    .map((entity) =>
      entity.blueprint && entity.identifier
        ? `- ${linked(`${entity.blueprint}/${entity.identifier}`, links.entity(entity.blueprint, entity.identifier))}`
        : `- ${linked(String(entity.identifier ?? '(no identifier in the answer)'), undefined)}`,
    );
  if (entities.length > LISTED) listed.push(`- and ${entities.length - LISTED} more`);
  return {
    outputs: { entities },
    summary: {
      heading: 'Port: SEARCH',
      lines: [`Found ${entities.length} ${entities.length === 1 ? 'entity' : 'entities'}.`, ...listed],
    },
  };
}
