import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildServer, startChildServer } from '../__tests__/helpers/child-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../__tests__/helpers/fake-github.ts';
import { kindDefinition } from '../app/sync/kinds/index.ts';
import type { Kind } from '../app/sync/mapping/index.ts';
import { type BenchCatalog, startBenchCatalog } from './catalog-process.ts';
import { githubAppEnv, signedDelivery } from './github-app.ts';
import { format, cpuMilliseconds, peakMemoryMiB, percentile } from './stats.ts';
import { BENCH_BLUEPRINTS, benchConfig, benchKinds, ROOT_SPEC_PATH } from './sync-config.ts';
import { addBenchOrganization, type BenchOrganization } from './sync-org.ts';
import {
  busyMilliseconds,
  type CountingProxy,
  type GithubCall,
  type GithubRecorder,
  startCountingProxy,
  startGithubRecorder,
} from './sync-proxies.ts';
import { count, table } from './sync-report.ts';
import { restRepositoryFiles, restSync } from './sync-rest.ts';

const LATENCY_MS = 20;
const LIVE_EVENTS = 200;
/** The old comparison's concurrency (the repository part alone), kept as it was. */
const REST_FILES_CONCURRENCY = 10;
/** wharf's GitHub requests at once per installation (app/sync/github/graphql-reader.ts): the REST way gets as many. */
const WHARF_CONCURRENCY = 4;
/**
 * GitHub's GraphQL points per hour for an App installation on an organization this large (5,000 scaled by its
 * repositories and users, at most 12,500); the fake's default is 5,000.
 */
const GRAPHQL_POINTS_PER_HOUR = 12_500;
const RESYNC_TIMEOUT_MS = 30 * 60_000;
const OWNER = 'bench-org';
const INSTALLATION = 1;

/** The issue's goals. */
const GOALS = { githubRequests: 1_000, ownSeconds: 60, memoryMiB: 400 };

interface ResyncMeasure {
  state: string;
  message: string;
  seconds: number;
  /** Wall time minus the time at least one GitHub request was under way. */
  ownSeconds: number;
  githubBusySeconds: number;
  /** Time at least one Port request was under way. */
  portBusySeconds: number;
  /** Time neither a GitHub nor a Port request was under way: the App alone. */
  appAloneSeconds: number;
  catalogCpuSeconds: number;
  /** Mean GitHub requests under way while any was. */
  inFlight: number;
  appCpuSeconds: number;
  /** As the resync's record reports them. */
  record: { graphql: number; rest: number; points: number };
  /** As the fake GitHub saw them (the App's config reads and token included). */
  fake: { requests: number; graphql: number; points: number };
  calls: GithubCall[];
  portRequests: number;
  bulkRequests: number;
  entities: number;
  appMemoryMiB: number;
  /** The App's resident memory at its highest in each phase of the resync (sampled every 20 ms or so). */
  rssByPhase: Map<string, number>;
}

interface Scenario {
  label: string;
  first: ResyncMeasure;
  again: ResyncMeasure;
  startMemoryMiB: number;
  /** Entities in the catalog after the first resync, by blueprint. */
  catalog: Record<string, number>;
}

/**
 * Catalog sync, as `npm start` runs it with App credentials, of the organization of issue 12 (10,000 repositories;
 * 1,000 with 20 open pull requests and 20 open issues; 100 teams of 20; 5,000 Dependabot alerts) in a local fake
 * GitHub that adds 20 ms to every answer, mapped with a configuration of repositories, pull requests, issues, teams
 * and Dependabot alerts into the embedded catalog (in a process of its own, behind a proxy that counts Port
 * requests). For the default `specPath` and for a root-only one: a full resync (wall time, wharf's own time, GitHub
 * requests and points, Port requests, entities, the App's peak memory) and a second one with nothing changed. Then
 * the REST way of the same sync and of the repository files, and the time from a live repository event to its
 * entity written.
 *
 * wharf's own time: the resync's wall time minus the time during which at least one of its GitHub requests was
 * under way (measured at a proxy in front of the fake GitHub): what is left is time wharf spent on its own work
 * (mapping, SQLite, Port writes) while GitHub owed it nothing.
 */
