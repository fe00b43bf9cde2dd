/** The Action's operations: each takes its typed settings and the client, and reports outputs and a summary. */
import type { OperationContext, StepReport } from '../report.ts';
import type { OperationSettings } from '../settings.ts';
import { bulkUpsertOperation } from './bulk-upsert.ts';
import { createRunOperation } from './create-run.ts';
import { deleteOperation } from './delete.ts';
import { getOperation } from './get.ts';
import { patchRunOperation } from './patch-run.ts';
import { searchOperation } from './search.ts';
import { upsertOperation } from './upsert.ts';

export type { EntityResult } from './bulk-upsert.ts';

export function runOperation(settings: OperationSettings, context: OperationContext): Promise<StepReport> {
  switch (settings.operation) {
    case 'UPSERT':
      return upsertOperation(settings, context);
    case 'GET':
      return getOperation(settings, context);
    case 'SEARCH':
      return searchOperation(settings, context);
    case 'BULK_UPSERT':
      return bulkUpsertOperation(settings, context);
    case 'DELETE':
      return deleteOperation(settings, context);
    case 'CREATE_RUN':
      return createRunOperation(settings, context);
    case 'PATCH_RUN':
      return patchRunOperation(settings, context);
  }
}
