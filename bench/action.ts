import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPortClient, DEFAULT_CONCURRENCY, MAX_BATCH_ENTITIES } from '../src/port/index.ts';
import { startBenchCatalog } from './catalog-process.ts';
import { format, percentile, peakMemoryMiB } from './stats.ts';

const BUNDLE = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const CREDENTIALS = { clientId: 'bench', clientSecret: 'bench-secret' };
const BULK_ENTITIES = 1_000;
const ADDED_LATENCY_MS = 20;
const COLD_STARTS = 20;
const MEMORY_ENTITIES = 10_000;

/**
 * The Action's bundle as the runner runs it (`node dist/index.js` with INPUT_* variables) against the embedded
 * catalog in its own process: BULK_UPSERT of 1,000 entities through a proxy adding 20 ms to every request, against
 * the vendor's method (one upsert at a time, in sequence) through the same proxy; cold start of one UPSERT and the
 * bundle's size; peak memory of a 10,000-entity BULK_UPSERT from an entitiesFile.
 */
export async function runActionBenchmark(): Promise<void> {
  if (!existsSync(BUNDLE)) throw new Error(`no bundle at ${BUNDLE}: npm run build first`);
  const catalog = await startBenchCatalog();
  const proxy = await startDelayProxy(catalog.url, ADDED_LATENCY_MS);
  try {
    await catalog.call('/v1/blueprints', {
      identifier: 'service',
      title: 'Service',
      schema: { properties: { language: { type: 'string' }, version: { type: 'string' }, stars: { type: 'number' } } },
    });
    const entities = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        identifier: `${prefix}-${i}`,
        blueprint: 'service',
        properties: { language: 'Go', version: `1.0.${i}`, stars: i },
      }));

    // (1) BULK_UPSERT through the slow proxy: wharf, then the vendor's method.
    proxy.requests.length = 0;
    const wharf = await runStep({
      baseUrl: proxy.url,
      operation: 'BULK_UPSERT',
      entities: JSON.stringify(entities('wharf', BULK_ENTITIES)),
    });
    const bulkRequests = proxy.requests.filter((r) => r.path.endsWith('/entities/bulk'));
    const bulkPhaseMs =
      Math.max(...bulkRequests.map((r) => r.endedAt)) - Math.min(...bulkRequests.map((r) => r.startedAt));
    const baselineMs = await upsertOneByOne(proxy.url, entities('vendor', BULK_ENTITIES));
    const rounds = Math.ceil(BULK_ENTITIES / MAX_BATCH_ENTITIES / DEFAULT_CONCURRENCY);
    const floorMs = rounds * ADDED_LATENCY_MS;
    console.log(
      `action BULK_UPSERT of ${BULK_ENTITIES} entities through a proxy adding ${ADDED_LATENCY_MS} ms per request: wharf ${format(wharf.wallMs, 0)} ms (whole step: process start, token, ${bulkRequests.length} bulk requests), vendor's method (one upsert at a time, in sequence) ${format(baselineMs, 0)} ms: ${format(baselineMs / wharf.wallMs, 1)}x faster`,
    );
    console.log(
      `action BULK_UPSERT round trips: floor ceil(${BULK_ENTITIES}/${MAX_BATCH_ENTITIES}/${DEFAULT_CONCURRENCY}) = ${rounds} x ${ADDED_LATENCY_MS} ms = ${floorMs} ms; wharf's bulk phase (first bulk request in to last answer out, at the proxy) ${format(bulkPhaseMs, 0)} ms = ${format(bulkPhaseMs / floorMs, 2)}x the floor; whole step ${format(wharf.wallMs / floorMs, 2)}x`,
    );

    // (2) Cold start: one UPSERT on loopback, straight to the catalog.
    const times: number[] = [];
    for (let run = 0; run < COLD_STARTS; run++) {
      const step = await runStep({
        baseUrl: catalog.url,
        blueprint: 'service',
        identifier: `cold-${run}`,
        properties: '{"language": "Go"}',
      });
      times.push(step.wallMs);
    }
    const bundleBytes = statSync(BUNDLE).size;
    console.log(
      `action cold start (node dist/index.js, one UPSERT on loopback, ${COLD_STARTS} runs): median ${format(percentile(times, 0.5), 0)} ms, p95 ${format(percentile(times, 0.95), 0)} ms; bundle ${format(bundleBytes / 1024, 0)} KiB (${bundleBytes} bytes)`,
    );

    // (3) Peak memory: 10,000 entities from an entitiesFile.
    const workspace = mkdtempSync(join(tmpdir(), 'wharf-bench-repo-'));
    try {
      writeFileSync(join(workspace, 'entities.json'), JSON.stringify(entities('memory', MEMORY_ENTITIES)));
      const step = await runStep(
        { baseUrl: catalog.url, operation: 'BULK_UPSERT', entitiesFile: 'entities.json' },
        workspace,
      );
      console.log(
        `action BULK_UPSERT of ${MEMORY_ENTITIES} entities from an entitiesFile: ${format(step.wallMs / 1000, 2)} s, peak memory (max RSS) ${format(step.peakMiB, 0)} MiB`,
      );
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  } finally {
    await proxy.close();
    await catalog.stop();
  }
}