export async function runSyncBenchmark(): Promise<void> {
  const github = await startFakeGithub({ latencyMs: LATENCY_MS });
  github.addInstallation(OWNER, INSTALLATION);
  const built = performance.now();
  const organization = addBenchOrganization(github, OWNER);
  const { shape } = organization;
  globalThis.gc?.();
  console.log(
    `sync: organization ${OWNER}: ${count(shape.repositories)} repositories (and its .github), ${count(shape.active)} with ` +
      `${shape.pullsPerRepository} open pull requests and ${shape.issuesPerRepository} open issues, ${shape.teams} teams of ` +
      `${shape.membersPerTeam}, ${count(shape.alerts)} open Dependabot alerts; built in ${format((performance.now() - built) / 1000, 2)} s, ` +
      `bench heap ${format(process.memoryUsage().heapUsed / 2 ** 20, 0)} MiB; ${LATENCY_MS} ms per GitHub request`,
  );
  const synced = new Set(benchKinds().filter((kind) => kind === 'repository' || kindDefinition(kind as Kind)));
  const missing = benchKinds().filter((kind) => !synced.has(kind));
  console.log(
    `sync: configuration: ${[...synced].join(', ')}` +
      (missing.length > 0 ? `; left out, wharf does not sync them yet: ${missing.join(', ')}` : ''),
  );
  console.log(`sync: the App runs as npm start runs it: node ${appNodeOptions().NODE_OPTIONS ?? '(no flags)'}`);
  const recorder = await startGithubRecorder(github.url);
  const scenarios: Scenario[] = [];
  let rest: { seconds: number; requests: number; graphqlFree: boolean; objects: Record<string, number> } | undefined;
  let restFiles: { seconds: number; requests: number } | undefined;
  try {
    // BENCH_SYNC_QUICK=1: the root-only specPath alone, without the REST way and live events.
    const quick = Boolean(process.env.BENCH_SYNC_QUICK);
    for (const [label, specPath] of [
      ...(quick ? [] : [['default specPath (**/port.yml)', undefined] as const]),
      [`specPath: ${ROOT_SPEC_PATH}`, ROOT_SPEC_PATH] as const,
    ]) {
      organization.setConfig(benchConfig(specPath, synced));
      organization.kinds = benchKinds().filter((kind) => synced.has(kind));
      scenarios.push(
        await runScenario(label, github, recorder, organization, async (app, port) => {
          if (!quick && scenarios.length === 0) await liveEvents(app, port, github, organization.repositories);
        }),
      );
      reportFakeProblems(github);
    }

    // The REST way of the same sync, at wharf's concurrency, and the repository files alone as before.
    if (quick) return report(scenarios, organization, undefined, undefined);
    github.reset();
    let started = performance.now();
    const counted = await restSync(github.url, OWNER, WHARF_CONCURRENCY);
    rest = {
      seconds: (performance.now() - started) / 1000,
      requests: github.requests.length,
      graphqlFree: github.requests.every((request) => request.path !== '/graphql'),
      objects: counted.objects,
    };
    github.reset();
    started = performance.now();
    await restRepositoryFiles(github.url, OWNER, REST_FILES_CONCURRENCY);
    restFiles = { seconds: (performance.now() - started) / 1000, requests: github.requests.length };
    reportFakeProblems(github);
  } finally {
    await recorder.close();
    await github.close();
  }
  report(scenarios, organization, rest, restFiles);
}

