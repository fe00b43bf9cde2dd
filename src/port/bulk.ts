import { writeQuery, type EntityMethods, type UpsertOptions } from './entities.ts';
import { PortApiError } from './errors.ts';
import { apiPath, type PortHttp } from './http.ts';
import type { EntityInput } from '../port-model/index.ts';

/** The contract's limits for one bulk request. */
export const MAX_BATCH_ENTITIES = 20;
export const MAX_BODY_BYTES = 1024 * 1024;

/** An entity of any blueprint, as a bulk upsert takes it. */
export type BulkEntity = EntityInput & { blueprint: string };

export interface BulkEntityError {
  /** The HTTP status; absent when no answer arrived (network failure after retries). */
  statusCode?: number;
  error: string;
  message: string;
}

/** The outcome for the input entity at `index`; there is one for every input entity, in input order. */
export interface BulkUpsertResult {
  index: number;
  blueprint: string;
  /** Absent only when the input had none and the server never said which one it generated. */
  identifier?: string;
  status: 'created' | 'updated' | 'failed';
  error?: BulkEntityError;
}

export interface BulkMethods {
  /**
   * Upserts entities of any blueprints through the bulk route: grouped by blueprint, cut into batches of at most 20
   * entities and 1 MiB, sent concurrently. Idempotent (upserts): retried. Never rejects for a failed entity or
   * batch: each one is reported in its result.
   */
  bulkUpsertEntities(entities: BulkEntity[], options?: UpsertOptions): Promise<BulkUpsertResult[]>;
}

/** An input entity on its way: its place in the input and the body that is sent for it. */
interface Item {
  index: number;
  blueprint: string;
  body: EntityInput;
  bytes: number;
}

type BulkAnswer = {
  entities?: Array<{ identifier: string; index: number; created: boolean }>;
  errors?: Array<{ identifier?: string | null; index: number; statusCode: number; error: string; message: string }>;
};

/** `{"entities":[` and `]}` around the comma-separated entities. */
const ENVELOPE_BYTES = Buffer.byteLength('{"entities":[]}');

/**
 * Groups items by blueprint (in order of first appearance), then cuts each group into batches that stay within
 * both limits. An item too large to send at all is left out and returned in `oversized`.
 */
export function planBatches(
  items: Item[],
  limits = { maxEntities: MAX_BATCH_ENTITIES, maxBytes: MAX_BODY_BYTES },
): { batches: Item[][]; oversized: Item[] } {
  const groups = Map.groupBy(items, (item) => item.blueprint);
  const batches: Item[][] = [];
  const oversized: Item[] = [];
  for (const group of groups.values()) {
    let batch: Item[] = [];
    let used = 0; // the batch's entities, each with the comma that would follow it
    for (const item of group) {
      if (ENVELOPE_BYTES + item.bytes > limits.maxBytes) {
        oversized.push(item);
        continue;
      }
      if (batch.length === limits.maxEntities || ENVELOPE_BYTES + used + item.bytes > limits.maxBytes) {
        batches.push(batch);
        batch = [];
        used = 0;
      }
      batch.push(item);
      used += item.bytes + 1;
    }
    if (batch.length > 0) batches.push(batch);
  }
  return { batches, oversized };
}

export function bulkMethods(http: PortHttp, single: Pick<EntityMethods, 'upsertEntity'>): BulkMethods {
  const failed = (item: Item, error: BulkEntityError): BulkUpsertResult => ({
    index: item.index,
    blueprint: item.blueprint,
    identifier: item.body.identifier,
    status: 'failed',
    error,
  });
  // A whole call that failed: its full message says which call, what the server said, and the trace id.
  const callError = (error: PortApiError): BulkEntityError => ({
    statusCode: error.status,
    error: error.code ?? (error.isNetworkError ? 'network_error' : 'http_error'),
    message: error.message,
  });

  /** The server's per-index answer, back on the batch's items; an item it did not mention has failed. */
  function mapAnswer(batch: Item[], answer: BulkAnswer): BulkUpsertResult[] {
    const results = new Map<number, BulkUpsertResult>();
    for (const done of answer.entities ?? []) {
      const item = batch[done.index];
      if (!item) continue;
      const status = done.created ? 'created' : 'updated';
      results.set(done.index, { index: item.index, blueprint: item.blueprint, identifier: done.identifier, status });
    }
    for (const problem of answer.errors ?? []) {
      const item = batch[problem.index];
      if (!item) continue;
      const { statusCode, error, message } = problem;
      const result = failed(item, { statusCode, error, message });
      result.identifier = problem.identifier ?? item.body.identifier;
      results.set(problem.index, result);
    }
    return batch.map(
      (item, position) =>
        results.get(position) ??
        failed(item, { error: 'missing_result', message: "the server's bulk answer did not mention this entity" }),
    );
  }

  async function upsertOneByOne(batch: Item[], options: UpsertOptions): Promise<BulkUpsertResult[]> {
    return Promise.all(
      batch.map(async (item): Promise<BulkUpsertResult> => {
        try {
          const { entity, created } = await single.upsertEntity(item.blueprint, item.body, options);
          const status = created ? 'created' : 'updated';
          return { index: item.index, blueprint: item.blueprint, identifier: entity.identifier, status };
        } catch (error) {
          if (error instanceof PortApiError) return failed(item, callError(error));
          throw error;
        }
      }),
    );
  }

  async function sendBatch(batch: Item[], options: UpsertOptions): Promise<BulkUpsertResult[]> {
    const blueprint = batch[0]!.blueprint;
    try {
      const answer = await http.send<BulkAnswer>({
        operation: 'bulkUpsertEntities',
        method: 'POST',
        path: apiPath`/v1/blueprints/${blueprint}/entities/bulk`,
        query: writeQuery(options, true),
        body: { entities: batch.map((item) => item.body) },
        idempotent: true,
        expect: 'entities',
      });
      return mapAnswer(batch, answer.body);
    } catch (error) {
      if (!(error instanceof PortApiError)) throw error;
      // The server counts bytes its own way (or has a lower limit): one entity per request then.
      if (error.status === 413) return upsertOneByOne(batch, options);
      return batch.map((item) => failed(item, callError(error)));
    }
  }

  return {
    async bulkUpsertEntities(entities, options = {}) {
      const results = new Array<BulkUpsertResult>(entities.length);
      const items: Item[] = [];
      entities.forEach((entity, index) => {
        const { blueprint, ...body } = entity;
        // Inputs come from users' JSON: one without a blueprint fails alone instead of failing the call.
        const item = {
          index,
          blueprint: typeof blueprint === 'string' ? blueprint : '',
          body,
          bytes: Buffer.byteLength(JSON.stringify(body)),
        };
        if (item.blueprint !== '') items.push(item);
        else results[index] = failed(item, { error: 'invalid_request', message: 'the entity has no "blueprint"' });
      });

      const { batches, oversized } = planBatches(items);
      for (const item of oversized) {
        results[item.index] = failed(item, {
          statusCode: 413,
          error: 'payload_too_large',
          message: `the entity is ${item.bytes} bytes of JSON; a request body may be at most ${MAX_BODY_BYTES} bytes (1 MiB)`,
        });
      }
      await Promise.all(
        batches.map(async (batch) => {
          for (const result of await sendBatch(batch, options)) results[result.index] = result;
        }),
      );
      return results;
    },
  };
}
