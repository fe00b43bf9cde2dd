import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer } from '../__tests__/helpers/child-server.ts';
import { type FakeRepository, startFakeGithub } from '../__tests__/helpers/fake-github.ts';
import { startBenchCatalog } from './catalog-process.ts';
import { githubAppEnv, signedDelivery } from './github-app.ts';
import { format, peakMemoryMiB, percentile } from './stats.ts';

const REPOSITORIES = 1_000;
const LATENCY_MS = 20;
const LIVE_EVENTS = 200;
const REST_CONCURRENCY = 10;
const OWNER = 'bench-org';
const INSTALLATION = 1;

/**
 * Catalog sync, as `npm start` runs it with App credentials, against a local fake GitHub that adds 20 ms to every
 * answer and the embedded catalog (in a process of its own, behind a proxy that counts Port requests):
 * a full resync of an organization of 1,000 repositories (GitHub requests, Port requests, wall time, the App's
 * peak memory), a second one with nothing changed (no tree read again), the REST approach for comparison (list the
 * repositories, then README and CODEOWNERS of each), and the time from a live repository event to its entity
 * written.
 */
export async function runSyncBenchmark(): Promise<void> {
  const github = await startFakeGithub({ latencyMs: LATENCY_MS });
  github.addInstallation(OWNER, INSTALLATION);
  const repositories: FakeRepository[] = [];
  for (let index = 0; index < REPOSITORIES; index++) {
    const name = `service-${String(index).padStart(4, '0')}`;
    repositories.push(
      github.addRepository({
        id: 10_000 + index,
        name,
        owner: OWNER,
        language: ['Go', 'TypeScript', 'Python', 'Java'][index % 4]!,
        topics: [`team-${index % 10}`],
        description: `The ${name} service`,
        files: {
          'README.md': `# ${name}\n\n${'Some words about this service. '.repeat(40)}\n`,
          ...(index % 2 === 0
            ? { '.github/CODEOWNERS': `* @${OWNER}/team-${index % 10}\n` }
            : { CODEOWNERS: `* @${OWNER}/team-${index % 10}\n` }),
        },
      }),
    );
  }

  const catalog = await startBenchCatalog();
  const port = await startCountingProxy(catalog.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-sync-'));
  const app = await startChildServer({
    WHARF_DATA_DIR: dataDir,
    PORT_BASE_URL: port.url,
    PORT_CLIENT_ID: 'bench',
    PORT_CLIENT_SECRET: 'bench-secret',
    ...githubAppEnv(github.url),
  });
  try {
    console.log(
      `sync: app peak memory at start, before any sync (VmHWM) ${format(peakMemoryMiB(app.process.pid!), 0)} MiB`,
    );
    // The full resync.
    github.reset();
    port.reset();
    const started = performance.now();
    const record = await fullResync(app.url);
    const resyncSeconds = (performance.now() - started) / 1000;
    const githubRequests = github.requests.length;
    const graphqlRequests = github.requests.filter((request) => request.path === '/graphql').length;
    const portRequests = port.count();
    const bulkRequests = port.requests.filter((request) => request.path.endsWith('/entities/bulk')).length;
    const appMemory = peakMemoryMiB(app.process.pid!);
    const { entities } = (await catalog.request('GET', '/v1/blueprints/service/entities')) as { entities: unknown[] };
    console.log(
      `sync: full resync of ${REPOSITORIES} repositories (${LATENCY_MS} ms per GitHub request): ${record.state} in ${format(resyncSeconds, 2)} s; ` +
        `${githubRequests} GitHub requests (${graphqlRequests} GraphQL), ${portRequests} Port requests (${bulkRequests} bulk); ` +
        `${entities.length} service entities; app peak memory (VmHWM) ${format(appMemory, 0)} MiB`,
    );

    // Again, nothing changed: the default branches are at the commits their trees were listed at.
    github.reset();
    const againStarted = performance.now();
    const again = await fullResync(app.url);
    const treeReads = github.requests.filter((request) => request.path.includes('/git/trees/')).length;
    console.log(
      `sync: second full resync, nothing changed: ${again.state} in ${format((performance.now() - againStarted) / 1000, 2)} s; ` +
        `${github.requests.length} GitHub requests (${treeReads} tree reads)`,
    );

    // The REST approach: list the repositories, then README and CODEOWNERS of each (at Octokit's default concurrency).
    github.reset();
    const restStarted = performance.now();
    await restApproach(github.url);
    const restSeconds = (performance.now() - restStarted) / 1000;
    console.log(
      `sync: REST approach for the same organization (list, then README and CODEOWNERS of each, ${REST_CONCURRENCY} at a time): ` +
        `${github.requests.length} GitHub requests in ${format(restSeconds, 2)} s`,
    );

    // Live events: one repository.edited at a time, from delivery to the entity's write answered by Port.
    const latencies: number[] = [];
    let githubPerEvent = 0;
    github.reset();
    for (let index = 0; index < LIVE_EVENTS; index++) {
      const repository = repositories[index]!;
      repository.description = `edited ${index}`;
      const sent = performance.now();
      const delivered = await deliver(app.url, 'repository', editedPayload(repository));
      if (delivered.status !== 200) throw new Error(`delivery answered ${delivered.status}`);
      const writtenAt = await port.waitForWrite(repository.name, sent, 10_000);
      latencies.push(writtenAt - sent);
    }
    githubPerEvent = github.requests.length / LIVE_EVENTS;
    console.log(
      `sync: live repository.edited to entity written, ${LIVE_EVENTS} events one after another: p50 ${format(percentile(latencies, 0.5), 0)} ms, ` +
        `p99 ${format(percentile(latencies, 0.99), 0)} ms, max ${format(Math.max(...latencies), 0)} ms; ${format(githubPerEvent, 1)} GitHub requests per event`,
    );
    console.log(`sync: app peak memory after all (VmHWM) ${format(peakMemoryMiB(app.process.pid!), 0)} MiB`);
  } finally {
    await app.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    await port.close();
    await catalog.stop();
    await github.close();
  }
}

/** Starts a full resync of OWNER and waits for its end: its record. */
async function fullResync(url: string): Promise<Record<string, unknown>> {
  const ticket = (await appCall(url, 'POST', '/api/resync', { owner: OWNER })) as {
    resyncs: Array<{ resyncId: number }>;
  };
  const resyncId = ticket.resyncs[0]!.resyncId;
  for (;;) {
    const record = ((await appCall(url, 'GET', `/api/resync/${resyncId}`)) as { resync: Record<string, unknown> })
      .resync;
    if (record.state !== 'running') return record;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function appCall(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: 'Bearer bench-secret', 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

function editedPayload(repository: FakeRepository): Record<string, unknown> {
  return {
    action: 'edited',
    changes: { description: { from: 'before' } },
    repository: {
      id: repository.id,
      node_id: `R_${repository.id}`,
      name: repository.name,
      full_name: `${OWNER}/${repository.name}`,
      private: false,
      visibility: 'public',
      owner: { login: OWNER, id: 9000, type: 'Organization' },
      html_url: `https://github.com/${OWNER}/${repository.name}`,
      description: repository.description,
      language: repository.language,
      topics: repository.topics,
      archived: false,
      default_branch: 'main',
      pushed_at: '2025-06-01T12:00:00Z',
    },
    installation: { id: INSTALLATION },
    sender: { login: 'octocat', id: 1 },
  };
}

async function deliver(url: string, event: string, payload: unknown): Promise<Response> {
  const { body, headers } = signedDelivery(event, payload);
  return fetch(`${url}/api/github/webhooks`, { method: 'POST', headers, body });
}

/** What a sync that reads with REST does: list the repositories, then two files of each. */
async function restApproach(githubUrl: string): Promise<void> {
  const headers = { authorization: 'token ghs_rest', accept: 'application/vnd.github+json' };
  const names: string[] = [];
  for (let page = 1; ; page++) {
    const response = await fetch(`${githubUrl}/orgs/${OWNER}/repos?per_page=100&page=${page}`, { headers });
    const batch = (await response.json()) as Array<{ name: string }>;
    names.push(...batch.map((repository) => repository.name));
    if (batch.length < 100) break;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++]!;
      await (await fetch(`${githubUrl}/repos/${OWNER}/${name}/readme`, { headers })).text();
      await (await fetch(`${githubUrl}/repos/${OWNER}/${name}/contents/.github/CODEOWNERS`, { headers })).text();
    }
  };
  await Promise.all(Array.from({ length: REST_CONCURRENCY }, worker));
}

interface CountingProxy {
  url: string;
  requests: Array<{ method: string; path: string }>;
  count(): number;
  reset(): void;
  /** Resolves with the time (performance.now) Port answered a write of `identifier` that started after `after`. */
  waitForWrite(identifier: string, after: number, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

/** A proxy in front of the catalog that counts requests and notes when each entity write was answered. */
async function startCountingProxy(target: string): Promise<CountingProxy> {
  const requests: Array<{ method: string; path: string }> = [];
  const writes = new Map<string, { started: number; answered: number }>();
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = (request.url ?? '/').split('?')[0]!;
    requests.push({ method: request.method ?? 'GET', path });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    }
    const answer = await fetch(target + request.url, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
    });
    const text = Buffer.from(await answer.arrayBuffer());
    if (path.includes('/entities') && request.method === 'POST' && answer.status < 300) {
      const sent = JSON.parse(body.toString('utf8') || '{}') as {
        identifier?: string;
        entities?: Array<{ identifier?: string }>;
      };
      const answered = performance.now();
      for (const entity of sent.entities ?? [sent]) {
        if (entity.identifier) writes.set(entity.identifier, { started, answered });
      }
    }
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(text);
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    count: () => requests.length,
    reset: () => {
      requests.length = 0;
    },
    async waitForWrite(identifier, after, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const write = writes.get(identifier);
        if (write && write.started >= after) return write.answered;
        if (performance.now() > deadline) throw new Error(`no write of ${identifier} within ${timeoutMs} ms`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