/** A fresh catalog (with the configuration's blueprints) and App; a full resync and a second one; then `more`. */
async function runScenario(
  label: string,
  github: FakeGithub,
  recorder: GithubRecorder,
  organization: BenchOrganization,
  more: (app: ChildServer, port: CountingProxy) => Promise<void>,
): Promise<Scenario> {
  const catalog = await startBenchCatalog();
  for (const blueprint of BENCH_BLUEPRINTS) await catalog.request('POST', '/v1/blueprints', blueprint);
  const port = await startCountingProxy(catalog.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-sync-'));
  const app = await startChildServer({
    WHARF_DATA_DIR: dataDir,
    PORT_BASE_URL: port.url,
    PORT_CLIENT_ID: 'bench',
    PORT_CLIENT_SECRET: 'bench-secret',
    ...githubAppEnv(recorder.url),
    ...appNodeOptions(),
  });
  try {
    const startMemoryMiB = peakMemoryMiB(app.process.pid!);
    const phases = organization.kinds.filter((kind) => kind !== 'repository');
    const first = await measureResync(app, github, recorder, port, catalog, phases);
    const catalogCounts = await entityCounts(catalog, Object.keys(organization.expected));
    console.log(`sync: ${label}: first resync ${first.state} in ${format(first.seconds, 1)} s: ${first.message}`);
    console.log(`sync: ${label}: first resync, the App's highest resident memory in each phase: ${phaseMemory(first)}`);
    const firstOutput = app.output().length;
    if (process.env.BENCH_HEAP) {
      console.log(`sync: ${label}: first resync, the App's memory by thread: ${heapFigures(app.output())}`);
    }
    const again = await measureResync(app, github, recorder, port, catalog, phases);
    console.log(`sync: ${label}: second resync ${again.state} in ${format(again.seconds, 1)} s: ${again.message}`);
    console.log(
      `sync: ${label}: second resync, the App's highest resident memory in each phase: ${phaseMemory(again)}`,
    );
    if (process.env.BENCH_HEAP) {
      const output = app.output();
      console.log(
        `sync: ${label}: second resync, the App's memory by thread: ${heapFigures(output.slice(firstOutput))}`,
      );
      writeFileSync('/tmp/bench-sync-app-output.txt', output);
    }
    await more(app, port);
    return { label, first, again, startMemoryMiB, catalog: catalogCounts };
  } catch (error) {
    console.log(`sync: ${label}: the App's output ends with:\n${app.output().slice(-4000)}`);
    throw error;
  } finally {
    await app.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    await port.close();
    await catalog.stop();
  }
}

async function measureResync(
  app: ChildServer,
  github: FakeGithub,
  recorder: GithubRecorder,
  port: CountingProxy,
  catalog: BenchCatalog,
  phases: readonly string[],
): Promise<ResyncMeasure> {
  github.reset();
  github.graphqlQuota.limit = GRAPHQL_POINTS_PER_HOUR;
  recorder.reset();
  port.reset();
  const pid = app.process.pid!;
  const cpuBefore = cpuMilliseconds(pid);
  const catalogCpuBefore = catalog.cpuMilliseconds();
  const started = performance.now();
  // The App's resident memory, sampled while the resync runs, at its highest in each phase.
  const rssByPhase = new Map<string, number>();
  const record = await fullResync(app.url, (running) => {
    const phase = phaseOf(running.cursor, phases);
    rssByPhase.set(phase, Math.max(rssByPhase.get(phase) ?? 0, residentMemoryMiB(pid)));
  });
  const ended = performance.now();
  const busy = busyMilliseconds(recorder.calls, started, ended);
  const portBusy = busyMilliseconds(port.spans, started, ended);
  const eitherBusy = busyMilliseconds([...recorder.calls, ...port.spans], started, ended);
  const summed = recorder.calls.reduce((sum, call) => sum + (call.answered - call.started), 0);
  const github_ = record.github as ResyncMeasure['record'];
  return {
    state: String(record.state),
    message: String(record.message ?? ''),
    seconds: (ended - started) / 1000,
    ownSeconds: (ended - started - busy) / 1000,
    githubBusySeconds: busy / 1000,
    portBusySeconds: portBusy / 1000,
    appAloneSeconds: (ended - started - eitherBusy) / 1000,
    catalogCpuSeconds: (catalog.cpuMilliseconds() - catalogCpuBefore) / 1000,
    inFlight: busy > 0 ? summed / busy : 0,
    appCpuSeconds: (cpuMilliseconds(pid) - cpuBefore) / 1000,
    record: github_,
    fake: {
      requests: github.requests.length,
      graphql: github.requests.filter((request) => request.path === '/graphql').length,
      points: github.graphqlQuota.used,
    },
    calls: [...recorder.calls],
    portRequests: port.count(),
    bulkRequests: port.requests.filter((request) => request.path.endsWith('/entities/bulk')).length,
    entities: Number(record.entities),
    appMemoryMiB: peakMemoryMiB(pid),
    rssByPhase,
  };
}

/** The kind a resync's saved cursor is at: phase 0 (a bare cursor) is the repositories, phase n the n-th other kind. */
function phaseOf(cursor: unknown, phases: readonly string[]): string {
  if (typeof cursor !== 'string' || !cursor.startsWith('{"phase"')) return 'repository';
  const phase = (JSON.parse(cursor) as { phase: number }).phase;
  return phases[phase - 1] ?? 'stale deletion';
}

function residentMemoryMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function entityCounts(catalog: BenchCatalog, blueprints: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const blueprint of blueprints) {
    const { entities } = (await catalog.request('GET', `/v1/blueprints/${blueprint}/entities`)) as {
      entities: unknown[];
    };
    counts[blueprint] = entities.length;
  }
  return counts;
}

