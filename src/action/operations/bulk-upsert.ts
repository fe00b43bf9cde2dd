import type { BulkEntity, BulkEntityError, EntityAnswer, PortClient } from '../../port/index.ts';
import { entityChanges, type FieldChange } from '../changes.ts';
import { cell, code, linked, shortValue } from '../markdown.ts';
import type { OperationContext, StepReport } from '../report.ts';
import type { BulkUpsertSettings } from '../settings.ts';

/** One entry of the `results` output, in input order. */
export interface EntityResult {
  index: number;
  blueprint: string;
  identifier?: string;
  /** In a dry run: what would happen; `unchanged` only there. */
  status: 'created' | 'updated' | 'unchanged' | 'failed';
  error?: BulkEntityError;
  /** Dry run only: the fields that would change. */
  changes?: FieldChange[];
}

/** Rows of the summary's table and failures named in the step's error; the `results` output has them all. */
const LISTED_ROWS = 100;
const LISTED_FAILURES = 20;
/** Identifiers per lookup of the current entities in a dry run. */
const LOOKUP_CHUNK = 500;

/**
 * BULK_UPSERT: every entity is tried, through the bulk route (batches of 20 per blueprint, sent concurrently by
 * the client), and each gets a result. Outputs `identifiers` (of those written) and `results`; the step fails at
 * the end when any failed, naming each.
 */
export async function bulkUpsertOperation(
  settings: BulkUpsertSettings,
  context: OperationContext,
): Promise<StepReport> {
  const { client, dryRun, links } = context;
  const { entities, runId, createMissingRelatedEntities } = settings;
  if (entities.length === 0) context.log.warning('BULK_UPSERT: no entities were given; nothing to do');

  const answers = await client.bulkUpsertEntities(entities, {
    merge: true,
    runId,
    createMissingRelatedEntities,
    validationOnly: dryRun,
  });
  let results: EntityResult[] = answers.map((answer) => ({ ...answer }));
  if (dryRun) results = await withChanges(client, entities, results);

  const failed = results.filter((result) => result.status === 'failed');
  const count = (status: EntityResult['status']) => results.filter((result) => result.status === status).length;
  const verb = dryRun ? 'would be ' : '';
  const totals = [
    `${count('created')} ${verb}created`,
    `${count('updated')} ${verb}updated`,
    ...(dryRun ? [`${count('unchanged')} unchanged`] : []),
    `${failed.length} failed`,
  ];
  const rows = results.slice(0, LISTED_ROWS).map((result) => {
    const name = result.identifier
      ? `${result.blueprint}/${result.identifier}`
      : `${result.blueprint}/[${result.index}]`;
    const detail = result.error
      ? `${result.error.statusCode ?? ''} ${result.error.error}: ${result.error.message}`.trim()
      : (result.changes ?? []).map((change) => `${change.field} → ${shortValue(change.after, 40)}`).join(', ');
    return [
      String(result.index),
      result.identifier ? linked(name, links.entity(result.blueprint, result.identifier)) : code(name),
      result.status,
      cell(detail),
    ];
  });
  const lines = [`${entities.length} entities: ${totals.join(', ')}.`];
  if (results.length > LISTED_ROWS) lines.push(`The first ${LISTED_ROWS} are listed; the \`results\` output has all.`);

  return {
    outputs: {
      identifiers: results.flatMap((result) =>
        result.status !== 'failed' && result.identifier ? [result.identifier] : [],
      ),
      results,
    },
    summary: {
      heading: dryRun ? 'Port: BULK_UPSERT (dry run, nothing written)' : 'Port: BULK_UPSERT',
      lines,
      table: { header: ['#', 'entity', 'status', dryRun ? 'changes or error' : 'error'], rows },
    },
    failure: failed.length > 0 ? describeFailures(failed, results.length) : undefined,
  };
}

function describeFailures(failed: EntityResult[], total: number): string {
  const lines = failed.slice(0, LISTED_FAILURES).map(({ index, blueprint, identifier, error }) => {
    const what = error ? `${error.statusCode ?? ''} ${error.error}: ${error.message}`.trim() : 'failed';
    return `- [${index}] ${blueprint}/${identifier ?? '(no identifier)'}: ${what}`;
  });
  if (failed.length > LISTED_FAILURES)
    lines.push(`- and ${failed.length - LISTED_FAILURES} more (see the results output)`);
  return `BULK_UPSERT: ${failed.length} of ${total} entities failed:\n${lines.join('\n')}`;
}

/** Dry run: each validated entity's changes against what the catalog holds now; none at all means unchanged. */
async function withChanges(
  client: PortClient,
  entities: BulkEntity[],
  results: EntityResult[],
): Promise<EntityResult[]> {
  const current = await currentEntities(client, results);
  return results.map((result) => {
    if (result.status === 'failed') return result;
    const { blueprint: _blueprint, ...input } = entities[result.index]!;
    const before = result.identifier ? current.get(key(result.blueprint, result.identifier)) : undefined;
    const changes = entityChanges(before, input);
    if (!before) return { ...result, status: 'created', changes };
    return { ...result, status: changes.length > 0 ? 'updated' : 'unchanged', changes };
  });
}

const key = (blueprint: string, identifier: string) => `${blueprint}\u0000${identifier}`;

/** The catalog's current entities among those the results name, found by identifier, per blueprint. */
async function currentEntities(client: PortClient, results: EntityResult[]): Promise<Map<string, EntityAnswer>> {
  const wanted = Map.groupBy(
    results.filter((result) => result.status === 'updated' && result.identifier),
    (result) => result.blueprint,
  );
  const found = new Map<string, EntityAnswer>();
  for (const [blueprint, group] of wanted) {
    const identifiers = [...new Set(group.map((result) => result.identifier!))];
    for (let start = 0; start < identifiers.length; start += LOOKUP_CHUNK) {
      const value = identifiers.slice(start, start + LOOKUP_CHUNK);
      const entities = await client.searchBlueprintEntities(blueprint, {
        query: { combinator: 'and', rules: [{ property: '$identifier', operator: 'in', value }] },
        limit: 1000,
      });
      for (const entity of entities) found.set(key(blueprint, entity.identifier), entity);
    }
  }
  return found;
}
