import { startBenchCatalog } from './catalog-process.ts';
import { startReceiver } from '../__tests__/helpers/receiver.ts';
import { format, inParallel, percentile } from './stats.ts';

const RUNS = 2_000;
const CHANGELOG_ENTITIES = 10_000;
const CONCURRENCY = 8;
const PACED_RATE = 200;
const PACED_EVENTS = 1_000;

/**
 * A self-service action `identifier` (input `version`) whose WEBHOOK to `url` renders its body with jq: the run's id
 * as `run`, and its inputs.
 */
export function renderedAction(identifier: string, url: string): unknown {
  return {
    identifier,
    title: identifier,
    trigger: {
      type: 'self-service',
      operation: 'CREATE',
      userInputs: { properties: { version: { type: 'string' }, replicas: { type: 'number', default: 1 } } },
    },
    invocationMethod: {
      type: 'WEBHOOK',
      url,
      body: { run: '{{ .run.id }}', version: '{{ .inputs.version }}', replicas: '{{ .inputs.replicas }}' },
    },
  };
}

/**
 * Self-service runs and changelog events on the embedded catalog (a separate process, as `npm start` runs it)
 * with a local receiver: runs created per second and invoked per second, changelog events delivered per second,
 * and the time from write to delivery.
 */
export async function runRunsBenchmark(): Promise<void> {
  const receiver = await startReceiver();
  const server = await startBenchCatalog();
  try {
    const { call } = server;

    await call('/v1/actions', renderedAction('deploy', `${receiver.url}/invoke`));
    const runsStarted = performance.now();
    await inParallel(RUNS, CONCURRENCY, async (i) => {
      await call('/v1/actions/deploy/runs', { properties: { version: `1.0.${i}` } });
    });
    const createdSeconds = (performance.now() - runsStarted) / 1000;
    await receiver.waitFor(RUNS, 120_000);
    const invokedSeconds = (performance.now() - runsStarted) / 1000;
    console.log(
      `runs: ${RUNS} created in ${format(createdSeconds, 2)} s = ${format(RUNS / createdSeconds, 0)} runs/s (${CONCURRENCY} concurrent); all invoked (templates rendered with jq, signed, delivered) after ${format(invokedSeconds, 2)} s = ${format(RUNS / invokedSeconds, 0)} invocations/s`,
    );

    console.log(`runs server peak memory after the runs (VmHWM): ${format(server.peakMemoryMiB(), 0)} MiB`);
    receiver.requests.length = 0;
    await call('/v1/blueprints', {
      identifier: 'config',
      title: 'Config',
      schema: { properties: { health: { type: 'string' }, cpu: { type: 'number' } } },
      changelogDestination: { type: 'WEBHOOK', url: `${receiver.url}/changelog` },
    });
    const writtenAt = new Map<string, number>();
    const changelogStarted = performance.now();
    await inParallel(CHANGELOG_ENTITIES / 20, CONCURRENCY, async (batch) => {
      const entities = Array.from({ length: 20 }, (_, i) => ({
        identifier: `cfg-${batch * 20 + i}`,
        properties: { health: 'Healthy', cpu: i },
      }));
      const started = Date.now();
      for (const entity of entities) writtenAt.set(entity.identifier, started);
      await call('/v1/blueprints/config/entities/bulk?upsert=true', { entities });
    });
    await receiver.waitFor(CHANGELOG_ENTITIES, 120_000);
    const deliveredSeconds = (performance.now() - changelogStarted) / 1000;
    const latencies = receiver.requests
      .filter((request) => request.path === '/changelog')
      .map((request) => {
        const entity = (request.body as { context: { entity: string } }).context.entity;
        return request.at - writtenAt.get(entity)!;
      });
    console.log(
      `changelog: ${CHANGELOG_ENTITIES} events (bulk writes of 20, ${CONCURRENCY} concurrent) delivered in ${format(deliveredSeconds, 2)} s = ${format(CHANGELOG_ENTITIES / deliveredSeconds, 0)} events/s; write to delivery p50 ${format(percentile(latencies, 0.5), 0)} ms, p95 ${format(percentile(latencies, 0.95), 0)} ms, p99 ${format(percentile(latencies, 0.99), 0)} ms`,
    );
    // Latency at a steady rate (the burst above measures throughput, where latency is mostly queueing).
    receiver.requests.length = 0;
    writtenAt.clear();
    const paced: Promise<unknown>[] = [];
    for (let i = 0; i < PACED_EVENTS; i++) {
      const identifier = `paced-${i}`;
      writtenAt.set(identifier, Date.now());
      paced.push(call('/v1/blueprints/config/entities?upsert=true', { identifier, properties: { health: 'Healthy' } }));
      await new Promise((resolve) => setTimeout(resolve, 1000 / PACED_RATE));
    }
    await Promise.all(paced);
    await receiver.waitFor(PACED_EVENTS, 60_000);
    const pacedLatencies = receiver.requests.map(
      (request) => request.at - writtenAt.get((request.body as { context: { entity: string } }).context.entity)!,
    );
    console.log(
      `changelog at a steady ${PACED_RATE} writes/s (${PACED_EVENTS} single-entity writes): write to delivery p50 ${format(percentile(pacedLatencies, 0.5), 0)} ms, p95 ${format(percentile(pacedLatencies, 0.95), 0)} ms, p99 ${format(percentile(pacedLatencies, 0.99), 0)} ms`,
    );
    console.log(`runs server peak memory (VmHWM): ${format(server.peakMemoryMiB(), 0)} MiB`);
  } finally {
    await server.stop();
    await receiver.close();
  }
}