/**
 * The highest of the App's memory figures (sync-heap-probe.ts lines in its output), in MiB: its main thread's, then
 * those of the jq workers (any one of them; the pool replaces a worker whose memory grew, so there are several); and
 * the main thread's garbage collections over `output` (young, full, and the milliseconds they took).
 */
function heapFigures(output: string): string {
  const main: Record<string, number> = {};
  const workers: Record<string, number> = {};
  const collections: Record<string, { first: number; last: number }> = {};
  for (const match of output.matchAll(/^bench-heap (\{.*\})$/gm)) {
    const { thread, ...figures } = JSON.parse(match[1]!) as Record<string, number>;
    const highest = thread === 0 ? main : workers;
    for (const [name, value] of Object.entries(figures)) {
      if (!name.startsWith('gc')) highest[name] = Math.max(highest[name] ?? 0, value / 2 ** 20);
      else if (thread === 0) collections[name] = { first: collections[name]?.first ?? value, last: value };
    }
  }
  // rss is the whole process's: the main thread's line says it.
  delete workers.rss;
  const list = (highest: Record<string, number>) =>
    Object.entries(highest)
      .map(([name, mib]) => `${name} ${format(mib, 0)}`)
      .join(', ');
  const gc = Object.entries(collections)
    .map(([name, { first, last }]) => `${name} ${format(last - first, 0)}`)
    .join(', ');
  return `main thread: ${list(main)}; a jq worker: ${list(workers) || 'none'} MiB (each at its highest); main thread: ${gc}`;
}

const phaseMemory = (measure: ResyncMeasure) =>
  [...measure.rssByPhase].map(([phase, mib]) => `${phase} ${format(mib, 0)} MiB`).join(', ');

/**
 * Node options of the App: the node flags of `npm start` (package.json's start script; child-server.ts starts the
 * same entry point with --disable-warning only), then these for diagnosis: BENCH_PROFILE=1 writes a CPU profile to
 * /tmp/prof-app when it stops; BENCH_HEAP=1 has it print its heap figures twice a second (sync-heap-probe.ts),
 * reported after each resync (its whole output in /tmp/bench-sync-app-output.txt); BENCH_OLD_SPACE_MIB=n and
 * BENCH_SEMI_SPACE_MIB=n set its V8 old space (`--max-old-space-size`) and its young generation's semi-spaces
 * (`--max-semi-space-size`) instead of npm start's, to see how much heap a resync needs.
 */
function appNodeOptions(): { NODE_OPTIONS?: string } {
  const options = [
    ...npmStartFlags(),
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof-app'] : []),
    ...(process.env.BENCH_HEAP ? [`--import=${fileURLToPath(new URL('./sync-heap-probe.ts', import.meta.url))}`] : []),
    // Later than npm start's: the last of a flag given twice wins.
    ...(process.env.BENCH_OLD_SPACE_MIB ? [`--max-old-space-size=${process.env.BENCH_OLD_SPACE_MIB}`] : []),
    ...(process.env.BENCH_SEMI_SPACE_MIB ? [`--max-semi-space-size=${process.env.BENCH_SEMI_SPACE_MIB}`] : []),
  ];
  return options.length > 0 ? { NODE_OPTIONS: options.join(' ') } : {};
}

/** The flags `npm start` gives node (`node <flags> server/main.ts`), but for --disable-warning. */
function npmStartFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = scripts.start!.trim().split(/\s+/);
  return words.slice(1, -1).filter((flag) => !flag.startsWith('--disable-warning'));
}

