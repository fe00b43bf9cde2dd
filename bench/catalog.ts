import { DatabaseSync } from 'node:sqlite';
import { startBenchCatalog } from './catalog-process.ts';
import { format, percentile } from './stats.ts';

const BULK_ENTITIES = 10_000;
const SEARCH_ENTITIES = 100_000;
const SEARCH_RUNS = 50;
const CONCURRENCY = 8;
const LANGUAGES = ['Go', 'Python', 'Java', 'TypeScript', 'Rust'];

/**
 * The embedded catalog as a separate process (as `npm start` runs it), driven over loopback:
 * bulk upsert throughput, search latency over 100,000 entities, and the server's peak memory.
 */
export async function runCatalogBenchmark(): Promise<void> {
  const server = await startBenchCatalog();
  try {
    const { call } = server;
    await call('/v1/blueprints', SERVICE_BLUEPRINT);

    const bulkSeconds = await bulkUpsert(call, 0, BULK_ENTITIES);
    console.log(
      `catalog bulk upsert: ${BULK_ENTITIES} entities in ${format(bulkSeconds, 2)} s = ${format(BULK_ENTITIES / bulkSeconds, 0)} entities/s (batches of 20, ${CONCURRENCY} concurrent)`,
    );

    const loadSeconds = await bulkUpsert(call, BULK_ENTITIES, SEARCH_ENTITIES);
    console.log(
      `catalog load to ${SEARCH_ENTITIES} entities: ${format((SEARCH_ENTITIES - BULK_ENTITIES) / loadSeconds, 0)} entities/s`,
    );

    const goRule = { combinator: 'and', rules: [{ property: 'language', operator: '=', value: 'Go' }] };
    const byStars = { property: 'stars', order: 'desc' };
    const searches: [string, Record<string, unknown>][] = [
      [
        'equality (name = svc-77777)',
        { query: { combinator: 'and', rules: [{ property: 'name', operator: '=', value: 'svc-77777' }] } },
      ],
      [
        'contains (description contains "unit 4242")',
        {
          query: { combinator: 'and', rules: [{ property: 'description', operator: 'contains', value: 'unit 4242' }] },
        },
      ],
      ['equality, many matches (language = Go, limit 200)', { query: goRule }],
      // The console's table: filter on one property, sort by another, 50 rows; then a page further on.
      ['table page (language = Go, sort stars desc, limit 50)', { query: goRule, sort: byStars, limit: 50 }],
      [
        'table page 21 (language = Go, sort stars desc, limit 50, offset 1000)',
        { query: goRule, sort: byStars, limit: 50, offset: 1000 },
      ],
      // Filters no index answers: the first entities in the sort's order are tried; when they do not hold the page
      // (few matches), every entity is filtered and the matches sorted.
      [
        'table page (description contains "unit 4", many matches, sort stars desc, limit 50)',
        {
          query: { combinator: 'and', rules: [{ property: 'description', operator: 'contains', value: 'unit 4' }] },
          sort: byStars,
          limit: 50,
        },
      ],
      [
        'table page (description contains "unit 4242", sort stars desc, limit 50)',
        {
          query: { combinator: 'and', rules: [{ property: 'description', operator: 'contains', value: 'unit 4242' }] },
          sort: byStars,
          limit: 50,
        },
      ],
    ];
    for (const [label, body] of searches) {
      const times: number[] = [];
      let found = 0;
      // The first search that compares or sorts by a property builds its index (once per catalog): timed on its own.
      const first = performance.now();
      await call('/v1/blueprints/service/entities/search', { limit: 200, ...body });
      const firstMs = performance.now() - first;
      for (let run = 0; run < SEARCH_RUNS; run++) {
        const started = performance.now();
        const page = (await call('/v1/blueprints/service/entities/search', { limit: 200, ...body })) as {
          entities: unknown[];
        };
        times.push(performance.now() - started);
        found = page.entities.length;
      }
      console.log(
        `catalog search over ${SEARCH_ENTITIES}, ${label}: p50 ${format(percentile(times, 0.5))} ms, p95 ${format(percentile(times, 0.95))} ms (${found} found, ${SEARCH_RUNS} runs after a first of ${format(firstMs)} ms, over HTTP)`,
      );
    }
    console.log(`catalog server peak memory (VmHWM): ${format(server.peakMemoryMiB(), 0)} MiB`);
  } finally {
    await server.stop();
    const sqlite = (new DatabaseSync(':memory:').prepare('select sqlite_version() AS v').get() as { v: string }).v;
    console.log(`machine: Node ${process.version}, SQLite ${sqlite}, ${(await import('node:os')).cpus().length} cores`);
  }
}

/** The `service` blueprint the catalog benchmarks fill. */
export const SERVICE_BLUEPRINT = {
  identifier: 'service',
  title: 'Service',
  schema: {
    properties: {
      name: { type: 'string' },
      language: { type: 'string' },
      description: { type: 'string' },
      stars: { type: 'number' },
      url: { type: 'string', format: 'url' },
      archived: { type: 'boolean' },
    },
    required: ['name'],
  },
};

/** The `service` entity number `i`: `svc-<i>`. */
export function serviceEntity(i: number): unknown {
  return {
    identifier: `svc-${i}`,
    title: `Service ${i}`,
    properties: {
      name: `svc-${i}`,
      language: LANGUAGES[i % LANGUAGES.length],
      description: `the service of unit ${i} in the bench catalog`,
      stars: i % 1000,
      url: `https://example.com/svc/${i}`,
      archived: i % 7 === 0,
    },
  };
}

/** Writes `service` entities `from`..`to`-1 in bulk batches of 20, 8 at a time; answers the seconds it took. */
export async function bulkUpsert(
  call: (path: string, body: unknown) => Promise<unknown>,
  from: number,
  to: number,
): Promise<number> {
  let next = from;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < to) {
      const start = next;
      next = Math.min(to, next + 20);
      const entities = [];
      for (let i = start; i < next; i++) entities.push(serviceEntity(i));
      const result = (await call('/v1/blueprints/service/entities/bulk?upsert=true', { entities })) as {
        errors: unknown[];
      };
      if (result.errors.length > 0) throw new Error(`bulk write failed: ${JSON.stringify(result.errors[0])}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - started) / 1000;
}