interface Step {
  wallMs: number;
  peakMiB: number;
}

/** One `node dist/index.js` as the runner starts it; fails loudly if the step fails. Peak RSS from /usr/bin/time. */
async function runStep(inputs: Record<string, string>, workspace = tmpdir()): Promise<Step> {
  const files = mkdtempSync(join(tmpdir(), 'wharf-bench-step-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: join(files, 'output'),
    GITHUB_STEP_SUMMARY: join(files, 'summary'),
    GITHUB_WORKSPACE: workspace,
  };
  for (const [name, value] of Object.entries({ ...CREDENTIALS, ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
  writeFileSync(env.GITHUB_OUTPUT!, '');
  writeFileSync(env.GITHUB_STEP_SUMMARY!, '');
  const timed = existsSync('/usr/bin/time');
  const [command, args] = timed
    ? ['/usr/bin/time', ['-f', 'wharf-max-rss-kb %M', process.execPath, BUNDLE]]
    : [process.execPath, [BUNDLE]];
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let peakKb = 0;
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Without /usr/bin/time, the high-water mark is read from /proc while the process lives.
  const poll = timed ? undefined : setInterval(() => (peakKb = Math.max(peakKb, peakMemoryMiB(child.pid!) * 1024)), 5);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  if (poll) clearInterval(poll);
  rmSync(files, { recursive: true, force: true });
  const reported = /wharf-max-rss-kb (\d+)/.exec(output);
  if (reported) peakKb = Number(reported[1]);
  if (code !== 0) throw new Error(`the step failed (${code}):\n${output}`);
  return { wallMs, peakMiB: peakKb / 1024 };
}

/** The vendor's method: a token, then one merge upsert per entity, each waiting for the one before. */
async function upsertOneByOne(
  baseUrl: string,
  entities: Array<{ blueprint: string; identifier: string }>,
): Promise<number> {
  const client = createPortClient({ baseUrl, ...CREDENTIALS, concurrency: 1 });
  const started = performance.now();
  for (const { blueprint, ...entity } of entities) await client.upsertEntity(blueprint, entity);
  return performance.now() - started;
}

interface DelayProxy {
  url: string;
  requests: Array<{ path: string; startedAt: number; endedAt: number }>;
  close(): Promise<void>;
}

/** Passes every request on to `target` after `delayMs`: a network `delayMs` further away. */
async function startDelayProxy(target: string, delayMs: number): Promise<DelayProxy> {
  const requests: DelayProxy['requests'] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const startedAt = performance.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      setTimeout(() => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
            headers[name] = value;
        }
        fetch(target + request.url, {
          method: request.method,
          headers,
          body: request.method === 'GET' ? undefined : Buffer.concat(chunks),
        })
          .then(async (answer) => {
            const body = Buffer.from(await answer.arrayBuffer());
            response.writeHead(answer.status, {
              'content-type': answer.headers.get('content-type') ?? 'application/json',
            });
            response.end(body);
            requests.push({ path: (request.url ?? '').split('?')[0]!, startedAt, endedAt: performance.now() });
          })
          .catch((error: unknown) => {
            response.writeHead(502);
            response.end(String(error));
          });
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