/** Starts a full resync of OWNER and waits for its end: its record. */
async function fullResync(
  url: string,
  onPoll: (record: Record<string, unknown>) => void = () => {},
): Promise<Record<string, unknown>> {
  const ticket = (await appCall(url, 'POST', '/api/resync', { owner: OWNER })) as {
    resyncs: Array<{ resyncId: number }>;
  };
  const resyncId = ticket.resyncs[0]!.resyncId;
  const deadline = performance.now() + RESYNC_TIMEOUT_MS;
  for (;;) {
    const record = ((await appCall(url, 'GET', `/api/resync/${resyncId}`)) as { resync: Record<string, unknown> })
      .resync;
    if (record.state !== 'running') return record;
    onPoll(record);
    if (performance.now() > deadline)
      throw new Error(`resync still running after ${RESYNC_TIMEOUT_MS / 60_000} min: ${JSON.stringify(record)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
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

/** Live events: one repository.edited at a time, from delivery to the entity's write answered by Port. */
async function liveEvents(
  app: ChildServer,
  port: CountingProxy,
  github: FakeGithub,
  repositories: FakeRepository[],
): Promise<void> {
  const latencies: number[] = [];
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
  console.log(
    `sync: live repository.edited to entity written, ${LIVE_EVENTS} events one after another: p50 ${format(percentile(latencies, 0.5), 0)} ms, ` +
      `p99 ${format(percentile(latencies, 0.99), 0)} ms, max ${format(Math.max(...latencies), 0)} ms; ` +
      `${format(github.requests.length / LIVE_EVENTS, 1)} GitHub requests per event; ` +
      `app peak memory after all (VmHWM) ${format(peakMemoryMiB(app.process.pid!), 0)} MiB`,
  );
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

/** What the fake GitHub could not answer as GitHub would (queries refused, data missing, routes it lacks). */
function reportFakeProblems(github: FakeGithub): void {
  const problems = [
    ...github.invalidQueries.map((invalid) => `refused ${invalid.operation ?? 'query'}: ${invalid.errors.join('; ')}`),
    ...github.dataProblems.map((problem) => `data: ${problem}`),
    ...github.unknownRoutes.map((request) => `no route: ${request.method} ${request.path}`),
  ];
  if (problems.length === 0) return;
  const distinct = [...new Set(problems)];
  console.log(`sync: the fake GitHub saw ${problems.length} problems (${distinct.length} distinct), first ones:`);
  for (const problem of distinct.slice(0, 10)) console.log(`sync:   ${problem.slice(0, 400)}`);
  github.invalidQueries.length = 0;
  github.dataProblems.length = 0;
  github.unknownRoutes.length = 0;
}

/** The kind a GitHub request served, from what it read. */
function kindOfCall(label: string): string {
  if (/WharfRepositoryPage|git\/trees|WharfRepositories\b/.test(label)) return 'repository (and GitOps)';
  // The account's repositories listed again (ResyncReads.repositories()): the organization-wide alert list uses it.
  if (label === 'GraphQL WharfKindRepositories') return 'dependabot-alert: repositories listed again';
  if (/pullRequests|\/pulls/.test(label)) return 'pull-request';
  if (/ issues|\/issues/.test(label)) return 'issue';
  if (/Team|teams|\bteam\b/.test(label)) return 'team';
  if (/dependabot|vulnerabilityAlerts/.test(label)) return 'dependabot-alert';
  if (/access_tokens|installation/.test(label)) return 'App token';
  return label;
}

function tally(calls: readonly GithubCall[], key: (call: GithubCall) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(key(call), (counts.get(key(call)) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

function report(
  scenarios: Scenario[],
  organization: BenchOrganization,
  rest: { seconds: number; requests: number; graphqlFree: boolean; objects: Record<string, number> } | undefined,
  restFiles: { seconds: number; requests: number } | undefined,
): void {
  const runs = scenarios.flatMap((scenario) => [
    { title: scenario.label, measure: scenario.first },
    { title: 'again, nothing changed', measure: scenario.again },
  ]);
  const na = '-';
  const rows: string[][] = [
    ['state', ...runs.map((run) => run.measure.state), rest ? 'read only' : na],
    ['wall time (s)', ...runs.map((run) => format(run.measure.seconds, 1)), rest ? format(rest.seconds, 1) : na],
    ["wharf's own time (s)", ...runs.map((run) => format(run.measure.ownSeconds, 1)), na],
    ['GitHub under way (s)', ...runs.map((run) => format(run.measure.githubBusySeconds, 1)), na],
    ['Port under way (s)', ...runs.map((run) => format(run.measure.portBusySeconds, 1)), na],
    ['neither under way: the App alone (s)', ...runs.map((run) => format(run.measure.appAloneSeconds, 1)), na],
    [
      'mean GitHub requests in flight',
      ...runs.map((run) => format(run.measure.inFlight, 2)),
      String(WHARF_CONCURRENCY),
    ],
    ['App CPU (s)', ...runs.map((run) => format(run.measure.appCpuSeconds, 1)), na],
    ['catalog CPU (s)', ...runs.map((run) => format(run.measure.catalogCpuSeconds, 1)), na],
    [
      'GitHub requests (record)',
      ...runs.map((run) => count(run.measure.record.graphql + run.measure.record.rest)),
      rest ? count(rest.requests) : na,
    ],
    ['  GraphQL', ...runs.map((run) => count(run.measure.record.graphql)), rest ? (rest.graphqlFree ? '0' : '?') : na],
    ['  REST', ...runs.map((run) => count(run.measure.record.rest)), rest ? count(rest.requests) : na],
    [
      'GitHub requests (fake GitHub)',
      ...runs.map((run) => count(run.measure.fake.requests)),
      rest ? count(rest.requests) : na,
    ],
    [
      'GraphQL points (record / fake)',
      ...runs.map((run) => `${count(run.measure.record.points)} / ${count(run.measure.fake.points)}`),
      '0',
    ],
    ['Port requests', ...runs.map((run) => count(run.measure.portRequests)), na],
    ['  bulk writes', ...runs.map((run) => count(run.measure.bulkRequests)), na],
    ['entities written (record)', ...runs.map((run) => count(run.measure.entities)), na],
    ['App peak memory, VmHWM (MiB)', ...runs.map((run) => format(run.measure.appMemoryMiB, 0)), na],
  ];
  console.log(`\nsync: full resyncs of ${OWNER} through the App (${LATENCY_MS} ms per GitHub request)`);
  console.log(table(['', ...runs.map((run) => run.title), `REST way, ${WHARF_CONCURRENCY} at a time`], rows));
  console.log(
    `  App peak memory at start, before any sync: ${scenarios.map((scenario) => `${format(scenario.startMemoryMiB, 0)} MiB`).join(', ')}`,
  );
  if (restFiles) {
    console.log(
      `  REST, the repository files alone (list, then README and CODEOWNERS of each, ${REST_FILES_CONCURRENCY} at a time): ` +
        `${count(restFiles.requests)} GitHub requests in ${format(restFiles.seconds, 1)} s; the REST way above leaves these out`,
    );
  }
  if (rest) {
    console.log(
      `  REST way read: ${Object.entries(rest.objects)
        .map(([kind, objects]) => `${count(objects)} ${kind}`)
        .join(', ')}`,
    );
  }

  // GitHub requests by kind and by what they read, for each first resync.
  const firsts = scenarios.map((scenario) => scenario.first);
  for (const [title, key] of [
    ['kind', (call: GithubCall) => kindOfCall(call.label)],
    ['request', (call: GithubCall) => call.label],
  ] as const) {
    const tallies = firsts.map((measure) => tally(measure.calls, key));
    const keys = [...new Set(tallies.flatMap((counts) => [...counts.keys()]))];
    console.log(`\nsync: GitHub requests of each first resync, by ${title} (at the proxy in front of the fake GitHub)`);
    console.log(
      table(
        [title, ...scenarios.map((scenario) => scenario.label)],
        keys.map((name) => [name, ...tallies.map((counts) => count(counts.get(name) ?? 0))]),
      ),
    );
  }

  console.log('\nsync: entities in the catalog after each first resync, by blueprint');
  console.log(
    table(
      ['blueprint', 'expected', ...scenarios.map((scenario) => scenario.label)],
      Object.entries(organization.expected).map(([blueprint, expected]) => [
        blueprint,
        count(expected),
        ...scenarios.map((scenario) => count(scenario.catalog[blueprint] ?? 0)),
      ]),
    ),
  );

  console.log('\nsync: goals of issue 12, for each first resync');
  for (const scenario of scenarios) {
    const { first } = scenario;
    const requests = first.record.graphql + first.record.rest;
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(
      `  ${scenario.label}: GitHub requests ${count(requests)} < ${count(GOALS.githubRequests)} ${verdict(requests < GOALS.githubRequests)}; ` +
        `wharf's own time ${format(first.ownSeconds, 1)} s < ${GOALS.ownSeconds} s ${verdict(first.ownSeconds < GOALS.ownSeconds)}; ` +
        `peak memory ${format(first.appMemoryMiB, 0)} MiB < ${GOALS.memoryMiB} MB (${format((GOALS.memoryMiB * 1e6) / 2 ** 20, 0)} MiB) ` +
        `${verdict(first.appMemoryMiB * 2 ** 20 < GOALS.memoryMiB * 1e6)}`,
    );
  }
}
